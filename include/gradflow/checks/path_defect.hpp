#pragma once
// flow.path_defect (proofs/flow.path_defect.md): consecutive samples of a path joined by the flow.
//
// Notation: samples (t_k, θ_k), k = 0 … K, of a path that claims tolerance τ at rounding unit ε;
// φ_h(θ) the flow θ̇ = −∇L(θ) over a time h, recomputed here by the Taylor method with the model,
// the samples and the arithmetic at a precision well above the claimed one;
//   δ_k = ‖φ_{t_{k+1} − t_k}(θ_k) − θ_{k+1}‖_∞ / (1 + ‖θ_{k+1}‖_∞),
//   bound_k = 16·(n_k + 2)·max(τ, ε),   n_k the path's accepted steps between the samples (0 unknown).
// With the time change (dt/ds = 1/L, integrate/time_change.hpp) the interval is followed in s from
// x_k = [θ_k; ln(1 + t_k)] to the loss L(θ_{k+1}) and compared with x_{k+1}: the clock is judged
// with the weights, so a path whose t is wrong fails as a path whose θ is wrong does.
// The check passes when δ_k ≤ bound_k for every k; it is never an identity at the samples.
#include "gradflow/checks/check_result.hpp"
#include "gradflow/integrate/trace.hpp"
#include "gradflow/integrate/time_change.hpp"
#include "gradflow/numeric/decimal.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace gradflow {

/// What a path claims, and how hard the re-integration works (all at the check's precision).
template <class Scalar>
struct path_claim {
  Scalar tolerance;                          ///< τ: integrator.tolerance of the path (or --tolerance)
  Scalar rounding;                           ///< ε of the path's own scalar (2^-52 for float64)
  Scalar reintegration_tolerance;            ///< Taylor tolerance of φ, far below max(τ, ε)
  std::vector<std::int64_t> interval_steps;  ///< n_k for each interval k → k + 1; empty: unknown (0)
  bool time_change = false;                  ///< the path was integrated in s with dt/ds = 1/L
  /// Called after each interval with (intervals done, intervals in all); may be empty.
  std::function<void(std::size_t, std::size_t)> progress;
};

/// bound_k for `steps` accepted steps in the interval (see the notation block above).
template <class Scalar>
Scalar path_defect_bound(const path_claim<Scalar>& claim, std::int64_t steps) {
  return Scalar(16) * Scalar(steps + 2) * std::max<Scalar>(claim.tolerance, claim.rounding);
}

/// The samples (t, θ) of `trace` as Reals at the working precision, read through their round-trip
/// decimal strings (exact when the working precision is finer than the trace's); θ̇ is left empty.
template <class Scalar>
run_trace<Real> trace_at_working_precision(const run_trace<Scalar>& trace) {
  run_trace<Real> out;
  out.reason = trace.reason;
  out.steps = trace.steps;
  out.tolerance = parse_decimal<Real>(to_decimal(trace.tolerance));
  for (const auto& s : trace.samples) {
    trace_sample<Real> r;
    r.t = parse_decimal<Real>(to_decimal(s.t));
    for (const auto& x : s.theta) r.theta.push_back(parse_decimal<Real>(to_decimal(x)));
    out.samples.push_back(std::move(r));
  }
  return out;
}

/// flow.path_defect of `trace` (samples in physical time, at the check's precision) under `model`
/// (built at the check's precision from the path's inputs). Throws integration_error or
/// std::runtime_error when the re-integration itself fails: that is an error, not a verdict.
template <class Scalar, class Model>
check_result check_path_defect(const Model& model, const run_trace<Scalar>& trace,
                               const path_claim<Scalar>& claim);

}  // namespace gradflow
