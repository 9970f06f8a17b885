#pragma once
// moroshko2020.transition: the diagonal network on the exponential loss, started at α𝟙, follows the
// Q-minimiser at the effective scale α̃^D = α^D/γ (THEOREMS.md §5.2; proofs/moroshko2020.transition.md).
//
// Notation: x̃_n = y_n x_n, margin γ = min_n ⟨x̃_n, β⟩. With ONE data point x̃ the flow is
//   β(t) = α^D G_D(x̃ ν(t)) (G_2 = 2 sinh, G_D = h_D), so β/γ = α̃^D G_D(x̃ν) has margin 1: β(t)/γ(t) is
//   exactly argmin Q_{α̃(t)}(b) s.t. ⟨x̃, b⟩ = 1 — an identity at every t, checked at every sample.
//   With several points this is only a heuristic: the check then reports the distance measured at
//   the final sample and says not_applicable, asserting nothing.
#include "gradflow/checks/mirror_limit.hpp"
#include "gradflow/checks/woodworth2020.hpp"
#include "gradflow/models/diagonal.hpp"

#include <string>

namespace gradflow {

namespace detail {

// b*(γ) = argmin Q_{α̃} s.t. ⟨x̃, b⟩ = 1 with α̃^D = α^D/γ.
template <class Scalar>
matrix<Scalar> effective_minimiser(const matrix<Scalar>& x_tilde, int D, const Scalar& alpha, const Scalar& gamma) {
  using std::pow;
  const Scalar alpha_eff = alpha * pow(gamma, Scalar(-1) / D);
  return solvers::mirror_interpolation(x_tilde, matrix<Scalar>(matrix<Scalar>::Ones(x_tilde.rows(), 1)),
                                       solvers::diagonal_network_map(D, alpha_eff)).beta;
}

}  // namespace detail

/// moroshko2020.transition: exponential loss, start α𝟙; asserted for one data point.
template <class Scalar>
check_result check_moroshko2020_transition(const diagonal<Scalar>& model, const run_trace<Scalar>& trace) {
  using std::pow;
  using std::sqrt;
  const std::string id = "moroshko2020.transition";
  if (model.loss_type() != loss_kind::exponential)
    return not_applicable(id, "the loss is " + std::string(loss_name(model.loss_type())) + ", not exponential");
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
      b_last = solvers::mirror_interpolation(x_tilde, matrix<Scalar>(matrix<Scalar>::Ones(model.N(), 1)),
                                             solvers::diagonal_network_map(D, Scalar(*alpha * pow(gamma_last, Scalar(-1) / D))))
                   .beta;
      measured = to_short_decimal(Scalar(sqrt((beta / gamma_last - b_last).squaredNorm() / b_last.squaredNorm())));
    } catch (const std::exception&) {
      measured = "undefined (X̃b = 1 has no solution on the flow's curves)";
    }
    return not_applicable(id, "N = " + std::to_string(model.N()) +
                                  " data points: the effective-scale description is exact for one point only "
                                  "(THEOREMS.md §5.2); measured, not asserted: relative distance of β/γ to the "
                                  "Q_α̃ interpolant of all margins = 1 at t_f: " + measured);
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
  const bool ok = worst <= bound;
  return {id, ok ? verdict::pass : verdict::fail, to_decimal(worst), to_decimal(bound),
          "max over " + std::to_string(judged) + " samples with γ > 0 of ‖β/γ − argmin Q_α̃ s.t. ⟨x̃,b⟩ = 1‖/‖·‖ (α̃^D = α^D/γ); "
          "worst at γ = " + to_short_decimal(gamma_worst) + "; at t_f γ = " + to_short_decimal(gamma_last) +
          ", α̃^D = " + to_short_decimal(Scalar(pow(*alpha, Scalar(D)) / gamma_last))};
}

}  // namespace gradflow
