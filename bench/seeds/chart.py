"""Draws bench/seeds/chart.svg from the measurements run.sh writes to
bench/seeds/results.tsv: for the hash-map tasks, each row's peak RSS and
total wall time side by side; for the idle tasks, peak RSS against the
number of tasks, one line per runtime, with the sizes a runtime could not
reach marked where its line stops. Log scales, because the runtimes differ
by orders of magnitude in memory. Run as
`/usr/bin/python3.11 chart.py results.tsv chart.svg`.
"""
import csv
import sys

import matplotlib

# No display: the chart is written straight to a file.
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (must follow the backend choice)

LABELS = {
    "go": "Go, goroutine per task",
    "go-pool": "Go, worker pool",
    "tokio": "tokio, system malloc",
    "tokio-mimalloc": "tokio, mimalloc",
    "rust-threads": "Rust threads, 64 KiB stacks",
    "gos-run": "Gossamer run",
    "gos-run-p1": "Gossamer run, PROCS=1",
    "gos-build": "Gossamer built",
    "gos-build-p1": "Gossamer built, PROCS=1",
    "gos-build-mimalloc": "Gossamer built, mimalloc",
    "gos-build-jemalloc": "Gossamer built, jemalloc",
}
# Gossamer in blues, Go in greens, Rust in oranges, so families read at once.
COLORS = {
    "go": "#2ca02c",
    "go-pool": "#98df8a",
    "tokio": "#ff7f0e",
    "tokio-mimalloc": "#ffbb78",
    "rust-threads": "#d62728",
    "gos-run": "#1f77b4",
    "gos-run-p1": "#aec7e8",
    "gos-build": "#17becf",
    "gos-build-p1": "#9edae5",
    "gos-build-mimalloc": "#393b79",
    "gos-build-jemalloc": "#6b6ecf",
}


def load(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def hashmap_panels(rows, ax_rss, ax_wall):
    hm = [r for r in rows if r["workload"] == "hashmap"]
    if not hm:
        return
    names = [LABELS[r["row"]] for r in hm]
    ys = list(range(len(hm)))
    for ax, column, title in (
        (ax_rss, "rss_mb", "peak RSS (MB, log)"),
        (ax_wall, "total_ms", "total wall (s, log)"),
    ):
        for y, r in zip(ys, hm):
            if r["status"] != "ok":
                ax.text(1, y, " failed", va="center", fontsize=8, color="grey")
                continue
            v = float(r[column]) / (1000.0 if column == "total_ms" else 1.0)
            ax.barh(y, v, color=COLORS[r["row"]])
            ax.text(v, y, f" {v:,.0f}" if v >= 100 else f" {v:.3g}", va="center", fontsize=8)
        ax.set_xscale("log")
        ax.set_yticks(ys)
        ax.set_yticklabels(names, fontsize=8)
        ax.invert_yaxis()
        ax.set_title(f"hash-map tasks (T = {hm[0]['size']}): {title}", fontsize=9)
        ax.grid(axis="x", which="both", alpha=0.3)
    # The labels on the right-hand panel would repeat the left one's.
    ax_wall.set_yticklabels([])


def idle_panel(rows, ax):
    idle = [r for r in rows if r["workload"] == "idle"]
    if not idle:
        return
    sizes = sorted({int(r["size"]) for r in idle})
    for row in LABELS:
        mine = [r for r in idle if r["row"] == row]
        if not mine:
            continue
        ok = sorted((int(r["size"]), float(r["rss_mb"])) for r in mine if r["status"] == "ok")
        failed = sorted(int(r["size"]) for r in mine if r["status"] != "ok")
        if ok:
            ax.plot([n for n, _ in ok], [m for _, m in ok], marker="o", color=COLORS[row], label=LABELS[row])
        if ok and failed:
            # A cross at the first size the runtime could not reach, drawn at
            # the height of its last success so it sits at the end of its line.
            ax.plot([failed[0]], [ok[-1][1]], marker="x", markersize=9, color=COLORS[row], linestyle="none")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(sizes)
    ax.set_xticklabels([f"{n:,}" for n in sizes], fontsize=8)
    ax.set_xlabel("tasks alive at once (x: the first size that failed)", fontsize=8)
    ax.set_ylabel("peak RSS (MB)", fontsize=8)
    ax.set_title("idle tasks: peak RSS against N", fontsize=9)
    ax.grid(which="both", alpha=0.3)
    ax.legend(fontsize=7)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: chart.py results.tsv chart.svg")
    rows = load(sys.argv[1])
    fig = plt.figure(figsize=(12, 8))
    grid = fig.add_gridspec(2, 2, height_ratios=[1, 1.2])
    hashmap_panels(rows, fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]))
    idle_panel(rows, fig.add_subplot(grid[1, :]))
    fig.suptitle("Memory under concurrency: Gossamer, Go and Rust (bench/seeds)", fontsize=11)
    fig.tight_layout()
    fig.savefig(sys.argv[2], format="svg")


if __name__ == "__main__":
    main()
