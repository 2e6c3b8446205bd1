"""Draws bench/game/chart.svg from the rows bench/game/run.sh measured.

Usage: chart.py ROWS.tsv OUT.svg SUBTITLE

ROWS.tsv has one row per program and mode, tab-separated: benchmark, mode,
N, median wall seconds, median cpu seconds, median peak RSS (KB), gzip
bytes, status ("ok" or "FAIL (k)"). The chart has one panel per task (fasta,
n-body) with a horizontal bar per row: wall seconds, and the cpu seconds as
a thinner bar over it (for the parallel fasta programs cpu exceeds wall).
A row measured at a different N than the task's largest says so in its
label, and a failed row is drawn as an empty, hatched bar labelled FAIL, so
a broken tier stays visible instead of disappearing from the picture.
Matplotlib draws it (run.sh installs python3-matplotlib); the SVG is made
reproducible by fixing its hash salt and leaving out the date.
"""

import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

# Bar colours by the mode's first word ("gossamer run" and "go" differ in
# their first word, so a prefix test would confuse them).
COLORS = {"rust": "#dea584", "go": "#00add8", "gossamer": "#6a4c93"}


def colour(mode):
    return COLORS.get(mode.split()[0], "#888888")


def main():
    rows_path, out_path, subtitle = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(rows_path, newline="") as f:
        rows = [r for r in csv.reader(f, delimiter="\t") if r]
    tasks = [("fasta", [r for r in rows if r[0].startswith("fasta")]), ("n-body", [r for r in rows if r[0].startswith("nbody")])]
    tasks = [(name, rs) for name, rs in tasks if rs]

    plt.rcParams["svg.hashsalt"] = "bench-game"
    fig, axes = plt.subplots(len(tasks), 1, figsize=(9, 1.2 + 0.42 * len(rows)), squeeze=False, gridspec_kw={"height_ratios": [len(rs) for _, rs in tasks]})
    for ax, (name, rs) in zip(axes[:, 0], tasks):
        largest = max(int(r[2]) for r in rs)
        labels, walls, cpus = [], [], []
        for r in rs:
            label = f"{r[0]}: {r[1]}"
            if int(r[2]) != largest:
                label += f" (N = {int(r[2]):,})"
            labels.append(label)
            ok = r[7] == "ok"
            walls.append(float(r[3]) if ok else 0.0)
            cpus.append(float(r[4]) if ok else 0.0)
        ys = list(range(len(rs)))[::-1]
        top = max(walls + cpus + [0.001])
        for y, r, wall, cpu in zip(ys, rs, walls, cpus):
            if r[7] != "ok":
                ax.barh(y, top * 0.15, color="none", edgecolor="#cc0000", hatch="//", height=0.7)
                ax.text(top * 0.16, y, r[7], va="center", fontsize=8, color="#cc0000")
                continue
            ax.barh(y, wall, color=colour(r[1]), height=0.7, label=None)
            ax.barh(y, cpu, color="black", alpha=0.35, height=0.18)
            ax.text(wall + top * 0.01, y, f"{wall:g} s", va="center", fontsize=8)
        ax.set_yticks(ys)
        ax.set_yticklabels(labels, fontsize=8)
        ax.set_xlim(0, top * 1.18)
        ax.set_title(f"{name} (N = {largest:,}): wall seconds, cpu seconds as the thin bar", fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(f"bench/game: Gossamer against Rust and Go\n{subtitle}", fontsize=10)
    fig.tight_layout()
    fig.savefig(out_path, format="svg", metadata={"Date": None})


if __name__ == "__main__":
    main()
