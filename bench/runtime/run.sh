#!/usr/bin/env bash
# Compares Gossamer's concurrency runtime with Go and with Rust's std threads
# on four workloads (bench/runtime/NAME.{gos,go,rs}), and writes a ratio
# table into docs/performance.md between the markers
# `<!-- runtime-bench:begin -->` and `<!-- runtime-bench:end -->`.
#
# Usage: bench/runtime/run.sh [RUNS [SLEEP_RUNS]]
#   RUNS: runs of each timed workload per language (default 5);
#   SLEEP_RUNS: runs of each sleeping-goroutines size per language (default
#   3; each run takes at least 2 s).
#
# The workloads:
#   spawn     start one goroutine (thread) and wait for it, 100,000 times:
#             ns per spawn+join;
#   pingpong  unbuffered channel round trip between two goroutines, 100,000
#             times: ns per round trip;
#   buffered  1,000,000 values through a channel of capacity 1,024 from a
#             producer goroutine to main: ns per value;
#   sleep N   N goroutines each sleeping 2 s, N = 1, 1,000, 10,000, 30,000,
#             100,000: peak RSS from /usr/bin/time -v, or the error that
#             stopped it (thread limits: kernel.pid_max, vm.max_map_count).
#
# Each timed program measures its own loop with a monotonic clock and prints
# `ns_per_op X`; the table holds the median of the runs. Every program also
# prints a `check` line, which must be the same for all three languages on
# every run, or the script stops without touching the document. A Gossamer
# run that fails is recorded in the table as failed (with its reason under
# the table), and the script then exits 1 after writing the document, so
# that a runtime that cannot run a workload yet is visible, not hidden.
#
# Go is installed with apt (`golang-go`) if `go` is missing; the Rust
# programs are built with `rustc -C opt-level=3`. Gossamer is built with
# `cargo build --release -p gossamer` (honouring CARGO_TARGET_DIR), unless
# GOSSAMER_BIN names an executable to measure instead.
set -euo pipefail
export LC_ALL=C

usage() {
    echo "usage: $0 [RUNS [SLEEP_RUNS]]" >&2
    echo "  RUNS: a positive number of runs per timed workload and language (default 5)" >&2
    echo "  SLEEP_RUNS: a positive number of runs per sleep size and language (default 3)" >&2
    exit 2
}

RUNS="${1:-5}"
SLEEP_RUNS="${2:-3}"
if ! [[ "$RUNS" =~ ^[1-9][0-9]*$ && "$SLEEP_RUNS" =~ ^[1-9][0-9]*$ ]] || [ $# -gt 2 ]; then
    usage
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
BENCH="bench/runtime"
DOC="docs/performance.md"
SLEEP_SIZES=(1 1000 10000 30000 100000)
# A sleeping run that has not finished after this many seconds is killed and
# recorded as failed: the goroutines sleep 2 s, so anything near this limit
# is a runtime that cannot start them.
SLEEP_TIMEOUT=120
# The same for a timed run; the slowest expected (Rust's 100,000 thread
# spawns on a loaded machine) takes well under a minute.
TIMED_TIMEOUT=300

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# ---- tools -----------------------------------------------------------------

if ! command -v go >/dev/null 2>&1; then
    echo "== installing Go with apt" >&2
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y golang-go
fi
if [ ! -x /usr/bin/time ]; then
    echo "== installing /usr/bin/time with apt" >&2
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y time
fi
command -v rustc >/dev/null 2>&1 || { echo "error: rustc is not on PATH" >&2; exit 1; }

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

echo "== building the Go and Rust programs" >&2
for name in spawn pingpong buffered sleep; do
    # A single-file `go build` needs no module; the build cache lives in
    # the usual place.
    go build -o "$WORK/$name-go" "$BENCH/$name.go"
    rustc --edition 2021 -C opt-level=3 -o "$WORK/$name-rs" "$BENCH/$name.rs"
done
GO_VERSION="$(go version | awk '{print $3}')"
RUSTC_VERSION="$(rustc --version | awk '{print $2}')"

# Sets CMD to the command line of one language's program for a workload.
command_for() {
    local lang="$1" name="$2"
    case "$lang" in
        gossamer) CMD=("$GOS" run "$BENCH/$name.gos") ;;
        go) CMD=("$WORK/$name-go") ;;
        rust) CMD=("$WORK/$name-rs") ;;
    esac
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Failure reasons, numbered for the notes under the table: `fail LANG KEY
# TEXT` records one and marks the table cell.
declare -A RESULT
declare -A CHECK
NOTES=()
gossamer_failed=0
fail() {
    NOTES+=("$3")
    RESULT[$2,$1]="failed (${#NOTES[@]})"
    if [ "$1" = gossamer ]; then gossamer_failed=1; fi
}

# Why a run failed, from its stderr, for a failure note: the first line
# that names an error (a diagnostic's first line, a panic, a fatal error, a
# refused thread), else the last line written; then how /usr/bin/time saw
# the process end, when it did not exit normally. The rest of
# /usr/bin/time's report (from "Command being timed" on) is not part of it.
last_line() {
    awk '
        /^\tCommand being timed/ { exit }
        /^Command (exited|terminated)/ { how = $0; next }
        !NF { next }
        pick == "" && /error|panic|fatal|cannot|failed|abort|Resource/ { pick = $0 }
        { last = $0 }
        END {
            if (pick == "") pick = last
            if (how != "") pick = (pick == "" ? how : pick " (" how ")")
            gsub(/\|/, "\\|", pick)
            print substr(pick, 1, 200)
        }' "$1"
}

# 100000 -> 100,000
group() {
    echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'
}

# ---- timed workloads -------------------------------------------------------

for name in spawn pingpong buffered; do
    for lang in gossamer go rust; do
        times=()
        failed=""
        for ((r = 1; r <= RUNS; r++)); do
            echo "== $name $lang run $r/$RUNS" >&2
            command_for "$lang" "$name"
            status=0
            timeout "$TIMED_TIMEOUT" "${CMD[@]}" >"$WORK/out" 2>"$WORK/err" || status=$?
            if [ "$status" -ne 0 ]; then
                failed="$(last_line "$WORK/err")"
                [ -n "$failed" ] || failed="exit status $status with no message"
                break
            fi
            check="$(awk '$1 == "check" { print $2 }' "$WORK/out")"
            ns="$(awk '$1 == "ns_per_op" { print $2 }' "$WORK/out")"
            if [ -z "$check" ] || [ -z "$ns" ]; then
                failed="printed no check or ns_per_op line"
                break
            fi
            if [ -n "${CHECK[$name]:-}" ] && [ "${CHECK[$name]}" != "$check" ]; then
                echo "error: $name: $lang printed check $check, another run printed ${CHECK[$name]}" >&2
                exit 1
            fi
            CHECK[$name]="$check"
            times+=("$ns")
        done
        if [ -n "$failed" ]; then
            fail "$lang" "$name" "$lang, $name: $failed"
        else
            RESULT[$name,$lang]="$(printf '%s\n' "${times[@]}" | median)"
        fi
    done
done

# ---- sleeping goroutines ---------------------------------------------------

for n in "${SLEEP_SIZES[@]}"; do
    for lang in gossamer go rust; do
        rss=()
        failed=""
        for ((r = 1; r <= SLEEP_RUNS; r++)); do
            echo "== sleep N=$n $lang run $r/$SLEEP_RUNS" >&2
            command_for "$lang" sleep
            status=0
            timeout "$SLEEP_TIMEOUT" /usr/bin/time -v "${CMD[@]}" "$n" >"$WORK/out" 2>"$WORK/err" || status=$?
            check="$(awk '$1 == "check" { print $2 }' "$WORK/out")"
            if [ "$status" -ne 0 ] || [ "$check" != "$n" ]; then
                failed="$(last_line "$WORK/err")"
                [ -n "$failed" ] || failed="exit status $status with no message"
                break
            fi
            kb="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/err")"
            rss+=("$(awk -v kb="$kb" 'BEGIN { printf "%.1f", kb / 1024 }')")
        done
        if [ -n "$failed" ]; then
            fail "$lang" "sleep$n" "$lang, $(group "$n") sleeping: $failed"
        else
            RESULT[sleep$n,$lang]="$(printf '%s\n' "${rss[@]}" | median)"
        fi
    done
done

# ---- the table -------------------------------------------------------------

ratio() {
    case "$1$2" in
        *failed*) echo "–" ;;
        *) awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "–" }' ;;
    esac
}

row() {
    local label="$1" key="$2"
    local g="${RESULT[$key,gossamer]}" o="${RESULT[$key,go]}" r="${RESULT[$key,rust]}"
    echo "| $label | $g | $o | $r | $(ratio "$g" "$o") | $(ratio "$g" "$r") |"
}

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git status --porcelain 2>/dev/null | head -n 1)" ]; then
    commit="$commit with local changes"
fi
cpus="$(nproc)"
model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo | sed 's/ [0-9]*-Core Processor//')"
load="$(cut -d' ' -f1 /proc/loadavg)"
table="$WORK/table.md"
{
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $cpus CPUs ($model, load average $load at the end), commit \`$commit\`,"
    echo "with \`bench/runtime/run.sh $RUNS $SLEEP_RUNS\`: the median of $RUNS runs for the timed rows and of $SLEEP_RUNS runs"
    echo "for the sleeping rows. Gossamer ran as \`gossamer run\` (default \`GOSSAMER_PROCS\`), Go $GO_VERSION as built by"
    echo "\`go build\`, Rust with std threads and \`std::sync::mpsc\` as built by \`rustc $RUSTC_VERSION -C opt-level=3\`."
    echo "Limits here: \`kernel.pid_max\` $(cat /proc/sys/kernel/pid_max), \`vm.max_map_count\` $(cat /proc/sys/vm/max_map_count)."
    echo "A ratio below 1 means Gossamer is faster (or smaller)."
    echo
    echo "| benchmark | gossamer | go | rust | gossamer/go | gossamer/rust |"
    echo "|---|---:|---:|---:|---:|---:|"
    row "spawn + join (ns per goroutine)" spawn
    row "unbuffered round trip (ns)" pingpong
    row "buffered send + receive (ns per value)" buffered
    for n in "${SLEEP_SIZES[@]}"; do
        row "$(group "$n") sleeping: peak RSS (MB)" "sleep$n"
    done
    if [ ${#NOTES[@]} -gt 0 ]; then
        echo
        for i in "${!NOTES[@]}"; do
            echo "$((i + 1)). ${NOTES[$i]}"
        done
    fi
} >"$table"

# Replace what is between the markers, or append a section with them.
begin="<!-- runtime-bench:begin -->"
end="<!-- runtime-bench:end -->"
if grep -qF "$begin" "$DOC" && grep -qF "$end" "$DOC"; then
    awk -v begin="$begin" -v end="$end" -v table="$table" '
        $0 == begin { print; while ((getline line < table) > 0) print line; skip = 1; next }
        $0 == end { skip = 0 }
        !skip { print }
    ' "$DOC" >"$WORK/doc" && cat "$WORK/doc" >"$DOC"
else
    { echo; echo "## Concurrency runtime against Go and Rust threads"; echo; echo "$begin"; cat "$table"; echo "$end"; } >>"$DOC"
fi
cat "$table"
echo "== wrote $DOC" >&2
if [ "$gossamer_failed" -ne 0 ]; then
    echo "error: some Gossamer workloads failed (see the notes under the table)" >&2
    exit 1
fi
