#!/usr/bin/python3
"""Is my float64 implementation right? A NumPy/SciPy gradient flow written from data/README.md alone,
compared with gradflow's reference datasets digit by digit.

The flows (data/README.md, README "Config"):
  linear2      L(U, V) = 1/2 ||Y - X U V^T||_F^2,            U' = X^T R V,  V' = R^T X U,  R = Y - X U V^T
  linear_deep  L = 1/2 ||Y - X W_1^T ... W_L^T||_F^2,        W_j' = (W_L..W_{j+1})^T R^T X (W_{j-1}..W_1)^T
integrated with SciPy's DOP853 (rtol 1e-13, atol 1e-16) from the dataset's config.toml (decimal strings
parsed as float64) to the times of its trajectory.csv. Printed per dataset: the digits of `loss`
agreed at every row, against what float64 can give there, and the digits of each final matrix.

What float64 can match (measured on the five datasets of data/linear2 and data/linear_deep, 2026-12-02):
  * loss: at most 15.5 + 1/2 log10 L digits (the residual R = Y - X U V^T carries an absolute rounding
    error of about eps*||Y||, so L = 1/2||R||^2 has a relative error of about eps*||Y||/sqrt(L)); with
    DOP853 at rtol 1e-13 typically 1.5 digits fewer (median over rows -1.4 to -1.5 on linear2), at
    worst 2.7 fewer on the rows with L >= 1e-20 (4.0 near L = 1e-24, where about one digit is left;
    3.8 on saxe_depth3, whose flow passes saddles until t = 16):
    about 15 digits at L ~ 1, 6-7 at L = 1e-16, none below L ~ 1e-28. Rows further down (the later
    half of every linear2 dataset) are beyond any float64 code.
  * weights (final/*.csv, relative to the matrix's largest entry): 14.5-14.9 digits, also at L = 1e-70
    (the weights converge while the loss goes to 0); 13.1 on saxe_depth3.
The threshold, from the integrator's tolerance: the state carries about -log10(rtol) = 13 digits, less
GROWTH = 2 digits lost along the flow (measured: at most 1.5), so every row with L >= 1e-20 must agree
to 13 - 2 + 1/2 log10 L digits of the loss (rows below need fewer than 1 digit and are not compared),
and every final matrix to 11 digits. Exit 0 when every dataset passes, 1 otherwise, 2 on bad usage.

    /usr/bin/python3 examples/python/float64_vs_dataset.py [--retime EPS] [DATASET_DIR...]
        # default: data/linear2/*, data/linear_deep/*; --retime EPS integrates the field times 1 + EPS
        # (a wrong clock: --retime 1e-6 must fail, a test shows the comparison can)

Needs python3-numpy and python3-scipy (Debian). It reads the files with the csv and tomllib modules
only (gradflow.load would do the same; this example is what someone without gradflow writes).
"""
import csv
import math
import os
import sys
import tomllib

import numpy as np
from scipy.integrate import solve_ivp

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RTOL = 1e-13
GROWTH = 2.0  # digits of the state lost along the flow beyond the tolerance (measured: at most 1.5)
STATE_DIGITS = -math.log10(RTOL) - GROWTH


def matrix(rows):
    return np.array([[float(v) for v in row] for row in rows], dtype=np.float64)


def read_rows(path):
    with open(path, newline="") as f:
        return [r for r in csv.reader(f) if r]


class Linear2:
    def __init__(self, model):
        self.X, self.Y = matrix(model["X"]), matrix(model["Y"])
        self.shapes = [matrix(model["U0"]).shape, matrix(model["V0"]).shape]
        self.theta0 = np.concatenate([matrix(model["U0"]).ravel(), matrix(model["V0"]).ravel()])

    def unpack(self, theta):
        (n, h), (m, _) = self.shapes
        return theta[: n * h].reshape(n, h), theta[n * h:].reshape(m, h)

    def product(self, theta):
        U, V = self.unpack(theta)
        return U @ V.T

    def velocity(self, _, theta):
        U, V = self.unpack(theta)
        R = self.Y - self.X @ U @ V.T
        return np.concatenate([(self.X.T @ R @ V).ravel(), (R.T @ self.X @ U).ravel()])

    def finals(self, theta):
        U, V = self.unpack(theta)
        return {"U": U, "V": V, "product": U @ V.T}


class LinearDeep:
    def __init__(self, model):
        self.X, self.Y = matrix(model["X"]), matrix(model["Y"])
        layers = [matrix(w) for w in model["W0"]]
        self.shapes = [w.shape for w in layers]
        self.theta0 = np.concatenate([w.ravel() for w in layers])

    def unpack(self, theta):
        out, at = [], 0
        for r, c in self.shapes:
            out.append(theta[at: at + r * c].reshape(r, c))
            at += r * c
        return out

    @staticmethod
    def chain(layers):  # W_k ... W_1 for layers = [W_1, ..., W_k]
        out = np.eye(layers[0].shape[1]) if layers else None
        for w in layers:
            out = w @ out
        return out

    def product(self, theta):
        return self.chain(self.unpack(theta)).T  # W_1^T ... W_L^T

    def velocity(self, _, theta):
        W = self.unpack(theta)
        R = self.Y - self.X @ self.product(theta)
        G = R.T @ self.X  # -dL/dW_e, W_e = W_L ... W_1 (m x n)
        parts = []
        for j in range(len(W)):
            left = self.chain(W[j + 1:]) if j + 1 < len(W) else np.eye(W[j].shape[0])
            right = self.chain(W[:j]) if j > 0 else np.eye(W[0].shape[1])
            parts.append((left.T @ G @ right.T).ravel())
        return np.concatenate(parts)

    def finals(self, theta):
        out = {f"W{j + 1}": w for j, w in enumerate(self.unpack(theta))}
        out["product"] = self.product(theta)
        return out


MODELS = {"linear2": Linear2, "linear_deep": LinearDeep}


def digits(value, reference, scale=None):
    """Agreed decimal digits (LRE), capped at 17."""
    scale = abs(reference) if scale is None else scale
    error = abs(value - reference)
    if error == 0 or scale == 0:
        return 17.0 if error == 0 else 0.0
    return max(0.0, min(17.0, -math.log10(error / scale)))


def compare(folder, retime=0.0):
    with open(os.path.join(folder, "config.toml"), "rb") as f:
        config = tomllib.load(f)
    kind = config["model"]["kind"]
    if kind not in MODELS:
        raise ValueError(f"{folder}: model.kind = \"{kind}\" is not one this example implements "
                         f"({', '.join(MODELS)})")
    flow = MODELS[kind](config["model"])
    rows = read_rows(os.path.join(folder, "output", "trajectory.csv"))
    header, rows = rows[0], rows[1:]
    t = np.array([float(r[header.index("t")]) for r in rows])
    loss_ref = [float(r[header.index("loss")]) for r in rows]
    log10_loss_ref = [float(r[header.index("log10_loss")]) for r in rows]
    speed = 1.0 + retime
    solution = solve_ivp(lambda s, th: speed * flow.velocity(s, th), (0.0, t[-1]), flow.theta0, method="DOP853", t_eval=t,
                         rtol=RTOL, atol=1e-16)
    if not solution.success:
        raise RuntimeError(f"{folder}: DOP853 failed: {solution.message}")
    ok = True
    worst_margin, compared, skipped = math.inf, 0, 0
    table = []
    for k in range(len(t)):
        R = flow.Y - flow.X @ flow.product(solution.y[:, k])
        loss = 0.5 * float(np.sum(R * R))
        d = digits(loss, loss_ref[k])
        floor = STATE_DIGITS + 0.5 * log10_loss_ref[k]
        table.append((t[k], log10_loss_ref[k], d, floor))
        if floor < 1:
            skipped += 1
            continue
        compared += 1
        worst_margin = min(worst_margin, d - floor)
        if d < floor:
            ok = False
    finals = flow.finals(solution.y[:, -1])
    final_digits = {}
    for name, value in finals.items():
        reference = matrix(read_rows(os.path.join(folder, "output", "final", name + ".csv")))
        scale = float(np.max(np.abs(reference)))
        final_digits[name] = digits(float(np.max(np.abs(value - reference))), 0.0, scale) \
            if np.any(value != reference) else 17.0
        if final_digits[name] < STATE_DIGITS:
            ok = False
    return ok, table, compared, skipped, worst_margin, final_digits


def main(argv):
    retime = 0.0
    if argv[:1] == ["--retime"]:
        if len(argv) < 2:
            print("float64_vs_dataset: --retime needs a value (e.g. 1e-6)", file=sys.stderr)
            return 2
        retime, argv = float(argv[1]), argv[2:]
    folders = argv or sorted(os.path.join(ROOT, "data", family, name)
                             for family in ("linear2", "linear_deep")
                             for name in os.listdir(os.path.join(ROOT, "data", family))
                             if os.path.isfile(os.path.join(ROOT, "data", family, name, "config.toml")))
    all_ok = True
    for folder in folders:
        if not os.path.isfile(os.path.join(folder, "config.toml")):
            print(f"float64_vs_dataset: {folder}: no config.toml (give a dataset directory of data/)",
                  file=sys.stderr)
            return 2
        try:
            ok, table, compared, skipped, worst, finals = compare(folder, retime)
        except ValueError as e:
            print(f"float64_vs_dataset: {e}", file=sys.stderr)
            return 2
        all_ok = all_ok and ok
        name = os.path.relpath(folder, ROOT)
        print(f"{name}: {'ok' if ok else 'BELOW THRESHOLD'}")
        picks = sorted({0, len(table) // 4, len(table) // 2, len(table) - 1})
        for k in picks:
            tk, lg, d, floor = table[k]
            print(f"  t = {tk:<10.6g} log10 L = {lg:8.2f}  loss digits {d:5.2f}"
                  f"  (15.5 + 1/2 log10 L = {15.5 + 0.5 * lg:5.2f}; required {max(floor, 0):5.2f})")
        excess = [d - (15.5 + 0.5 * lg) for _, lg, d, floor in table if floor >= 1]
        print(f"  loss rows compared {compared}, skipped {skipped} (beyond float64); digits - "
              f"(15.5 + 1/2 log10 L): min {min(excess):+.2f}, median {float(np.median(excess)):+.2f}; "
              f"margin over the requirement ({STATE_DIGITS:g} + 1/2 log10 L) {worst:+.2f}")
        print(f"  final matrices (required {STATE_DIGITS:g}), digits relative to the largest entry: "
              + ", ".join(f"{k} {v:.2f}" for k, v in finals.items()))
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
