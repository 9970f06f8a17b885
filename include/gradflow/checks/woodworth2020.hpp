#pragma once
// woodworth2020.q_alpha and woodworth2020.depth_d: the square-loss limit of the diagonal network
// started at w₊ = w₋ = α𝟙 is the Q-minimising interpolant (THEOREMS.md §4.1–4.2; proofs/).
//
// Notation: β = w₊^D − w₋^D; depth 2: β(t) = 2α² sinh(Xᵀν(t)), so G(s) = 2α² sinh s;
//   depth D ≥ 3: β(t) = α^D h_D(Xᵀμ(t)), h_D(s) = (1 − s)^{−D/(D−2)} − (1 + s)^{−D/(D−2)} on (−1, 1),
//   and w₊^{2−D} + w₋^{2−D} ≡ 2α^{2−D} (checked at every sample for depth_d).
#include "gradflow/checks/mirror_limit.hpp"
#include "gradflow/models/diagonal.hpp"

#include <string>

namespace gradflow {

namespace detail {

// α when the run started at w₊ = w₋ = α𝟙 with α > 0, else the reason it did not.
template <class Scalar>
std::optional<Scalar> uniform_start(const diagonal<Scalar>& model, const run_trace<Scalar>& trace, std::string& why) {
  const auto& theta = trace.initial().theta;
  const Scalar alpha = theta[0];
  for (std::size_t i = 0; i < theta.size(); ++i)
    if (theta[i] != alpha) {
      why = "the start is not w₊ = w₋ = α·1 (entry " + std::to_string(i) + " of θ(0) differs from the first)";
      return std::nullopt;
    }
  if (!(alpha > 0)) {
    why = "the start w₊ = w₋ = α·1 has α = " + to_short_decimal(alpha) + ", not α > 0";
    return std::nullopt;
  }
  (void)model;
  return alpha;
}

template <class Scalar>
check_result woodworth_limit(const std::string& id, const diagonal<Scalar>& model, const run_trace<Scalar>& trace) {
  using std::abs;
  using std::pow;
  const int D = model.depth();
  if (model.loss_type() != loss_kind::square)
    return not_applicable(id, "the loss is " + std::string(loss_name(model.loss_type())) + ", not square");
  if ((id == "woodworth2020.q_alpha") != (D == 2))
    return not_applicable(id, "depth D = " + std::to_string(D) + (D == 2 ? ": see woodworth2020.q_alpha" : ": q_alpha is the depth-2 statement (see woodworth2020.depth_d)"));
  std::string why;
  const auto alpha = uniform_start(model, trace, why);
  if (!alpha) return not_applicable(id, why);
  if (auto r = require_loss_target(id, trace)) return *r;

  // Conservation along the whole path (depth D ≥ 3): w₊^{2−D} + w₋^{2−D} = 2α^{2−D}.
  Scalar drift(0), scale(0);
  if (D >= 3) {
    const Scalar target = 2 * pow(*alpha, Scalar(2 - D));
    for (const auto& s : trace.samples)
      for (Eigen::Index i = 0; i < model.d(); ++i) {
        const Scalar I = pow(s.theta[i], Scalar(2 - D)) + pow(s.theta[model.d() + i], Scalar(2 - D));
        drift = std::max<Scalar>(drift, abs(I - target));
      }
    scale = target;
  }
  const auto& final_theta = trace.final().theta;
  Scalar w_max(0);
  for (const auto& x : final_theta) w_max = std::max<Scalar>(w_max, abs(x));
  // A relative state error a in w moves β by D·|w|^D·a; drift of I by (D − 2)·|w|^{2−D}... bounded by the same a·scale.
  const Scalar allowance = trace.state_allowance() * Scalar(D) * pow(std::max<Scalar>(w_max, Scalar(1)), Scalar(D)) +
                           rounding_allowance(pow(std::max<Scalar>(w_max, Scalar(1)), Scalar(D)), 4 * model.d());
  if (D >= 3 && drift > trace.state_allowance() * scale * Scalar(D))
    return {id, verdict::fail, to_decimal(drift), to_decimal(Scalar(trace.state_allowance() * scale * Scalar(D))),
            "w₊^(2−D) + w₋^(2−D) drifted from 2α^(2−D) by " + to_short_decimal(drift) + " along the path"};
  auto result = compare_with_limit(id, model.X(), model.Y(), solvers::diagonal_network_map(D, *alpha), model.product(final_theta.data()), allowance,
                                   D == 2 ? "Q_α minimiser, α = " + to_short_decimal(*alpha)
                                          : "q_D minimiser, D = " + std::to_string(D) + ", α = " + to_short_decimal(*alpha));
  if (D >= 3 && result.verdict != verdict::not_applicable)
    result.detail += "; conservation drift " + to_short_decimal(drift);
  return result;
}

}  // namespace detail

/// woodworth2020.q_alpha: depth 2, square loss, start α𝟙, run stopped at a loss target.
template <class Scalar>
check_result check_woodworth2020_q_alpha(const diagonal<Scalar>& model, const run_trace<Scalar>& trace) {
  return detail::woodworth_limit("woodworth2020.q_alpha", model, trace);
}

/// woodworth2020.depth_d: depth D ≥ 3, square loss, start α𝟙: the q_D limit and the conserved sum.
template <class Scalar>
check_result check_woodworth2020_depth_d(const diagonal<Scalar>& model, const run_trace<Scalar>& trace) {
  return detail::woodworth_limit("woodworth2020.depth_d", model, trace);
}

}  // namespace gradflow
