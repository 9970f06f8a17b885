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
  auto lambda = [&](Eigen::Index i) { return Scalar(ev(i - 1)); };       // λ_i(D)
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

// exp(√λ_1·∫‖E‖dt) over [0, t_j] for every sample j, the integral bounded interval by interval by
// max(‖E_k‖, ‖E_{k+1}‖)·Δt (‖E‖ is non-increasing on the flow): how much the linear ODE
// Z' = [[0, EᵀΣx^{1/2}], [Σx^{1/2}E, 0]]·Z of Prop. 10 (operator norm ≤ √λ_1‖E‖) can amplify an
// error committed before t_j.
template <class Scalar>
std::vector<Scalar> invariant_set_growth(const min2021_geometry<Scalar>& g, const run_trace<Scalar>& trace) {
  using std::exp;
  using std::sqrt;
  std::vector<Scalar> growth{Scalar(1)};
  Scalar exponent(0), E_before = g.E(trace.samples.front().theta.data()).norm();
  for (std::size_t k = 1; k < trace.samples.size(); ++k) {
    const Scalar E_now = g.E(trace.samples[k].theta.data()).norm();
    exponent += sqrt(g.lambda_1) * std::max(E_before, E_now) * (trace.samples[k].t - trace.samples[k - 1].t);
    growth.push_back(exp(exponent));
    E_before = E_now;
  }
  return growth;
}

inline std::string digits_text(double digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", digits);
  return buffer;
}

// The part of UVᵀ − Θ̂ the loss controls, reported next to a limit check's verdict: the row-space
// part ‖Φ1ᵀUVᵀ − Σx^{-1/2}Ỹ‖_F = ‖Σx^{-1/2}E‖_F ≤ √(2L̃/λ_r(Σx)) at the final state, an identity at
// every state (the loss target alone sets it).
template <class Scalar>
std::string row_space_part(const min2021_geometry<Scalar>& g, const Scalar* theta) {
  const matrix<Scalar> part = g.split.sigma.cwiseInverse().asDiagonal() * g.E(theta);
  const Scalar distance = part.norm(), scale = g.theta_hat.norm();
  const double digits =
      distance == 0 || scale == 0 ? double(working_digits()) : -log10_as_double(Scalar(distance / scale));
  return "row-space part at t_final ‖Φ1ᵀ(UVᵀ − Θ̂)‖_F = " + to_short_decimal(distance) +
         " ≤ √(2(L − L*)/λ_r(Σx)) = " + to_short_decimal(g.residual_distance(theta)) + " (" +
         digits_text(digits) +
         " digits relative to ‖Θ̂‖_F, set by the loss target: an identity at every state)";
}

}  // namespace detail

template <class Scalar>
check_result check_min2021_imbalance(const linear2<Scalar>& model, const run_trace<Scalar>& trace) {
  using std::sqrt;
  const auto initial = model.invariants(trace.initial().theta.data());
  Scalar drift(0), slope(sqrt(Scalar(model.n()))), scale(0);
  std::string where;
  for (const auto& sample : trace.samples) {
    const auto now = model.invariants(sample.theta.data());
    for (std::size_t k = 0; k < now.size(); ++k) {
      const Scalar d = max_abs_entry<Scalar>(now[k].value - initial[k].value);
      scale = std::max(scale, max_abs_entry<Scalar>(now[k].value));
      if (d > drift) drift = d, where = now[k].name + " at t = " + to_short_decimal(sample.t);
    }
    // ‖∇(UᵀU − VᵀV)_ab‖₁ = c_a + c_b with c the column sums of |U| and |V|; ‖∇(Φ2ᵀU)_ij‖₁ ≤ √n.
    const matrix<Scalar> U = model.U(sample.theta.data()), V = model.V(sample.theta.data());
    slope =
        std::max<Scalar>(slope, 2 * (U.cwiseAbs().colwise().sum() + V.cwiseAbs().colwise().sum()).maxCoeff());
  }
  // A conserved quantity's drift is the sum over steps of ∇I·(the step's error): nothing amplifies it.
  const Scalar bound = trace.conservation_allowance(slope, scale, model.n() + model.m());
  return {
      "min2021.imbalance", drift <= bound ? verdict::pass : verdict::fail, to_decimal(drift),
      to_decimal(bound),
      "max over " + std::to_string(trace.samples.size()) + " samples of max|I(t) − I(0)| for UᵀU − VᵀV" +
          (model.kernel_basis().cols() ? " and Φ2ᵀU" : "") + (where.empty() ? "" : "; largest: " + where) +
          "; bound (steps + 1)·step error·(1 + max|θ|)·max‖∇I‖₁ + rounding (proofs/README.md, Tolerances)"};
}

template <class Scalar>
check_result check_min2021_rate(const linear2<Scalar>& model, const run_trace<Scalar>& trace) {
  using std::abs;
  using std::exp;
  using std::log;
  using std::sqrt;
  const std::string id = "min2021.rate";
  const detail::min2021_geometry<Scalar> g(model);
  if (auto why = detail::spectral_hypothesis_fails(g)) return not_applicable(id, *why);
  const auto terms = model.N() + model.n() + model.m() + model.h();
  const Scalar X_norm = model.X().norm(), Y_norm = model.Y().norm();
  const Scalar sqrt_lambda_1 = sqrt(g.lambda_1);
  // Frobenius size of the error the integration may have left in a sample's state (trace.hpp).
  const Scalar state_error = trace.state_error();

  // What the check needs at each sample, all from the sample's own state (Prop. 1 is instantaneous:
  // D, σ(U1Vᵀ) and L̃ there; D is not taken from t = 0, so its numerical drift never enters).
  struct at_sample {
    Scalar t, loss, E_norm, bound, floor, size, log_error, bound_error;
  };
  std::vector<at_sample> at;
  for (const auto& s : trace.samples) {
    const Scalar* theta = s.theta.data();
    const matrix<Scalar> U1 = g.U1(theta), E = g.E(theta), U = model.U(theta), V = model.V(theta);
    const Scalar E_norm = E.norm();
    const auto spread = detail::spread_of(detail::reduced_imbalance(g, theta), g.r(), model.m());
    const matrix<Scalar> P = U1 * V.transpose();
    const Scalar sm = detail::singular_value(P, model.m()), sr = detail::singular_value(P, g.r());
    const Scalar bound = g.lambda_r * detail::bracket(spread, Scalar(sm * sm), Scalar(sr * sr));
    // Error of ln L̃ at this sample: L̃ = ½‖E‖² moves by ≤ √λ_1‖E‖(‖U‖ + ‖V‖)·δθ under a state error δθ
    // (∂L̃/∂U = −Φ1Σx^{1/2}EV, ∂L̃/∂V = −EᵀΣx^{1/2}U1), i.e. ln L̃ by 2√λ_1(‖U‖ + ‖V‖)δθ/‖E‖; E itself
    // is formed with an absolute rounding error of order eps·(‖Y‖ + ‖X‖‖U‖‖V‖).
    const Scalar UV = U.norm() + V.norm();
    const Scalar log_error =
        E_norm == 0 ? Scalar(0)
                    : Scalar((2 * sqrt_lambda_1 * UV * state_error +
                              2 * rounding_allowance(Scalar(Y_norm + X_norm * U.norm() * V.norm()), terms)) /
                             E_norm);
    // The bound is 4λ_r-Lipschitz in U1Vᵀ (spectral norm; each root is 2-Lipschitz in its σ) and
    // 8λ_r-Lipschitz in D (each of Δ₊, Δ₋, Δ moves by ≤ 2‖δD‖); δ(U1Vᵀ) ≤ (‖U‖ + ‖V‖)δθ and
    // δD ≤ 2(‖U‖ + ‖V‖)δθ.
    const Scalar bound_error =
        20 * g.lambda_r * UV * state_error +
        rounding_allowance(Scalar(g.lambda_1 * (U.squaredNorm() + V.squaredNorm())), terms);
    // Each root term is ≥ Δ (q ≥ 0), so b ≥ 2λ_rΔ at every t (Cor. 4), with Δ fixed by the conserved D.
    const Scalar floor = 2 * g.lambda_r * spread.level;
    at.push_back({s.t, Scalar(E_norm * E_norm / 2), E_norm, bound, floor,
                  Scalar(U1.squaredNorm() + V.squaredNorm()), log_error, bound_error});
  }

  // Over [t_k, t_{k+1}] the path's own decrease ln(L̃_k/L̃_{k+1}) = ∫ −L̃'/L̃ dt ≥ ∫ b dt (Prop. 1 at every
  // t). b is K-Lipschitz in t, K = 4λ_r·sup‖(U1Vᵀ)'‖₂ ≤ 4λ_r√λ_1·sup‖E‖·sup(‖U1‖² + ‖V‖²), with ‖E‖
  // non-increasing and ‖U1‖² + ‖V‖² growing at most like exp(2√λ_1‖E‖t) on the flow; so
  // ∫ b ≥ Δt(b_k + b_{k+1})/2 − KΔt²/4 + (b_k − b_{k+1})²/(4K) (the K-Lipschitz lower envelope), and
  // ∫ b ≥ 2λ_rΔ·Δt.
  bool failed = false;
  std::size_t checked = 0, unresolved = 0;
  Scalar worst_ratio(0), worst_rate(0), worst_bound(0), worst_t(0);
  for (std::size_t k = 0; k + 1 < at.size(); ++k) {
    const auto &a = at[k], &b = at[k + 1];
    const Scalar dt = b.t - a.t;
    if (!(dt > 0)) continue;
    const Scalar E_max = std::max(a.E_norm, b.E_norm);
    const Scalar K = 4 * g.lambda_r * sqrt_lambda_1 * E_max * std::max(a.size, b.size) *
                     exp(2 * sqrt_lambda_1 * E_max * dt);
    const Scalar jump = a.bound - b.bound;
    Scalar integral = dt * (a.bound + b.bound) / 2;
    if (K > 0) integral -= K * dt * dt / 4 - (abs(jump) < K * dt ? Scalar(jump * jump / (4 * K)) : Scalar(0));
    // On a long interval the envelope is weak; b ≥ 2λ_rΔ holds throughout it.
    integral = std::max(integral, Scalar(dt * std::min(a.floor, b.floor)));
    const Scalar allowance = a.log_error + b.log_error + dt * (a.bound_error + b.bound_error);
    // An interval whose allowance reaches the bound's integral cannot fail: it is not counted.
    if (a.loss == 0 || b.loss == 0 || !(allowance < integral)) {
      ++unresolved;
      continue;
    }
    ++checked;
    const Scalar decrease = log(a.loss / b.loss);
    if (!(decrease >= integral - allowance)) failed = true;  // a NaN decrease fails too
    const Scalar ratio = decrease / integral;
    if (checked == 1 || ratio < worst_ratio)
      worst_ratio = ratio, worst_rate = decrease / dt, worst_bound = integral / dt, worst_t = a.t;
  }
  if (checked == 0)
    return not_applicable(
        id,
        "no sample interval resolves the bound: the integration and rounding allowance reaches "
        "∫ bound dt on every one of the " +
            std::to_string(unresolved) + " intervals");
  return {
      id, failed ? verdict::fail : verdict::pass, to_decimal(worst_rate), to_decimal(worst_bound),
      "min over " + std::to_string(checked) + " sample intervals of ln(L̃_k/L̃_{k+1}) ÷ ∫ bound dt = " +
          to_short_decimal(worst_ratio) + " on [" + to_short_decimal(worst_t) +
          ", …] (measured: the path's mean decay rate there; bound: the Lipschitz lower envelope of "
          "Prop. 1's bound, per unit time); λ_r(Σx) = " +
          to_short_decimal(g.lambda_r) +
          (unresolved ? "; " + std::to_string(unresolved) + " intervals not resolved (allowance ≥ ∫ bound dt)"
                      : "")};
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
    const Scalar allowance =
        2 * E_norm * X_norm * (U.norm() + V.norm()) * state_error * sqrt(Scalar(model.dimension())) +
        rounding_allowance(Scalar(model.Y().squaredNorm() + loss), terms);
    if (loss > bound + allowance) failed = true;
    // At t = 0 the two sides are equal by definition, so the worst sample is sought among t > 0.
    const Scalar ratio = loss / (bound + allowance);
    if ((s.t > 0 || trace.samples.size() == 1) && ratio > worst_ratio)
      worst_ratio = ratio, worst_loss = loss, worst_bound = bound, worst_t = s.t;
  }
  return {id, failed ? verdict::fail : verdict::pass, to_decimal(worst_loss), to_decimal(worst_bound),
          "max over " + std::to_string(trace.samples.size()) +
              " samples of (L − L*) ÷ (exp(−λ_r(Σx) c(0) t)(L(0) − L*) + allowance) = " +
              to_short_decimal(worst_ratio) + " at t = " + to_short_decimal(worst_t) +
              " (measured and bound there); c(0) = " + to_short_decimal(c0) +
              ", λ_r(Σx) = " + to_short_decimal(g.lambda_r)};
}

template <class Scalar>
check_result check_min2021_minnorm(const linear2<Scalar>& model, const run_trace<Scalar>& trace) {
  const std::string id = "min2021.minnorm";
  const detail::min2021_geometry<Scalar> g(model);
  using std::sqrt;
  if (g.r() == 0) return not_applicable(id, "rank X = 0: Θ̂ = 0 and Σx has no nonzero eigenvalue");
  // Z = [VU2ᵀ; U1U2ᵀ], the distance from Prop. 10's invariant set; ‖Φ2ᵀUVᵀ‖_F = ‖VU2ᵀ‖_F ≤ ‖Z‖_F.
  auto Z_norm = [&](const Scalar* theta) {
    const matrix<Scalar> U2 = g.U2(theta);
    return Scalar(
        sqrt((model.V(theta) * U2.transpose()).squaredNorm() + (g.U1(theta) * U2.transpose()).squaredNorm()));
  };
  // Hypothesis of Prop. 10: Z(0) = 0, up to the rounding of U2 = Φ2ᵀU.
  const Scalar* theta0 = trace.initial().theta.data();
  const Scalar Z0 = Z_norm(theta0);
  const Scalar size = 1 + trace.max_abs_state();
  const Scalar exact_zero = rounding_allowance(Scalar(size * size), model.n() + model.h());
  if (Z0 > exact_zero)
    return not_applicable(id, "outside the invariant set: ‖(VU2ᵀ, U1U2ᵀ)‖_F = " + to_short_decimal(Z0) +
                                  " at t = 0 (Prop. 10 needs both zero)");
  if (auto why = detail::convergence_hypothesis_fails(trace)) return not_applicable(id, *why);
  // On the flow Z(t) = 0 at every t, so the kernel part of UVᵀ is 0 and UVᵀ → Θ̂. A state error δθ moves
  // Z by ≤ (‖U‖ + ‖V‖ + 2‖U2‖)δθ ≤ 3(‖U‖ + ‖V‖)δθ, and Z's own ODE amplifies what was committed earlier
  // by at most exp(√λ_1∫‖E‖dt) (invariant_set_growth); plus the rounding of Z and of Z(0).
  const auto growth = detail::invariant_set_growth(g, trace);
  Scalar worst(0), worst_bound(0), worst_t(0), worst_ratio(-1);
  bool failed = false;
  for (std::size_t k = 0; k < trace.samples.size(); ++k) {
    const Scalar* theta = trace.samples[k].theta.data();
    const Scalar Z = Z_norm(theta);
    const Scalar UV = matrix<Scalar>(model.U(theta)).norm() + matrix<Scalar>(model.V(theta)).norm();
    const Scalar bound = growth[k] * (Z0 + 3 * UV * trace.state_error()) + exact_zero;
    if (!(Z <= bound)) failed = true;
    if (Z / bound > worst_ratio)
      worst_ratio = Z / bound, worst = Z, worst_bound = bound, worst_t = trace.samples[k].t;
  }
  return {
      id, failed ? verdict::fail : verdict::pass, to_decimal(worst), to_decimal(worst_bound),
      "max over " + std::to_string(trace.samples.size()) + " samples of ‖(VU2ᵀ, U1U2ᵀ)‖_F ÷ allowance = " +
          to_short_decimal(worst_ratio) + " at t = " + to_short_decimal(worst_t) +
          " (measured and bound there): the kernel part Φ2U2Vᵀ of UVᵀ − Θ̂ that the loss does not control, "
          "predicted 0 from t = 0; " +
          detail::row_space_part(g, trace.final().theta.data())};
}

template <class Scalar>
check_result check_min2021_kernel_identity(const linear2<Scalar>& model, const run_trace<Scalar>& trace) {
  const std::string id = "min2021.kernel_identity";
  const detail::min2021_geometry<Scalar> g(model);
  if (g.r() == 0) return not_applicable(id, "rank X = 0: Σx has no nonzero eigenvalue");
  if (auto why = detail::convergence_hypothesis_fails(trace)) return not_applicable(id, *why);
  // UVᵀ − Θ̂ − Φ2U2(0)Vᵀ = −Φ1Σx^{-1/2}E + Φ2(U2(t) − U2(0))Vᵀ at every state: the first term is the
  // loss's (reported), the second is the kernel part, zero exactly when U2 is conserved. A state error
  // δθ moves it by ≤ ‖V‖δθ + ‖U2(t) − U2(0)‖δθ; plus the rounding of U2 = Φ2ᵀU.
  const matrix<Scalar> U2_0 = g.U2(trace.initial().theta.data());
  const Scalar size = 1 + trace.max_abs_state();
  Scalar worst(0), worst_bound(0), worst_t(0), worst_ratio(-1);
  bool failed = false;
  for (const auto& s : trace.samples) {
    const Scalar* theta = s.theta.data();
    const matrix<Scalar> shift = g.U2(theta) - U2_0;
    const Scalar measured = matrix<Scalar>(shift * model.V(theta).transpose()).norm();
    const Scalar V_norm = matrix<Scalar>(model.V(theta)).norm();
    const Scalar bound = (V_norm + shift.norm()) * trace.state_error() +
                         rounding_allowance(Scalar(size * (V_norm + 1)), model.n() + model.h());
    if (!(measured <= bound)) failed = true;
    if (measured / bound > worst_ratio)
      worst_ratio = measured / bound, worst = measured, worst_bound = bound, worst_t = s.t;
  }
  return {id, failed ? verdict::fail : verdict::pass, to_decimal(worst), to_decimal(worst_bound),
          "max over " + std::to_string(trace.samples.size()) +
              " samples of ‖Φ2(U2(t) − U2(0))Vᵀ‖_F ÷ allowance = " + to_short_decimal(worst_ratio) +
              " at t = " + to_short_decimal(worst_t) +
              " (measured and bound there): the kernel part of UVᵀ − Θ̂ − Φ2U2(0)Vᵀ, an identity given U2's "
              "conservation; " +
              detail::row_space_part(g, trace.final().theta.data())};
}

template <class Scalar>
std::vector<check_result> min2021_checks(const linear2<Scalar>& model, const run_trace<Scalar>& trace) {
  return {check_min2021_imbalance(model, trace),
          check_min2021_rate(model, trace),
          check_min2021_exp_bound(model, trace),
          check_min2021_minnorm(model, trace),
          check_min2021_kernel_identity(model, trace),
          not_applicable("min2021.width",
                         "a sweep over widths h with random initialisation: run by gradflow verify")};
}

}  // namespace gradflow
