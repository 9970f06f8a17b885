#pragma once
// One front for every integration method: integrate(model, θ, options, observer).
//
// method::taylor runs the adaptive Taylor integrator (taylor/drive.hpp): samples and the target-loss
// event come from the step polynomial. The odeint methods step an adaptive odeint stepper,
// shortening a step only to land exactly on the next sample time. Both report each accepted step
// and each sample to the observer. Nothing here prints; integrate() returns an integration_summary.
#include "gradflow/integrate/method.hpp"
#include "gradflow/models/diagonal.hpp"
#include "gradflow/models/linear2.hpp"
#include "gradflow/models/linear_deep.hpp"
#include "gradflow/models/matrix_sensing.hpp"
#include "gradflow/models/relu_shallow.hpp"
#include "gradflow/models/tensor.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace gradflow {

/// What ended an integration.
enum class stop_reason { t_end, max_steps, interrupted, loss_below };

/// Name written to summary.json (`stop_reason`).
inline std::string_view stop_reason_name(stop_reason r) {
  switch (r) {
    case stop_reason::t_end: return "t_end";
    case stop_reason::max_steps: return "max_steps";
    case stop_reason::interrupted: return "interrupted";
    case stop_reason::loss_below: return "loss_below";
  }
  return "unknown";
}

/// Settings of one integration; validated by integrate() (std::invalid_argument names the field).
template <class Scalar>
struct integrate_options {
  gradflow::method method = gradflow::method::rk78;
  Scalar tolerance;                 ///< absolute and relative local error tolerance, 0 < tolerance < 1
  Scalar t_end;                     ///< final time, > 0
  std::int64_t max_steps = 1000000; ///< accepted steps at most, >= 1
  std::vector<Scalar> sample_times; ///< increasing, in [0, t_end]; the observer sees θ exactly there
  std::optional<Scalar> loss_below; ///< stop where L(θ(t)) = loss_below (method taylor only), > 0
  /// Decreasing loss levels; the observer sees θ exactly where L(θ(t)) crosses each (method taylor
  /// only, instead of sample_times; levels the flow never reaches are not reported).
  std::vector<Scalar> sample_losses;
};

/// Callbacks from the driver. Either may be empty.
template <class Scalar>
struct integrate_observer {
  /// θ at a requested sample time.
  std::function<void(const Scalar& t, std::span<const Scalar> theta)> on_sample;
  /// θ after every accepted step; return false to stop (stop_reason::interrupted).
  std::function<bool(const Scalar& t, std::span<const Scalar> theta, std::int64_t steps)> on_step;
};

/// Outcome of integrate(): why it stopped, where, and what it cost.
template <class Scalar>
struct integration_summary {
  stop_reason reason = stop_reason::t_end;
  Scalar t_final;
  std::int64_t steps = 0;           ///< accepted steps
  std::int64_t rejected_steps = 0;  ///< steps the error control refused
  std::int64_t rhs_evals = 0;       ///< velocity() calls (odeint) or Taylor jets (taylor)
  int order = 0;                    ///< Taylor order (taylor only)
  std::int64_t kink_events = 0;     ///< relu branch changes the step landed on (taylor only)
  std::int64_t sliding_modes = 0;   ///< Filippov sliding modes entered (relu models, taylor only)
};

/// A step could not be completed (step size underflow, non-finite state); carries where it happened.
class integration_error : public std::runtime_error {
 public:
  integration_error(const std::string& what, std::string t, std::string h, std::int64_t step)
      : std::runtime_error(what + " at t = " + t + ", h = " + h + ", step " + std::to_string(step)),
        t(std::move(t)), h(std::move(h)), step(step) {}
  std::string t, h;
  std::int64_t step;
};

/// Integrates θ̇ = −∇L(θ) from t = 0 in place. Throws std::invalid_argument for bad options (naming
/// the field and the rule), std::logic_error for a Real below working precision, integration_error
/// when a step fails.
template <class Scalar, class Model>
integration_summary<Scalar> integrate(const Model& model, std::vector<Scalar>& theta,
                                      const integrate_options<Scalar>& options,
                                      const integrate_observer<Scalar>& observer);

extern template integration_summary<double> integrate(const linear2<double>&, std::vector<double>&,
                                                      const integrate_options<double>&,
                                                      const integrate_observer<double>&);
extern template integration_summary<Real> integrate(const linear2<Real>&, std::vector<Real>&,
                                                    const integrate_options<Real>&,
                                                    const integrate_observer<Real>&);
extern template integration_summary<double> integrate(const linear_deep<double>&, std::vector<double>&,
                                                      const integrate_options<double>&,
                                                      const integrate_observer<double>&);
extern template integration_summary<Real> integrate(const linear_deep<Real>&, std::vector<Real>&,
                                                    const integrate_options<Real>&,
                                                    const integrate_observer<Real>&);

extern template integration_summary<double> integrate(const diagonal<double>&, std::vector<double>&,
                                                    const integrate_options<double>&, const integrate_observer<double>&);
extern template integration_summary<Real> integrate(const diagonal<Real>&, std::vector<Real>&,
                                                    const integrate_options<Real>&, const integrate_observer<Real>&);
extern template integration_summary<double> integrate(const tensor<double>&, std::vector<double>&,
                                                    const integrate_options<double>&, const integrate_observer<double>&);
extern template integration_summary<Real> integrate(const tensor<Real>&, std::vector<Real>&,
                                                    const integrate_options<Real>&, const integrate_observer<Real>&);
extern template integration_summary<double> integrate(const relu_shallow<double>&, std::vector<double>&,
                                                    const integrate_options<double>&, const integrate_observer<double>&);
extern template integration_summary<Real> integrate(const relu_shallow<Real>&, std::vector<Real>&,
                                                    const integrate_options<Real>&, const integrate_observer<Real>&);

// matrix_sensing (one block, to move with the model's entry).
extern template integration_summary<double> integrate(const matrix_sensing<double>&, std::vector<double>&,
                                                      const integrate_options<double>&,
                                                      const integrate_observer<double>&);
extern template integration_summary<Real> integrate(const matrix_sensing<Real>&, std::vector<Real>&,
                                                    const integrate_options<Real>&,
                                                    const integrate_observer<Real>&);

}  // namespace gradflow
