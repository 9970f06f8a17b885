#pragma once
// What the verify instances share: decimal constants at the case's precision and the standard ways
// a case integrates its model (src/verify only).
#include "gradflow/integrate/trace.hpp"
#include "gradflow/integrate/time_change.hpp"
#include "gradflow/numeric/decimal_matrix.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/verify/cases.hpp"

#include <initializer_list>

namespace gradflow::verify_support {

inline Real dec(const char* text) { return parse_decimal<Real>(text); }

inline matrix<Real> rows(std::initializer_list<std::initializer_list<const char*>> entries) {
  return decimal_matrix<Real>(entries);
}

// How a case integrates: Taylor to a loss target (samples at log-spaced loss levels), or any method
// to t_end (evenly spaced samples).
struct flow_settings {
  gradflow::method method = method::taylor;
  const char* t_end = "1e6";
  const char* loss_below = nullptr;
  const char* tolerance = nullptr;  // default: 10·eps for taylor, eps^(1/2) for odeint methods
  int samples = 41;
};

template <class Model>
run_trace<Real> flow(const Model& model, const std::vector<Real>& theta, const flow_settings& f) {
  using std::pow;
  using std::sqrt;
  integrate_options<Real> o;
  o.method = f.method;
  o.tolerance = f.tolerance                  ? dec(f.tolerance)
                : f.method == method::taylor ? Real(eps<Real>() * 10)
                                             : Real(sqrt(eps<Real>()));
  o.t_end = dec(f.t_end);
  if (f.loss_below) {
    o.loss_below = dec(f.loss_below);
    const Real L0 = model.loss(theta.data());
    for (int k = 0; k + 1 < f.samples; ++k)
      o.sample_losses.push_back(L0 * pow(*o.loss_below / L0, Real(k) / (f.samples - 1)));
  } else {
    for (int k = 0; k < f.samples; ++k) o.sample_times.push_back(o.t_end * k / (f.samples - 1));
  }
  return integrate_traced(model, theta, o);
}

// A classification flow in s (dt/ds = 1/L) down to `loss_below`, sampled at log-spaced loss levels,
// returned in physical time.
template <class Model>
run_trace<Real> classification_flow(const Model& model, const std::vector<Real>& theta,
                                    const char* loss_below, int samples = 41,
                                    const char* tolerance = nullptr) {
  using std::pow;
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = tolerance ? dec(tolerance) : Real(eps<Real>() * 10);
  o.t_end = dec("1e300");
  o.loss_below = dec(loss_below);
  const Real L0 = model.loss(theta.data());
  for (int k = 0; k + 1 < samples; ++k)
    o.sample_losses.push_back(L0 * pow(*o.loss_below / L0, Real(k) / (samples - 1)));
  integration_summary<Real> summary;
  return integrate_time_changed(model, theta, o, summary);
}

}  // namespace gradflow::verify_support
