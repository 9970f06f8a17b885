#pragma once
// What a finished integration hands to the theorem checks: the sampled path and how it was computed.
#include "gradflow/integrate/integrate.hpp"
#include "gradflow/numeric/precision.hpp"

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace gradflow {

/// θ and θ̇ at one time of the path (θ̇ as integrated: the model's velocity at θ).
template <class Scalar>
struct trace_sample {
  Scalar t;
  std::vector<Scalar> theta, velocity;
};

/// The sampled path of one run, in increasing t, starting at t = 0 and ending at the final state.
template <class Scalar>
struct run_trace {
  std::vector<trace_sample<Scalar>> samples;
  stop_reason reason = stop_reason::t_end;
  Scalar tolerance;        ///< integrator tolerance of the run
  std::int64_t steps = 0;  ///< accepted steps

  const trace_sample<Scalar>& initial() const { return samples.front(); }
  const trace_sample<Scalar>& final() const { return samples.back(); }

  /// Largest |θ_i| over all samples.
  Scalar max_abs_state() const {
    using std::abs;
    Scalar m(0);
    for (const auto& s : samples)
      for (const auto& x : s.theta) m = std::max<Scalar>(m, abs(x));
    return m;
  }

  /// How far a computed state may sit from the exact flow, per unit of state size:
  /// 16·(steps + 1)·max(tolerance, eps). Each accepted step commits a local error below the
  /// tolerance (relative to the state's size), and errors add at most linearly over the steps for
  /// the conserved quantities checked here; the factor 16 absorbs the error estimate's own slack.
  /// See proofs/README.md, "Tolerances".
  Scalar state_allowance() const {
    return Scalar(16) * Scalar(steps + 1) * std::max<Scalar>(tolerance, eps<Scalar>());
  }

  /// Allowed drift of a conserved quantity I whose entries have ‖∇I‖₁ ≤ slope on the path and size
  /// ≤ scale, each entry a sum of `terms` products: I(θ_n) − I(θ_0) = Σ_steps ∇I·e_step exactly to
  /// first order, since the flow from every state conserves I (nothing amplifies an earlier error), so
  /// state_allowance·(1 + max|θ|)·slope, plus the rounding of I itself.
  Scalar conservation_allowance(const Scalar& slope, const Scalar& scale, long terms) const {
    return state_allowance() * (1 + max_abs_state()) * slope +
           Scalar(128) * Scalar(terms + 1) * eps<Scalar>() * (scale + 1);
  }

  /// The same as a Frobenius bound on the whole state: state_allowance·(1 + max|θ|)·√dim.
  Scalar state_error() const {
    using std::sqrt;
    const auto dim = samples.empty() ? std::size_t(1) : samples.front().theta.size();
    return state_allowance() * (1 + max_abs_state()) * sqrt(Scalar(dim));
  }
};

/// Rounding allowance 64·(terms + 1)·eps·scale for a quantity of magnitude `scale` assembled from
/// `terms` products (proofs/README.md, "Tolerances").
template <class Scalar>
Scalar rounding_allowance(const Scalar& scale, long terms) {
  return Scalar(64) * Scalar(terms + 1) * eps<Scalar>() * scale;
}

/// The sample of `model`'s path at (t, θ): θ̇ is the model's velocity there.
template <class Scalar, class Model>
trace_sample<Scalar> sample_at(const Model& model, const Scalar& t, std::span<const Scalar> theta) {
  trace_sample<Scalar> s{t, {theta.begin(), theta.end()}, std::vector<Scalar>(theta.size())};
  model.velocity(s.theta.data(), s.velocity.data());
  return s;
}

/// Appends the sample of `model`'s path at (t, θ) unless the trace already ends at t.
template <class Scalar, class Model>
void append_sample(run_trace<Scalar>& trace, const Model& model, const Scalar& t,
                   std::span<const Scalar> theta) {
  if (trace.samples.empty() || t != trace.samples.back().t)
    trace.samples.push_back(sample_at(model, t, theta));
}

/// Integrates θ in place (see integrate()) and returns the sampled path: every sample the options ask
/// for, plus t = 0 and the final state when they are not among them. `also` sees every sample, step
/// and position too (progress, trajectory rows, checkpoints); `summary` receives integrate()'s summary.
/// A resumed integration (options.resume) continues `so_far`, the path up to the position: its t = 0
/// sample and every sample reported before.
template <class Scalar, class Model>
run_trace<Scalar> integrate_traced(const Model& model, std::vector<Scalar>& theta,
                                   const integrate_options<Scalar>& options,
                                   const integrate_observer<Scalar>& also,
                                   integration_summary<Scalar>& summary, run_trace<Scalar> so_far = {}) {
  run_trace<Scalar> trace = std::move(so_far);
  trace.tolerance = options.tolerance;
  if (trace.samples.empty())
    trace.samples.push_back(sample_at(model, Scalar(0), std::span<const Scalar>(theta)));
  integrate_observer<Scalar> observer = also;
  observer.on_sample = [&](const Scalar& t, std::span<const Scalar> th) {
    append_sample(trace, model, t, th);
    if (also.on_sample) also.on_sample(t, th);
  };
  summary = integrate(model, theta, options, observer);
  trace.reason = summary.reason;
  trace.steps = summary.steps;
  append_sample(trace, model, summary.t_final, std::span<const Scalar>(theta));
  return trace;
}

/// The same from a copy of θ(0), for callers that need only the path.
template <class Scalar, class Model>
run_trace<Scalar> integrate_traced(const Model& model, std::vector<Scalar> theta,
                                   const integrate_options<Scalar>& options) {
  integration_summary<Scalar> summary;
  return integrate_traced(model, theta, options, integrate_observer<Scalar>{}, summary);
}

}  // namespace gradflow
