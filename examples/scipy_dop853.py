#!/usr/bin/python3
"""Testing your own implementation (README): a float64 gradient flow written for `gradflow check`.

Integrates the linear2 instance of examples/t1_5_taylor.toml,
    L(U, V) = 1/2 ||Y - X U V^T||_F^2,   U' = X^T R V,   V' = R^T X U,   R = Y - X U V^T,
with SciPy's DOP853 (rtol 1e-13, atol 1e-15) from t = 0 to 20, and writes DIR/config.toml (declaring
precision.type = "float64", integrator.tolerance = "1e-10": the accuracy this path claims) and
DIR/trajectory.csv (t, loss and one column per state entry, U_<row>_<col> and V_<row>_<col>, 1-based).

    /usr/bin/python3 examples/scipy_dop853.py DIR              # gradflow check DIR passes
    /usr/bin/python3 examples/scipy_dop853.py DIR --retime 1e-6  # t scaled by 1 + 1e-6: it fails

Needs numpy and scipy (Debian: python3-numpy python3-scipy).
"""
import argparse
import os

import numpy as np
from scipy.integrate import solve_ivp

X = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
Y = np.array([[1.0], [1.0]])
U0 = np.array([[1.0, 0.5], [0.2, -0.3], [0.0, 0.0]])
V0 = np.array([[0.1, 0.2]])
n, h = U0.shape
m = V0.shape[0]

CONFIG = """# A float64 path of examples/t1_5_taylor.toml's flow, written by examples/scipy_dop853.py.
[model]
kind = "linear2"
X = [["1", "0", "0"], ["0", "2", "0"]]
Y = [["1"], ["1"]]
U0 = [["1", "0.5"], ["0.2", "-0.3"], ["0", "0"]]
V0 = [["0.1", "0.2"]]

[precision]
type = "float64"

[integrator]
method = "dopri5"
tolerance = "1e-10"

[stop]
t_end = "20"

[output]
samples = 41
state = true
"""


def unpack(theta):
    # Row-major here; the column names carry the (row, col) of each entry, so any order works.
    return theta[: n * h].reshape(n, h), theta[n * h :].reshape(m, h)


def velocity(_, theta):
    U, V = unpack(theta)
    R = Y - X @ U @ V.T
    return np.concatenate([(X.T @ R @ V).ravel(), (R.T @ X @ U).ravel()])


def loss(theta):
    U, V = unpack(theta)
    return 0.5 * float(np.sum((Y - X @ U @ V.T) ** 2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir")
    parser.add_argument("--retime", type=float, default=0.0, help="scale every t by 1 + RETIME (a wrong path)")
    args = parser.parse_args()
    times = np.linspace(0.0, 20.0, 41)
    theta0 = np.concatenate([U0.ravel(), V0.ravel()])
    sol = solve_ivp(velocity, (0.0, 20.0), theta0, method="DOP853", t_eval=times, rtol=1e-13, atol=1e-15)
    if not sol.success:
        raise SystemExit("scipy_dop853.py: " + sol.message)
    os.makedirs(args.dir, exist_ok=True)
    with open(os.path.join(args.dir, "config.toml"), "w") as f:
        f.write(CONFIG)
    names = [f"U_{i + 1}_{j + 1}" for i in range(n) for j in range(h)]
    names += [f"V_{i + 1}_{j + 1}" for i in range(m) for j in range(h)]
    with open(os.path.join(args.dir, "trajectory.csv"), "w") as f:
        f.write(",".join(["t", "loss"] + names) + "\n")
        for k, t in enumerate(sol.t):
            theta = sol.y[:, k]
            row = [t * (1 + args.retime), loss(theta)] + list(theta)
            f.write(",".join(repr(float(x)) for x in row) + "\n")


if __name__ == "__main__":
    main()
