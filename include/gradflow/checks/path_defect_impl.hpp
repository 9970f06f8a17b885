#pragma once
// Definition of check_path_defect (notation in path_defect.hpp); included by src/instantiate only.
#include "gradflow/checks/path_defect.hpp"
#include "gradflow/numeric/decimal.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace gradflow {

namespace detail {

// ‖a − b‖_∞ / (1 + ‖b‖_∞) over the first n entries.
template <class Scalar>
Scalar relative_defect(const std::vector<Scalar>& a, const std::vector<Scalar>& b) {
  using std::abs;
  Scalar diff(0), size(0);
  for (std::size_t i = 0; i < b.size(); ++i) {
    diff = std::max<Scalar>(diff, abs(a[i] - b[i]));
    size = std::max<Scalar>(size, abs(b[i]));
  }
  return diff / (1 + size);
}

}  // namespace detail

template <class Scalar, class Model>
check_result check_path_defect(const Model& model, const run_trace<Scalar>& trace,
                               const path_claim<Scalar>& claim) {
  using std::log1p;
  const std::string id = "flow.path_defect";
  const auto& samples = trace.samples;
  if (samples.size() < 2)
    return not_applicable(id, "the path has one sample: there is no interval to re-integrate");
  const std::size_t intervals = samples.size() - 1;
  if (!claim.interval_steps.empty() && claim.interval_steps.size() != intervals)
    throw std::invalid_argument("check_path_defect: " + std::to_string(claim.interval_steps.size()) +
                                " interval step counts for " + std::to_string(intervals) + " intervals");
  integrate_options<Scalar> o;
  o.method = method::taylor;
  o.tolerance = claim.reintegration_tolerance;
  o.max_steps = 10000000;

  Scalar worst_ratio(-1), worst_defect(0), worst_bound(0), largest(0);
  std::size_t worst = 0;
  std::string failure;  // a pair no flow can join, whatever its numbers
  for (std::size_t k = 0; k < intervals && failure.empty(); ++k) {
    const auto& from = samples[k];
    const auto& to = samples[k + 1];
    Scalar defect;
    if (claim.time_change) {
      // Follow the flow in s until the loss of sample k + 1; the loss strictly decreases on a flow
      // that moves, so a later sample at a loss that is not lower cannot lie on it.
      const Scalar L_from = model.loss(from.theta.data()), L_to = model.loss(to.theta.data());
      if (!(L_to < L_from)) {
        failure = "the loss does not decrease from sample " + std::to_string(k) +
                  " (t = " + to_short_decimal(from.t) + ", L = " + to_short_decimal(L_from) +
                  ") to the next (L = " + to_short_decimal(L_to) + "): no gradient flow joins them";
        break;
      }
      if constexpr (requires {
                      model.loss_type();
                    }) {  // the models with a time change (their entry's capability)
        const time_changed<Scalar, Model> flow(model);
        std::vector<Scalar> x = flow.augment(from.theta), target = flow.augment(to.theta);
        x.back() = log1p(from.t);
        target.back() = log1p(to.t);
        o.t_end = parse_decimal<Scalar>("1e300");  // bounds s only: the loss event ends the interval
        o.loss_below = L_to;
        const auto s = integrate(flow, x, o, integrate_observer<Scalar>{});
        if (s.reason != stop_reason::loss_below)
          throw std::runtime_error("flow.path_defect: the re-integration of interval " + std::to_string(k) +
                                   " stopped on " + std::string(stop_reason_name(s.reason)) +
                                   " before the loss of the next sample");
        defect = detail::relative_defect(x, target);
      } else {
        throw std::invalid_argument(
            "check_path_defect: the time change applies to the models whose entry offers it");
      }
    } else {
      if (!(to.t > from.t)) {
        failure = "t does not increase from sample " + std::to_string(k) +
                  " (t = " + to_short_decimal(from.t) + ") to the next (t = " + to_short_decimal(to.t) + ")";
        break;
      }
      std::vector<Scalar> theta = from.theta;
      o.t_end = to.t - from.t;
      const auto s = integrate(model, theta, o, integrate_observer<Scalar>{});
      if (s.reason != stop_reason::t_end)
        throw std::runtime_error("flow.path_defect: the re-integration of interval " + std::to_string(k) +
                                 " stopped on " + std::string(stop_reason_name(s.reason)) +
                                 " before t = " + to_short_decimal(to.t));
      defect = detail::relative_defect(theta, to.theta);
    }
    const Scalar bound = path_defect_bound(claim, claim.interval_steps.empty() ? 0 : claim.interval_steps[k]);
    largest = std::max(largest, defect);
    if (defect / bound > worst_ratio)
      worst_ratio = defect / bound, worst_defect = defect, worst_bound = bound, worst = k;
    if (claim.progress) claim.progress(k + 1, intervals);
  }
  if (!failure.empty()) return {id, verdict::fail, "", "", failure};
  const bool ok = worst_ratio <= 1;
  std::string detail =
      "largest defect of " + std::to_string(intervals) + " intervals " + to_short_decimal(largest) +
      "; worst against its bound: interval " + std::to_string(worst) +
      " from t = " + to_short_decimal(samples[worst].t) + ", defect " + to_short_decimal(worst_defect) +
      " vs 16·(" +
      (claim.interval_steps.empty() ? std::string("0 steps, unknown")
                                    : std::to_string(claim.interval_steps[worst]) + " steps") +
      " + 2)·max(tolerance " + to_short_decimal(claim.tolerance) + ", eps " +
      to_short_decimal(claim.rounding) + ")";
  if (claim.time_change)
    detail += "; clock ln(1 + t) compared with the weights, intervals followed in s to each loss";
  return {id, ok ? verdict::pass : verdict::fail, to_decimal(worst_defect), to_decimal(worst_bound), detail};
}

}  // namespace gradflow
