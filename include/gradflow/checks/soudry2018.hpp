#pragma once
// soudry2018.direction: the linear predictor (tensor network with L = 1) on separable data with the
// exponential or logistic loss converges in direction to the ℓ2 max-margin solution ŵ, at the rate
// 1/log t (THEOREMS.md §6.2, Thms 3–5; proofs/soudry2018.direction.md).
//
// Notation: a_n = y_n z_n (rows of A), ŵ = argmin ‖w‖² s.t. Aw ≥ 1 with multipliers λ on the support
//   set S; w̃ solves e^{−a_nᵀw̃} = λ_n on S (GF version of Thm 4, App. A.1), so
//   w(t) = ŵ log t + w̃ + r(t), r(t) → 0, and ‖w/‖w‖ − ŵ/‖ŵ‖‖ ≤ 2‖w̃ + r‖/(‖ŵ‖ log t).
//   The check allows ‖r‖ ≤ 1 (r decays like t^{−min(1, θ−1)}, θ the smallest non-support margin of
//   ŵ, and t_f ≥ e^{20} is required): bound = 2(‖w̃‖ + 1)/(‖ŵ‖ log t_f).
#include "gradflow/checks/check_result.hpp"
#include "gradflow/checks/mirror_limit.hpp"
#include "gradflow/models/tensor.hpp"
#include "gradflow/solvers/max_margin_l2.hpp"

#include <string>

namespace gradflow {

/// soudry2018.direction: L = 1, exponential or logistic loss, run stopped at a loss target.
template <class Scalar>
check_result check_soudry2018_direction(const tensor<Scalar>& model, const run_trace<Scalar>& trace) {
  using std::log;
  using std::sqrt;
  const std::string id = "soudry2018.direction";
  if (model.depth() != 1)
    return not_applicable(id, "depth L = " + std::to_string(model.depth()) + ": the theorem is about the linear predictor (L = 1)");
  if (!is_classification(model.loss_type()))
    return not_applicable(id, "the loss is square, not exponential or logistic");
  if (auto r = detail::require_loss_target(id, trace)) return *r;
  const Scalar& t = trace.final().t;
  if (!(t > 0) || log(t) < 20)
    return not_applicable(id, "t_f = " + to_short_decimal(t) + " < e^20: too early for the asymptotic statement");
  const matrix<Scalar> A = model.Y().asDiagonal() * model.Z();
  std::optional<solvers::max_margin_l2_result<Scalar>> svm;
  try {
    svm = solvers::max_margin_l2(A);
  } catch (const std::exception& e) {
    return not_applicable(id, std::string("the data are not separable (") + e.what() + ")");
  }
  const auto w_tilde = solvers::refined_offset(A, *svm);
  if (!w_tilde)
    return not_applicable(id, "Thm 4's w̃ is undefined: rank(A_S) < rank(A) or a support vector has λ_n = 0 "
                              "(not an 'almost every data set' instance)");
  const matrix<Scalar> w = model.product(trace.final().theta.data());
  const Scalar w_norm = sqrt(w.squaredNorm()), w_hat_norm = sqrt(svm->w.squaredNorm());
  const Scalar delta = sqrt((w / w_norm - svm->w / w_hat_norm).squaredNorm());
  const Scalar bound = 2 * (sqrt(w_tilde->squaredNorm()) + 1) / (w_hat_norm * log(t));
  const Scalar remainder = sqrt((w - svm->w * log(t) - *w_tilde).squaredNorm());
  return {id, delta <= bound ? verdict::pass : verdict::fail, to_decimal(delta), to_decimal(bound),
          "‖w/‖w‖ − ŵ/‖ŵ‖‖ at log t_f = " + to_short_decimal(Scalar(log(t))) + " against 2(‖w̃‖ + 1)/(‖ŵ‖ log t_f); ŵ = " +
              to_short_decimal(svm->w(0)) + (svm->w.size() > 1 ? ", …" : "") + " with " +
              std::to_string(svm->support.size()) + " support vectors; Thm 4 remainder ‖w − ŵ log t − w̃‖ = " +
              to_short_decimal(remainder)};
}

}  // namespace gradflow
