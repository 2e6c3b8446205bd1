#!/usr/bin/env bash
# Memory under concurrency (issue 8): runs the many-goroutines workloads of
# bench/seeds/ on Gossamer, Go and Rust, and writes bench/seeds/RESULTS.md
# (the tables), bench/seeds/results.tsv (every measurement, one per line)
# and bench/seeds/chart.svg (drawn from the TSV by chart.py).
#
# Usage: bench/seeds/run.sh [T [N…]]
#   T: hash-map tasks (default 10,000); N…: idle-task counts (default
#   1 10000 30000 100000).
# Environment:
#   SEEDS_RUNS=R            runs of each row (default 1); the row keeps the
#                           run with the median total wall time
#   SEEDS_ITEMS=I           items per hash-map task (default 10,000)
#   SEEDS_SLEEP_MS=M        how long each idle task sleeps (default 10,000)
#   GOSSAMER_RELEASE_FLAGS  flags given to `gossamer build` for the built
#                           rows (default `--release`, the LLVM tier; set it
#                           empty for the Cranelift tier)
#   GOSSAMER_BIN            a gossamer executable to measure instead of
#                           building one with cargo
#   SEEDS_ALLOCATORS        the runtime allocators measured besides the
#                           system allocator on the built rows (default
#                           `mimalloc jemalloc`; each is a build of gossamer
#                           with `--features NAME`, a few minutes the first
#                           time; empty: none; ignored with GOSSAMER_BIN)
#
# The workloads (each a Gossamer program here, with go/ and rust/
# counterparts doing the same work):
#   hashmap  T tasks all started at once, each building a HashMap of I small
#            structs (id, short string, float) by id, looking each up and
#            summing a field. Rows: Go with a goroutine per task, Go with a
#            pool of GOMAXPROCS workers, tokio with the system allocator and
#            with mimalloc, Gossamer `run` and built, each with the default
#            GOSSAMER_PROCS and with 1, and built with each allocator of
#            SEEDS_ALLOCATORS.
#   idle     N tasks each sleeping M ms, all alive at once. Rows: Go, Rust
#            std threads with 64 KiB stacks, tokio, the four Gossamer rows
#            and the built rows of SEEDS_ALLOCATORS.
# Every program times each task with a monotonic clock and prints one line,
#   tasks=T items=I total_ms=… avg_ms=… min_ms=… max_ms=… check=C
# and the check must agree across every row of a workload and size, or the
# script stops. Peak RSS is /usr/bin/time -v's "Maximum resident set
# size"; peak threads is sampled from /proc every 0.1 s while it runs. A row
# that fails (a thread limit, a timeout, a build error) is recorded with the
# reason, not dropped.
#
# Tools: Go is installed with apt (`golang-go`) when missing, as are
# /usr/bin/time and matplotlib for /usr/bin/python3.11. Gossamer is built
# with `cargo build --release -p gossamer` and the Rust project with
# `cargo build --release` in its own directory (both honour
# CARGO_TARGET_DIR; the Rust project uses a `seeds-rust` directory inside it).
set -euo pipefail
export LC_ALL=C

usage() {
    echo "usage: $0 [T [N...]]   (T: hash-map tasks, default 10000; N: idle-task counts, default 1 10000 30000 100000)" >&2
    exit 2
}

TASKS="${1:-10000}"
[ $# -gt 0 ] && shift
if [ $# -gt 0 ]; then IDLE_SIZES=("$@"); else IDLE_SIZES=(1 10000 30000 100000); fi
RUNS="${SEEDS_RUNS:-1}"
ITEMS="${SEEDS_ITEMS:-10000}"
SLEEP_MS="${SEEDS_SLEEP_MS:-10000}"
RELEASE_FLAGS="${GOSSAMER_RELEASE_FLAGS---release}"
read -r -a ALLOCATORS <<<"${SEEDS_ALLOCATORS-mimalloc jemalloc}"
for a in "${ALLOCATORS[@]}"; do
    case "$a" in
        mimalloc | jemalloc) ;;
        *) echo "SEEDS_ALLOCATORS: unknown allocator $a (expected mimalloc and/or jemalloc)" >&2; exit 2 ;;
    esac
done
for v in "$TASKS" "${IDLE_SIZES[@]}" "$RUNS" "$ITEMS" "$SLEEP_MS"; do
    [[ "$v" =~ ^[1-9][0-9]*$ ]] || usage
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SEEDS="bench/seeds"
PYTHON=/usr/bin/python3.11
# A hash-map run slower than this is killed and recorded as failed; the
# slowest rows expected (a goroutine per task with GOSSAMER_PROCS=1) take a
# few minutes at T = 10,000 on a loaded 2-core machine.
HASHMAP_TIMEOUT=1200
# An idle run gets its sleep plus this long to start and join its tasks.
IDLE_SLACK=300

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
apt_install() {
    echo "== installing $* with apt" >&2
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

# ---- tools and builds --------------------------------------------------------

command -v go >/dev/null 2>&1 || apt_install golang-go
[ -x /usr/bin/time ] || apt_install time
"$PYTHON" -c 'import matplotlib' 2>/dev/null || apt_install python3-matplotlib
command -v cargo >/dev/null 2>&1 || { echo "error: cargo is not on PATH" >&2; exit 1; }

target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in
    /*) ;;
    *) target_dir="$ROOT/$target_dir" ;;
esac
if [ -n "${GOSSAMER_BIN:-}" ]; then
    GOS="$GOSSAMER_BIN"
    [ -x "$GOS" ] || { echo "error: GOSSAMER_BIN=$GOS is not an executable" >&2; exit 1; }
    GOS_ORIGIN="\`$GOS\` (GOSSAMER_BIN, not rebuilt)"
else
    GOS_ORIGIN="built by the script from the working tree"
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# The allocator variants first, each copied out with its gossamer-llvm (the
# two must sit side by side), then the default build, which leaves the
# target directory's executables as a plain `cargo build` makes them.
declare -A ALLOC_GOS
if [ -z "${GOSSAMER_BIN:-}" ]; then
    for a in "${ALLOCATORS[@]}"; do
        echo "== building gossamer (release, --features $a)" >&2
        cargo build --release -p gossamer --features "$a"
        mkdir -p "$WORK/alloc-$a"
        cp "$target_dir/release/gossamer" "$target_dir/release/gossamer-llvm" "$WORK/alloc-$a/"
        ALLOC_GOS[$a]="$WORK/alloc-$a/gossamer"
    done
    echo "== building gossamer (release)" >&2
    cargo build --release -p gossamer
    GOS="$target_dir/release/gossamer"
    [ -x "$GOS" ] || { echo "error: cargo built no executable at $GOS" >&2; exit 1; }
else
    ALLOCATORS=()
fi

echo "== building the Go programs" >&2
go build -o "$WORK/hashmap-go" "$SEEDS/go/report.go" "$SEEDS/go/task.go" "$SEEDS/go/hashmap_tasks.go"
go build -o "$WORK/hashmap-go-pool" "$SEEDS/go/report.go" "$SEEDS/go/task.go" "$SEEDS/go/hashmap_pool.go"
go build -o "$WORK/idle-go" "$SEEDS/go/report.go" "$SEEDS/go/idle_tasks.go"

echo "== building the Rust programs" >&2
RUST_TARGET="$target_dir/seeds-rust"
(cd "$SEEDS/rust" && CARGO_TARGET_DIR="$RUST_TARGET" cargo build --release)
RUST_BIN="$RUST_TARGET/release"

# The built Gossamer rows: a build that fails (the LLVM tier not there yet)
# makes those rows fail with the compiler's message, instead of quietly
# measuring another tier.
if [ -n "$RELEASE_FLAGS" ]; then
    BUILD_TIER="\`gossamer build $RELEASE_FLAGS\`"
else
    BUILD_TIER="\`gossamer build\` (Cranelift; GOSSAMER_RELEASE_FLAGS was empty)"
fi
declare -A BUILD_ERROR
for prog in hashmap_tasks idle_tasks; do
    echo "== gossamer build $RELEASE_FLAGS $prog.gos" >&2
    # shellcheck disable=SC2086  # the flags are words on purpose
    if ! "$GOS" build $RELEASE_FLAGS "$SEEDS/$prog.gos" -o "$WORK/$prog-gos" 2>"$WORK/build-err"; then
        BUILD_ERROR[$prog]="gossamer build $RELEASE_FLAGS failed: $(grep -m1 . "$WORK/build-err" | tr '|' '/')"
        echo "   ${BUILD_ERROR[$prog]}" >&2
    fi
    for a in "${ALLOCATORS[@]}"; do
        echo "== gossamer build $RELEASE_FLAGS $prog.gos (runtime with $a)" >&2
        # shellcheck disable=SC2086
        if ! "${ALLOC_GOS[$a]}" build $RELEASE_FLAGS "$SEEDS/$prog.gos" -o "$WORK/$prog-gos-$a" 2>"$WORK/build-err"; then
            BUILD_ERROR[$prog-$a]="gossamer build $RELEASE_FLAGS with $a failed: $(grep -m1 . "$WORK/build-err" | tr '|' '/')"
            echo "   ${BUILD_ERROR[$prog-$a]}" >&2
        fi
    done
done

GO_VERSION="$(go version | awk '{print $3}')"
RUSTC_VERSION="$(rustc --version | awk '{print $2}')"
crate_version() {
    awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' "$SEEDS/rust/Cargo.lock"
}
TOKIO_VERSION="$(crate_version tokio)"
MIMALLOC_VERSION="$(crate_version mimalloc)"

# ---- running one row ---------------------------------------------------------

# Sets CMD (and CMD_ENV) for a row of a workload; returns 1 with REASON set
# when the row cannot run (its program did not build).
command_for() {
    local workload="$1" row="$2"
    local prog="${workload}_tasks"
    CMD_ENV=()
    case "$row" in
        go) CMD=("$WORK/$workload-go") ;;
        go-pool) CMD=("$WORK/hashmap-go-pool") ;;
        tokio) CMD=("$RUST_BIN/${workload}_tokio") ;;
        tokio-mimalloc) CMD=("$RUST_BIN/hashmap_tokio_mimalloc") ;;
        rust-threads) CMD=("$RUST_BIN/idle_threads") ;;
        gos-run*) CMD=("$GOS" run "$SEEDS/$prog.gos") ;;
        gos-build-mimalloc | gos-build-jemalloc)
            local a="${row#gos-build-}"
            if [ -n "${BUILD_ERROR[$prog-$a]:-}" ]; then
                REASON="${BUILD_ERROR[$prog-$a]}"
                return 1
            fi
            CMD=("$WORK/$prog-gos-$a")
            ;;
        gos-build*)
            if [ -n "${BUILD_ERROR[$prog]:-}" ]; then
                REASON="${BUILD_ERROR[$prog]}"
                return 1
            fi
            CMD=("$WORK/$prog-gos")
            ;;
    esac
    case "$row" in
        *-p1) CMD_ENV=(GOSSAMER_PROCS=1) ;;
    esac
    return 0
}

# Prints the most threads the process under PID (timeout → time → program)
# had at any sample, when PID exits.
sample_threads() {
    local pid="$1" max=0 leaf child n
    while kill -0 "$pid" 2>/dev/null; do
        leaf="$pid"
        while child="$(pgrep -P "$leaf" | head -n 1)" && [ -n "$child" ]; do leaf="$child"; done
        n="$(awk '/^Threads:/ { print $2 }' "/proc/$leaf/status" 2>/dev/null || true)"
        if [ -n "$n" ] && [ "$n" -gt "$max" ]; then max="$n"; fi
        sleep 0.1
    done
    echo "$max"
}

# Why a run failed, from its stderr: the first line naming an error, else the
# last line, plus how /usr/bin/time saw it end.
failure_reason() {
    awk '
        /^\tCommand being timed/ { exit }
        /^Command (exited|terminated)/ { how = $0; next }
        !NF { next }
        pick == "" && /error|panic|fatal|cannot|failed|abort|Resource|killed/ { pick = $0 }
        { last = $0 }
        END {
            if (pick == "") pick = last
            if (how != "") pick = (pick == "" ? how : pick " (" how ")")
            gsub(/\|/, "/", pick)
            print substr(pick, 1, 200)
        }' "$1"
}

TSV="$SEEDS/results.tsv"
printf 'workload\trow\tsize\tstatus\ttotal_ms\tavg_ms\tmin_ms\tmax_ms\trss_mb\tthreads\tcheck\tnote\tload\n' >"$WORK/results.tsv"
declare -A CHECK

# Runs one row RUNS times and appends its line to the TSV: the run with the
# median total wall, or the failure of the first run that failed.
run_row() {
    local workload="$1" row="$2" size="$3" timeout_s="$4"
    local args=("$size")
    if [ "$workload" = hashmap ]; then args+=("$ITEMS"); else args+=("$SLEEP_MS"); fi
    REASON=""
    if ! command_for "$workload" "$row"; then
        printf '%s\t%s\t%s\tfailed\t\t\t\t\t\t\t\t%s\t%s\n' "$workload" "$row" "$size" "$REASON" "$(cut -d' ' -f1 /proc/loadavg)" >>"$WORK/results.tsv"
        return
    fi
    local lines=() r status line threads rss check load
    for ((r = 1; r <= RUNS; r++)); do
        echo "== $workload size=$size $row run $r/$RUNS" >&2
        # The machine may be shared: the load when a run starts says how
        # much of it the run had.
        load="$(cut -d' ' -f1 /proc/loadavg)"
        status=0
        env "${CMD_ENV[@]}" timeout "$timeout_s" /usr/bin/time -v "${CMD[@]}" "${args[@]}" \
            >"$WORK/out" 2>"$WORK/err" &
        local pid=$!
        threads="$(sample_threads "$pid")"
        wait "$pid" || status=$?
        line="$(grep -m1 '^tasks=' "$WORK/out" || true)"
        if [ "$status" -ne 0 ] || [ -z "$line" ]; then
            REASON="$(failure_reason "$WORK/err")"
            [ "$status" -eq 124 ] && REASON="killed after ${timeout_s} s ($REASON)"
            [ -n "$REASON" ] || REASON="exit status $status with no message"
            printf '%s\t%s\t%s\tfailed\t\t\t\t\t\t%s\t\t%s\t%s\n' "$workload" "$row" "$size" "$threads" "$REASON" "$load" >>"$WORK/results.tsv"
            echo "   failed: $REASON" >&2
            return
        fi
        check="$(sed 's/.*check=//' <<<"$line")"
        local key="$workload,$size"
        if [ "$workload" = idle ] && [ "$check" != "$size" ]; then
            echo "error: idle $row N=$size: $check tasks woke" >&2
            exit 1
        fi
        if [ -n "${CHECK[$key]:-}" ] && [ "${CHECK[$key]}" != "$check" ]; then
            echo "error: $workload $row size $size printed check $check, an earlier row ${CHECK[$key]}" >&2
            exit 1
        fi
        CHECK[$key]="$check"
        rss="$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$WORK/err")"
        lines+=("$(awk -v rss="$rss" -v threads="$threads" -v load="$load" '{
            for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\t%s", v["total_ms"], v["avg_ms"], v["min_ms"], v["max_ms"], rss, threads, v["check"], load
        }' <<<"$line")")
        echo "   $line rss_mb=$rss threads=$threads load=$load" >&2
    done
    local median
    median="$(printf '%s\n' "${lines[@]}" | sort -t$'\t' -k1,1g | awk -v n="${#lines[@]}" 'NR == int((n + 1) / 2)')"
    printf '%s\t%s\t%s\tok\t%s\n' "$workload" "$row" "$size" "$median" >>"$WORK/results.tsv"
}

HASHMAP_ROWS=(go go-pool tokio tokio-mimalloc gos-run gos-run-p1 gos-build gos-build-p1)
IDLE_ROWS=(go rust-threads tokio gos-run gos-run-p1 gos-build gos-build-p1)
for a in "${ALLOCATORS[@]}"; do
    HASHMAP_ROWS+=("gos-build-$a")
    IDLE_ROWS+=("gos-build-$a")
done

for row in "${HASHMAP_ROWS[@]}"; do
    run_row hashmap "$row" "$TASKS" "$HASHMAP_TIMEOUT"
done
for n in "${IDLE_SIZES[@]}"; do
    for row in "${IDLE_ROWS[@]}"; do
        run_row idle "$row" "$n" $((SLEEP_MS / 1000 + IDLE_SLACK))
    done
done
cp "$WORK/results.tsv" "$TSV"

# ---- RESULTS.md ----------------------------------------------------------------

label() {
    case "$1" in
        go) echo "Go, one goroutine per task" ;;
        go-pool) echo "Go, pool of GOMAXPROCS workers" ;;
        tokio) echo "Rust tokio, system allocator" ;;
        tokio-mimalloc) echo "Rust tokio, mimalloc" ;;
        rust-threads) echo "Rust std threads, 64 KiB stacks" ;;
        gos-run) echo "Gossamer \`run\`" ;;
        gos-run-p1) echo "Gossamer \`run\`, GOSSAMER_PROCS=1" ;;
        gos-build) echo "Gossamer built" ;;
        gos-build-p1) echo "Gossamer built, GOSSAMER_PROCS=1" ;;
        gos-build-mimalloc) echo "Gossamer built, runtime on mimalloc" ;;
        gos-build-jemalloc) echo "Gossamer built, runtime on jemalloc" ;;
    esac
}
# 100000 -> 100,000
group() {
    echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'
}

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git status --porcelain 2>/dev/null | head -n 1)" ]; then
    commit="$commit with local changes"
fi
model="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo | sed 's/ [0-9]*-Core Processor//')"
NOTES=()
# Prints a table row for a TSV line, numbering its failure note.
table_row() {
    local workload="$1" row="$2" size="$3" with_size="$4"
    local line
    # Tabs are whitespace to `read`, which would merge the empty fields of a
    # failed row; a unit separator is not.
    line="$(awk -F'\t' -v w="$workload" -v r="$row" -v s="$size" '$1 == w && $2 == r && $3 == s' "$TSV" | tr '\t' '\037')"
    IFS=$'\037' read -r _ _ _ status total avg min max rss threads _ note load <<<"$line"
    local first="| $(label "$row") |"
    [ "$with_size" = yes ] && first="$first $(group "$size") |"
    if [ "$status" = ok ]; then
        awk -v first="$first" -v t="$total" -v a="$avg" -v mi="$min" -v ma="$max" -v rss="$rss" -v th="$threads" -v load="$load" \
            'BEGIN { printf "%s %.2f | %.2f | %.2f | %.2f | %.1f | %s | %s |\n", first, t / 1000, a, mi, ma, rss, (th > 0 ? th : "–"), load }'
    else
        NOTES+=("$(label "$row"), $(group "$size"): $note")
        echo "$first failed (${#NOTES[@]}) | | | | | ${threads:-} | $load |"
    fi
}
value() {
    awk -F'\t' -v w="$1" -v r="$2" -v s="$3" -v c="$4" '$1 == w && $2 == r && $3 == s && $4 == "ok" { print $c }' "$TSV"
}

# The issue's targets for the built Gossamer row at the default
# GOSSAMER_PROCS, each a sentence with the numbers it compares.
targets() {
    local g_rss g_wall go_rss go_wall tk_rss
    g_rss="$(value hashmap gos-build "$TASKS" 9)"
    g_wall="$(value hashmap gos-build "$TASKS" 5)"
    go_rss="$(value hashmap go "$TASKS" 9)"
    go_wall="$(value hashmap go "$TASKS" 5)"
    tk_rss="$(value hashmap tokio "$TASKS" 9)"
    if [ -z "$g_rss" ] || [ -z "$go_rss" ] || [ -z "$tk_rss" ]; then
        echo "Not evaluated: the built Gossamer row, the Go row or the tokio row failed."
        return
    fi
    awk -v g="$g_rss" -v tk="$tk_rss" -v go="$go_rss" -v gw="$g_wall" -v gow="$go_wall" 'BEGIN {
        printf "- Peak RSS within 2x of tokio (system allocator): %.1f MB against %.1f MB, %.1fx: **%s**.\n", g, tk, g / tk, (g <= 2 * tk ? "met" : "missed")
        printf "- Peak RSS under a tenth of Go with one goroutine per task: %.1f MB against %.1f MB, %.2fx: **%s**.\n", g, go, g / go, (g < go / 10 ? "met" : "missed")
        printf "- Total wall no worse than that Go row: %.2f s against %.2f s, %.2fx: **%s**.\n", gw / 1000, gow / 1000, gw / gow, (gw <= gow ? "met" : "missed")
    }'
}

{
    echo "# Memory under concurrency: results"
    echo
    echo "<!-- Written by bench/seeds/run.sh; do not edit by hand. -->"
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs ($model, $(awk '/^MemTotal:/ { printf "%.0f", $2 / 1024 }' /proc/meminfo) MB of memory;"
    echo "load average $(cut -d' ' -f1 /proc/loadavg) at the end), commit \`$commit\`, with"
    echo "\`bench/seeds/run.sh $TASKS ${IDLE_SIZES[*]}\` (SEEDS_RUNS=$RUNS, SEEDS_ITEMS=$ITEMS, SEEDS_SLEEP_MS=$SLEEP_MS)."
    echo "Go $GO_VERSION (Debian's \`golang-go\`), default GOMAXPROCS; Rust $RUSTC_VERSION with tokio $TOKIO_VERSION"
    echo "(multi-threaded runtime, one worker per CPU) and mimalloc $MIMALLOC_VERSION; Gossamer rows \"built\" come from"
    echo "$BUILD_TIER, \`run\` rows from \`gossamer run\` (bytecode VM with the Cranelift JIT); the gossamer"
    echo "executable was $GOS_ORIGIN."
    if [ ${#ALLOCATORS[@]} -gt 0 ]; then
        echo "Rows \"runtime on mimalloc/jemalloc\" are built like \"Gossamer built\" by a gossamer compiled with"
        echo "\`cargo build --release -p gossamer --features NAME\`: the runtime's own Rust allocations go to that"
        echo "allocator (the collected heap and thread stacks are mmap'ed either way)."
    fi
    echo "Limits here: \`kernel.pid_max\` $(cat /proc/sys/kernel/pid_max), \`vm.max_map_count\` $(cat /proc/sys/vm/max_map_count),"
    echo "\`kernel.threads-max\` $(cat /proc/sys/kernel/threads-max)."
    echo
    echo "Columns: total wall = the program's own timing of the whole batch (first spawn to last join);"
    echo "task avg/min/max = each task timed around its own work with a monotonic clock; peak RSS ="
    echo "/usr/bin/time -v's maximum resident set size; peak threads = the most threads /proc showed in"
    echo "samples 0.1 s apart (– when the run ended before the first sample); load = the 1-minute load average when the run started (this machine is"
    echo "shared: above 2, other work competed for the 2 CPUs; a high load just after an idle row with"
    echo "tens of thousands of threads is that row's own wake-ups). $( [ "$RUNS" -gt 1 ] && echo "Each row is the run with the median total wall of $RUNS." )"
    echo
    echo "## Hash-map tasks: T = $(group "$TASKS") tasks of $(group "$ITEMS") items"
    echo
    echo "| row | total wall (s) | task avg (ms) | task min (ms) | task max (ms) | peak RSS (MB) | peak threads | load |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for row in "${HASHMAP_ROWS[@]}"; do table_row hashmap "$row" "$TASKS" no; done
    echo
    echo "Targets of issue 8 for the built Gossamer row at the default GOSSAMER_PROCS:"
    echo
    targets
    echo
    echo "## Idle tasks: N tasks sleeping $(group "$SLEEP_MS") ms"
    echo
    echo "Peak RSS (MB):"
    echo
    printf '| row |'; for n in "${IDLE_SIZES[@]}"; do printf ' N = %s |' "$(group "$n")"; done; echo
    printf '|---|'; for _ in "${IDLE_SIZES[@]}"; do printf -- '---:|'; done; echo
    for row in "${IDLE_ROWS[@]}"; do
        printf '| %s |' "$(label "$row")"
        for n in "${IDLE_SIZES[@]}"; do
            v="$(value idle "$row" "$n" 9)"
            printf ' %s |' "${v:-failed}"
        done
        echo
    done
    echo
    echo "Every run:"
    echo
    echo "| row | N | total wall (s) | task avg (ms) | task min (ms) | task max (ms) | peak RSS (MB) | peak threads | load |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for n in "${IDLE_SIZES[@]}"; do
        for row in "${IDLE_ROWS[@]}"; do table_row idle "$row" "$n" yes; done
    done
    if [ ${#NOTES[@]} -gt 0 ]; then
        echo
        echo "Failures:"
        echo
        for i in "${!NOTES[@]}"; do echo "$((i + 1)). ${NOTES[$i]}"; done
    fi
    echo
    echo "![peak RSS and wall time](chart.svg)"
} >"$SEEDS/RESULTS.md"

echo "== drawing $SEEDS/chart.svg" >&2
"$PYTHON" "$SEEDS/chart.py" "$TSV" "$SEEDS/chart.svg"
cat "$SEEDS/RESULTS.md"
echo "== wrote $SEEDS/RESULTS.md, $TSV and $SEEDS/chart.svg" >&2
