#!/usr/bin/python3
"""Writes a linear2 benchmark config with seeded Gaussian data as decimal strings.

usage: make_instance.py N n m h seed digits tolerance loss_below OUT.toml
X has i.i.d. N(0, 1/n) entries, Y = X Θ* with Θ* ~ N(0, 1) (so L* = 0), U0 and V0 ~ N(0, 1/h);
every number is written with 20 significant digits and is then exact input for gradflow.
"""
import random
import sys


def matrix(rows, cols, sd, rng):
    return [[f"{rng.gauss(0.0, sd):.20g}" for _ in range(cols)] for _ in range(rows)]


def toml_matrix(M):
    return "[" + ", ".join("[" + ", ".join(f'"{v}"' for v in row) + "]" for row in M) + "]"


def main():
    N, n, m, h, seed = (int(a) for a in sys.argv[1:6])
    digits, tolerance, loss_below, out = sys.argv[6:10]
    rng = random.Random(seed)
    X = matrix(N, n, n ** -0.5, rng)
    theta = [[rng.gauss(0.0, 1.0) for _ in range(m)] for _ in range(n)]
    # Y = X Θ* in float64, then written as decimals: exact data of a consistent system up to 1e-16.
    Y = [[f"{sum(float(X[i][k]) * theta[k][j] for k in range(n)):.20g}" for j in range(m)] for i in range(N)]
    U0, V0 = matrix(n, h, h ** -0.5, rng), matrix(m, h, h ** -0.5, rng)
    with open(out, "w") as f:
        f.write(f'# bench instance N={N} n={n} m={m} h={h} seed={seed}\n[model]\nkind = "linear2"\n')
        for name, M in (("X", X), ("Y", Y), ("U0", U0), ("V0", V0)):
            f.write(f"{name} = {toml_matrix(M)}\n")
        f.write(f'[precision]\ndigits = {digits}\n[integrator]\nmethod = "taylor"\ntolerance = "{tolerance}"\n')
        f.write(f'[stop]\nt_end = "1000000"\nloss_below = "{loss_below}"\nmax_steps = 100000000\n')


if __name__ == "__main__":
    main()
