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
#include "gradflow/models/diagonal.hpp"
#include "gradflow/models/linear2.hpp"
#include "gradflow/models/linear_deep.hpp"
#include "gradflow/models/relu_shallow.hpp"
#include "gradflow/models/tensor.hpp"

#include <vector>

namespace gradflow {

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

template <class Scalar, class Model>
class time_changed;  // integrate/time_change.hpp
extern template integration_summary<double> integrate(const time_changed<double, diagonal<double>>&, std::vector<double>&,
                                                      const integrate_options<double>&, const integrate_observer<double>&);
extern template integration_summary<Real> integrate(const time_changed<Real, diagonal<Real>>&, std::vector<Real>&,
                                                    const integrate_options<Real>&, const integrate_observer<Real>&);
extern template integration_summary<double> integrate(const time_changed<double, tensor<double>>&, std::vector<double>&,
                                                      const integrate_options<double>&, const integrate_observer<double>&);
extern template integration_summary<Real> integrate(const time_changed<Real, tensor<Real>>&, std::vector<Real>&,
                                                    const integrate_options<Real>&, const integrate_observer<Real>&);

}  // namespace gradflow
