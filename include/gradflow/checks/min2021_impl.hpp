#pragma once
// Definitions of the min2021 checks; included only by src/instantiate/checks_*.cpp.
//
// Notation (THEOREMS.md §1.1; proofs/min2021.*.md):
//   X = W Σx^{1/2} Φ1ᵀ (compact SVD, r = rank X), ker X = span Φ2, U1 = Φ1ᵀU, U2 = Φ2ᵀU,
//   R = Y − XUVᵀ, E = WᵀR (r×m), L̃ = L − L* = ½‖E‖²_F, Ỹ = WᵀY, Θ̂ = Φ1 Σx^{-1/2} Ỹ,
//   D = U1ᵀU1 − VᵀV (h×h); λ_i decreasing eigenvalues, σ_i decreasing singular values (0 past the size).
#include "gradflow/checks/min2021.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/rank_split.hpp"
#include "gradflow/numeric/symmetric_eigenvalues.hpp"

#include <Eigen/SVD>

#include <algorithm>
#include <optional>
#include <string>

namespace gradflow {

namespace detail {

// The data-dependent quantities of every min2021 check, computed once per check.
template <class Scalar>
struct min2021_geometry {
  const linear2<Scalar>& model;
  rank_split<Scalar> split;
  matrix<Scalar> Y_tilde, theta_hat;
  Scalar lambda_1, lambda_r;  // largest and smallest nonzero eigenvalue of Σx = diag(σ²)

  explicit min2021_geometry(const linear2<Scalar>& m) : model(m), split(split_by_rank(m.X())) {
    Y_tilde = split.W.transpose() * model.Y();
    theta_hat = split.Phi1 * (split.sigma.cwiseInverse().asDiagonal() * Y_tilde);
    lambda_1 = r() ? Scalar(split.sigma(0) * split.sigma(0)) : Scalar(0);
    lambda_r = r() ? Scalar(split.sigma(r() - 1) * split.sigma(r() - 1)) : Scalar(0);
  }
  Eigen::Index r() const { return split.rank(); }
  matrix<Scalar> U1(const Scalar* theta) const { return split.Phi1.transpose() * model.U(theta); }
  matrix<Scalar> U2(const Scalar* theta) const { return split.Phi2.transpose() * model.U(theta); }
  matrix<Scalar> E(const Scalar* theta) const {
    const matrix<Scalar> R = model.Y() - model.X() * (model.U(theta) * model.V(theta).transpose());
    return split.W.transpose() * R;
  }
  Scalar reduced_loss(const Scalar* theta) const { return E(theta).squaredNorm() / 2; }
  // √(2 L̃ / λ_r(Σx)) ≥ ‖Φ1Σx^{-1/2}E‖_F: the part of UVᵀ − Θ̂ that lies in span Φ1.
  Scalar residual_distance(const Scalar* theta) const {
    using std::sqrt;
    return sqrt(2 * reduced_loss(theta) / lambda_r);
  }
};

// σ_i(A), 1-based, 0 past min(rows, cols).
template <class Scalar>
Scalar singular_value(const matrix<Scalar>& A, Eigen::Index i) {
  if (i > std::min(A.rows(), A.cols())) return Scalar(0);
  Eigen::JacobiSVD<matrix<Scalar>> svd(A);
  return svd.singularValues()(i - 1);
}

// Δ₊, Δ₋, Δ of Prop. 1 from the spectrum of D.
template <class Scalar>
struct imbalance_spread {
  Scalar plus, minus, level;
};

template <class Scalar>
imbalance_spread<Scalar> spread_of(const matrix<Scalar>& D, Eigen::Index r, Eigen::Index m) {
  const auto ev = symmetric_eigenvalues(D);  // decreasing
  const Eigen::Index h = ev.size();
  auto pos = [](const Scalar& x) { return std::max<Scalar>(x, Scalar(0)); };
  auto lambda = [&](Eigen::Index i) { return Scalar(ev(i - 1)); };      // λ_i(D)
  auto lambda_neg = [&](Eigen::Index i) { return Scalar(-ev(h - i)); };  // λ_i(−D)
  return {pos(lambda(1)) - pos(lambda(r)), pos(lambda_neg(1)) - pos(lambda_neg(m)),
          pos(lambda(r)) + pos(lambda_neg(m))};
}

// −Δ₊ + √((Δ₊+Δ)² + 4 q_m) − Δ₋ + √((Δ₋+Δ)² + 4 q_r): Prop. 1 with q = σ²(U1Vᵀ), Thm 3 with
// q = [σ(Ỹ) − ‖E‖_F]₊² / λ_1(Σx).
template <class Scalar>
Scalar bracket(const imbalance_spread<Scalar>& s, const Scalar& q_m, const Scalar& q_r) {
  using std::sqrt;
  return -s.plus + sqrt((s.plus + s.level) * (s.plus + s.level) + 4 * q_m) - s.minus +
         sqrt((s.minus + s.level) * (s.minus + s.level) + 4 * q_r);
}

// Hypotheses shared by Prop. 1 and Thm 3: rank X ≥ 1 and h ≥ max(r, m), so that λ_r(D) and λ_m(−D)
// exist (the paper assumes h ≥ min(m, n); this implementation states the bound only where every
// eigenvalue it names exists).
template <class Scalar>
std::optional<std::string> spectral_hypothesis_fails(const min2021_geometry<Scalar>& g) {
  const auto h = g.model.h(), r = g.r(), m = g.model.m();
  if (r == 0) return "rank X = 0: Σx has no nonzero eigenvalue";
  if (h < std::max(r, m))
    return "width h = " + std::to_string(h) + " < max(rank X, m) = " + std::to_string(std::max(r, m)) +
           ": λ_r(D) or λ_m(−D) does not exist";
  return std::nullopt;
}

template <class Scalar>
matrix<Scalar> reduced_imbalance(const min2021_geometry<Scalar>& g, const Scalar* theta) {
  const matrix<Scalar> U1 = g.U1(theta);
  return U1.transpose() * U1 - g.model.V(theta).transpose() * g.model.V(theta);
}

// The limit checks (Props. 9, 10) need a run that stopped on stop.loss_below: the witnessed convergence.
template <class Scalar>
std::optional<std::string> convergence_hypothesis_fails(const run_trace<Scalar>& trace) {
  if (trace.reason == stop_reason::loss_below) return std::nullopt;
  return "the run stopped on " + std::string(stop_reason_name(trace.reason)) +
         ", not on stop.loss_below: the statement is about the limit t → ∞";
}

// Drift of U2 = Φ2ᵀU that the integration may have committed, times ‖V‖_F: the numerical part of
// ‖Φ2(U2(t) − U2(0))Vᵀ‖_F allowed in the limit checks.
template <class Scalar>
Scalar kernel_drift_allowance(const min2021_geometry<Scalar>& g, const run_trace<Scalar>& trace) {
  using std::sqrt;
  const Scalar* theta = trace.final().theta.data();
  const Scalar size = 1 + trace.max_abs_state();
  return trace.state_allowance() * size * size * sqrt(Scalar(g.model.n() * g.model.h())) *
         Scalar(matrix<Scalar>(g.model.V(theta)).norm() + 1);
}

inline std::string digits_text(double digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", digits);
  return buffer;
}

// A limit check's verdict: measured ≤ bound, with the relative distance in digits for the detail.
template <class Scalar>
check_result limit_result(std::string id, const Scalar& measured, const Scalar& bound, const Scalar& reference,
                          const std::string& what) {
  const double digits = measured == 0 ? double(working_digits()) : -log10_as_double(Scalar(measured / reference));
  return {std::move(id), measured <= bound ? verdict::pass : verdict::fail, to_decimal(measured), to_decimal(bound),
          what + " = " + to_short_decimal(measured) + " (" + digits_text(digits) + " digits relative to " +
              to_short_decimal(reference) + "); bound √(2(L − L*)/λ_r(Σx)) + integration allowance = " +
              to_short_decimal(bound)};
}

}  // namespace detail

template <class Scalar>
check_result check_min2021_imbalance(const linear2<Scalar>& model, const run_trace<Scalar>& trace) {
  const auto initial = model.invariants(trace.initial().theta.data());
  Scalar drift(0);
  std::string where;
  for (const auto& sample : trace.samples) {
    const auto now = model.invariants(sample.theta.data());
    for (std::size_t k = 0; k < now.size(); ++k) {
      const Scalar d = max_abs_entry<Scalar>(now[k].value - initial[k].value);
      if (d > drift) drift = d, where = now[k].name + " at t = " + to_short_decimal(sample.t);
    }
  }
  // Each entry of UᵀU − VᵀV sums n + m products of state entries, so a state error δ per entry moves
  // it by at most 2(n + m)·max|θ|·δ; Φ2ᵀU (linear) moves less.
  const Scalar size = 1 + trace.max_abs_state();
  const Scalar bound = trace.state_allowance() * size * size * Scalar(2 * (model.n() + model.m()));
  return {"min2021.imbalance", drift <= bound ? verdict::pass : verdict::fail, to_decimal(drift), to_decimal(bound),
          "max over " + std::to_string(trace.samples.size()) + " samples of max|I(t) − I(0)| for UᵀU − VᵀV" +
              (model.kernel_basis().cols() ? " and Φ2ᵀU" : "") + (where.empty() ? "" : "; largest: " + where) +
              "; bound 32(n + m)·(steps + 1)·max(tolerance, eps)·(1 + max|θ|)²"};
}

template <class Scalar>
check_result check_min2021_rate(const linear2<Scalar>& model, const run_trace<Scalar>& trace) {
  const std::string id = "min2021.rate";
  const detail::min2021_geometry<Scalar> g(model);
  if (auto why = detail::spectral_hypothesis_fails(g)) return not_applicable(id, *why);
  // D is conserved by the flow; Prop. 1 uses it at the sample's own time, equal to its t = 0 value.
  const auto spread = detail::spread_of(detail::reduced_imbalance(g, trace.initial().theta.data()), g.r(), model.m());
  const auto terms = model.N() + model.n() + model.m() + model.h();
  const Scalar X_norm = model.X().norm(), Y_norm = model.Y().norm();

  bool failed = false;
  std::size_t checked = 0, skipped = 0;
  Scalar worst_ratio(0), worst_rate(0), worst_bound(0), worst_t(0);
  for (const auto& s : trace.samples) {
    const Scalar* theta = s.theta.data();
    const matrix<Scalar> U1 = g.U1(theta), E = g.E(theta);
    const matrix<Scalar> U = model.U(theta), V = model.V(theta);
    const Scalar E_norm = E.norm();
    // Relative rounding error of E (and so of the measured rate): R = Y − XUVᵀ is formed with an
    // absolute error of order eps·(‖Y‖ + ‖X‖‖U‖‖V‖). Samples where it exceeds 1e-3 cannot resolve the rate.
    const Scalar relative = E_norm == 0 ? Scalar(1) : rounding_allowance(Scalar((Y_norm + X_norm * U.norm() * V.norm()) / E_norm), terms);
    if (relative > Scalar(1) / 1000) {
      ++skipped;
      continue;
    }
    ++checked;
    // −L̃' = −⟨∇L, θ̇⟩ with ∇_U L = −Φ1Σx^{1/2}EV and ∇_V L = −EᵀΣx^{1/2}U1 (the reduced form, not the model's formula).
    const matrix<Scalar> SE = g.split.sigma.asDiagonal() * E;
    const Scalar decay = (g.split.Phi1 * (SE * V)).cwiseProduct(model.U(s.velocity.data())).sum() +
                         (SE.transpose() * U1).cwiseProduct(model.V(s.velocity.data())).sum();
    const Scalar rate = decay / (E_norm * E_norm / 2);
    const matrix<Scalar> P = U1 * V.transpose();
    const Scalar sm = detail::singular_value(P, model.m()), sr = detail::singular_value(P, g.r());
    const Scalar bound = g.lambda_r * detail::bracket(spread, Scalar(sm * sm), Scalar(sr * sr));
    const Scalar allowed = bound * (1 - relative) - rounding_allowance(Scalar(g.lambda_1 * (U.squaredNorm() + V.squaredNorm())), terms);
    if (rate < allowed) failed = true;
    // The worst sample is the one with the smallest rate/bound (a zero bound holds trivially).
    const Scalar ratio = bound > 0 ? Scalar(rate / bound) : Scalar(0);
    if (bound > 0 && (worst_bound == 0 || ratio < worst_ratio))
      worst_ratio = ratio, worst_rate = rate, worst_bound = bound, worst_t = s.t;
  }
  if (checked == 0)
    return not_applicable(id, "L − L* is below the rounding resolution at every sample (" + std::to_string(skipped) + " samples)");
  return {id, failed ? verdict::fail : verdict::pass, to_decimal(worst_rate), to_decimal(worst_bound),
          "min over " + std::to_string(checked) + " samples of −(L − L*)'/(L − L*) ÷ bound = " + to_short_decimal(worst_ratio) +
              " at t = " + to_short_decimal(worst_t) + " (measured and bound there); λ_r(Σx) = " + to_short_decimal(g.lambda_r) +
              ", Δ₊ = " + to_short_decimal(spread.plus) + ", Δ₋ = " + to_short_decimal(spread.minus) +
              ", Δ = " + to_short_decimal(spread.level) +
              (skipped ? "; " + std::to_string(skipped) + " samples skipped (L − L* below rounding resolution)" : "")};
}

template <class Scalar>
check_result check_min2021_exp_bound(const linear2<Scalar>& model, const run_trace<Scalar>& trace) {
  using std::exp;
  using std::sqrt;
  const std::string id = "min2021.exp_bound";
  const detail::min2021_geometry<Scalar> g(model);
  if (auto why = detail::spectral_hypothesis_fails(g)) return not_applicable(id, *why);
  const Scalar* theta0 = trace.initial().theta.data();
  const auto spread = detail::spread_of(detail::reduced_imbalance(g, theta0), g.r(), model.m());
  const Scalar E0 = g.E(theta0).norm();
  auto margin = [&](Eigen::Index i) {
    const Scalar gap = std::max<Scalar>(detail::singular_value(g.Y_tilde, i) - E0, Scalar(0));
    return Scalar(gap * gap / g.lambda_1);
  };
  const Scalar c0 = detail::bracket(spread, margin(model.m()), margin(g.r()));
  if (!(c0 > 0)) return not_applicable(id, "c(0) = " + to_short_decimal(c0) + " <= 0 (Thm 3 needs c(0) > 0)");

  const Scalar L0 = g.reduced_loss(theta0), X_norm = model.X().norm();
  const Scalar state_error = trace.state_allowance() * (1 + trace.max_abs_state());
  const auto terms = model.N() + model.n() + model.m() + model.h();
  bool failed = false;
  Scalar worst_ratio(-1), worst_loss(0), worst_bound(0), worst_t(0);
  for (const auto& s : trace.samples) {
    const Scalar* theta = s.theta.data();
    const matrix<Scalar> U = model.U(theta), V = model.V(theta);
    const Scalar E_norm = g.E(theta).norm(), loss = E_norm * E_norm / 2;
    const Scalar bound = exp(-g.lambda_r * c0 * s.t) * L0;
    // L̃ moves by about ‖E‖·‖X‖(‖U‖ + ‖V‖)·δθ·√dim under a state error δθ; plus rounding of L̃ itself.
    const Scalar allowance = 2 * E_norm * X_norm * (U.norm() + V.norm()) * state_error * sqrt(Scalar(model.dimension())) +
                             rounding_allowance(Scalar(model.Y().squaredNorm() + loss), terms);
    if (loss > bound + allowance) failed = true;
    // At t = 0 the two sides are equal by definition, so the worst sample is sought among t > 0.
    const Scalar ratio = loss / (bound + allowance);
    if ((s.t > 0 || trace.samples.size() == 1) && ratio > worst_ratio) worst_ratio = ratio, worst_loss = loss, worst_bound = bound, worst_t = s.t;
  }
  return {id, failed ? verdict::fail : verdict::pass, to_decimal(worst_loss), to_decimal(worst_bound),
          "max over " + std::to_string(trace.samples.size()) + " samples of (L − L*) ÷ (exp(−λ_r(Σx) c(0) t)(L(0) − L*) + allowance) = " +
              to_short_decimal(worst_ratio) + " at t = " + to_short_decimal(worst_t) + " (measured and bound there); c(0) = " +
              to_short_decimal(c0) + ", λ_r(Σx) = " + to_short_decimal(g.lambda_r)};
}

template <class Scalar>
check_result check_min2021_minnorm(const linear2<Scalar>& model, const run_trace<Scalar>& trace) {
  const std::string id = "min2021.minnorm";
  const detail::min2021_geometry<Scalar> g(model);
  if (g.r() == 0) return not_applicable(id, "rank X = 0: Θ̂ = 0 and Σx has no nonzero eigenvalue");
  // Hypothesis of Prop. 10: VU2ᵀ = 0 and U1U2ᵀ = 0 at t = 0, up to the rounding of U2 = Φ2ᵀU.
  const Scalar* theta0 = trace.initial().theta.data();
  const matrix<Scalar> U2 = g.U2(theta0);
  const Scalar off_set = std::max(max_abs_entry<Scalar>(model.V(theta0) * U2.transpose()),
                                  max_abs_entry<Scalar>(g.U1(theta0) * U2.transpose()));
  const Scalar size = 1 + trace.max_abs_state();
  const Scalar exact_zero = rounding_allowance(Scalar(size * size), model.n() + model.h());
  if (off_set > exact_zero)
    return not_applicable(id, "outside the invariant set: max(|VU2ᵀ|, |U1U2ᵀ|) = " + to_short_decimal(off_set) +
                                  " at t = 0 (Prop. 10 needs both zero)");
  if (auto why = detail::convergence_hypothesis_fails(trace)) return not_applicable(id, *why);
  const Scalar* theta = trace.final().theta.data();
  const Scalar measured = matrix<Scalar>(model.product(theta) - g.theta_hat).norm();
  const Scalar bound = g.residual_distance(theta) + detail::kernel_drift_allowance(g, trace);
  return detail::limit_result(id, measured, bound, Scalar(g.theta_hat.norm()), "‖UVᵀ − Θ̂‖_F at t_final");
}

template <class Scalar>
check_result check_min2021_kernel_identity(const linear2<Scalar>& model, const run_trace<Scalar>& trace) {
  const std::string id = "min2021.kernel_identity";
  const detail::min2021_geometry<Scalar> g(model);
  if (g.r() == 0) return not_applicable(id, "rank X = 0: Σx has no nonzero eigenvalue");
  if (auto why = detail::convergence_hypothesis_fails(trace)) return not_applicable(id, *why);
  const Scalar* theta = trace.final().theta.data();
  const matrix<Scalar> kernel_part = g.split.Phi2 * g.U2(trace.initial().theta.data()) * model.V(theta).transpose();
  const Scalar measured = matrix<Scalar>(model.product(theta) - g.theta_hat - kernel_part).norm();
  const Scalar bound = g.residual_distance(theta) + detail::kernel_drift_allowance(g, trace);
  return detail::limit_result(id, measured, bound, Scalar(matrix<Scalar>(g.theta_hat + kernel_part).norm()),
                              "‖UVᵀ − Θ̂ − Φ2U2(0)Vᵀ‖_F at t_final");
}

template <class Scalar>
std::vector<check_result> min2021_checks(const linear2<Scalar>& model, const run_trace<Scalar>& trace) {
  return {check_min2021_imbalance(model, trace),
          check_min2021_rate(model, trace),
          check_min2021_exp_bound(model, trace),
          check_min2021_minnorm(model, trace),
          check_min2021_kernel_identity(model, trace),
          not_applicable("min2021.width", "a sweep over widths h with random initialisation: run by gradflow verify")};
}

}  // namespace gradflow
