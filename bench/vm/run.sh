#!/usr/bin/env bash
# Compares Gossamer's tiers (the bytecode VM, the Cranelift JIT, the default
# tiered `gossamer run`, executables from `gossamer build` (Cranelift) and
# `gossamer build --release` (LLVM)) with Lua 5.4 and CPython 3.11 on six
# small workloads (bench/vm/NAME.{gos,lua,py}; n-body's Gossamer program is
# bench/game/nbody.gos, run for NBODY_STEPS steps), and with Rust
# (`rustc -C opt-level=3 -C target-cpu=native`, bench/vm/rust/NAME.rs;
# n-body: bench/game/rust/nbody_scalar.rs, the same algorithm) where a
# reference exists,
# and writes the table into docs/performance.md between the markers
# `<!-- vm-bench:begin -->` and `<!-- vm-bench:end -->`.
#
# Usage: bench/vm/run.sh [RUNS [WORKLOAD...]]
#   RUNS: runs per workload and runtime (default 5);
#   WORKLOAD: fib, loop_int, loop_float, nbody, strings, hashmap (default: all six).
#
# Each program is run RUNS times per runtime, in rounds that run every
# runtime once in turn (a change of the shared machine's load then falls on
# all runtimes alike); the reported time is the median
# wall time of a whole process (start-up included), measured with bash's
# microsecond clock $EPOCHREALTIME so that no timing process sits inside the
# measurement. The three runtimes must print the same bytes on every run, or
# the script stops without touching the document.
#
# Lua 5.4 is installed with apt if `lua5.4` is missing. Python is the real
# CPython 3.11 executable, not a pyenv shim (a shim adds ~70 ms to every
# start): it is resolved once through `python3.11 -c 'import sys; print(sys.executable)'`,
# and installed with apt if there is no python3.11 at all.
set -euo pipefail
export LC_ALL=C

ALL_WORKLOADS=(fib loop_int loop_float nbody strings hashmap)
# n-body's steps: the native tiers run for about 0.1 s, long enough that
# start-up and noise do not decide the ratio (at 200,000 steps, 20 ms, one
# run's table said 1.05 where longer runs measure 1.6); CPython takes about
# 12 s a run.
NBODY_STEPS=1000000
usage() {
    echo "usage: $0 [RUNS [WORKLOAD...]]" >&2
    echo "  RUNS: a positive number of runs per workload and runtime (default 5)" >&2
    echo "  WORKLOAD: one of ${ALL_WORKLOADS[*]} (default: all)" >&2
    exit 2
}

RUNS="${1:-5}"
if ! [[ "$RUNS" =~ ^[1-9][0-9]*$ ]]; then
    usage
fi
shift $(( $# > 0 ? 1 : 0 ))
if [ $# -gt 0 ]; then
    WORKLOADS=("$@")
    for name in "${WORKLOADS[@]}"; do
        if ! [[ " ${ALL_WORKLOADS[*]} " == *" $name "* ]]; then
            echo "error: unknown workload '$name'" >&2
            usage
        fi
    done
else
    WORKLOADS=("${ALL_WORKLOADS[@]}")
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
BENCH="bench/vm"
DOC="docs/performance.md"

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_install() {
    if [ "$apt_updated" -eq 0 ]; then
        as_root apt-get update
        apt_updated=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

# ---- the three runtimes ----------------------------------------------------

echo "== building gossamer (release)" >&2
cargo build --release -p gossamer
target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in
    /*) ;;
    *) target_dir="$ROOT/$target_dir" ;;
esac
GOS="$target_dir/release/gossamer"
if [ ! -x "$GOS" ]; then
    echo "error: cargo built no executable at $GOS" >&2
    exit 1
fi
GOS_RUN=("$GOS" run --vm)

if ! command -v lua5.4 >/dev/null 2>&1; then
    echo "== installing lua5.4" >&2
    apt_install lua5.4
fi
LUA="$(command -v lua5.4)"

if ! command -v python3.11 >/dev/null 2>&1; then
    echo "== installing python3.11" >&2
    apt_install python3.11
fi
PY="$(python3.11 -c 'import sys; print(sys.executable)')"
if [ ! -x "$PY" ]; then
    echo "error: python3.11 reports an executable that does not exist: $PY" >&2
    exit 1
fi

# ---- measuring ---------------------------------------------------------------

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Where each workload's sources are, and its arguments.
gos_src() { if [ "$1" = nbody ]; then echo bench/game/nbody.gos; else echo "$BENCH/$1.gos"; fi; }
rust_src() { if [ "$1" = nbody ]; then echo bench/game/rust/nbody_scalar.rs; else echo "$BENCH/rust/$1.rs"; fi; }
args_of() { if [ "$1" = nbody ]; then echo "$NBODY_STEPS"; fi; }

# The native executables and the Rust references, built once (not timed).
for name in "${WORKLOADS[@]}"; do
    "$GOS" build "$(gos_src "$name")" -o "$TMP/$name.exe" >/dev/null
    "$GOS" build --release "$(gos_src "$name")" -o "$TMP/$name.release" >/dev/null
    if [ -f "$(rust_src "$name")" ]; then
        rustc -C opt-level=3 -C target-cpu=native -o "$TMP/$name.rust" "$(rust_src "$name")"
    fi
done

# time_once OUT CMD...: runs CMD with stdout in OUT and prints its wall time in
# microseconds. A failing command stops the script with its stderr shown.
time_once() {
    local out="$1"
    shift
    local t0 t1
    t0="$EPOCHREALTIME"
    if ! "$@" >"$out" 2>"$out.err"; then
        echo "error: '$*' failed:" >&2
        cat "$out.err" >&2
        exit 1
    fi
    t1="$EPOCHREALTIME"
    echo $(( ${t1/./} - ${t0/./} ))
}

# median_seconds: reads microsecond counts, one per line, and prints their
# median in seconds with three decimals.
median_seconds() {
    sort -n | awk '{ v[NR] = $1 }
        END {
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.3f", m / 1e6
        }'
}

# command_of NAME RUNTIME: sets CMD to the command line that runs workload
# NAME on RUNTIME (with the workload's arguments, $args).
command_of() {
    local name="$1" runtime="$2" src
    src="$(gos_src "$name")"
    case "$runtime" in
        gossamer) CMD=("${GOS_RUN[@]}" "$src") ;;
        jit) CMD=("$GOS" run --jit "$src") ;;
        tiered) CMD=("$GOS" run "$src") ;;
        build) CMD=("$TMP/$name.exe") ;;
        release) CMD=("$TMP/$name.release") ;;
        rust) CMD=("$TMP/$name.rust") ;;
        lua) CMD=("$LUA" "$BENCH/$name.lua") ;;
        python) CMD=("$PY" "$BENCH/$name.py") ;;
    esac
    CMD+=("${args[@]}")
}

# measure NAME RUNTIME...: runs workload NAME on every RUNTIME, RUNS rounds
# of one run each in turn (so a change of the machine's load during the
# measurement falls on all of them alike, rather than on whichever ran
# then), checks that every run of a runtime prints what its first run
# printed, keeps that output in $TMP/NAME.RUNTIME.out and the median time
# in seconds in $TMP/NAME.RUNTIME.median.
measure() {
    local name="$1" runtime i
    shift
    for runtime in "$@"; do
        : >"$TMP/$name.$runtime.times"
    done
    for ((i = 1; i <= RUNS; i++)); do
        for runtime in "$@"; do
            local first="$TMP/$name.$runtime.out" out="$TMP/$name.$runtime.run$i"
            command_of "$name" "$runtime"
            time_once "$out" "${CMD[@]}" >>"$TMP/$name.$runtime.times"
            if [ "$i" -eq 1 ]; then
                cp "$out" "$first"
            elif ! cmp -s "$out" "$first"; then
                echo "error: $runtime printed different output on run $i of $name" >&2
                diff "$first" "$out" >&2 || true
                exit 1
            fi
        done
    done
    for runtime in "$@"; do
        median_seconds <"$TMP/$name.$runtime.times" >"$TMP/$name.$runtime.median"
    done
}

ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'
}

rows=""
for name in "${WORKLOADS[@]}"; do
    echo "== $name" >&2
    # shellcheck disable=SC2207
    args=($(args_of "$name"))
    runtimes=(gossamer jit tiered build release lua python)
    [ -x "$TMP/$name.rust" ] && runtimes+=(rust)
    measure "$name" "${runtimes[@]}"
    median_of() { cat "$TMP/$name.$1.median"; }
    t_gos="$(median_of gossamer)"
    t_jit="$(median_of jit)"
    t_tier="$(median_of tiered)"
    t_build="$(median_of build)"
    t_rel="$(median_of release)"
    t_rust="-"
    if [ -x "$TMP/$name.rust" ]; then
        t_rust="$(median_of rust)"
    fi
    t_lua="$(median_of lua)"
    t_py="$(median_of python)"
    for runtime in jit tiered build release lua python $([ "$t_rust" != "-" ] && echo rust); do
        if ! cmp -s "$TMP/$name.gossamer.out" "$TMP/$name.$runtime.out"; then
            echo "error: $name: gossamer and $runtime disagree" >&2
            diff "$TMP/$name.gossamer.out" "$TMP/$name.$runtime.out" >&2 || true
            exit 1
        fi
    done
    echo "   vm ${t_gos}s  jit ${t_jit}s  run ${t_tier}s  build ${t_build}s  release ${t_rel}s  rust ${t_rust}s  lua ${t_lua}s  cpython ${t_py}s  output: $(head -c 80 "$TMP/$name.gossamer.out")" >&2
    rust_ratio="-"
    rel_ratio="-"
    if [ "$t_rust" != "-" ]; then
        rust_ratio="$(ratio "$t_build" "$t_rust")"
        rel_ratio="$(ratio "$t_rel" "$t_rust")"
    fi
    rows+="| $name | $t_gos | $t_jit | $t_tier | $t_build | $t_rel | $t_rust | $t_lua | $t_py | $(ratio "$t_gos" "$t_build") | $rust_ratio | $rel_ratio | $(ratio "$t_gos" "$t_lua") | $(ratio "$t_gos" "$t_py") |"$'\n'
done

# ---- the report ----------------------------------------------------------------

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
cpu="${cpu:-unknown CPU}"
lua_version="$("$LUA" -v 2>&1 | awk '{ print $2; exit }')"
py_version="$("$PY" -c 'import platform; print(platform.python_version())')"
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
# `diff-index` reads the index without rewriting it (unlike `git status`).
commit_note=""
if [ "$commit" != unknown ] && ! git diff-index --quiet HEAD -- 2>/dev/null; then
    commit_note=" with local changes"
fi
# Other work on the machine slows every runtime, not always equally: the
# load average goes into the report so that a noisy table can be recognised.
load="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)"

block="$TMP/block.md"
{
    echo "<!-- vm-bench:begin -->"
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs ($cpu, load average $load at the end), commit \`$commit\`$commit_note,"
    echo "with \`bench/vm/run.sh $RUNS${1:+ $*}\`: the median wall time of $RUNS runs of each whole"
    echo "process (in $RUNS rounds that run every runtime once in turn), start-up included (\`gossamer run\` parses and checks the program first, about 8 ms)."
    echo "Columns: vm = \`gossamer run --vm\`; jit = \`gossamer run --jit\` (everything compiled by Cranelift"
    echo "before \`main\`); run = \`gossamer run\` (interpreted until hot, then compiled); build = the"
    echo "executable of \`gossamer build\` (Cranelift); release = \`gossamer build --release\` (LLVM -O3, host CPU);"
    echo "rust = \`rustc -C opt-level=3 -C target-cpu=native\` ($(rustc --version | cut -d' ' -f2)) on bench/vm/rust/ (n-body: bench/game/rust/nbody_scalar.rs); Lua $lua_version"
    echo "as \`lua5.4\`; CPython $py_version as \`$PY\`. n-body runs $NBODY_STEPS steps. vm/build is the native tier's speed-up over the"
    echo "VM; build/rust below 2 meets the Cranelift tier's target, release/rust below 1.1 the LLVM tier's; vm/lua and vm/cpython below 1 mean the VM is faster."
    echo
    echo "| benchmark | vm (s) | jit (s) | run (s) | build (s) | release (s) | rust (s) | lua 5.4 (s) | cpython 3.11 (s) | vm/build | build/rust | release/rust | vm/lua | vm/cpython |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s' "$rows"
    echo "<!-- vm-bench:end -->"
} >"$block"

if [ -f "$DOC" ] && grep -q '<!-- vm-bench:begin -->' "$DOC" && grep -q '<!-- vm-bench:end -->' "$DOC"; then
    awk -v block="$block" '
        /<!-- vm-bench:begin -->/ { while ((getline line < block) > 0) print line; skip = 1; next }
        /<!-- vm-bench:end -->/ { skip = 0; next }
        !skip { print }
    ' "$DOC" >"$TMP/doc.md"
    cat "$TMP/doc.md" >"$DOC"
else
    mkdir -p "$(dirname "$DOC")"
    { [ -f "$DOC" ] && echo; echo "## VM benchmarks"; echo; cat "$block"; } >>"$DOC"
fi

cat "$block"
echo "== wrote the table into $DOC" >&2
