#pragma once
// The adaptive Taylor integrator's stepping loop: one jet per step, no rejected steps; samples (at
// given times or at given loss levels) and the target-loss event are read off the step polynomial
// (dense output) instead of extra steps. A loss level or target crossed inside a step is located
// by locate_loss(): the root of L(x(τ)) − level on the step polynomial. A piecewise field also ends
// its step at the first kink (taylor/kinks.hpp) and asks the model's events (taylor/events.hpp) how
// to go on: which branches the next step starts on, and whether the field itself changes (a model
// with sliding modes). The driver names no model.
//
// Layers: numeric/ ← taylor/ (the engine: jets, kinks, events) ← models/ ← integrate/. This header
// includes integrate/options.hpp, taylor/ and numeric/ only; taylor/ includes nothing from
// integrate/, models/ or checks/. A model's own jet and events (Model::taylor_jet, taylor_events)
// come with the model's headers, so the translation unit that instantiates the driver for a model
// includes them (src/instantiate/*.cpp).
#include "gradflow/integrate/options.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/finite.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/taylor/dense_output.hpp"
#include "gradflow/taylor/events.hpp"
#include "gradflow/taylor/kinks.hpp"
#include "gradflow/taylor/step_control.hpp"

#include <algorithm>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

namespace gradflow::taylor::detail {

// Root of g(τ) = L(x(τ)) − target on [0, h], given g(0) > 0 ≥ g(h): Newton with
// g'(τ) = ∇L(x(τ))·x'(τ) = −velocity(x(τ))·x'(τ) (or the model's loss_slope()), kept inside a
// shrinking bracket.
template <class Scalar, class Model, class Jet>
Scalar locate_loss(const Model& model, const Jet& J, const Scalar& h, const Scalar& target,
                   std::vector<Scalar>& x, std::vector<Scalar>& dx, std::vector<Scalar>& v) {
  using std::abs;
  Scalar lo(0), hi = h, tau = h;
  for (int iteration = 0; iteration < 500; ++iteration) {
    evaluate_polynomial(J, tau, x);
    const Scalar g = model.loss(x.data()) - target;
    if (g == 0) return tau;
    (g > 0 ? lo : hi) = tau;
    evaluate_derivative(J, tau, dx);
    Scalar dg(0);
    if constexpr (requires { model.loss_slope(x.data(), dx.data()); }) {
      dg = model.loss_slope(x.data(), dx.data());  // a time-changed model: its velocity is not −∇L
    } else {
      model.velocity(x.data(), v.data());
      for (std::size_t i = 0; i < x.size(); ++i) dg -= v[i] * dx[i];
    }
    Scalar next = dg < 0 ? Scalar(tau - g / dg) : Scalar((lo + hi) / 2);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (abs(next - tau) <= 4 * eps<Scalar>() * abs(next)) return next;
    tau = next;
  }
  return tau;  // NOTE: the bracket has shrunk below working precision long before 500 iterations
}

// The jet of a model's field: the model's own (Model::taylor_jet, e.g. one by unit groups) or the
// recorded graph's.
template <class Scalar, class Model>
auto make_jet(const Model& model, int order) {
  if constexpr (requires { typename Model::taylor_jet; })
    return typename Model::taylor_jet(model, order);
  else
    return jet<Scalar>(record<Scalar>(model), order);
}

template <class Scalar, class Model>
integration_summary<Scalar> drive(const Model& model_at_start, std::vector<Scalar>& theta,
                                  const integrate_options<Scalar>& o,
                                  const integrate_observer<Scalar>& observer) {
  using std::abs;
  using std::max;
  Model model = model_at_start;  // an event may change the field, hence the model
  auto J = make_jet<Scalar>(model, order_for(o.tolerance));
  auto events = make_events(model, J);
  const auto ignored = [&](std::size_t source, Eigen::Index entry) {
    return events.ignores(model, source, entry);
  };
  std::vector<branch_hint> hints, last_hints;
  const auto apply = [&](bool model_changed) {
    if (model_changed) J = make_jet<Scalar>(model, J.order());
    for (const auto& [source, entry, active] : hints) J.set_branch(source, entry, active);
    last_hints = std::move(hints);
    hints.clear();
  };
  int immediate = 0;  // kinks in a row at the very start of a step (field changes without progress)
  // A position holds no branches or events: only a field without kinks can stop and go on.
  const bool resumable = J.kink_sources() == 0;
  if (o.resume && !resumable)
    throw std::invalid_argument(
        "integrate_options::resume: method taylor on a field with kinks cannot resume (its branches and "
        "events are not part of a position)");
  integration_summary<Scalar> s;
  s.order = J.order();
  Scalar t(0);
  const auto finish = [&](stop_reason reason) {
    s.reason = reason;
    s.t_final = t;
    s.event_counts = events.counts();
    return s;
  };
  const std::size_t dim = theta.size();
  std::vector<Scalar> x_end(dim), x(dim), dx(dim), v(dim);
  std::size_t next = 0, next_level = 0;  // the next sample time, the next loss level
  const auto report_position = [&] {
    if (resumable && observer.on_position)
      observer.on_position({t, theta, s.steps, s.rejected_steps, s.rhs_evals, next + next_level, {}});
  };
  // Samples at the loss levels the step [t_start, t_start + h] passes. A level equal to the loss_below
  // the step ends on is that end itself (`at_end`), not a second root of the same equation an eps
  // away, which would add a final row a rounding after the last sample.
  const auto emit_levels_down_to = [&](const Scalar& loss_end, const Scalar& h, const Scalar& t_start,
                                       const std::vector<Scalar>* at_end) {
    for (; next_level < o.sample_losses.size() && o.sample_losses[next_level] >= loss_end; ++next_level) {
      const Scalar& level = o.sample_losses[next_level];
      if (at_end && level == *o.loss_below) {
        if (observer.on_sample) observer.on_sample(Scalar(t_start + h), std::span<const Scalar>(*at_end));
        continue;
      }
      const Scalar tau = locate_loss(model, J, h, level, x, dx, v);
      evaluate_polynomial(J, tau, x);
      if (observer.on_sample) observer.on_sample(Scalar(t_start + tau), std::span<const Scalar>(x));
    }
  };
  if (o.resume) {
    t = o.resume->t;
    s.steps = o.resume->steps;
    s.rejected_steps = o.resume->rejected_steps;
    s.rhs_evals = o.resume->rhs_evals;
    // One of the two sample kinds is empty (integrate() validates it): the count is that of the other.
    (o.sample_losses.empty() ? next : next_level) = o.resume->samples_done;
  } else {
    while (next < o.sample_times.size() && o.sample_times[next] <= 0) {
      if (observer.on_sample) observer.on_sample(t, std::span<const Scalar>(theta));
      ++next;
    }
    const Scalar loss_start = model.loss(theta.data());
    for (; next_level < o.sample_losses.size() && o.sample_losses[next_level] >= loss_start; ++next_level)
      if (observer.on_sample) observer.on_sample(t, std::span<const Scalar>(theta));
    if (o.loss_below && loss_start <= *o.loss_below) return finish(stop_reason::loss_below);
  }
  const Scalar tiny = 16 * eps<Scalar>();
  stop_reason reason = stop_reason::t_end;
  while (true) {
    if (t >= o.t_end) {
      reason = stop_reason::t_end;
      break;
    }
    if (s.steps >= o.max_steps) {
      reason = stop_reason::max_steps;
      report_position();
      break;
    }
    J.compute(theta.data());
    ++s.rhs_evals;
    const Scalar remaining = o.t_end - t;
    const std::optional<Scalar> h_max = step_size(J);
    bool to_end = !h_max || *h_max >= remaining;
    Scalar h = to_end ? remaining : *h_max;
    if (h < tiny * max(Scalar(1), abs(t)))
      throw integration_error("step size underflow", to_decimal(t), to_decimal(h), s.steps);
    std::vector<kink_entry> crossing;
    if (J.kink_sources() > 0) {
      if (auto k = first_kink(J, h, ignored)) {
        if (k->tau < tiny * max(Scalar(1), abs(t))) {
          // The entry left its new side at once: the fields on both sides push it back (the field
          // may change, e.g. a sliding mode starts or ends); the model's events decide.
          std::optional<bool> changed;
          if (++immediate <= 8) {
            try {
              changed = events.at_once(model, J, k->entries, last_hints, hints);
            } catch (const std::invalid_argument& e) {  // a mode the model cannot hold
              throw integration_error(e.what(), to_decimal(t), to_decimal(k->tau), s.steps);
            }
          }
          if (!changed)
            throw integration_error(
                "a kink at once after the last one (the fields on both sides push the operand back to "
                "zero: a Filippov sliding mode this model cannot hold)",
                to_decimal(t), to_decimal(k->tau), s.steps);
          apply(*changed);
          continue;
        }
        h = k->tau;
        crossing = std::move(k->entries);
        to_end = false;
      }
    }
    immediate = 0;
    evaluate_polynomial(J, h, x_end);
    if (!is_finite_state(x_end))
      throw integration_error("non-finite state", to_decimal(t), to_decimal(h), s.steps);
    bool event = false;
    if (o.loss_below || next_level < o.sample_losses.size()) {
      Scalar loss_end = model.loss(x_end.data());
      if (o.loss_below && loss_end <= *o.loss_below) {
        const Scalar h_kink = h;
        h = locate_loss(model, J, h, *o.loss_below, x, dx, v);
        if (h < h_kink) crossing.clear();  // the run ends before the kink
        evaluate_polynomial(J, h, x_end);
        loss_end = *o.loss_below;
        event = true;
      }
      emit_levels_down_to(loss_end, h, t, event ? &x_end : nullptr);
    }
    // NOTE: on the last step t + (t_end − t) may differ from t_end by one rounding; t_end is exact.
    const Scalar t_new = to_end && !event ? o.t_end : Scalar(t + h);
    for (; next < o.sample_times.size() && o.sample_times[next] <= t_new; ++next) {
      evaluate_polynomial(J, Scalar(o.sample_times[next] - t), x);
      if (observer.on_sample) observer.on_sample(o.sample_times[next], std::span<const Scalar>(x));
    }
    theta.swap(x_end);
    t = t_new;
    ++s.steps;
    apply(events.land(model, J, std::move(crossing), hints));
    // The observer sees every accepted step, the one that lands on the loss target too (which ends
    // the run whatever the observer answers).
    const bool go_on = !observer.on_step || observer.on_step(t, std::span<const Scalar>(theta), s.steps);
    if (event) {
      reason = stop_reason::loss_below;
      break;
    }
    if (!go_on) {
      reason = stop_reason::interrupted;
      report_position();
      break;
    }
    if (resumable && observer.position_due && observer.position_due()) report_position();
  }
  return finish(reason);
}

}  // namespace gradflow::taylor::detail
