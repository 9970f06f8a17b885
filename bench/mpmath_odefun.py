#!/usr/bin/python3
"""Reference timing: mpmath's odefun (a Taylor-series integrator in Python) on a linear2 config.

usage: mpmath_odefun.py CONFIG.toml T  -> prints a JSON line {"seconds", "loss"} for the flow at time T,
at the config's precision.digits. Needs Debian's python3-mpmath. Independent of gradflow's code.
"""
import json
import sys
import time
import tomllib

import mpmath as mp


def main():
    config = tomllib.load(open(sys.argv[1], "rb"))
    mp.mp.dps = int(config["precision"]["digits"])
    model = config["model"]
    X, Y, U0, V0 = (mp.matrix([[mp.mpf(str(v)) for v in row] for row in model[k]]) for k in ("X", "Y", "U0", "V0"))
    n, h, m = U0.rows, U0.cols, V0.rows

    def split(s):
        U = mp.matrix(n, h)
        V = mp.matrix(m, h)
        for i in range(n):
            for j in range(h):
                U[i, j] = s[i * h + j]
        for i in range(m):
            for j in range(h):
                V[i, j] = s[n * h + i * h + j]
        return U, V

    def rhs(t, s):
        U, V = split(s)
        R = Y - X * U * V.T
        dU, dV = X.T * R * V, R.T * X * U
        return [dU[i, j] for i in range(n) for j in range(h)] + [dV[i, j] for i in range(m) for j in range(h)]

    s0 = [U0[i, j] for i in range(n) for j in range(h)] + [V0[i, j] for i in range(m) for j in range(h)]
    start = time.perf_counter()
    f = mp.odefun(rhs, 0, s0)
    U, V = split(f(mp.mpf(sys.argv[2])))
    seconds = time.perf_counter() - start
    R = Y - X * U * V.T
    loss = sum(R[i, j] ** 2 for i in range(R.rows) for j in range(R.cols)) / 2
    print(json.dumps({"seconds": seconds, "loss": mp.nstr(loss, 20)}))


if __name__ == "__main__":
    main()
