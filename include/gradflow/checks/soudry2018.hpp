#pragma once
// soudry2018.direction: the linear predictor (tensor network with L = 1) on separable data with the
// exponential or logistic loss follows w(t) = ŵ log t + w̃ + r(t) with r(t) → 0, so its direction
// converges to the ℓ2 max-margin solution ŵ at the rate 1/log t (THEOREMS.md §6.2, Thms 3–5;
// proofs/soudry2018.direction.md).
//
// Notation: a_n = y_n z_n (rows of A), ŵ = argmin ‖w‖² s.t. Aw ≥ 1 with multipliers λ on the support
//   set S; w̃ solves e^{−a_nᵀw̃} = λ_n on S (GF version of Thm 4, App. A.1); r(t) = w − ŵ log t − w̃.
//   Linearising the flow about ŵ log t + w̃ in u = log t gives dr/du = −M r + Σ_{n∉S} c_n e^{−(θ_n−1)u} a_n
//   (+ e^{−u} terms for the logistic loss, + O(‖r‖²)), M = A_Sᵀ diag(λ_S) A_S, so
//   ‖r(t)‖ = O(t^{−μ}) with μ = min(λ_min(M), θ − 1, 1 for logistic), θ = min_{n∉S} a_nᵀŵ.
//   Asserted: ‖r(t_f)‖ ≤ 4·‖r(t_m)‖·(t_m/t_f)^μ + floor, t_m the first sample with log t_m ≥ log t_f / 2
//   (the rate from t_m to t_f; the factor 4 = 2 for a resonant t^{−μ} log t term, log t_f / log t_m ≤ 2,
//   times 2 for r·t^μ still approaching its limit from below), floor = the state and clock error.
//   Implied, reported: ‖w/‖w‖ − ŵ/‖ŵ‖‖ ≤ 2‖w̃ + r‖/(‖ŵ‖ log t) (an inequality, given r).
#include "gradflow/checks/check_result.hpp"
#include "gradflow/checks/mirror_limit.hpp"
#include "gradflow/models/tensor.hpp"
#include "gradflow/numeric/symmetric_eigenvalues.hpp"
#include "gradflow/solvers/max_margin_l2.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace gradflow {

namespace detail {

// μ of the header: the slowest decay exponent of the remainder r(t) = w − ŵ log t − w̃.
template <class Scalar>
Scalar soudry_decay_exponent(const matrix<Scalar>& A, const solvers::max_margin_l2_result<Scalar>& svm,
                             bool logistic) {
  matrix<Scalar> M = matrix<Scalar>::Zero(A.cols(), A.cols());
  for (const Eigen::Index n : svm.support) M += svm.lambda(n) * A.row(n).transpose() * A.row(n);
  const auto eigenvalues = symmetric_eigenvalues(M);
  Scalar mu = eigenvalues(eigenvalues.size() - 1);
  const matrix<Scalar> margins = A * svm.w;
  for (Eigen::Index n = 0; n < A.rows(); ++n)
    if (!(svm.lambda(n) > 0)) mu = std::min<Scalar>(mu, margins(n) - 1);
  if (logistic) mu = std::min<Scalar>(mu, Scalar(1));
  return mu;
}

}  // namespace detail

/// soudry2018.direction: L = 1, exponential or logistic loss, run stopped at a loss target.
template <class Scalar>
check_result check_soudry2018_direction(const tensor<Scalar>& model, const run_trace<Scalar>& trace) {
  using std::exp;
  using std::log;
  using std::log10;
  using std::sqrt;
  const std::string id = "soudry2018.direction";
  if (model.depth() != 1)
    return not_applicable(id, "depth L = " + std::to_string(model.depth()) +
                                  ": the theorem is about the linear predictor (L = 1)");
  if (!is_classification(model.loss_type()))
    return not_applicable(id, "the loss is square, not exponential or logistic");
  if (auto r = detail::require_loss_target(id, trace)) return *r;
  const matrix<Scalar> A = model.Y().asDiagonal() * model.Z();
  const matrix<Scalar> w_final = model.product(trace.final().theta.data());
  // Separability is decided by the run itself (a positive margin at t_f), not by whether a solver
  // succeeds: on separated data a failing SVM solver is an error of the check.
  const Scalar gamma = (A * w_final).minCoeff();
  if (!(gamma > 0))
    return not_applicable(id, "the final margin min a_nᵀw(t_f) = " + to_short_decimal(gamma) +
                                  " is not positive: the data are not "
                                  "separated at t_f");
  // Identical rows (a point listed twice, or x and −x with opposite labels, as in Fig. 1) are one
  // constraint with multiplicity m_k: the loss holds m_k e^{−a_kᵀw}, so the SVM runs on the distinct
  // rows and w̃ solves m_k e^{−a_kᵀw̃} = λ_k (λ_k the distinct row's multiplier).
  std::vector<Eigen::Index> distinct;
  std::vector<int> multiplicity;
  for (Eigen::Index n = 0; n < A.rows(); ++n) {
    std::size_t k = 0;
    while (k < distinct.size() && A.row(distinct[k]) != A.row(n)) ++k;
    if (k == distinct.size()) distinct.push_back(n), multiplicity.push_back(0);
    ++multiplicity[k];
  }
  const matrix<Scalar> A_distinct = A(distinct, Eigen::all);
  solvers::max_margin_l2_result<Scalar> svm;
  try {
    svm = solvers::max_margin_l2(A_distinct);
  } catch (const std::exception& e) {
    throw std::runtime_error(id + ": the max-margin solver failed on data the run separates (" +
                             std::string(e.what()) + ")");
  }
  auto per_point = svm;
  for (std::size_t k = 0; k < distinct.size(); ++k)
    per_point.lambda(static_cast<Eigen::Index>(k)) /= multiplicity[k];
  const auto w_tilde = solvers::refined_offset(A_distinct, per_point);
  if (!w_tilde)
    return not_applicable(id,
                          "Thm 4's w̃ is undefined: rank(A_S) < rank(A) or a support vector has λ_n = 0 "
                          "(not an 'almost every data set' instance)");
  const Scalar mu = detail::soudry_decay_exponent(A_distinct, svm, model.loss_type() == loss_kind::logistic);
  if (!(mu > 0))
    return not_applicable(id, "a point with margin 1 under ŵ has λ_n = 0 (μ = " + to_short_decimal(mu) +
                                  "): not an 'almost every data set' instance, the remainder need not decay");
  const Scalar w_hat_norm = sqrt(svm.w.squaredNorm()), w_tilde_norm = sqrt(w_tilde->squaredNorm());
  const Scalar log_tf = log(trace.final().t);
  const trace_sample<Scalar>* mid = nullptr;
  for (const auto& s : trace.samples)
    if (s.t > 1 && log(s.t) >= log_tf / 2) {
      mid = &s;
      break;
    }
  // The window [t_m, t_f] must shrink an O(t^{−μ}) remainder by 16, so that a remainder that does not
  // decay exceeds the bound 4·‖r(t_m)‖(t_m/t_f)^μ by a factor 4.
  const Scalar ln16 = 4 * log(Scalar(2));
  if (mid == nullptr || mu * (log_tf - log(mid->t)) < ln16)
    return not_applicable(
        id, "too early for the asymptotic statement: μ·log(t_f/t_m) = " +
                to_short_decimal(Scalar(mid ? Scalar(mu * (log_tf - log(mid->t))) : Scalar(0))) +
                " < log 16 (μ = " + to_short_decimal(mu) + ", log t_f = " + to_short_decimal(log_tf) + ")");
  // r(t) and its floor: the state error (relative to the state, which holds w and, with the time
  // change, the clock ln(1 + t)) moves w and ŵ log t; rounding of the sum.
  const auto remainder = [&](const trace_sample<Scalar>& s, Scalar& floor) {
    const matrix<Scalar> w = model.product(s.theta.data());
    const Scalar size = sqrt(w.squaredNorm()) + w_hat_norm * log(1 + s.t) + w_tilde_norm;
    floor = 2 * trace.state_allowance() * size + rounding_allowance(size, 4 * model.d());
    return Scalar(sqrt((w - svm.w * log(s.t) - *w_tilde).squaredNorm()));
  };
  Scalar floor_mid, floor_final;
  const Scalar r_mid = remainder(*mid, floor_mid), r_final = remainder(trace.final(), floor_final);
  const Scalar bound = 4 * r_mid * exp(-mu * (log_tf - log(mid->t))) + floor_final;
  const Scalar w_norm = sqrt(w_final.squaredNorm());
  const Scalar direction = sqrt((w_final / w_norm - svm.w / w_hat_norm).squaredNorm());
  const Scalar implied = 2 * (w_tilde_norm + r_final) / (w_hat_norm * log_tf);
  std::string detail =
      "‖r(t_f)‖ = ‖w − ŵ log t_f − w̃‖ at log t_f = " + to_short_decimal(log_tf) +
      " against 4‖r(t_m)‖(t_m/t_f)^μ + floor (log t_m = " + to_short_decimal(Scalar(log(mid->t))) +
      ", ‖r(t_m)‖ = " + to_short_decimal(r_mid) + ", μ = " + to_short_decimal(mu) + ", floor " +
      to_short_decimal(floor_final) + ")";
  if (r_final > 0)
    detail +=
        "; w matches the expansion to " + to_short_decimal(Scalar(-log10(r_final / w_norm))) + " digits";
  detail += "; implied: ‖w/‖w‖ − ŵ/‖ŵ‖‖ = " + to_short_decimal(direction) +
            " ≤ 2(‖w̃‖ + ‖r‖)/(‖ŵ‖ log t_f) = " + to_short_decimal(implied) +
            "; ŵ = " + to_short_decimal(svm.w(0)) + (svm.w.size() > 1 ? ", …" : "") + " with " +
            std::to_string(svm.support.size()) + " support vectors";
  return {id, r_final <= bound ? verdict::pass : verdict::fail, to_decimal(r_final), to_decimal(bound),
          detail};
}

}  // namespace gradflow
