#!/usr/bin/env bash
# Times `gossamer build` (Cranelift, the default tier) on a generated
# program of about LINES lines (bench/build/gen.sh; default 1000), RUNS
# times (default 5), and prints the median wall time of the whole command
# (front end, bytecode, Cranelift, linking). The built executable is
# run once and must print the generated program's checksum line.
#
# Usage: bench/build/run.sh [LINES [RUNS]]
set -euo pipefail
LINES="${1:-1000}"
RUNS="${2:-5}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
cargo build --release -p gossamer >&2
target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$ROOT/$target_dir" ;; esac
GOS="$target_dir/release/gossamer"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
bash bench/build/gen.sh "$LINES" >"$TMP/prog.gos"
lines=$(wc -l <"$TMP/prog.gos")
: >"$TMP/times"
for ((i = 1; i <= RUNS; i++)); do
    t0="$EPOCHREALTIME"
    "$GOS" build "$TMP/prog.gos" -o "$TMP/prog" >/dev/null
    t1="$EPOCHREALTIME"
    echo $(( ${t1/./} - ${t0/./} )) >>"$TMP/times"
done
out="$("$TMP/prog")"
case "$out" in
    "checksum "*) ;;
    *) echo "error: the built program printed '$out'" >&2; exit 1 ;;
esac
median=$(sort -n "$TMP/times" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f", m / 1e6 }')
size=$(stat -c %s "$TMP/prog")
echo "gossamer build of a $lines-line program: median ${median} s over $RUNS runs (executable $size bytes, prints '$out')"
