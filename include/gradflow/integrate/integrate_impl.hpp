#pragma once
// Definition of integrate(); included only by src/instantiate/*.cpp (odeint is heavy to compile).
// The translation unit that instantiates integrate() for a model includes the model's own Taylor
// jet and events (Model::taylor_jet, Model::taylor_events) if it has them.
#include "gradflow/integrate/integrate.hpp"
#include "gradflow/integrate/odeint_shim.hpp"
#include "gradflow/integrate/taylor_drive.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/finite.hpp"
#include "gradflow/numeric/precision.hpp"

#include <boost/numeric/odeint/stepper/bulirsch_stoer.hpp>
#include <boost/numeric/odeint/stepper/controlled_runge_kutta.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_fehlberg78.hpp>

#include <cmath>

namespace gradflow {

namespace detail {

namespace odeint = boost::numeric::odeint;

// θ̇ = velocity(θ) in odeint's system signature, counting evaluations.
template <class Scalar, class Model>
struct odeint_system {
  const Model* model;
  std::int64_t* rhs_evals;
  void operator()(const std::vector<Scalar>& theta, std::vector<Scalar>& dtheta, const Scalar&) const {
    model->velocity(theta.data(), dtheta.data());
    ++*rhs_evals;
  }
};

template <class Scalar>
void validate(const integrate_options<Scalar>& o) {
  if (!(o.tolerance > 0 && o.tolerance < 1))
    throw std::invalid_argument("integrate_options::tolerance = " + to_decimal(o.tolerance) + " violates " +
                                std::string(option_rules::tolerance));
  if (!(o.t_end > 0))
    throw std::invalid_argument("integrate_options::t_end = " + to_decimal(o.t_end) + " violates " +
                                std::string(option_rules::t_end));
  if (o.max_steps < 1)
    throw std::invalid_argument("integrate_options::max_steps = " + std::to_string(o.max_steps) +
                                " violates " + std::string(option_rules::max_steps));
  for (std::size_t i = 0; i < o.sample_times.size(); ++i) {
    const Scalar& s = o.sample_times[i];
    if (s < 0 || s > o.t_end || (i > 0 && !(s > o.sample_times[i - 1])))
      throw std::invalid_argument("integrate_options::sample_times[" + std::to_string(i) +
                                  "] = " + to_decimal(s) + " violates 0 <= increasing sample times <= t_end");
  }
  for (std::size_t i = 0; i < o.sample_losses.size(); ++i)
    if (!(o.sample_losses[i] > 0) || (i > 0 && !(o.sample_losses[i] < o.sample_losses[i - 1])))
      throw std::invalid_argument("integrate_options::sample_losses[" + std::to_string(i) + "] = " +
                                  to_decimal(o.sample_losses[i]) + " violates 0 < decreasing sample losses");
  if (!o.sample_losses.empty() && (o.method != method::taylor || !o.sample_times.empty()))
    throw std::invalid_argument("integrate_options::sample_losses needs method taylor and no sample_times");
  if (o.loss_below && !(*o.loss_below > 0))
    throw std::invalid_argument("integrate_options::loss_below = " + to_decimal(*o.loss_below) +
                                " violates " + std::string(option_rules::loss_below));
  if (o.loss_below && o.method != method::taylor)
    throw std::invalid_argument("integrate_options::loss_below is not supported by method " +
                                std::string(method_name(o.method)) + " (" +
                                std::string(option_rules::loss_below_method) + ")");
}

// The model's event names (Model::taylor_events) at count 0: an odeint stepper steps through the
// kinks of a piecewise field without locating them, so it counts none; the names keep the summary
// the same shape for every method.
template <class Model>
event_counts uncounted_events(const Model& model) {
  if constexpr (requires { typename Model::taylor_events; })
    return typename Model::taylor_events(model).counts();
  else
    return {};
}

// The stepping loop shared by every odeint stepper with try_step(system, x, t, dt).
// `resumable`: the stepper keeps no state between steps but the trial step size (rk78), so a position
// is all it needs to go on.
template <class Scalar, class Model, class Stepper>
integration_summary<Scalar> drive(Stepper& stepper, const Model& model, std::vector<Scalar>& theta,
                                  const integrate_options<Scalar>& o,
                                  const integrate_observer<Scalar>& observer, bool resumable) {
  using std::abs;
  using std::max;
  integration_summary<Scalar> s;
  s.event_counts = uncounted_events(model);
  odeint_system<Scalar, Model> system{&model, &s.rhs_evals};
  const std::span<const Scalar> view(theta);
  Scalar t(0);
  std::size_t next = 0;
  auto emit_samples_at_t = [&] {
    while (next < o.sample_times.size() && o.sample_times[next] <= t) {
      if (observer.on_sample) observer.on_sample(t, view);
      ++next;
    }
  };
  // First trial step: a hundredth of the span; the error control adapts it from there.
  Scalar dt = o.t_end / 100;
  if (o.resume) {
    if (!resumable || !o.resume->trial_step)
      throw std::invalid_argument(
          "integrate_options::resume: method " + std::string(method_name(o.method)) +
          " cannot resume (its stepper keeps state between steps): use rk78 or taylor");
    t = o.resume->t;
    s.steps = o.resume->steps;
    s.rejected_steps = o.resume->rejected_steps;
    s.rhs_evals = o.resume->rhs_evals;
    next = o.resume->samples_done;
    dt = *o.resume->trial_step;
  } else {
    emit_samples_at_t();
  }
  const auto report_position = [&] {
    if (resumable && observer.on_position)
      observer.on_position({t, theta, s.steps, s.rejected_steps, s.rhs_evals, next, dt});
  };
  const Scalar tiny = 16 * eps<Scalar>();
  while (true) {
    if (t >= o.t_end) {
      s.reason = stop_reason::t_end;
      break;
    }
    if (s.steps >= o.max_steps) {
      s.reason = stop_reason::max_steps;
      report_position();
      break;
    }
    const Scalar& target = next < o.sample_times.size() ? o.sample_times[next] : o.t_end;
    Scalar h = dt;
    // Land exactly on the next sample: shorten the step, never lengthen it.
    const bool clipped = t + h >= target;
    if (clipped) h = target - t;
    Scalar t_try = t;
    if (stepper.try_step(system, theta, t_try, h) == odeint::fail) {
      ++s.rejected_steps;
      dt = h;
      if (dt < tiny * max(Scalar(1), abs(t)))
        throw integration_error("step size underflow", to_decimal(t), to_decimal(dt), s.steps);
      continue;
    }
    ++s.steps;
    // NOTE: t_try = t + (target − t) differs from target by at most one rounding; the step was taken
    // with exactly that length, so placing t on the sample time is exact to working precision.
    t = clipped ? target : t_try;
    dt = clipped ? max(h, dt) : h;
    if (!is_finite_state(theta))
      throw integration_error("non-finite state", to_decimal(t), to_decimal(dt), s.steps);
    emit_samples_at_t();
    if (observer.on_step && !observer.on_step(t, view, s.steps)) {
      s.reason = stop_reason::interrupted;
      report_position();
      break;
    }
    if (resumable && observer.position_due && observer.position_due()) report_position();
  }
  s.t_final = t;
  return s;
}

}  // namespace detail

template <class Scalar, class Model>
integration_summary<Scalar> integrate(const Model& model, std::vector<Scalar>& theta,
                                      const integrate_options<Scalar>& options,
                                      const integrate_observer<Scalar>& observer) {
  static_assert(is_supported_scalar_v<Scalar>, "gradflow: unsupported scalar; see numeric/real.hpp");
  namespace odeint = boost::numeric::odeint;
  using state = std::vector<Scalar>;
  detail::validate(options);
  if (theta.size() != model.dimension())
    throw std::invalid_argument("integrate: state has " + std::to_string(theta.size()) +
                                " entries but the model has " + std::to_string(model.dimension()) +
                                " parameters");
  if (options.resume) {
    if (options.resume->theta.size() != theta.size())
      throw std::invalid_argument(
          "integrate_options::resume: the position has " + std::to_string(options.resume->theta.size()) +
          " entries but the model has " + std::to_string(theta.size()) + " parameters");
    theta = options.resume->theta;
  }
  require_working_precision(theta, "initial state");
  require_working_precision(options.sample_times, "sample times");
  require_working_precision(options.sample_losses, "sample losses");
  const Scalar& tol = options.tolerance;
  switch (options.method) {
    case method::rk78: {
      odeint::controlled_runge_kutta<odeint::runge_kutta_fehlberg78<state, Scalar, state, Scalar>> stepper(
          odeint::default_error_checker<Scalar, odeint::range_algebra, odeint::default_operations>(tol, tol));
      return detail::drive(stepper, model, theta, options, observer, true);
    }
    case method::dopri5: {
      odeint::controlled_runge_kutta<odeint::runge_kutta_dopri5<state, Scalar, state, Scalar>> stepper(
          odeint::default_error_checker<Scalar, odeint::range_algebra, odeint::default_operations>(tol, tol));
      return detail::drive(stepper, model, theta, options, observer, false);
    }
    case method::bulirsch_stoer: {
      odeint::bulirsch_stoer<state, Scalar, state, Scalar> stepper(tol, tol);
      return detail::drive(stepper, model, theta, options, observer, false);
    }
    case method::taylor:
      if constexpr (requires { model.block_shapes(); })
        return taylor::detail::drive(model, theta, options, observer);
      else
        throw std::invalid_argument(
            "integrate: method taylor needs a model with a recorded graph (block_shapes, velocity_of)");
  }
  throw std::invalid_argument("integrate: unknown method value " +
                              std::to_string(static_cast<int>(options.method)));
}

}  // namespace gradflow
