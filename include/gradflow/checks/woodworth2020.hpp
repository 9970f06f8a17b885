#pragma once
// woodworth2020.q_alpha and woodworth2020.depth_d: the square-loss limit of the diagonal network
// started at w₊ = w₋ = α𝟙 is the Q-minimising interpolant (THEOREMS.md §4.1–4.2; proofs/).
//
// Notation: β = w₊^D − w₋^D; depth 2: β(t) = 2α² sinh(Xᵀν(t)), so G(s) = 2α² sinh s;
//   depth D ≥ 3: β(t) = α^D h_D(Xᵀμ(t)), h_D(s) = (1 − s)^{−D/(D−2)} − (1 + s)^{−D/(D−2)} on (−1, 1),
//   and w₊^{2−D} + w₋^{2−D} ≡ 2α^{2−D}; at every sample both checks also judge the conserved quantity and
//   the kernel part of the mirror coordinate against the integration allowance (curve_at).
#include "gradflow/checks/mirror_limit.hpp"
#include "gradflow/models/diagonal.hpp"
#include "gradflow/numeric/rank_split.hpp"

#include <string>

namespace gradflow {

namespace detail {

// α when the run started at w₊ = w₋ = α𝟙 with α > 0, else the reason it did not.
template <class Scalar>
std::optional<Scalar> uniform_start(const diagonal<Scalar>& model, const run_trace<Scalar>& trace,
                                    std::string& why) {
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

// What the flow from α𝟙 fixes at every t, per component i (I the conserved quantity, m the mirror
// coordinate whose velocity is a multiple of Xᵀr, so m(t) ∈ range Xᵀ):
//   D = 2: I = w₊w₋ = α², m = ln(w₊/w₋);  D ≥ 3: I = w₊^{2−D} + w₋^{2−D} = 2α^{2−D}, m = w₊^{2−D} − w₋^{2−D}.
// Both read a state error δw through the same factor |∂/∂w|: D = 2: |w₊| + |w₋| for I, 1/|w₊| + 1/|w₋|
// for m; D ≥ 3: (D − 2)(|w₊|^{1−D} + |w₋|^{1−D}) for both.
template <class Scalar>
struct curve_coordinates {
  Scalar I, m, dI, dm;
};

template <class Scalar>
curve_coordinates<Scalar> curve_at(int D, const Scalar& w_plus, const Scalar& w_minus) {
  using std::abs;
  using std::log;
  using std::pow;
  if (D == 2)
    return {Scalar(w_plus * w_minus), Scalar(log(w_plus / w_minus)), Scalar(abs(w_plus) + abs(w_minus)),
            Scalar(1 / abs(w_plus) + 1 / abs(w_minus))};
  const Scalar p = pow(w_plus, Scalar(2 - D)), q = pow(w_minus, Scalar(2 - D));
  const Scalar slope = Scalar(D - 2) * (pow(abs(w_plus), Scalar(1 - D)) + pow(abs(w_minus), Scalar(1 - D)));
  return {Scalar(p + q), Scalar(p - q), slope, slope};
}

template <class Scalar>
check_result woodworth_limit(const std::string& id, const diagonal<Scalar>& model,
                             const run_trace<Scalar>& trace) {
  using std::abs;
  using std::pow;
  using std::sqrt;
  const int D = model.depth();
  if (model.loss_type() != loss_kind::square)
    return not_applicable(id, "the loss is " + std::string(loss_name(model.loss_type())) + ", not square");
  if ((id == "woodworth2020.q_alpha") != (D == 2))
    return not_applicable(id,
                          "depth D = " + std::to_string(D) +
                              (D == 2 ? ": see woodworth2020.q_alpha"
                                      : ": q_alpha is the depth-2 statement (see woodworth2020.depth_d)"));
  std::string why;
  const auto alpha = uniform_start(model, trace, why);
  if (!alpha) return not_applicable(id, why);
  if (auto r = require_loss_target(id, trace)) return *r;

  // Along the whole path: the conserved I_i and the kernel part Φ2ᵀm of the mirror coordinate, both
  // fixed by t = 0 data alone (I = I(α), Φ2ᵀm = 0). Each sample's state error is at most
  // state_allowance·(1 + max|θ|) per entry (trace.hpp); neither quantity's own dynamics amplifies an
  // error committed earlier (I' = 0 and (Φ2ᵀm)' = 0 hold from every state), so the allowance is that
  // error times the largest |∂/∂w| met on the path, plus rounding.
  const Eigen::Index d = model.d();
  const Scalar I_target = D == 2 ? Scalar(*alpha * *alpha) : Scalar(2 * pow(*alpha, Scalar(2 - D)));
  const auto split = split_by_rank(model.X());
  const Scalar entry_error = trace.state_allowance() * (1 + trace.max_abs_state());
  Scalar drift(0), drift_bound(0), kernel(0), kernel_bound(0), drift_t(0), kernel_t(0);
  bool drifted = false, left_range = false;
  for (const auto& s : trace.samples) {
    matrix<Scalar> m(d, 1);
    Scalar dI(0), dm(0), I_drift(0), scale(0);
    for (Eigen::Index i = 0; i < d; ++i) {
      const auto c = curve_at(D, s.theta[i], s.theta[d + i]);
      m(i) = c.m;
      I_drift = std::max<Scalar>(I_drift, abs(c.I - I_target));
      dI = std::max(dI, c.dI), dm = std::max(dm, c.dm);
      scale = std::max<Scalar>(scale, abs(c.m));
    }
    const Scalar I_bound = dI * entry_error + rounding_allowance(Scalar(abs(I_target)), 4);
    const Scalar m_kernel = matrix<Scalar>(split.Phi2.transpose() * m).norm();
    const Scalar m_bound =
        sqrt(Scalar(d)) * (dm * entry_error + rounding_allowance(Scalar(scale + 1), 2 * d + 4));
    // Negated comparisons: a state off the curves' domain (w ≤ 0 gives NaN) fails too.
    if (!(I_drift <= I_bound)) drifted = true;
    if (!(m_kernel <= m_bound)) left_range = true;
    if (I_drift * drift_bound >= drift * I_bound) drift = I_drift, drift_bound = I_bound, drift_t = s.t;
    if (m_kernel * kernel_bound >= kernel * m_bound)
      kernel = m_kernel, kernel_bound = m_bound, kernel_t = s.t;
  }
  const std::string I_name = D == 2 ? "w₊w₋ − α²" : "w₊^(2−D) + w₋^(2−D) − 2α^(2−D)";
  const std::string m_name = D == 2 ? "Φ2ᵀln(w₊/w₋)" : "Φ2ᵀ(w₊^(2−D) − w₋^(2−D))";
  const std::string path_detail =
      "max|" + I_name + "| = " + to_short_decimal(drift) + " (allowance " + to_short_decimal(drift_bound) +
      ", t = " + to_short_decimal(drift_t) + "); ‖" + m_name + "‖ = " + to_short_decimal(kernel) +
      " (allowance " + to_short_decimal(kernel_bound) + ", t = " + to_short_decimal(kernel_t) + ")";
  if (drifted)
    return {id, verdict::fail, to_decimal(drift), to_decimal(drift_bound),
            "the conserved quantity drifted along the path: " + path_detail};

  const auto& final_theta = trace.final().theta;
  Scalar w_max(0);
  for (const auto& x : final_theta) w_max = std::max<Scalar>(w_max, abs(x));
  // A state error a per entry moves β = w₊^D − w₋^D by ≤ 2D·max(|w|, 1)^{D−1}·a per component.
  const Scalar beta_slope = Scalar(2 * D) * pow(std::max<Scalar>(w_max, Scalar(1)), Scalar(D - 1));
  const Scalar allowance =
      sqrt(Scalar(d)) *
      (beta_slope * entry_error + rounding_allowance(pow(std::max<Scalar>(w_max, Scalar(1)), Scalar(D)), 4));
  auto result = compare_with_limit(
      id, model.X(), model.Y(), solvers::diagonal_network_map(D, *alpha), model.product(final_theta.data()),
      allowance,
      D == 2 ? "Q_α minimiser, α = " + to_short_decimal(*alpha)
             : "q_D minimiser, D = " + std::to_string(D) + ", α = " + to_short_decimal(*alpha));
  if (result.verdict != verdict::pass) return result;
  // The limit comparison is set by the residual the loss target leaves (2‖dβ*/dy‖‖r‖); what the loss
  // does not control, the curve β(t) runs on, is judged here against the integration allowance.
  if (left_range)
    return {id, verdict::fail, to_decimal(kernel), to_decimal(kernel_bound),
            "the mirror coordinate left range Xᵀ (β(t) is off the curve family of the Q minimiser): " +
                path_detail + "; limit: " + result.detail};
  result.detail += "; along the path: " + path_detail;
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
