#!/usr/bin/env bash
# Installs what building and testing Gossamer needs beyond Rust, if it is
# missing, on Debian 12 (the machines this project builds and tests on):
#   - LLVM 19's development package (`llvm-19-dev`, in bookworm's main
#     archive: headers, llvm-config-19 and libLLVM-19.so): `gossamer build
#     --release` links against libLLVM-19 dynamically through
#     inkwell/llvm-sys, so the workspace does not build without it
#     (design/backends.md says why 19 and not the 14 that Debian 12
#     installs by default);
#   - the C++ standard library's link-time files (`libstdc++-12-dev`),
#     which llvm-sys links against even when LLVM is linked dynamically;
#   - a C compiler (`cc`), which links Rust's own build scripts and the
#     executables `gossamer build` writes.
# Both the README's first set-up command and .ci/run call it; it does
# nothing when everything is present, so running it again is cheap.
# Elsewhere than Debian, install those yourself; setting
# LLVM_SYS_191_PREFIX (llvm-sys's own variable: the prefix of an LLVM 19
# installation) makes this script leave LLVM alone.
# Benchmark scripts install their own extras (Go, Lua, matplotlib).
set -euo pipefail

# Whether Debian package $1 is installed.
installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    if [ -n "${LLVM_SYS_191_PREFIX:-}" ] || command -v llvm-config-19 >/dev/null 2>&1; then
        exit 0
    fi
    echo "setup.sh: not a Debian system (no dpkg-query/apt-get): install LLVM 19's development files" >&2
    echo "  (llvm-config-19 on the PATH, or LLVM_SYS_191_PREFIX set), libstdc++ and a C compiler yourself" >&2
    exit 1
fi

missing=()
if [ -z "${LLVM_SYS_191_PREFIX:-}" ]; then
    installed llvm-19-dev || missing+=(llvm-19-dev)
fi
installed libstdc++-12-dev || missing+=(libstdc++-12-dev)
command -v cc >/dev/null 2>&1 || missing+=(gcc)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "setup.sh: installing ${missing[*]} needs root (no sudo here): run it as root, or install them yourself" >&2
        exit 1
    fi
}
echo "setup.sh: installing ${missing[*]} with apt" >&2
as_root apt-get update
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
for p in "${missing[@]}"; do
    [ "$p" = gcc ] && continue
    installed "$p" || { echo "setup.sh: $p is still not installed" >&2; exit 1; }
done
command -v cc >/dev/null 2>&1 || { echo "setup.sh: still no C compiler (cc) after installing gcc" >&2; exit 1; }
