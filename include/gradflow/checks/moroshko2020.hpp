#pragma once
// moroshko2020.transition: the diagonal network on the exponential loss, started at α𝟙, follows the
// Q-minimiser at the effective scale α̃^D = α^D/γ (THEOREMS.md §5.2; proofs/moroshko2020.transition.md).
//
// Notation: x̃_n = y_n x_n, margin γ = min_n ⟨x̃_n, β⟩. With ONE data point x̃ the flow is
//   β(t) = α^D G_D(x̃ ν(t)) (G_2 = 2 sinh, G_D = h_D), so β/γ = α̃^D G_D(x̃ν) has margin 1: β(t)/γ(t) is
//   exactly argmin Q_{α̃(t)}(b) s.t. ⟨x̃, b⟩ = 1 — an identity at every state on the curve family
//   (the "shape" branch; it does not see t).
//   The clock: with τ(t) = ∫₀ᵗ e^{−γ} the layers are closed forms of τ (D = 2: w± = α e^{±2x̃τ};
//   D ≥ 3: w±^{2−D} = α^{2−D} ∓ D(D−2)x̃τ), so γ = F(τ) and dτ/dt = e^{−F(τ)}, i.e.
//   t(τ) = ∫₀^τ e^{F(u)} du — the margin's own scalar dynamics, integrated by adaptive Gauss–Legendre
//   quadrature (solvers/gauss_legendre.hpp) without the flow. The "clock" branch compares each
//   sample's γ_k with Γ(t_k) = F(τ*), T(τ*) = t_k: a retimed path fails here.
//   With several points this is only a heuristic: the check then reports the distance measured at
//   the final sample and says not_applicable, asserting nothing.
#include "gradflow/checks/mirror_limit.hpp"
#include "gradflow/checks/woodworth2020.hpp"
#include "gradflow/models/diagonal.hpp"
#include "gradflow/solvers/gauss_legendre.hpp"

#include <stdexcept>
#include <string>

namespace gradflow {

namespace detail {

// b*(γ) = argmin Q_{α̃} s.t. ⟨x̃, b⟩ = 1 with α̃^D = α^D/γ.
template <class Scalar>
matrix<Scalar> effective_minimiser(const matrix<Scalar>& x_tilde, int D, const Scalar& alpha,
                                   const Scalar& gamma) {
  using std::pow;
  const Scalar alpha_eff = alpha * pow(gamma, Scalar(-1) / D);
  return solvers::mirror_interpolation(x_tilde, matrix<Scalar>(matrix<Scalar>::Ones(x_tilde.rows(), 1)),
                                       solvers::diagonal_network_map(D, alpha_eff))
      .beta;
}

// One data point x̃ (1×d), depth D, start α𝟙: γ = F(τ) and F'(τ) in the integrated weight τ.
template <class Scalar>
struct single_point_margin {
  matrix<Scalar> x;
  int D;
  Scalar alpha;

  // F(τ) = Σ_j x̃_j(w₊_j^D − w₋_j^D) and F'(τ) = D² Σ_j x̃_j²(w₊_j^{2D−2} + w₋_j^{2D−2}) (D = 2: w₊w₋ = α²).
  void at(const Scalar& tau, Scalar& F, Scalar& slope) const {
    using std::exp;
    using std::pow;
    F = 0, slope = 0;
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      Scalar wp, wm;
      if (D == 2) {
        wp = alpha * exp(2 * x(j) * tau), wm = alpha * exp(-2 * x(j) * tau);
      } else {
        const Scalar a = pow(alpha, Scalar(2 - D)), c = Scalar(D * (D - 2)) * x(j) * tau,
                     e = Scalar(-1) / (D - 2);
        wp = pow(a - c, e), wm = pow(a + c, e);
      }
      F += x(j) * (pow(wp, Scalar(D)) - pow(wm, Scalar(D)));
      slope += Scalar(D * D) * x(j) * x(j) * (pow(wp, Scalar(2 * D - 2)) + pow(wm, Scalar(2 * D - 2)));
    }
  }
  // The end of τ's range: D ≥ 3 blows up at α^{2−D} = D(D−2)|x̃_j|τ (D = 2: unbounded).
  Scalar tau_max() const {
    using std::abs;
    using std::pow;
    Scalar m = solvers::unbounded<Scalar>();
    if (D >= 3)
      for (Eigen::Index j = 0; j < x.cols(); ++j)
        if (x(j) != 0) m = std::min<Scalar>(m, pow(alpha, Scalar(2 - D)) / (Scalar(D * (D - 2)) * abs(x(j))));
    return m;
  }
  // τ with F(τ) = γ ≥ 0 by Newton safeguarded by bisection (F increases from F(0) = 0).
  Scalar tau_of(const Scalar& gamma) const {
    using std::abs;
    Scalar lo(0), hi = tau_max(), F, slope;
    if (hi == solvers::unbounded<Scalar>())
      for (hi = Scalar(1);; hi *= 2) {
        at(hi, F, slope);
        if (F >= gamma) break;
      }
    Scalar tau = (lo + hi) / 2;
    for (int iteration = 0; iteration < 2000; ++iteration) {
      at(tau, F, slope);
      if (abs(F - gamma) <= 8 * eps<Scalar>() * (1 + gamma)) return tau;  // F itself is accurate to a few eps
      (F < gamma ? lo : hi) = tau;
      Scalar next = tau - (F - gamma) / slope;
      if (!(next > lo && next < hi)) next = (lo + hi) / 2;
      if (abs(next - tau) <= 4 * eps<Scalar>() * tau || hi - lo <= 4 * eps<Scalar>() * hi) return next;
      tau = next;
    }
    throw std::runtime_error("moroshko2020.transition: F(τ) = γ did not converge at γ = " +
                             to_short_decimal(gamma));
  }
};

}  // namespace detail

/// moroshko2020.transition: exponential loss, start α𝟙; asserted for one data point.
template <class Scalar>
check_result check_moroshko2020_transition(const diagonal<Scalar>& model, const run_trace<Scalar>& trace) {
  using std::pow;
  using std::sqrt;
  const std::string id = "moroshko2020.transition";
  if (model.loss_type() != loss_kind::exponential)
    return not_applicable(id,
                          "the loss is " + std::string(loss_name(model.loss_type())) + ", not exponential");
  std::string why;
  const auto alpha = detail::uniform_start(model, trace, why);
  if (!alpha) return not_applicable(id, why);
  const matrix<Scalar> x_tilde = model.Y().asDiagonal() * model.X();
  const int D = model.depth();
  const auto relative_gap = [&](const trace_sample<Scalar>& s, Scalar& gamma, matrix<Scalar>& b) {
    const matrix<Scalar> beta = model.product(s.theta.data());
    gamma = (x_tilde * beta).minCoeff();
    b = detail::effective_minimiser(matrix<Scalar>(x_tilde.row(0)), D, *alpha, gamma);
    return Scalar(sqrt((beta / gamma - b).squaredNorm() / b.squaredNorm()));
  };
  const trace_sample<Scalar>& last = trace.final();
  Scalar gamma_last(0);
  matrix<Scalar> b_last;
  if ((x_tilde * model.product(last.theta.data())).minCoeff() <= 0)
    return not_applicable(id, "the final margin γ is not positive: the data are not yet separated");
  if (model.N() != 1) {
    const matrix<Scalar> beta = model.product(last.theta.data());
    gamma_last = (x_tilde * beta).minCoeff();
    std::string measured = "not computed";
    try {
      // The multi-point analogue: argmin Q_{α̃} s.t. X̃b ≥ 1 is not the equality-constrained problem in general;
      // the distance to the equality-constrained one is reported for information only.
      b_last = solvers::mirror_interpolation(
                   x_tilde, matrix<Scalar>(matrix<Scalar>::Ones(model.N(), 1)),
                   solvers::diagonal_network_map(D, Scalar(*alpha * pow(gamma_last, Scalar(-1) / D))))
                   .beta;
      measured =
          to_short_decimal(Scalar(sqrt((beta / gamma_last - b_last).squaredNorm() / b_last.squaredNorm())));
    } catch (const std::exception&) {
      measured = "undefined (X̃b = 1 has no solution on the flow's curves)";
    }
    return not_applicable(id,
                          "N = " + std::to_string(model.N()) +
                              " data points: the effective-scale description is exact for one point only "
                              "(THEOREMS.md §5.2); measured, not asserted: relative distance of β/γ to the "
                              "Q_α̃ interpolant of all margins = 1 at t_f: " +
                              measured);
  }
  Scalar worst(0), bound(0), gamma_worst(0);
  std::size_t judged = 0;
  for (const auto& s : trace.samples) {
    if ((x_tilde * model.product(s.theta.data())).minCoeff() <= 0) continue;
    Scalar gamma;
    matrix<Scalar> b;
    const Scalar gap = relative_gap(s, gamma, b);
    ++judged;
    if (gap > worst) worst = gap, gamma_worst = gamma;
  }
  // A relative state error a moves β by D·a relatively and γ likewise: 4D·a, plus rounding in Newton.
  bound = Scalar(4 * D) * trace.state_allowance() + rounding_allowance(Scalar(1), 16 * model.d());
  relative_gap(last, gamma_last, b_last);
  const std::string shape = "shape: max over " + std::to_string(judged) +
                            " samples with γ > 0 of ‖β/γ − argmin Q_α̃ s.t. ⟨x̃,b⟩ = 1‖/‖·‖ (α̃^D = α^D/γ) = " +
                            to_short_decimal(worst) + " ≤ " + to_short_decimal(bound) +
                            ", worst at γ = " + to_short_decimal(gamma_worst);
  if (!(worst <= bound))
    return {id, verdict::fail, to_decimal(worst), to_decimal(bound),
            shape + " (fails: the state is off the curve family)"};

  // The clock: γ_k against Γ(t_k) from t(τ) = ∫₀^τ e^{F(u)} du, carried as ln t (ln T_k after sample k).
  using std::abs;
  using std::exp;
  using std::log;
  using std::log1p;
  const detail::single_point_margin<Scalar> margin{matrix<Scalar>(x_tilde.row(0)), D, *alpha};
  const solvers::gauss_legendre_rule<Scalar> rule(32);
  // Per panel, relative: above the integrand's own rounding, which a tighter test could never meet —
  // e^{F − shift} carries F's absolute error eps·|F| ≈ eps·γ, and the rule sums 32 terms.
  const auto rel_tol = [](const Scalar& shift) { return Scalar(1024 * eps<Scalar>() * (1 + abs(shift))); };
  // ∫_a^b e^{F(u) − shift} du for a ≤ b.
  const auto integral = [&](const Scalar& a, const Scalar& b, const Scalar& shift) {
    if (!(b > a)) return Scalar(0);
    return solvers::integrate_positive<Scalar>(
        rule,
        [&](const Scalar& u) {
          Scalar F, slope;
          margin.at(u, F, slope);
          return Scalar(exp(F - shift));
        },
        a, b, rel_tol(shift));
  };
  // ln T(τ) from a known (τ₀, ln T(τ₀)); ln T(0) = −∞ is passed as τ₀ = 0 with `from_zero`.
  const auto ln_T = [&](const Scalar& tau0, const Scalar& lnT0, bool from_zero, const Scalar& tau) {
    Scalar F, slope;
    margin.at(tau, F, slope);
    if (tau >= tau0)
      return Scalar(F + log((from_zero ? Scalar(0) : Scalar(exp(lnT0 - F))) + integral(tau0, tau, F)));
    return Scalar(lnT0 + log1p(-integral(tau, tau0, lnT0)));
  };
  Scalar tau_prev(0), lnT_prev(0), clock_worst(0), clock_bound(0), ratio_worst(-1), t_worst(0);
  bool from_zero = true;
  std::size_t timed = 0;
  for (const auto& s : trace.samples) {
    if (!(s.t > 0)) continue;
    const matrix<Scalar> beta = model.product(s.theta.data());
    const Scalar gamma = (x_tilde * beta).minCoeff();
    if (!(gamma > 0)) continue;
    const Scalar tau_k = margin.tau_of(gamma);
    const Scalar lnT_k = ln_T(tau_prev, lnT_prev, from_zero, tau_k);
    // Newton on ln T(τ) = ln t_k from τ_k: d ln T/dτ = e^{F(τ) − ln T(τ)}; done once ln T matches to
    // the quadrature's accuracy (the start is within the path's error, so a few steps suffice).
    Scalar tau = tau_k, lnT = lnT_k, F, slope;
    for (int iteration = 0; iteration == 0 || abs(lnT - log(s.t)) > 4 * rel_tol(gamma);
         ++iteration) {  // ≥ 1 step
      if (iteration == 50)
        throw std::runtime_error("moroshko2020.transition: T(τ) = t did not converge at t = " +
                                 to_short_decimal(s.t));
      margin.at(tau, F, slope);
      tau -= (lnT - log(s.t)) * exp(lnT - F);
      lnT = ln_T(tau_k, lnT_k, false, tau);
    }
    margin.at(tau, F, slope);
    const Scalar miss = abs(gamma - F);
    // Allowance: the state error a·S (S = max(|θ|, ln(1 + t)), the size the step control sees) moves
    // γ through ∂γ/∂w± = ±D x̃ w±^{D−1}, and the clock ln(1 + t) through dγ/dt = F'(τ)e^{−γ}.
    Scalar size = log(1 + s.t), sensitivity(0);
    for (const auto& x : s.theta) size = std::max<Scalar>(size, abs(x));
    for (Eigen::Index j = 0; j < model.d(); ++j)
      sensitivity += Scalar(D) * abs(x_tilde(0, j)) *
                     (pow(abs(s.theta[j]), Scalar(D - 1)) + pow(abs(s.theta[model.d() + j]), Scalar(D - 1)));
    margin.at(tau_k, F, slope);
    sensitivity += slope * exp(-gamma) * (1 + s.t);
    // + the quadrature's tolerance 1024·eps·(1 + γ) in ln T (dγ/d ln t ≤ 1 + γ·e^{−γ}F'... ≈ 1 late),
    // inside rounding_allowance(1 + γ, 64d) = 64(64d + 1)·eps·(1 + γ).
    const Scalar allowed = 2 * trace.state_allowance() * size * sensitivity +
                           rounding_allowance(Scalar(1 + gamma), 64 * model.d());
    ++timed;
    Scalar ratio = miss / allowed;
    if (!(ratio >= 0)) ratio = solvers::unbounded<Scalar>();  // a NaN (Newton left τ's range) fails
    if (ratio > ratio_worst) ratio_worst = ratio, clock_worst = miss, clock_bound = allowed, t_worst = s.t;
    tau_prev = tau_k, lnT_prev = lnT_k, from_zero = false;
  }
  using std::log10;
  const std::string clock = "clock: max over " + std::to_string(timed) +
                            " samples of |γ(t_k) − Γ(t_k)| against its allowance, " + "worst " +
                            to_short_decimal(clock_worst) + " vs " + to_short_decimal(clock_bound) +
                            " at log10 t = " + to_short_decimal(Scalar(log10(t_worst))) +
                            " (Γ from t(τ) = ∫₀^τ e^{γ(u)} du by Gauss–Legendre)";
  const bool ok = ratio_worst <= 1;
  return {id, ok ? verdict::pass : verdict::fail, to_decimal(clock_worst), to_decimal(clock_bound),
          clock + (ok ? "" : " (fails: the path is not timed like the flow)") + "; " + shape +
              "; at t_f γ = " + to_short_decimal(gamma_last) +
              ", α̃^D = " + to_short_decimal(Scalar(pow(*alpha, Scalar(D)) / gamma_last))};
}

}  // namespace gradflow
