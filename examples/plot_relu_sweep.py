#!/usr/bin/env python3
"""Plots a relu_fig1_sweep output directory: the fits f_n against the natural cubic spline g* (left)
and sup|f_n − g*| against the width n on log axes with an n^(-1/2) guide (right), into
DIR/relu_fig1_sweep.png. Needs python3-matplotlib (Debian). Usage: plot_relu_sweep.py DIR"""
import csv
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(directory):
    with open(f"{directory}/fits.csv", newline="") as f:
        rows = list(csv.reader(f))
    header, data = rows[0], [[float(v) for v in r] for r in rows[1:]]
    x = [r[0] for r in data]
    with open(f"{directory}/errors.csv", newline="") as f:
        errors = [(int(r["width"]), float(r["sup_error"])) for r in csv.DictReader(f)]

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for k, name in enumerate(header[2:], start=2):
        left.plot(x, [r[k] for r in data], lw=1, label=f"n = {name[2:]} (seed 1)")
    left.plot(x, [r[1] for r in data], "k--", lw=1.5, label="g* (natural cubic spline)")
    left.plot([-2, -1, 0, 1, 2], [1.5, 0.5, 1.5, 0.5, 1.5], "ko", ms=4)
    left.set_xlabel("x")
    left.set_ylabel("f(x)")
    left.legend(fontsize=8)

    widths = sorted({n for n, _ in errors})
    right.loglog([n for n, _ in errors], [e for _, e in errors], "o", alpha=0.5, label="runs (seeds)")
    means = [math.exp(sum(math.log(e) for m, e in errors if m == n) / sum(1 for m, _ in errors if m == n)) for n in widths]
    right.loglog(widths, means, "s-", label="geometric mean")
    anchor = means[len(means) // 2], widths[len(widths) // 2]
    right.loglog(widths, [anchor[0] * math.sqrt(anchor[1] / n) for n in widths], "k:", label="∝ n^(-1/2)")
    right.set_xlabel("width n")
    right.set_ylabel("sup |f − g*| on [−2, 2]")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(f"{directory}/relu_fig1_sweep.png", dpi=120)
    print(f"plot_relu_sweep: wrote {directory}/relu_fig1_sweep.png")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
