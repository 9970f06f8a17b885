#pragma once
// One front for every integration method: integrate(model, θ, options, observer).
//
// method::taylor runs the adaptive Taylor integrator (integrate/taylor_drive.hpp): samples and the
// target-loss event come from the step polynomial. The odeint methods step an adaptive odeint
// stepper, shortening a step only to land exactly on the next sample time. Both report each accepted
// step and each sample to the observer. Nothing here prints; integrate() returns an
// integration_summary.
// The model-free types (options, observer, summary, errors) are in options.hpp.
#include "gradflow/integrate/method.hpp"
#include "gradflow/integrate/options.hpp"

#include <vector>

namespace gradflow {

/// Integrates θ̇ = −∇L(θ) from t = 0 in place. Throws std::invalid_argument for bad options (naming
/// the field and the rule), std::logic_error for a Real below working precision, integration_error
/// when a step fails.
template <class Scalar, class Model>
integration_summary<Scalar> integrate(const Model& model, std::vector<Scalar>& theta,
                                      const integrate_options<Scalar>& options,
                                      const integrate_observer<Scalar>& observer);

}  // namespace gradflow
