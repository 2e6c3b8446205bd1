#!/usr/bin/env bash
# Installs what building and testing Gossamer needs beyond Rust, if it is
# missing, on Debian 12 (the machines this project builds and tests on):
#   - LLVM 19's development package (`llvm-19-dev`, in bookworm's main
#     archive): `gossamer build --release` links against libLLVM-19
#     dynamically through inkwell/llvm-sys, so the workspace does not
#     build without it (design/backends.md says why 19 and not the 14
#     that Debian 12 installs by default);
#   - a C compiler (`cc`), which links Rust's own build scripts and the
#     executables `gossamer build` writes.
# Both the README's first set-up command and .ci/run call it; it does
# nothing when everything is present, so running it again is cheap.
# Benchmark scripts install their own extras (Go, Lua, matplotlib).
set -euo pipefail

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
command -v llvm-config-19 >/dev/null 2>&1 || missing+=(llvm-19-dev)
command -v cc >/dev/null 2>&1 || missing+=(gcc)

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup.sh: missing ${missing[*]} and no apt-get to install them with;" >&2
    echo "  install LLVM 19's development files (llvm-config-19 on the PATH) and a C compiler" >&2
    exit 1
fi
echo "setup.sh: installing ${missing[*]} with apt" >&2
as_root apt-get update
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
command -v llvm-config-19 >/dev/null 2>&1 || { echo "setup.sh: llvm-config-19 is still missing after installing llvm-19-dev" >&2; exit 1; }
