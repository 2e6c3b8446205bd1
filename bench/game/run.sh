#!/usr/bin/env bash
# Runs the Computer Language Benchmarks Game programs of bench/game (fasta and
# n-body) in Gossamer against the Rust and Go references, and writes the
# table to bench/game/RESULTS.md and a bar chart of it to
# bench/game/chart.svg.
#
# Usage: bench/game/run.sh [N_FASTA [N_NBODY]]
#   N_FASTA  fasta's N (default 25000000, the benchmarks game's size);
#   N_NBODY  n-body's steps (default 50000000).
# Environment:
#   RUNS=5                      timed runs of each row, in rounds of one run
#                               of every row (the table shows medians);
#   RUN_DIVISOR=1               the `gossamer run` rows use N / RUN_DIVISOR
#                               (the table states the N of every row);
#   GOSSAMER_RELEASE_FLAGS      the flags of the `gossamer build --release`
#                               rows (default `--release`; set it empty to
#                               fill those rows with plain `gossamer build`
#                               while the LLVM tier does not exist: RESULTS.md
#                               says which tier produced them);
#   GOSSAMER_BIN                a gossamer executable to use instead of
#                               building one with `cargo build --release -p
#                               gossamer` (which honours CARGO_TARGET_DIR);
#   TIMEOUT=900                 seconds before one run is killed and failed.
#
# Rows: Rust (rustc -C opt-level=3 -C target-cpu=native; n-body twice, the
# SIMD layout and the scalar one), Go (go build), and for every Gossamer
# program `gossamer run`, `gossamer build` and `gossamer build --release`.
# Columns: median wall seconds, median user+sys seconds (bash's `time`, in
# milliseconds, less the CPU time of the /usr/bin/time and timeout wrappers)
# and median peak RSS (/usr/bin/time -v) of the runs (output to /dev/null),
# the bytes of the
# gzip -9 of the source, N, the wall time over the fastest Rust row of the
# same benchmark (same N only), and the output check. Every timed n-body run
# must print the task's two energies; fasta's output is checked by one more,
# untimed run piped into md5sum (piping the timed runs would time md5sum).
# A row whose program fails to build, exits non-zero, times out or prints
# the wrong output is marked FAIL with the reason under the table, and the
# script then exits 1 (after writing RESULTS.md and the chart).
#
# Go is installed with apt (`golang-go`, Go 1.19 on Debian 12) if `go` is
# missing, /usr/bin/time (`time`) and matplotlib (`python3-matplotlib`) too;
# the chart is drawn by /usr/bin/python3.11 (the system interpreter, which
# sees the apt packages) with bench/game/chart.py.
set -euo pipefail
export LC_ALL=C

usage() {
    echo "usage: $0 [N_FASTA [N_NBODY]]   (environment: RUNS, RUN_DIVISOR, GOSSAMER_RELEASE_FLAGS, GOSSAMER_BIN, TIMEOUT)" >&2
    exit 2
}
[ $# -le 2 ] || usage
N_FASTA="${1:-25000000}"
N_NBODY="${2:-50000000}"
RUNS="${RUNS:-5}"
RUN_DIVISOR="${RUN_DIVISOR:-1}"
TIMEOUT="${TIMEOUT:-900}"
RELEASE_FLAGS="${GOSSAMER_RELEASE_FLAGS---release}"
for v in "$N_FASTA" "$N_NBODY"; do
    [[ "$v" =~ ^[0-9]+$ ]] || usage
done
for v in "$RUNS" "$RUN_DIVISOR" "$TIMEOUT"; do
    [[ "$v" =~ ^[1-9][0-9]*$ ]] || usage
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
GAME="bench/game"
PYTHON=/usr/bin/python3.11

# The outputs every row must reproduce (the benchmarks game's, for these N),
# keyed by N; other N are checked against the Rust reference's output.
declare -A FASTA_MD5=([1000]=60cbd78a7793bcc8032ef153b4a37b56 [25000000]=fd55b9e8011c781131046b6dd87511e1)
declare -A NBODY_OUT=([1000]=$'-0.169075164\n-0.169087605' [50000000]=$'-0.169075164\n-0.169059907')

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
apt_install() {
    echo "== installing $* with apt" >&2
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

# ---- tools -----------------------------------------------------------------

command -v go >/dev/null 2>&1 || apt_install golang-go
[ -x /usr/bin/time ] || apt_install time
"$PYTHON" -c 'import matplotlib' 2>/dev/null || apt_install python3-matplotlib
for tool in rustc md5sum gzip timeout; do
    command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is not on PATH" >&2; exit 1; }
done

if [ -n "${GOSSAMER_BIN:-}" ]; then
    GOS="$GOSSAMER_BIN"
    [ -x "$GOS" ] || { echo "error: GOSSAMER_BIN=$GOS is not an executable" >&2; exit 1; }
else
    echo "== building gossamer (release)" >&2
    cargo build --release -p gossamer
    target_dir="${CARGO_TARGET_DIR:-target}"
    case "$target_dir" in
        /*) ;;
        *) target_dir="$ROOT/$target_dir" ;;
    esac
    GOS="$target_dir/release/gossamer"
    [ -x "$GOS" ] || { echo "error: cargo built no executable at $GOS" >&2; exit 1; }
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# ---- building --------------------------------------------------------------

# Build failures are remembered per executable and reported in the rows that
# need it, so one broken tier does not hide the others.
declare -A BUILD_ERR
build() {
    local exe="$1"
    shift
    if ! "$@" >"$WORK/build.log" 2>&1; then
        BUILD_ERR[$exe]="$(grep -m1 -iE 'error|cannot|not ' "$WORK/build.log" || tail -n1 "$WORK/build.log")"
        BUILD_ERR[$exe]="${BUILD_ERR[$exe]:-the build failed}"
        echo "   build of $(basename "$exe") failed: ${BUILD_ERR[$exe]}" >&2
    fi
}

echo "== building the references and the Gossamer programs" >&2
RUSTFLAGS_REF=(-C opt-level=3 -C target-cpu=native)
build "$WORK/fasta-rust" rustc --edition 2021 "${RUSTFLAGS_REF[@]}" -o "$WORK/fasta-rust" "$GAME/rust/fasta.rs"
build "$WORK/nbody-rust" rustc --edition 2021 "${RUSTFLAGS_REF[@]}" -o "$WORK/nbody-rust" "$GAME/rust/nbody.rs"
build "$WORK/nbody_scalar-rust" rustc --edition 2021 "${RUSTFLAGS_REF[@]}" -o "$WORK/nbody_scalar-rust" "$GAME/rust/nbody_scalar.rs"
# A single-file `go build` needs no module.
build "$WORK/fasta-go" go build -o "$WORK/fasta-go" "$GAME/go/fasta.go"
build "$WORK/nbody-go" go build -o "$WORK/nbody-go" "$GAME/go/nbody.go"

GOS_PROGRAMS=(fasta fasta_single nbody)
[ -f "$GAME/nbody_opt.gos" ] && GOS_PROGRAMS+=(nbody_opt)
for p in "${GOS_PROGRAMS[@]}"; do
    build "$WORK/$p-build" "$GOS" build "$GAME/$p.gos" -o "$WORK/$p-build"
    # Unquoted on purpose: the flags are words, and none at all when empty.
    # shellcheck disable=SC2086
    build "$WORK/$p-release" "$GOS" build $RELEASE_FLAGS "$GAME/$p.gos" -o "$WORK/$p-release"
done

if [ "$RELEASE_FLAGS" = "--release" ]; then
    RELEASE_TIER="LLVM (\`gossamer build --release\`)"
elif [ -z "$RELEASE_FLAGS" ]; then
    RELEASE_TIER="Cranelift: GOSSAMER_RELEASE_FLAGS was empty, so these rows are plain \`gossamer build\` (the LLVM tier was not available)"
else
    RELEASE_TIER="\`gossamer build $RELEASE_FLAGS\` (GOSSAMER_RELEASE_FLAGS)"
fi

GO_VERSION="$(go version | awk '{print $3}')"
RUSTC_VERSION="$(rustc --version | awk '{print $2}')"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
# The script's own outputs, left by an earlier run, are not changes to
# what is measured.
if [ -n "$(git status --porcelain -- . ':!bench/game/RESULTS.md' ':!bench/game/chart.svg' 2>/dev/null | head -n1)" ]; then COMMIT="$COMMIT with local changes"; fi

# ---- running ---------------------------------------------------------------

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The CPU time of /usr/bin/time and timeout themselves (about 2 ms), the
# median of 9 runs of `true` under them, subtracted from every row's (which
# also subtracts `true`'s own start, well under a millisecond).
WRAPPER_CPU="$(for _ in 1 2 3 4 5 6 7 8 9; do { TIMEFORMAT='%3U %3S'; time /usr/bin/time -v -o /dev/null timeout 10 true; } 2>&1 | awk '{ print $1 + $2 }'; done | median)"

# What a failed run printed that says why: the first line that names an
# error, else the last line, without /usr/bin/time's own report.
why() {
    awk '
        /^\tCommand being timed/ { exit }
        /^Command (exited|terminated)/ { how = $0; next }
        !NF { next }
        pick == "" && /error|panic|fatal|cannot|failed|abort|not /{ pick = $0 }
        { last = $0 }
        END { if (pick == "") pick = last; if (how != "") pick = (pick == "" ? how : pick " (" how ")"); print pick }
    ' "$1" | cut -c1-200
}

# The expected output of a benchmark at N: the task's, or for other N the
# Rust reference's (computed once).
declare -A EXPECTED
expected() {
    local bench="$1" n="$2" key="$1:$2"
    if [ -z "${EXPECTED[$key]+x}" ]; then
        case "$bench" in
            fasta)
                if [ -n "${FASTA_MD5[$n]+x}" ]; then
                    EXPECTED[$key]="${FASTA_MD5[$n]}"
                else
                    EXPECTED[$key]="$("$WORK/fasta-rust" "$n" | md5sum | awk '{print $1}')"
                fi ;;
            nbody)
                if [ -n "${NBODY_OUT[$n]+x}" ]; then
                    EXPECTED[$key]="${NBODY_OUT[$n]}"
                else
                    EXPECTED[$key]="$("$WORK/nbody_scalar-rust" "$n")"
                fi ;;
        esac
    fi
    printf '%s' "${EXPECTED[$key]}"
}

ROWS="$WORK/rows.tsv"
: >"$ROWS"
NOTES=()
failed=0

# The rows, in table order: what each runs, and the first error it met.
R_BENCH=() R_TASK=() R_MODE=() R_SRC=() R_N=() R_CMD=() R_ERR=()

# row BENCH TASK MODE SOURCE N EXE [ARGS…]: adds a row running EXE ARGS N,
# after checking a fasta row's output once (untimed). TASK is fasta or
# nbody (what the output must be). The timed runs come later, in rounds.
row() {
    local bench="$1" task="$2" mode="$3" src="$4" n="$5" exe="$6"
    shift 6
    local err=""
    if [ -n "${BUILD_ERR[$exe]+x}" ]; then
        err="build failed: ${BUILD_ERR[$exe]}"
    elif [ "$task" = fasta ]; then
        # The check run, untimed: its output through md5sum.
        local status=0 got want
        echo "== checking $bench, $mode (N = $n)" >&2
        got="$(set -o pipefail; timeout "$TIMEOUT" "$exe" "$@" "$n" 2>"$WORK/err" | md5sum | awk '{print $1}')" || status=$?
        want="$(expected fasta "$n")"
        if [ "$status" -ne 0 ]; then
            err="exit status $status: $(why "$WORK/err")"
        elif [ "$got" != "$want" ]; then
            err="output md5 $got, expected $want"
        fi
    fi
    local i=${#R_BENCH[@]}
    R_BENCH[i]="$bench" R_TASK[i]="$task" R_MODE[i]="$mode" R_SRC[i]="$src" R_N[i]="$n" R_ERR[i]="$err"
    R_CMD[i]="$(printf '%q ' "$exe" "$@" "$n")"
    : >"$WORK/runs.$i"
}

# time_row I: one timed run of row I, appended to $WORK/runs.I as "wall cpu
# rss"; a failure becomes the row's error.
time_row() {
    local i="$1" status=0 t0 t1
    local -a cmd
    eval "cmd=(${R_CMD[i]})"
    # Wall time from the shell's microsecond clock (the -v report has only
    # hundredths); the difference includes starting /usr/bin/time and
    # timeout, well under a millisecond. fasta's 250 MB go to /dev/null
    # (writing them to a file timed the file system: Rust's 0.3 s became
    # 0.9 s wall), n-body's two lines to a file to be checked.
    local out=/dev/null
    [ "${R_TASK[i]}" = nbody ] && out="$WORK/out"
    t0="$EPOCHREALTIME"
    # CPU time from bash's `time` (milliseconds, where the -v report has
    # hundredths: fasta's references take 30-60 ms), less what
    # /usr/bin/time and timeout take themselves (WRAPPER_CPU).
    { TIMEFORMAT='%3U %3S'; time /usr/bin/time -v -o "$WORK/time" timeout "$TIMEOUT" "${cmd[@]}" >"$out" 2>"$WORK/err"; } 2>"$WORK/cpu" || status=$?
    t1="$EPOCHREALTIME"
    if [ "$status" -ne 0 ]; then
        R_ERR[i]="exit status $status: $(why "$WORK/err")"
        if [ "$status" -eq 124 ]; then
            R_ERR[i]="timed out after $TIMEOUT s"
        fi
        return 0
    fi
    if [ "${R_TASK[i]}" = nbody ]; then
        local want
        want="$(expected nbody "${R_N[i]}")"
        if [ "$(cat "$WORK/out")" != "$want" ]; then
            R_ERR[i]="printed $(tr '\n' ' ' <"$WORK/out" | cut -c1-80), expected $(printf '%s' "$want" | tr '\n' ' ')"
            return 0
        fi
    fi
    local wall cpu rss
    # Tenths of a millisecond: fasta's rows differ by less than one.
    wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }')"
    cpu="$(awk -v w="$WRAPPER_CPU" '{ c = $1 + $2 - w; printf "%.3f\n", (c > 0 ? c : 0) }' "$WORK/cpu")"
    rss="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/time")"
    echo "$wall $cpu $rss" >>"$WORK/runs.$i"
}

RUN_N_FASTA=$((N_FASTA / RUN_DIVISOR))
RUN_N_NBODY=$((N_NBODY / RUN_DIVISOR))

row fasta fasta rust "$GAME/rust/fasta.rs" "$N_FASTA" "$WORK/fasta-rust"
row fasta fasta go "$GAME/go/fasta.go" "$N_FASTA" "$WORK/fasta-go"
for p in fasta fasta_single; do
    row "$p" fasta "gossamer run" "$GAME/$p.gos" "$RUN_N_FASTA" "$GOS" run "$GAME/$p.gos"
    row "$p" fasta "gossamer build" "$GAME/$p.gos" "$N_FASTA" "$WORK/$p-build"
    row "$p" fasta "gossamer build --release" "$GAME/$p.gos" "$N_FASTA" "$WORK/$p-release"
done
row nbody nbody "rust (simd layout)" "$GAME/rust/nbody.rs" "$N_NBODY" "$WORK/nbody-rust"
row nbody nbody "rust (scalar)" "$GAME/rust/nbody_scalar.rs" "$N_NBODY" "$WORK/nbody_scalar-rust"
row nbody nbody go "$GAME/go/nbody.go" "$N_NBODY" "$WORK/nbody-go"
for p in "${GOS_PROGRAMS[@]}"; do
    case "$p" in nbody*) ;; *) continue ;; esac
    row "$p" nbody "gossamer run" "$GAME/$p.gos" "$RUN_N_NBODY" "$GOS" run "$GAME/$p.gos"
    row "$p" nbody "gossamer build" "$GAME/$p.gos" "$N_NBODY" "$WORK/$p-build"
    row "$p" nbody "gossamer build --release" "$GAME/$p.gos" "$N_NBODY" "$WORK/$p-release"
done

# The timed runs, in rounds: one run of every row per round, so that the
# rows compared share the machine's state (its load drifts over minutes on
# this shared machine; RUNS runs of one row, then of the next, measured
# each row in a different moment).
for ((round = 1; round <= RUNS; round++)); do
    echo "== round $round of $RUNS" >&2
    for i in "${!R_BENCH[@]}"; do
        # A failed run becomes the row's error (time_row returns 0 then);
        # `|| true` keeps set -e from ending the script on anything else.
        if [ -z "${R_ERR[i]}" ]; then time_row "$i" || true; fi
    done
done

for i in "${!R_BENCH[@]}"; do
    gz="$(gzip -9 -c "${R_SRC[i]}" | wc -c)"
    if [ -n "${R_ERR[i]}" ]; then
        NOTES+=("${R_BENCH[i]}, ${R_MODE[i]}: ${R_ERR[i]}")
        failed=1
        printf '%s\t%s\t%s\t-\t-\t-\t%s\tFAIL (%d)\n' "${R_BENCH[i]}" "${R_MODE[i]}" "${R_N[i]}" "$gz" "${#NOTES[@]}" >>"$ROWS"
        echo "   ${R_BENCH[i]}, ${R_MODE[i]}: FAIL: ${R_ERR[i]}" >&2
        continue
    fi
    wall="$(awk '{ print $1 }' "$WORK/runs.$i" | median)"
    cpu="$(awk '{ print $2 }' "$WORK/runs.$i" | median)"
    rss="$(awk '{ print $3 }' "$WORK/runs.$i" | median)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\tok\n' "${R_BENCH[i]}" "${R_MODE[i]}" "${R_N[i]}" "$wall" "$cpu" "$rss" "$gz" >>"$ROWS"
    echo "   ${R_BENCH[i]}, ${R_MODE[i]}: $wall s wall, $cpu s cpu, $rss KB" >&2
done

# ---- the table ---------------------------------------------------------------

# The ratio columns: a row's wall time over that of the fastest Rust row
# of the same task at the same N (fasta_single is compared with fasta's
# Rust, nbody_opt with nbody's), and its cpu time over that row's cpu time.
# On a loaded machine a process waits for a core, which inflates its wall
# time but not its cpu time, so the second ratio is the steadier one for
# the single-threaded programs.
TABLE="$WORK/table.md"
awk -F'\t' '
    function task(b) { return b ~ /^fasta/ ? "fasta" : "nbody" }
    function ratio(a, b) { return (b > 0) ? sprintf("%.2f", a / b) : "-" }
    { rows[NR] = $0 }
    $2 ~ /^rust/ && $8 == "ok" { k = task($1) SUBSEP $3; if (!(k in best) || $4 < best[k]) { best[k] = $4; bestcpu[k] = $5 } }
    END {
        print "| benchmark | mode | secs | cpu secs | mem (kb) | gz (bytes) | N | secs / rust | cpu / rust | output |"
        print "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
        for (i = 1; i <= NR; i++) {
            split(rows[i], f, "\t")
            k = task(f[1]) SUBSEP f[3]
            known = f[8] == "ok" && (k in best)
            printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", f[1], f[2], f[4], f[5], f[6], f[7], f[3], known ? ratio(f[4], best[k]) : "-", known ? ratio(f[5], bestcpu[k]) : "-", f[8]
        }
    }
' "$ROWS" >"$TABLE"

CPUS="$(nproc)"
MODEL="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
LOAD="$(cut -d' ' -f1 /proc/loadavg)"
{
    echo "# bench/game results"
    echo
    echo "Measured $(date -u '+%Y-%m-%d %H:%M') UTC on $CPUS CPUs ($MODEL, load average $LOAD at the end), commit \`$COMMIT\`,"
    echo "with \`bench/game/run.sh $N_FASTA $N_NBODY\` (RUNS=$RUNS, RUN_DIVISOR=$RUN_DIVISOR): the median of $RUNS runs of each"
    echo "row (in $RUNS rounds of one run of every row), each run the whole process with its output to /dev/null"
    echo "(wall seconds; user + system seconds from bash's \`time\`,"
    echo "less the ${WRAPPER_CPU} s that /usr/bin/time and timeout take themselves; peak RSS from"
    echo "\`/usr/bin/time -v\`), and the size of the gzip -9 of its source. \`secs / rust\` is the wall time over"
    echo "that of the fastest Rust row of the same task at the same N, \`cpu / rust\` the same for cpu time (steadier"
    echo "when the machine is loaded: waiting for a core inflates wall time only)."
    echo
    echo "- Rust: rustc $RUSTC_VERSION \`-C opt-level=3 -C target-cpu=native\`, std only (fasta on one thread per CPU;"
    echo "  n-body twice: the SIMD layout of the fastest published programs and the plain scalar layout)."
    echo "- Go: $GO_VERSION, \`go build\` (fasta on one goroutine per CPU)."
    echo "- Gossamer: \`gossamer run\` is the tiered VM + Cranelift JIT (compile time included); \`gossamer build\`"
    echo "  the Cranelift executable; the \`gossamer build --release\` rows were produced by: $RELEASE_TIER."
    echo "  fasta.gos runs on worker goroutines, fasta_single.gos on one."
    echo "- Output check: fasta's md5 (one extra, untimed run), n-body's two lines (every run)."
    echo
    cat "$TABLE"
    if [ ${#NOTES[@]} -gt 0 ]; then
        echo
        echo "Failures:"
        echo
        for i in "${!NOTES[@]}"; do
            echo "$((i + 1)). ${NOTES[$i]}"
        done
    fi
    echo
    echo "![chart](chart.svg)"
} >"$GAME/RESULTS.md"

"$PYTHON" "$GAME/chart.py" "$ROWS" "$GAME/chart.svg" "N fasta $N_FASTA, n-body $N_NBODY; release rows: $(printf '%s' "$RELEASE_TIER" | cut -d: -f1 | tr -d '`')"

cat "$GAME/RESULTS.md"
echo "== wrote $GAME/RESULTS.md and $GAME/chart.svg" >&2
exit "$failed"
