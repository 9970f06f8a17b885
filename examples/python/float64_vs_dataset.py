#!/usr/bin/python3
"""Is my float64 implementation right? A NumPy/SciPy gradient flow written from README.md ("Config",
"Outputs") and data/README.md alone, compared with gradflow's reference datasets digit by digit.

The flows theta' = -grad L (README "Config"), started from the dataset's config.toml (decimal strings
parsed as float64) or, for relu_shallow, whose start is gradflow's seeded draw (not reimplemented here),
from the state columns of trajectory.csv's row 0 (t = 0):
  linear2         L = 1/2 ||Y - X U V^T||_F^2,  U' = X^T R V,  V' = R^T X U,  R = Y - X U V^T
  linear_deep     L = 1/2 ||Y - X W_1^T ... W_L^T||_F^2,  W_j' = (W_L..W_{j+1})^T R^T X (W_{j-1}..W_1)^T
  diagonal        beta = w+^D - w-^D, yhat = X beta;  tensor  rho = v_1 o ... o v_L, yhat = X S^T rho
                  (S identity, Sylvester's Hadamard / sqrt(d), DCT-II); loss 1/2 |yhat - y|^2 or
                  sum exp(-y yhat)
  matrix_sensing  yhat_i = <A_i, U U^T>, L = 1/2 |yhat - y|^2,  U' = -2 (sum_i r_i A_i) U
  relu_shallow    f(x) = s sum_i a_i [w_i x + b_i]_+ + c + u x + v, L = 1/2 sum_j (f(x_j) - y_j)^2, piecewise
                  smooth: every kink (a pre-activation w_i x_j + b_i crossing 0) and Filippov sliding mode
                  (one held at 0) is an event, located on the dense output, the solver restarted there
integrated with SciPy's DOP853 (rtol 1e-13, atol 1e-16) from row to row of trajectory.csv, so that
every row is the end of a step (DOP853's dense output between steps is up to 3 digits worse). Runs
with integrator.time_change = "loss" have their rows at levels of the loss, with t up to 1e995 and L
down to 1e-1000, beyond float64's range: they are integrated in v = log10 L, dtheta/dv = ln10 g/|g|^2,
g = grad ln L (a log-sum-exp), with the clock carried as rho = ln((1 + t) L), which stays O(10), so
that every row is representable and t keeps its digits. Printed per dataset: the digits of `loss`
(of t, for time-changed runs) agreed at every row, against what float64 can give there; of the state
columns of every row (output.state = true) and of each final matrix, relative to the largest entry.

What float64 can match (measured on the eleven datasets of data/, 2026-12-02):
  * loss, square loss: at most 15.5 + 1/2 log10 L - log10 |y| digits (the residual R carries an
    absolute rounding error of about eps |y|, so L = 1/2 |R|^2 has a relative error of about
    eps |y| / sqrt(L); |y| is O(1) except for matrix_sensing/commuting's 181); DOP853 at rtol 1e-13
    gives a median 1.6 digits fewer to 0.6 more than that, at worst 3.0 fewer (saxe_depth3; 2.8 on
    t1_5, 2.3 on q_alpha) on the rows with L >= 1e-20: 9.7-17 digits for 1e-8 <= L <= 1, 7.1-12.6
    for 1e-16 <= L < 1e-8, 5.1-9.0 for 1e-20 <= L < 1e-16 (matrix sensing 2.3 fewer: 5.8 at 1e-15),
    at most 2 below 1e-28 and none below 1e-31 (1e-24 for matrix sensing). Rows further down (the
    later half of every linear2, diagonal/q_alpha, tensor/hadamard_square and matrix_sensing
    dataset) are beyond any float64 code.
  * t of a time-changed run at every level of the loss: 14.2-16 digits on exponential_1e1000 (14.5 at
    L = 1e-1000, t = 5.47e995), 13.2-15.2 on soudry_exponential. t's relative error is rho's absolute
    error; float64's limit is the rounding of the level, eps |ln L| (12.1 digits at 1e-1000, where
    the levels happen to be floats). As plain floats t overflows and L underflows on 28 of the 41
    rows of exponential_1e1000.
  * state rows: at least 12.8 digits (saxe_depth3; 12.9 hadamard_square, 13.4-14.5 elsewhere); final
    matrices 13.6-16.1, also at L = 1e-70 (the weights converge while the loss goes to 0).
  * relu_shallow/fig1: 5 sliding modes (entered at t = 1.99 ... 10.6, all held to the end) and 1
    kink (t = 13.7), as in summary.json (kink_events 6 counts every branch change, sliding modes
    entered included; sliding_modes 5); loss at the ceiling (median +0.1), state rows 13.6. A Filippov
    weight lambda is a ratio of residuals of size sqrt(L): float64 knows it to about 4e-3 at
    L = 1e-20 (fig1's weights stay within 0.47-0.52) and to 5e-2 at L = 1e-21 (another draw), so a
    mode whose weight is that close to 0 or 1 may end spuriously below L ~ 1e-20.
The thresholds, from the integrator's tolerance: the state carries about -log10(rtol) = 13 digits,
less GROWTH = 2 digits lost along the flow (measured: at most 0.3, on saxe_depth3's state rows), so
  * every row with L >= 1e-20 (1e-15.5 for matrix sensing) must agree to 11 + 1/2 log10 L - log10 |y|
    digits of the loss (|y| = 1 but for matrix sensing; rows below need fewer than 1 digit and are
    not compared);
  * every row of a time-changed run but t = 0 to 11 - log10 max(1, |rho|) digits of t (10-11 here);
  * every state row and final matrix to 11 digits.
Worst margins measured: loss +1.5 (saxe_depth3), t +2.2 (soudry_exponential), state rows +1.8.
Exit 0 when every dataset passes, 1 otherwise (a float64 integration that fails included), 2 on bad
usage or a dataset without output/.

    /usr/bin/python3 examples/python/float64_vs_dataset.py [--retime EPS] [DATASET_DIR...]
        # default: every data/*/*; --retime EPS integrates the field times 1 + EPS (a wrong clock:
        # --retime 1e-6 must fail, a test shows the comparison can; it fails every dataset)

Needs python3-numpy and python3-scipy (Debian). It reads the files with the csv, json, tomllib and
decimal modules only (gradflow.load would do the same; this example is what someone without gradflow
writes).
"""
import csv
import decimal
import json
import math
import os
import sys
import tomllib

import numpy as np
from scipy.integrate import DOP853, solve_ivp
from scipy.optimize import brentq

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RTOL = 1e-13
ATOL = 1e-16
GROWTH = 2.0  # digits of the state lost along the flow beyond the tolerance (measured: at most 0.3)
STATE_DIGITS = -math.log10(RTOL) - GROWTH
LN10 = math.log(10.0)


def matrix(rows):
    return np.array([[float(v) for v in row] for row in rows], dtype=np.float64)


def read_rows(path):
    with open(path, newline="") as f:
        return [r for r in csv.reader(f) if r]


def state_columns(header, row):
    """The state theta of one trajectory row (output.state = true): the columns <matrix>_<row>_<col> between
    `steps` and `t_f64`, as float64 matrices by name; {} when the dataset carries no state."""
    if "steps" not in header:
        return {}
    first, end = header.index("steps") + 1, header.index("t_f64")
    cells = {}
    for name, value in zip(header[first:end], row[first:end]):
        base, r, c = name.rsplit("_", 2)
        cells.setdefault(base, []).append((int(r) - 1, int(c) - 1, float(value)))
    out = {}
    for base, entries in cells.items():
        m = np.zeros((1 + max(e[0] for e in entries), 1 + max(e[1] for e in entries)))
        for r, c, v in entries:
            m[r, c] = v
        out[base] = m
    return out


def march(field, points, y0):
    """y at each of the points (monotone; points[0] is the start's): DOP853 from each point to the
    next, so that every row is the end of a step, not a value of the dense output."""
    out = [y0]
    for a, b in zip(points[:-1], points[1:]):
        if b == a:  # the final state may repeat the last row
            out.append(out[-1])
            continue
        solution = solve_ivp(field, (a, b), out[-1], method="DOP853", rtol=RTOL, atol=ATOL)
        if not solution.success:
            raise RuntimeError(f"DOP853 failed: {solution.message}")
        out.append(solution.y[:, -1])
    return np.array(out).T


class Flow:
    """theta' = -grad L(theta), theta the parameter matrices (named as in final/*.csv) flattened in
    order. A subclass gives velocity(t, theta) and either residual(theta) (L = 1/2 |residual|^2) or
    loss(theta)."""
    # Digits of the loss float64 can give at a row, and those required (see the module docstring): the
    # residual, of size sqrt(2L), carries the rounding of predictions of size residual_scale (the
    # targets: O(1) in every dataset but matrix sensing's). Digits required of each state row and
    # final matrix, relative to its largest entry: STATE_DIGITS.
    residual_scale = 1.0
    state_floor = STATE_DIGITS

    def __init__(self, params):
        self.shapes = {name: m.shape for name, m in params.items()}
        self.theta0 = self.pack(params)

    def pack(self, params):
        return np.concatenate([np.asarray(params[name], dtype=np.float64).ravel() for name in self.shapes])

    def unpack(self, theta):
        out, at = {}, 0
        for name, (r, c) in self.shapes.items():
            out[name] = theta[at: at + r * c].reshape(r, c)
            at += r * c
        return out

    def loss(self, theta):
        R = self.residual(theta)
        return 0.5 * float(np.sum(R * R))

    def loss_ceiling(self, log10_loss):
        return 15.5 + 0.5 * log10_loss - math.log10(self.residual_scale)

    def loss_floor(self, log10_loss):
        return STATE_DIGITS + 0.5 * log10_loss - math.log10(self.residual_scale)

    def loss_rules(self):
        shift = f" - log10 {self.residual_scale:.4g}" if self.residual_scale != 1 else ""
        return f"15.5 + 1/2 log10 L{shift}", f"{STATE_DIGITS:g} + 1/2 log10 L{shift}"

    def finals(self, theta):
        return self.unpack(theta)

    def integrate(self, t, speed):
        """The state at the times t (one column each): DOP853 in t."""
        return march(lambda s, th: speed * self.velocity(s, th), t, self.theta0)


class Linear2(Flow):
    """L(U, V) = 1/2 ||Y - X U V^T||_F^2,  U' = X^T R V,  V' = R^T X U,  R = Y - X U V^T."""

    def __init__(self, model, _start):
        self.X, self.Y = matrix(model["X"]), matrix(model["Y"])
        super().__init__({"U": matrix(model["U0"]), "V": matrix(model["V0"])})

    def residual(self, theta):
        p = self.unpack(theta)
        return self.Y - self.X @ p["U"] @ p["V"].T

    def velocity(self, _, theta):
        p = self.unpack(theta)
        U, V, R = p["U"], p["V"], self.residual(theta)
        return np.concatenate([(self.X.T @ R @ V).ravel(), (R.T @ self.X @ U).ravel()])

    def finals(self, theta):
        p = self.unpack(theta)
        return {**p, "product": p["U"] @ p["V"].T}


class LinearDeep(Flow):
    """L = 1/2 ||Y - X W_1^T ... W_L^T||_F^2,  W_j' = (W_L..W_{j+1})^T R^T X (W_{j-1}..W_1)^T."""

    def __init__(self, model, _start):
        self.X, self.Y = matrix(model["X"]), matrix(model["Y"])
        super().__init__({f"W{j + 1}": matrix(w) for j, w in enumerate(model["W0"])})

    @staticmethod
    def chain(layers):  # W_k ... W_1 for layers = [W_1, ..., W_k]
        out = np.eye(layers[0].shape[1]) if layers else None
        for w in layers:
            out = w @ out
        return out

    def product(self, theta):
        return self.chain(list(self.unpack(theta).values())).T  # W_1^T ... W_L^T

    def residual(self, theta):
        return self.Y - self.X @ self.product(theta)

    def velocity(self, _, theta):
        W = list(self.unpack(theta).values())
        G = self.residual(theta).T @ self.X  # -dL/dW_e, W_e = W_L ... W_1 (m x n)
        parts = []
        for j in range(len(W)):
            left = self.chain(W[j + 1:]) if j + 1 < len(W) else np.eye(W[j].shape[0])
            right = self.chain(W[:j]) if j > 0 else np.eye(W[0].shape[1])
            parts.append((left.T @ G @ right.T).ravel())
        return np.concatenate(parts)

    def finals(self, theta):
        return {**self.unpack(theta), "product": self.product(theta)}


class Predictor(Flow):
    """Diagonal and tensor networks: predictions yhat = Z p(theta) of a predictor p, loss "square"
    (1/2 sum (yhat - y)^2) or "exponential" (sum exp(-y yhat)); grad_theta L = J_p^T Z^T dL/dyhat, the
    pullback J_p^T c being a subclass's vjp(theta, c). With integrator.time_change = "loss" the rows are
    levels of the loss (t reaches 1e995, L 1e-1000): integrate_in_loss."""

    def __init__(self, model, params, Z):
        self.Z, self.y = Z, matrix(model["Y"])[:, 0]
        self.kind = model.get("loss", "square")
        if self.kind not in ("square", "exponential"):
            raise ValueError(f"model.loss = \"{self.kind}\" is not one this example implements")
        super().__init__(params)

    def loss_gradient(self, theta):
        """(L, dL/dyhat) with L in float64 (it underflows below 1e-308: see log_loss_gradient)."""
        yhat = self.Z @ self.predictor(theta)
        if self.kind == "square":
            return 0.5 * float((yhat - self.y) @ (yhat - self.y)), yhat - self.y
        e = np.exp(-self.y * yhat)
        return float(np.sum(e)), -self.y * e

    def log_loss_gradient(self, theta):
        """(ln L, grad_theta ln L) without under- or overflow (the exponential loss as log-sum-exp)."""
        if self.kind == "square":
            L, g = self.loss_gradient(theta)
            return math.log(L), self.vjp(theta, self.Z.T @ (g / L))
        a = -self.y * (self.Z @ self.predictor(theta))
        e = np.exp(a - a.max())
        return float(a.max() + math.log(np.sum(e))), self.vjp(theta, self.Z.T @ (-self.y * e / np.sum(e)))

    def loss(self, theta):
        return self.loss_gradient(theta)[0]

    # Digits of t at a level of the loss: float64 can give those of the level's rounding (the relative
    # error of t is that of L, eps |ln L|, unless the level is a float, as -250 or -1000); required:
    # the clock rho = ln((1 + t) L) carries STATE_DIGITS like the state, and t's relative error is
    # rho's absolute error.
    clock_rules = ("15.5 - log10 |ln L|", f"{STATE_DIGITS:g} - log10 max(1, |ln((1 + t) L)|)")

    @staticmethod
    def clock_ceiling(log10_loss):
        return 15.5 - math.log10(max(1.0, LN10 * abs(log10_loss)))

    @staticmethod
    def clock_floor(rho):
        return STATE_DIGITS - math.log10(max(1.0, abs(rho)))

    def velocity(self, _, theta):
        return -self.vjp(theta, self.Z.T @ self.loss_gradient(theta)[1])

    def integrate_in_loss(self, levels, speed):
        """The flow in v = log10 L (the rows' own variable) instead of t: dtheta/dv = ln10 g/|g|^2 with
        g = grad ln L, and the clock as rho = ln((1 + t) L), O(10) where ln t grows to 2300, so that it
        keeps its digits: drho/dv = ln10 (1 - exp(-rho)/(speed |g|^2)) (a field speed times -grad L runs
        the same path on a clock 1/speed as fast). Returns the states and rho at levels[1:], row 0
        being the start (its level computed here)."""
        def field(_, y):
            g = self.log_loss_gradient(y[:-1])[1]
            gg = float(g @ g)
            return np.append(LN10 * g / gg, LN10 * (1.0 - math.exp(-y[-1]) / (speed * gg)))
        u0 = self.log_loss_gradient(self.theta0)[0]
        y = march(field, [u0 / LN10, *levels[1:]], np.append(self.theta0, u0))
        return y[:-1], y[-1]


class Diagonal(Predictor):
    """beta = w+^D - w-^D (elementwise), yhat = X beta; start w+ = w- = alpha 1 or W_plus0, W_minus0."""

    def __init__(self, model, _start):
        X = matrix(model["X"])
        self.D = int(model.get("depth", 2))
        if "alpha" in model:
            w = float(model["alpha"]) * np.ones((X.shape[1], 1))
            params = {"w_plus": w, "w_minus": w.copy()}
        else:
            params = {"w_plus": matrix(model["W_plus0"]), "w_minus": matrix(model["W_minus0"])}
        super().__init__(model, params, X)

    def predictor(self, theta):
        p = self.unpack(theta)
        return (p["w_plus"] ** self.D - p["w_minus"] ** self.D)[:, 0]

    def vjp(self, theta, c):
        p = self.unpack(theta)
        return np.concatenate([self.D * p["w_plus"][:, 0] ** (self.D - 1) * c,
                               -self.D * p["w_minus"][:, 0] ** (self.D - 1) * c])

    def finals(self, theta):
        return {**self.unpack(theta), "beta": self.predictor(theta)[:, None]}


class Tensor(Predictor):
    """rho = v_1 o ... o v_L (elementwise), yhat = <S x, rho> = X S^T rho; start v0 or alpha 1."""

    def __init__(self, model, _start):
        X = matrix(model["X"])
        self.S = self.transform(model.get("S", "identity"), X.shape[1])
        if "v0" in model:
            params = {f"v{l + 1}": matrix(v) for l, v in enumerate(model["v0"])}
        else:
            params = {f"v{l + 1}": float(model["alpha"]) * np.ones((X.shape[1], 1))
                      for l in range(int(model.get("depth", 2)))}
        super().__init__(model, params, X @ self.S.T)

    @staticmethod
    def transform(spec, d):
        if isinstance(spec, list):
            return matrix(spec)
        if spec == "identity":
            return np.eye(d)
        if spec == "hadamard":  # Sylvester's H_d / sqrt(d)
            H = np.ones((1, 1))
            while H.shape[0] < d:
                H = np.block([[H, H], [H, -H]])
            return H / math.sqrt(d)
        if spec == "dct":  # orthonormal DCT-II
            k, j = np.arange(d)[:, None], np.arange(d)[None, :]
            S = math.sqrt(2.0 / d) * np.cos(math.pi * (2 * j + 1) * k / (2 * d))
            S[0] /= math.sqrt(2.0)
            return S
        raise ValueError(f"model.S = \"{spec}\" is not one this example implements")

    def layers(self, theta):
        return np.array([v[:, 0] for v in self.unpack(theta).values()])

    def predictor(self, theta):
        return np.prod(self.layers(theta), axis=0)

    def vjp(self, theta, c):
        V = self.layers(theta)
        return np.concatenate([c * np.prod(np.delete(V, l, axis=0), axis=0) for l in range(len(V))])

    def finals(self, theta):
        rho = self.predictor(theta)
        return {**self.unpack(theta), "rho": rho[:, None], "beta": (self.S.T @ rho)[:, None]}


class MatrixSensing(Flow):
    """X = U U^T, yhat_i = <A_i, X>, L = 1/2 sum (yhat_i - y_i)^2, U' = -2 (sum_i r_i A_i) U, r = yhat - y;
    start U0 or alpha [I_r; 0]."""

    def __init__(self, model, _start):
        self.A, self.y = np.array([matrix(a) for a in model["A"]]), matrix(model["Y"])[:, 0]
        self.residual_scale = float(np.linalg.norm(self.y))  # commuting: |y| = 181
        d = self.A.shape[1]
        U0 = matrix(model["U0"]) if "U0" in model else \
            float(model["alpha"]) * np.eye(d, int(model.get("rank", d)))
        super().__init__({"U": U0})

    def residual(self, theta):
        U = self.unpack(theta)["U"]
        return np.einsum("ijk,jk->i", self.A, U @ U.T) - self.y

    def velocity(self, _, theta):
        U = self.unpack(theta)["U"]
        return (-2.0 * np.tensordot(self.residual(theta), self.A, 1) @ U).ravel()

    def finals(self, theta):
        U = self.unpack(theta)["U"]
        return {"U": U, "product": U @ U.T}


class ReluShallow(Flow):
    """f(x) = s sum_i a_i [<w_i, x> + b_i]_+ + c (+ <u, x> + v), L = 1/2 sum_j (f(x_j) - y_j)^2, every
    parameter trained, s = sqrt(1/2) with asi. The start is gradflow's seeded draw, not reimplemented
    here: it is row 0 of trajectory.csv (output.state = true).

    The field jumps where a pre-activation z_ij = <w_i, x_j> + b_i changes sign. Between such events
    the activation pattern sigma_ij in {0, 1} is fixed and the field smooth (DOP853); at an event
    Filippov's rule picks the next piece from the normal velocities dz_ij/dt with unit i active at x_j
    (v+) and inactive (v-): both of one sign, a kink (the pattern flips); v+ < 0 < v-, a sliding mode:
    z_ij is held at 0 with the weight lambda = v-/(v- - v+) in place of sigma_ij until lambda reaches 0
    or 1. Each event is located on DOP853's dense output (brentq) and the solver restarted there."""

    def __init__(self, model, start):
        if not start:
            raise ValueError("relu_shallow: the start is a seeded draw, read from row 0 of trajectory.csv, "
                             "which needs output.state = true")
        if model.get("train", "all") != "all":
            raise ValueError("relu_shallow: only train = \"all\" is implemented here")
        self.X, self.y = matrix(model["X"]), matrix(model["Y"])[:, 0]
        self.s = math.sqrt(0.5) if model.get("asi", True) else 1.0
        self.K = self.X @ self.X.T + 1.0  # dz_ij/dt = -s a_i sum_j' sigma_ij' r_j' K_jj'
        self.events = {"kinks": 0, "sliding modes": 0, "sliding ends": 0}
        super().__init__({n: start[n] for n in ("W", "b", "a", "c", "u", "v") if n in start})

    def parts(self, theta):
        p = self.unpack(theta)
        u, v = (p["u"].ravel(), p["v"][0, 0]) if "u" in p else (np.zeros(self.X.shape[1]), 0.0)
        return p["W"], p["b"][:, 0], p["a"][:, 0], p["c"][0, 0], u, v

    def pre(self, theta):
        W, b = self.parts(theta)[:2]
        return W @ self.X.T + b[:, None]

    def residual(self, theta, sigma=None):  # f(x_j) - y_j, activations sigma z (default [z]_+)
        _, _, a, c, u, v = self.parts(theta)
        z = self.pre(theta)
        h = np.maximum(z, 0.0) if sigma is None else sigma * z
        return self.s * a @ h + c + self.X @ u + v - self.y

    def normal(self, r, sigma, a, i, j):
        """(v+, v-): dz_ij/dt with unit i active at x_j and inactive (sigma_ij = 0 in sigma)."""
        v_minus = -self.s * a[i] * float((sigma[i] * r) @ self.K[j])
        return v_minus - self.s * a[i] * r[j] * self.K[j, j], v_minus

    def weights(self, theta, sigma, sliding):
        """sigma with each held entry's Filippov weight lambda = v-/(v- - v+); the residual; and
        min(v-, -v+) of each held entry (the mode holds while both are positive)."""
        r, a = self.residual(theta, sigma), self.parts(theta)[2]
        g, margins = sigma.copy(), {}
        for i, j in sliding:
            v_plus, v_minus = self.normal(r, sigma, a, i, j)
            g[i, j], margins[i, j] = v_minus / (v_minus - v_plus), min(v_minus, -v_plus)
        return g, r, margins

    def velocity(self, theta, sigma, sliding):
        a = self.parts(theta)[2]
        g, r, _ = self.weights(theta, sigma, sliding)
        return self.pack({"W": -self.s * a[:, None] * ((g * r) @ self.X), "b": -self.s * a * (g @ r),
                          "a": -self.s * (sigma * self.pre(theta)) @ r, "c": -np.sum(r),
                          "u": -self.X.T @ r, "v": -np.sum(r)})

    def guards(self, theta, sigma, sliding):
        """Positive while the piece holds: z_ij with its pattern's sign, or a held entry's margin."""
        out = np.where(sigma > 0, 1.0, -1.0) * self.pre(theta)
        for (i, j), margin in self.weights(theta, sigma, sliding)[2].items():
            out[i, j] = margin
        return out.ravel()

    def first_event(self, dense, t0, t1, y1, sigma, sliding):
        """The earliest guard root in [t0, t1] as (t, (i, j)), or None. The guards are checked at the
        step's end y1 (the dense output between steps is less accurate) and located on the dense output."""
        crossed = np.flatnonzero(self.guards(y1, sigma, sliding) < 0)
        if not crossed.size:
            return None
        state = lambda s: y1 if s == t1 else dense(s)  # noqa: E731 (the same sign at t1 as above)
        roots = [(brentq(lambda s, k=k: self.guards(state(s), sigma, sliding)[k], t0, t1,
                         xtol=1e-300, rtol=4 * np.finfo(float).eps), k) for k in crossed]
        t, k = min(roots)
        if t <= t0:
            raise RuntimeError(f"relu_shallow: entry {divmod(k, len(self.y))} left its piece at once "
                               f"(t = {t})")
        return t, divmod(k, len(self.y))

    def switch(self, theta, sigma, sliding, i, j):
        """Filippov's rule at z_ij = 0; b_i is set so that z_ij is exactly 0 (a change of ~1e-17)."""
        b = self.unpack(theta)["b"]
        b[i, 0] = -(self.parts(theta)[0] @ self.X.T)[i, j]
        held = (i, j) in sliding
        if not held and any(i == k for k, _ in sliding):
            raise RuntimeError(f"relu_shallow: unit {i} would hold two data points (not implemented)")
        sliding.discard((i, j))
        sigma[i, j] = 0.0
        v_plus, v_minus = self.normal(self.residual(theta, sigma), sigma, self.parts(theta)[2], i, j)
        if held:  # the end of a sliding mode: v- or v+ reached 0
            sigma[i, j] = 1.0 if -v_plus < v_minus else 0.0
            self.events["sliding ends"] += 1
        elif v_plus < 0 < v_minus:
            sliding.add((i, j))
            self.events["sliding modes"] += 1
        else:
            sigma[i, j] = 1.0 if v_plus > 0 else 0.0
            self.events["kinks"] += 1

    def integrate(self, t, speed):
        """The state at the times t: DOP853 from row to row (each row the end of a step, as in march),
        restarted at every event."""
        theta, now = self.theta0.copy(), t[0]
        sigma, sliding = (self.pre(theta) > 0).astype(float), set()
        out = [theta]
        for target in t[1:]:
            while now < target:
                solver = DOP853(lambda s, th: speed * self.velocity(th, sigma, sliding), now, theta, target,
                                rtol=RTOL, atol=ATOL)
                event = None
                while event is None and solver.status == "running":
                    start = solver.t
                    solver.step()
                    if solver.status == "failed":
                        raise RuntimeError(f"DOP853 failed at t = {start}")
                    dense = solver.dense_output()
                    event = self.first_event(dense, start, solver.t, solver.y, sigma, sliding)
                if event is None:
                    now, theta = target, solver.y.copy()
                else:
                    now, theta = event[0], dense(event[0])
                    self.switch(theta, sigma, sliding, *event[1])
            out.append(theta)
        return np.array(out).T


MODELS = {"linear2": Linear2, "linear_deep": LinearDeep, "diagonal": Diagonal, "tensor": Tensor,
          "matrix_sensing": MatrixSensing, "relu_shallow": ReluShallow}


def digits(value, reference, scale=None):
    """Agreed decimal digits (LRE), capped at 17."""
    scale = abs(reference) if scale is None else scale
    error = abs(value - reference)
    if error == 0 or scale == 0:
        return 17.0 if error == 0 else 0.0
    return max(0.0, min(17.0, -math.log10(error / scale)))


def vector_digits(value, reference):
    """Agreed digits of a vector or matrix, relative to the reference's largest entry."""
    value, reference = np.ravel(value), np.ravel(reference)
    if value.shape != reference.shape:
        return 0.0
    return digits(float(np.max(np.abs(value - reference))), 0.0, float(np.max(np.abs(reference))))


def clock_digits(rho, level, t_text, loss_text):
    """Digits of t at a loss level of a time-changed run: rho = ln((1 + t) L) integrated to the float64
    level L = 10^level, against the row's t at its exact level (decimal strings of any size). Returns
    the digits and the row's rho."""
    with decimal.localcontext() as ctx:
        ctx.prec = 40
        t, D = decimal.Decimal(t_text), decimal.Decimal
        rho_ref = float((1 + t).ln() + D(loss_text).ln())
        if t == 0:
            return 17.0, rho_ref
        tau = D(rho) - D(level) * D(10).ln()  # our ln(1 + t), exactly from the two floats
        error = abs(float(tau - (1 + t).ln())) * float((1 + t) / t)  # relative error of t
    return (17.0 if error == 0 else max(0.0, min(17.0, -math.log10(error)))), rho_ref


def compare(folder, retime=0.0):
    with open(os.path.join(folder, "config.toml"), "rb") as f:
        config = tomllib.load(f)
    kind = config["model"]["kind"]
    if kind not in MODELS:
        raise ValueError(f"{folder}: model.kind = \"{kind}\" is not one this example implements "
                         f"({', '.join(MODELS)})")
    path = os.path.join(folder, "output", "trajectory.csv")
    if not os.path.isfile(path):
        raise ValueError(f"{folder}: no output/trajectory.csv (generate it: scripts/regenerate-data)")
    rows = read_rows(path)
    header, rows = rows[0], rows[1:]
    column = {name: [r[k] for r in rows] for k, name in enumerate(header)}
    start = state_columns(header, rows[0])
    try:
        flow = MODELS[kind](config["model"], start)
    except ValueError as e:
        raise ValueError(f"{folder}: {e}") from None
    speed = 1.0 + retime
    log10_loss_ref = [float(v) for v in column["log10_loss"]]
    report = {"ok": True, "rows": [], "compared": 0, "skipped": 0, "worst": math.inf}
    if config.get("integrator", {}).get("time_change", "none") == "loss":
        # t at each level of the loss (the rows' own variable): float64 carries every row this way,
        # where t itself overflows above 1e308 and L underflows below 1e-308.
        states, rho = flow.integrate_in_loss(log10_loss_ref, speed)
        report["quantity"], report["rules"] = "t", flow.clock_rules
        clock = [clock_digits(rho[k], log10_loss_ref[k] if k else rho[0] / LN10, column["t"][k],
                              column["loss"][k]) for k in range(len(rows))]
        measured = [d for d, _ in clock]
        ceilings = [flow.clock_ceiling(lg) for lg in log10_loss_ref]
        floors = [flow.clock_floor(r) if k else -math.inf for k, (_, r) in enumerate(clock)]  # row 0: t = 0
    else:
        states = flow.integrate(np.array([float(v) for v in column["t"]]), speed)
        report["quantity"], report["rules"] = "loss", flow.loss_rules()
        measured = [digits(flow.loss(states[:, k]), float(column["loss"][k])) for k in range(len(rows))]
        ceilings = [flow.loss_ceiling(lg) for lg in log10_loss_ref]
        floors = [flow.loss_floor(lg) for lg in log10_loss_ref]
    for k in range(len(rows)):
        report["rows"].append((column["t_f64"][k], log10_loss_ref[k], measured[k], ceilings[k], floors[k]))
        if floors[k] < 1:  # fewer than 1 digit required: beyond float64, not compared
            report["skipped"] += 1
            continue
        report["compared"] += 1
        report["worst"] = min(report["worst"], measured[k] - floors[k])
        report["ok"] = report["ok"] and measured[k] >= floors[k]
    if start:  # the state columns of every row
        state_digits = [vector_digits(states[:, k], flow.pack(state_columns(header, row)))
                        for k, row in enumerate(rows)]
        worst = int(np.argmin(state_digits))
        report["state"] = (min(state_digits), float(np.median(state_digits)), log10_loss_ref[worst])
        report["ok"] = report["ok"] and min(state_digits) >= flow.state_floor
    report["finals"] = {}
    for name, value in flow.finals(states[:, -1]).items():
        reference = matrix(read_rows(os.path.join(folder, "output", "final", name + ".csv")))
        report["finals"][name] = vector_digits(value, reference)
        report["ok"] = report["ok"] and report["finals"][name] >= flow.state_floor
    report["state_floor"] = flow.state_floor
    if kind == "relu_shallow":
        with open(os.path.join(folder, "output", "summary.json")) as f:
            summary = json.load(f)
        report["events"] = (flow.events, {k: summary.get(k) for k in ("kink_events", "sliding_modes")})
    return report


def print_report(name, r):
    print(f"{name}: {'ok' if r['ok'] else 'BELOW THRESHOLD'}")
    ceiling_rule, floor_rule = r["rules"]
    q = r["quantity"]
    table = r["rows"]
    for k in sorted({0, len(table) // 4, len(table) // 2, len(table) - 1}):
        tk, lg, d, ceiling, floor = table[k]
        print(f"  t = {float(tk):<10.6g} log10 L = {lg:8.2f}  {q} digits {d:5.2f}"
              f"  ({ceiling_rule} = {ceiling:5.2f}; required {max(floor, 0):5.2f})")
    excess = [d - c for _, _, d, c, f in table if f >= 1]
    low = min(d for _, _, d, _, f in table if f >= 1)
    print(f"  {q} rows compared {r['compared']}, skipped {r['skipped']} (beyond float64); digits min "
          f"{low:.2f}, - ({ceiling_rule}): min {min(excess):+.2f}, median {float(np.median(excess)):+.2f}; "
          f"margin over the requirement ({floor_rule}) {r['worst']:+.2f}")
    if "state" in r:
        low, median, lg = r["state"]
        print(f"  state rows (required {r['state_floor']:g}), digits relative to the row's largest entry: "
              f"min {low:.2f} (at log10 L = {lg:.2f}), median {median:.2f}")
    print(f"  final matrices (required {r['state_floor']:g}), digits relative to the largest entry: "
          + ", ".join(f"{k} {v:.2f}" for k, v in r["finals"].items()))
    if "events" in r:  # gradflow's kink_events count every branch change, sliding modes entered included
        ours, theirs = r["events"]
        print("  events: " + ", ".join(f"{k} {v}" for k, v in ours.items()) + " (summary.json: "
              + ", ".join(f"{k} {v}" for k, v in theirs.items()) + ")")


def main(argv):
    retime = 0.0
    if argv[:1] == ["--retime"]:
        if len(argv) < 2:
            print("float64_vs_dataset: --retime needs a value (e.g. 1e-6)", file=sys.stderr)
            return 2
        retime, argv = float(argv[1]), argv[2:]
    data = os.path.join(ROOT, "data")
    folders = argv or sorted(os.path.join(data, family, name)
                             for family in os.listdir(data) if os.path.isdir(os.path.join(data, family))
                             for name in os.listdir(os.path.join(data, family))
                             if os.path.isfile(os.path.join(data, family, name, "config.toml")))
    all_ok = True
    for folder in folders:
        if not os.path.isfile(os.path.join(folder, "config.toml")):
            print(f"float64_vs_dataset: {folder}: no config.toml (give a dataset directory of data/)",
                  file=sys.stderr)
            return 2
        try:
            report = compare(folder, retime)
        except ValueError as e:
            print(f"float64_vs_dataset: {e}", file=sys.stderr)
            return 2
        except RuntimeError as e:  # the float64 integration itself failed: that dataset fails
            print(f"{os.path.relpath(folder, ROOT)}: FAILED ({e})")
            all_ok = False
            continue
        all_ok = all_ok and report["ok"]
        print_report(os.path.relpath(folder, ROOT), report)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
