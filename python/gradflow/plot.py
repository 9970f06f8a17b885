"""Plots of gradflow outputs (matplotlib, Agg): `python3 -m gradflow.plot DIR --what KIND -o FILE.png`.

Kinds (README "Plots"):
  loss        log10 loss against t (against log10 t when the run used time_change = "loss"); a sweep
              directory overlays every run.
  rate        −d ln L/dt, the mean over each sample interval, computed at the run's precision from the
              exact columns; dashed: the theorem bounds the run's checks report (min2021.rate: the bound
              on its tightest interval; min2021.exp_bound: λ_r c(0) on the mean rate ln(L(0)/L(t))/t).
              Without such a check the title says so; no bound is made up here.
  invariants  every *_drift column (log10 |drift|) against t, with eps = 2^(1 − bits) of the run's
              precision dashed and the integrator tolerance dotted.
  checks      one bar per check: log10(measured/bound), coloured by verdict, with the numbers.
  sweep       a sweep.csv column (--y, default wall_seconds) against an axis (--x, default the first
              numeric axis) on log-log axes (log10 of the exact strings when a value is beyond
              float64), one line per combination of the other axes, each with its least-squares slope
              of log10 y on log10 x in the legend.

The PNG is written to a hidden file beside FILE and renamed. An existing FILE is replaced only when
it is a PNG this module wrote (its Software text chunk says "gradflow plot"); anything else is
refused (exit 2), as is a FILE not ending in .png. Exit codes: 0 written, 1 the PNG could not be
written (the reason), 2 bad input (one message).
"""
import argparse
import math
import os
import re
import struct
import sys
import tempfile

KINDS = ("loss", "rate", "invariants", "checks", "sweep")
SOFTWARE = "gradflow plot"
VERDICT_COLOURS = {"pass": "#2e7d32", "fail": "#c62828", "not_applicable": "#9e9e9e"}


class BadInput(Exception):
    """One message for stderr, exit code 2."""


def _pyplot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


# -- helpers ---------------------------------------------------------------------------------------
def _title(result, what, note=None):
    import textwrap
    if note:
        note = "\n".join(textwrap.wrap(note, 110))
    s = result.summary
    precision = "float64" if s.get("precision") == "float64" else f"{s.get('digits')} digits"
    change = ", time_change = loss" if result.time_change == "loss" else ""
    return (f"{what} — {s.get('model')} ({s.get('loss')} loss), {s.get('method')}, {precision}{change}, "
            f"stop: {s.get('stop_reason')}\n" + (f"{note}\n" if note else "") + result.path)


def _few_rows(result):
    """A note when trajectory.csv has too few rows to show a curve (e.g. spacing = "t" with an early
    loss_below stop), else None."""
    n = len(result.exact["t"])
    return (f"only {n} samples in trajectory.csv (output.samples, output.spacing = \"loss\" spreads "
            "them over a loss_below run)") if n < 5 else None


def _time_axis(result):
    """(x values, label, keep mask): t, or log10 t (exact, any size) with the time change."""
    import numpy as np
    from ._load import log10_exact
    t = result.exact["t"]
    if result.time_change == "loss":
        x = np.array([log10_exact(v) for v in t])
        return x, "log10 t", np.isfinite(x)
    x = result.trajectory["t"]
    return x, "t", np.isfinite(x)


def _log10_column(result, name):
    import numpy as np
    from ._load import log10_exact
    return np.array([log10_exact(v) for v in result.exact[name]])


def _loss_log10(result):
    if "log10_loss" in result.exact:
        import numpy as np
        return np.array([float(v) if v not in ("", "nan") else math.nan for v in result.exact["log10_loss"]])
    return _log10_column(result, "loss")


def _interval_rates(result):
    """(t_k, t_{k+1}, ln(L_k/L_{k+1})/(t_{k+1} − t_k), log10 of it) per interval, at the run's precision."""
    import mpmath
    t_exact, loss_exact = result.exact["t"], result.exact["loss"]
    rows = []
    with mpmath.workprec(max(result.bits, 64) + 16):
        t = [mpmath.mpf(v) for v in t_exact]
        L = [mpmath.mpf(v) for v in loss_exact]
        for k in range(len(t) - 1):
            dt = t[k + 1] - t[k]
            if not (dt > 0) or not (L[k] > 0) or not (L[k + 1] > 0):
                continue
            r = mpmath.log(L[k] / L[k + 1]) / dt
            log10r = float(mpmath.log10(r)) if r > 0 else -math.inf
            mid = (t[k] + t[k + 1]) / 2
            rows.append((t[k], t[k + 1], r, log10r, mid))
    return rows


def _short(text):
    try:
        return f"{float(text):.3g}"
    except ValueError:
        return text or "—"


# -- kinds -----------------------------------------------------------------------------------------
def plot_loss(item, ax):
    from ._load import Sweep
    if isinstance(item, Sweep):
        runs = []
        for i, row in enumerate(item.rows):
            try:
                runs.append((", ".join(f"{a}={row[a]}" for a in item.axes), item.result(i)))
            except Exception:
                continue
        if not runs:
            raise BadInput(f"{item.path}: no run directory of the sweep can be read")
        for n, (label, r) in enumerate(runs):
            x, xlabel, keep = _time_axis(r)
            y = _loss_log10(r)
            ax.plot(x[keep], y[keep], lw=1.2, label=label if n < 12 else None)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("log10 loss")
        ax.legend(fontsize=7, ncol=2 if len(runs) > 6 else 1,
                  title=None if len(runs) <= 12 else f"first 12 of {len(runs)} runs")
        ax.set_title(f"loss — sweep of {len(runs)} runs ({', '.join(item.axes)})\n{item.path}", fontsize=9)
        return
    x, xlabel, keep = _time_axis(item)
    y = _loss_log10(item)
    ax.plot(x[keep], y[keep], "-", color="#1565c0", lw=1.5, marker="o", ms=2.5, label="log10 L")
    below = item.config.get("stop", {}).get("loss_below")
    if below is not None:
        from ._load import log10_exact
        ax.axhline(log10_exact(str(below)), color="k", ls=":", lw=1,
                   label=f"stop.loss_below = {below}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("log10 loss")
    ax.legend(fontsize=8)
    ax.set_title(_title(item, "loss", _few_rows(item)), fontsize=9)


def _rate_check(result, id):
    for c in result.checks:
        if c.get("id") == id and c.get("verdict") != "not_applicable" and c.get("bound") not in (None, ""):
            return c
    return None


def plot_rate(result, ax):
    import numpy as np
    rows = _interval_rates(result)
    if not rows:
        raise BadInput(f"{result.path}: trajectory.csv has no interval with t increasing and loss > 0")
    log_time = result.time_change == "loss"
    import mpmath
    if log_time:
        xs = np.array([float(mpmath.log10(r[4])) for r in rows])
    else:
        xs = np.array([float(r[4]) for r in rows])
    log10_rates = np.array([r[3] for r in rows])
    finite = np.isfinite(log10_rates)
    spread = (log10_rates[finite].max() - log10_rates[finite].min()) if finite.any() else 0
    log_y = log_time or spread > 2
    ys = log10_rates if log_y else np.array([float(r[2]) for r in rows])
    ax.plot(xs, ys, "-", color="#1565c0", marker="o", ms=2.5, lw=1.2,
            label="−Δ ln L / Δt over each sample interval (at the midpoint)")
    notes = []
    rate = _rate_check(result, "min2021.rate")
    if rate is not None:
        bound, measured = float(rate["bound"]), float(rate["measured"])
        m = re.search(r"on \[([^,\]]+),", rate["detail"]) or re.search(r"at t = (\S+)", rate["detail"])
        seg = None
        if m:
            t0 = float(m.group(1))
            starts = np.array([float(r[0]) for r in rows])
            k = int(np.argmin(np.abs(starts - t0)))
            seg = (float(rows[k][0]), float(rows[k][1]))
        yb = math.log10(bound) if log_y else bound
        ym = math.log10(measured) if log_y else measured
        colour = VERDICT_COLOURS.get(rate["verdict"], "k")
        if seg is not None:
            ax.plot(seg, [yb, yb], "--", color=colour, lw=2.5)
            # The interval can be short against the whole run: a wide bar marker keeps it visible.
            ax.plot([(seg[0] + seg[1]) / 2], [yb], "_", color=colour, ms=18, mew=2.5,
                    label=f"min2021.rate bound on its tightest interval [{seg[0]:.4g}, {seg[1]:.4g}]: "
                          f"{bound:.4g} ({rate['verdict']})")
            ax.plot([(seg[0] + seg[1]) / 2], [ym], "D", color=colour, ms=6,
                    label=f"min2021.rate measured there (rate of L − L*): {measured:.4g}")
        else:
            ax.axhline(yb, ls="--", color=colour, lw=1.5,
                       label=f"min2021.rate bound {bound:.4g} (interval not reported)")
    exp_bound = _rate_check(result, "min2021.exp_bound")
    if exp_bound is not None:
        m = re.search(r"c\(0\) = ([^,;\s]+), λ_r\(Σx\) = ([^,;\s]+)", exp_bound["detail"])
        if m:
            level = float(m.group(1)) * float(m.group(2))
            with mpmath.workprec(max(result.bits, 64) + 16):
                t = [mpmath.mpf(v) for v in result.exact["t"]]
                L = [mpmath.mpf(v) for v in result.exact["loss"]]
                pts = [(float(t[k]), float(mpmath.log(L[0] / L[k]) / t[k])) for k in range(1, len(t))
                       if t[k] > 0 and L[k] > 0]
            if pts and not log_time:
                px, py = zip(*pts)
                if log_y:
                    py = [math.log10(v) if v > 0 else math.nan for v in py]
                ax.plot(px, py, "-", color="#6a1b9a", lw=1, alpha=0.8, label="mean rate ln(L(0)/L(t)) / t")
                ax.axhline(math.log10(level) if log_y else level, ls="--", color="#6a1b9a", lw=1.2,
                           label=f"min2021.exp_bound: λ_r c(0) = {level:.4g} bounds the mean rate "
                                 f"({exp_bound['verdict']})")
    if _few_rows(result):
        notes.append(_few_rows(result))
    if rate is None and exp_bound is None:
        ids = ", ".join(c["id"] for c in result.checks) or "none"
        notes.append(f"no rate bound among this run's checks ({ids})")
    ax.set_xlabel("log10 t (interval midpoints)" if log_time else "t (interval midpoints)")
    ax.set_ylabel("log10 of −d ln L/dt" if log_y else "−d ln L/dt")
    ax.legend(fontsize=7)
    ax.set_title(_title(result, "rate", "; ".join(notes) or None), fontsize=9)


def plot_invariants(result, ax):
    import numpy as np
    columns = [c for c in result.columns if c.endswith("_drift")]
    if not columns:
        raise BadInput(f"{result.path}/trajectory.csv has no invariant column (*_drift): model "
                       f"{result.summary.get('model')} reports none")
    x, xlabel, keep = _time_axis(result)
    for c in columns:
        y = _log10_column(result, c)
        ok = keep & np.isfinite(y)
        # The drift is 0 at t = 0 by definition; other exact zeros are said in the legend.
        later = keep.copy()
        later[0] = False
        zeros = int(np.sum(later & np.isneginf(y)))
        label = c + (f" (exactly 0 at {zeros} of {int(later.sum())} samples after t = 0)" if zeros else "")
        ax.plot(x[ok], y[ok], "-", marker="o", ms=2.5, lw=1.2, label=label)
    log10_eps = (1 - result.bits) * math.log10(2)
    ax.axhline(log10_eps, color="k", ls="--", lw=1.2, label=f"eps = 2^(1 − {result.bits}) ≈ 1e{log10_eps:.1f}")
    tolerance = result.summary.get("tolerance")
    if tolerance:
        from ._load import log10_exact
        ax.axhline(log10_exact(tolerance), color="#6d4c41", ls=":", lw=1.2,
                   label=f"integrator tolerance {tolerance}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("log10 |drift since t = 0|")
    ax.legend(fontsize=8)
    if result.time_change != "loss" and keep.any():
        ax.set_xlim(left=0)
    ax.set_title(_title(result, "invariant drift", _few_rows(result)), fontsize=9)


def plot_checks(result, ax, text_ax=None):
    from ._load import log10_exact
    checks = result.checks
    if not checks:
        raise BadInput(f"{result.path}/summary.json has no checks")
    n = len(checks)
    values = []
    for c in checks:
        m, b = c.get("measured", ""), c.get("bound", "")
        if m and b:
            lm, lb = log10_exact(m), log10_exact(b)
            values.append(lm - lb if math.isfinite(lm) and math.isfinite(lb) else None)
        else:
            values.append(None)
    finite = [v for v in values if v is not None]
    lo = min(finite + [-1.0]) - 0.5
    hi = max(finite + [1.0]) + 0.5
    for i, (c, v) in enumerate(zip(checks, values)):
        y = n - 1 - i
        colour = VERDICT_COLOURS.get(c["verdict"], "k")
        if v is not None:
            ax.barh(y, v, color=colour, height=0.6)
            text = f"{c['verdict']}: measured {_short(c['measured'])}, bound {_short(c['bound'])}"
        elif c.get("measured") and c.get("bound"):
            text = f"{c['verdict']}: measured {_short(c['measured'])}, bound {_short(c['bound'])} (a zero)"
        else:
            detail = c.get("detail", "")
            text = f"{c['verdict']}: {detail[:90]}{'…' if len(detail) > 90 else ''}"
        if text_ax is not None:
            text_ax.text(0, y, text, va="center", fontsize=8, color=colour)
        else:
            ax.text(hi + 0.02 * (hi - lo), y, text, va="center", fontsize=7.5, color=colour)
    ax.set_yticks(range(n))
    ax.set_yticklabels([c["id"] for c in reversed(checks)], fontsize=8)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlabel("log10(measured / bound)")
    if text_ax is not None:
        text_ax.set_ylim(-0.6, n - 0.4)
        text_ax.set_xlim(0, 1)
        text_ax.axis("off")
    counts = {k: sum(1 for c in checks if c["verdict"] == k) for k in VERDICT_COLOURS}
    fig = ax.get_figure()
    fig.suptitle(_title(result, "checks", f"{counts['pass']} pass, {counts['fail']} fail, "
                        f"{counts['not_applicable']} not_applicable (bars coloured by verdict; which side "
                        "of 0 passes is the check's: proofs/<id>.md)"), fontsize=9)


def _numeric_columns(sweep):
    from ._load import _is_number
    return [c for c in sweep.columns
            if any(sweep.rows) and all(r[c] == "" or _is_number(r[c]) for r in sweep.rows)
            and any(r[c] != "" for r in sweep.rows)]


def _label_log_axis(axis, values):
    """Ticks at the axis values themselves when there are few (a log axis over less than a decade
    otherwise shows no labelled tick)."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator
    if 1 < len(values) <= 8:
        axis.set_major_locator(FixedLocator(values))
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        axis.set_minor_locator(NullLocator())


def plot_sweep(sweep, ax, x=None, y=None):
    import numpy as np
    from ._load import log10_exact
    numeric = _numeric_columns(sweep)
    if y is None:
        y = "wall_seconds" if "wall_seconds" in numeric else None
    if y not in numeric:
        raise BadInput(f"--y = \"{y}\" must be one of the numeric columns of {sweep.path}/sweep.csv: "
                       + ", ".join(numeric))
    axes_numeric = [a for a in sweep.axes if a in numeric and len({r[a] for r in sweep.rows}) > 1]
    if x is None:
        if not axes_numeric:
            raise BadInput(f"{sweep.path}/sweep.csv has no numeric axis with two values or more "
                           f"(axes: {', '.join(sweep.axes)})")
        x = axes_numeric[0]
    if x not in numeric:
        raise BadInput(f"--x = \"{x}\" must be one of the numeric columns of {sweep.path}/sweep.csv: "
                       + ", ".join(numeric))
    others = [a for a in sweep.axes if a != x]
    # Log axes on the values themselves when float64 holds every one; else log10 of the exact strings.
    def representable(column):
        values = [float(r[column]) for r in sweep.rows if r[column] != ""]
        return all(1e-300 < abs(v) < 1e300 for v in values)
    native = representable(x) and representable(y)
    groups = {}
    for r in sweep.rows:
        groups.setdefault(tuple(r[a] for a in others), []).append(r)
    dropped = 0
    for key, rows in groups.items():
        lx = np.array([log10_exact(r[x]) if r[x] else math.nan for r in rows])
        ly = np.array([log10_exact(r[y]) if r[y] else math.nan for r in rows])
        signs_ok = np.array([r[x] != "" and r[y] != "" and float(r[x]) >= 0 and float(r[y]) >= 0
                             and not r[x].strip().startswith("-") and not r[y].strip().startswith("-")
                             for r in rows])
        ok = np.isfinite(lx) & np.isfinite(ly) & signs_ok
        dropped += int((~ok).sum())
        order = np.argsort(lx[ok])
        px, py = lx[ok][order], ly[ok][order]
        label = ", ".join(f"{a}={v}" for a, v in zip(others, key)) or "all runs"
        show = (lambda v: 10.0 ** v) if native else (lambda v: v)
        if len(px) >= 2 and np.ptp(px) > 0:
            slope, intercept = np.polyfit(px, py, 1)
            label += f": slope {slope:.3f}"
            line, = ax.plot(show(px), show(py), "o", ms=5)
            grid = np.linspace(px.min(), px.max(), 50)
            ax.plot(show(grid), show(slope * grid + intercept), "--", color=line.get_color(), lw=1.2,
                    label=label)
        else:
            ax.plot(show(px), show(py), "o", ms=5, label=label + " (too few points to fit)")
    all_y = [v for v in (log10_exact(r[y]) for r in sweep.rows if r[y]) if np.isfinite(v)]
    flat = bool(all_y) and max(all_y) - min(all_y) < 1e-12
    if native:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        _label_log_axis(ax.xaxis, sorted({10.0 ** v for v in
                                           (log10_exact(r[x]) for r in sweep.rows if r[x]) if np.isfinite(v)}))
        from matplotlib.ticker import FuncFormatter
        plain = FuncFormatter(lambda v, _: f"{v:g}")
        ax.yaxis.set_major_formatter(plain)
        ax.yaxis.set_minor_formatter(plain)
        if flat:  # one value: a log axis needs a range around it
            ax.set_ylim(10.0 ** (all_y[0] - 0.3), 10.0 ** (all_y[0] + 0.3))
    else:
        ax.set_xlabel(f"log10 {x}")
        ax.set_ylabel(f"log10 {y}")
        if flat:
            ax.set_ylim(all_y[0] - 0.3, all_y[0] + 0.3)
    ax.legend(fontsize=7, title="least-squares fit of log10 y on log10 x", title_fontsize=7)
    note = f"; {dropped} points without a positive value left out" if dropped else ""
    ax.set_title(f"sweep — {y} against {x}, log-log ({len(sweep)} points{note})\n{sweep.path}", fontsize=9)


# -- output ----------------------------------------------------------------------------------------
def _png_software(path):
    """The Software text of a PNG file (None when not a PNG or absent)."""
    try:
        with open(path, "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                return None
            while True:
                head = f.read(8)
                if len(head) < 8:
                    return None
                length, kind = struct.unpack(">I4s", head)
                if kind in (b"IDAT", b"IEND"):
                    return None
                data = f.read(length)
                f.read(4)
                if kind == b"tEXt" and data.startswith(b"Software\x00"):
                    return data[len(b"Software\x00"):].decode("latin-1")
    except OSError:
        return None


def check_output(out):
    """Refuses (BadInput) an -o that does not end in .png, names a directory, has no parent directory,
    or is an existing file that this module did not write."""
    if not out:
        raise BadInput("-o = \"\" is empty: give the PNG file to write")
    if not out.lower().endswith(".png"):
        raise BadInput(f"-o = \"{out}\" must end in .png")
    if os.path.isdir(out):
        raise BadInput(f"-o = \"{out}\" is a directory")
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent):
        raise BadInput(f"-o = \"{out}\": the directory {parent} does not exist")
    if os.path.lexists(out):
        if not os.path.isfile(out):
            raise BadInput(f"-o = \"{out}\" exists and is not a regular file")
        if _png_software(out) != SOFTWARE:
            raise BadInput(f"-o = \"{out}\" exists and is not a PNG written by gradflow plot: "
                           "not replaced (remove it or choose another name)")


def save(fig, out):
    """Writes fig to a hidden PNG beside out and renames it into place."""
    parent = os.path.dirname(os.path.abspath(out))
    fd, temporary = tempfile.mkstemp(prefix=".gradflow-plot-", suffix=".png", dir=parent)
    os.close(fd)
    try:
        fig.savefig(temporary, dpi=120, metadata={"Software": SOFTWARE})
        os.replace(temporary, out)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def figure(directory, what=None, x=None, y=None):
    """The matplotlib Figure for DIR (a run, dataset or sweep directory) and a kind of plot."""
    from . import _load
    if what is not None and what not in KINDS:
        raise BadInput(f"--what = \"{what}\" must be one of {', '.join(KINDS)}")
    if not os.path.isdir(directory):
        raise BadInput(f"DIR = \"{directory}\": " + ("no such directory" if not os.path.exists(directory)
                                                      else "not a directory"))
    try:
        item = _load.load(directory)
    except _load.LoadError as e:
        raise BadInput(str(e)) from None
    if isinstance(item, _load.Collection):
        raise BadInput(f"DIR = \"{directory}\" holds several outputs: plot one of "
                       + ", ".join(item.names[:8]) + ("…" if len(item.names) > 8 else ""))
    is_sweep = isinstance(item, _load.Sweep)
    if what is None:
        what = "sweep" if is_sweep else "loss"
    if what == "sweep" and not is_sweep:
        raise BadInput(f"--what = \"sweep\" needs a sweep directory (sweep.csv); {directory} is a run")
    if is_sweep and what not in ("sweep", "loss"):
        raise BadInput(f"--what = \"{what}\" needs a run directory; {directory} is a sweep "
                       f"(use --what sweep or loss, or plot one of its run directories)")
    if (x is not None or y is not None) and what != "sweep":
        raise BadInput("--x and --y go with --what sweep")
    plt = _pyplot()
    if what == "checks":
        fig, (ax, text_ax) = plt.subplots(1, 2, figsize=(12, 0.45 * max(len(item.checks), 4) + 1.8),
                                          gridspec_kw={"width_ratios": [1, 1.25]})
    else:
        fig, ax = plt.subplots(figsize=(9, 5.5))
    try:
        if what == "loss":
            plot_loss(item, ax)
        elif what == "rate":
            plot_rate(item, ax)
        elif what == "invariants":
            plot_invariants(item, ax)
        elif what == "checks":
            plot_checks(item, ax, text_ax)
        else:
            plot_sweep(item, ax, x=x, y=y)
        ax.grid(True, alpha=0.3)
        fig.tight_layout()
    except _load.LoadError as e:
        plt.close(fig)
        raise BadInput(str(e)) from None
    except BaseException:
        plt.close(fig)
        raise
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(prog="gradflow plot", description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", metavar="DIR", help="run, dataset or sweep directory")
    parser.add_argument("--what", help="loss (default for a run), rate, invariants, checks, "
                                       "sweep (default for a sweep directory)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE.png")
    parser.add_argument("--x", help="sweep: the axis on the x axis (default: the first numeric axis)")
    parser.add_argument("--y", help="sweep: the sweep.csv column plotted (default: wall_seconds)")

    def error(message):
        sys.stderr.write(f"gradflow: {message} (see gradflow plot --help)\n")
        sys.exit(2)

    parser.error = error
    args = parser.parse_args(argv)
    try:
        if args.what is not None and args.what not in KINDS:
            raise BadInput(f"--what = \"{args.what}\" must be one of {', '.join(KINDS)}")
        check_output(args.output)
        missing = []
        for module, package in (("numpy", "python3-numpy"), ("mpmath", "python3-mpmath"),
                                ("matplotlib", "python3-matplotlib")):
            try:
                __import__(module)
            except ImportError:
                missing.append(package)
        if missing:
            sys.stderr.write(f"gradflow: plot needs {', '.join(missing)} for {sys.executable} "
                             "(Debian packages; scripts/install-deps installs them)\n")
            return 2
        fig = figure(args.dir, args.what, x=args.x, y=args.y)
        try:
            save(fig, args.output)
        except OSError as e:
            sys.stderr.write(f"gradflow: could not write {args.output}: {e.strerror or e}\n")
            return 1
    except BadInput as e:
        sys.stderr.write(f"gradflow: {e}\n")
        return 2
    print(f"gradflow: wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
