#!/usr/bin/env python3
"""Independent reference for README's "log10 t at loss 1e-1000" claim (THEOREMS.md §5.3).

usage: moroshko_quadrature.py DIGITS [LOSS [RUN_DIR]]
  One data point x̃ = (1, 2), label 1, depth-2 diagonal network from α = 1, exponential loss. With
  τ = ∫₀ᵗ e^{−γ}, w± = α e^{±2x̃τ}, so γ = F(τ) = Σ_j 2α² x̃_j sinh(4x̃_jτ) and t(τ) = ∫₀^τ e^{F(u)} du.
  Solves F(τ) = −ln LOSS (mpmath findroot), integrates by mpmath's tanh-sinh quadrature (not the
  Gauss–Legendre rule gradflow's check uses) and prints log10 t and β/‖β‖ at DIGITS. With RUN_DIR (a
  `gradflow run examples/moroshko_1e1000.toml` output) it also prints the relative differences of the
  run's t_final and predictor. Needs mpmath (Debian python3-mpmath or pip). Independent of gradflow.
"""
import json
import sys

import mpmath as mp


def main():
    mp.mp.dps = int(sys.argv[1]) + 10
    loss = mp.mpf(sys.argv[2]) if len(sys.argv) > 2 else mp.mpf("1e-1000")
    x = [mp.mpf(1), mp.mpf(2)]
    alpha = mp.mpf(1)
    F = lambda u: sum(2 * alpha**2 * xj * mp.sinh(4 * xj * u) for xj in x)
    gamma = -mp.log(loss)
    # F is increasing and convex on τ ≥ 0: bracket, then a secant/bisection root.
    hi = mp.mpf(1)
    while F(hi) < gamma:
        hi *= 2
    tau = mp.findroot(lambda u: F(u) - gamma, (hi / 2, hi), solver="anderson")
    # t = e^{F(τ)} ∫₀^τ e^{F(u) − F(τ)} du, split where the integrand falls by e^{-k}.
    points = [mp.mpf(0)]
    for k in (200, 100, 50, 20, 10, 5, 2, 1):
        if F(tau) - k > 0:
            points.append(mp.findroot(lambda u: F(u) - (F(tau) - k), (mp.mpf(0), tau), solver="anderson"))
    points.append(tau)
    integral = mp.quad(lambda u: mp.exp(F(u) - F(tau)), points)
    log10_t = (F(tau) + mp.log(integral)) / mp.log(10)
    beta = [2 * alpha**2 * mp.sinh(4 * xj * tau) for xj in x]
    norm = mp.sqrt(sum(b * b for b in beta))
    out = {"log10_t": mp.nstr(log10_t, int(sys.argv[1])), "direction": [mp.nstr(b / norm, int(sys.argv[1])) for b in beta]}
    if len(sys.argv) > 3:
        summary = json.load(open(sys.argv[3] + "/summary.json"))
        t_run = mp.mpf(summary["t_final"])
        out["log10_t_relative_difference"] = mp.nstr(abs(mp.log10(t_run) - log10_t) / log10_t, 3)
        rows = [line.strip() for line in open(sys.argv[3] + "/final/beta.csv") if line.strip()]
        run_beta = [mp.mpf(r.split(",")[0]) for r in rows]
        run_norm = mp.sqrt(sum(b * b for b in run_beta))
        out["direction_difference"] = mp.nstr(mp.sqrt(sum((a / run_norm - b / norm) ** 2 for a, b in zip(run_beta, beta))), 3)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
