#pragma once
// The adaptive Taylor integrator's stepping loop: one jet per step, no rejected steps; samples (at
// given times or at given loss levels) and the target-loss event are read off the step polynomial
// (dense output) instead of extra steps. A loss level or target crossed inside a step is located
// by locate_loss(): the root of L(x(τ)) − level on the step polynomial. A piecewise field (relu in
// the graph) also ends its step at the first kink (kinks.hpp) and restarts on the other branch.
#include "gradflow/integrate/integrate.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/taylor/dense_output.hpp"
#include "gradflow/taylor/kinks.hpp"
#include "gradflow/taylor/step_control.hpp"

namespace gradflow::taylor::detail {

// Root of g(τ) = L(x(τ)) − target on [0, h], given g(0) > 0 ≥ g(h): Newton with
// g'(τ) = ∇L(x(τ))·x'(τ) = −velocity(x(τ))·x'(τ) (or the model's loss_slope()), kept inside a
// shrinking bracket.
template <class Scalar, class Model>
Scalar locate_loss(const Model& model, const jet<Scalar>& J, const Scalar& h, const Scalar& target,
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

template <class Scalar, class Model>
integration_summary<Scalar> drive(const Model& model, std::vector<Scalar>& theta, const integrate_options<Scalar>& o,
                                  const integrate_observer<Scalar>& observer) {
  using std::abs;
  using std::max;
  jet<Scalar> J(record<Scalar>(model), order_for(o.tolerance));
  integration_summary<Scalar> s;
  s.order = J.order();
  const std::size_t dim = theta.size();
  std::vector<Scalar> x_end(dim), x(dim), dx(dim), v(dim);
  Scalar t(0);
  std::size_t next = 0;
  while (next < o.sample_times.size() && o.sample_times[next] <= 0) {
    if (observer.on_sample) observer.on_sample(t, std::span<const Scalar>(theta));
    ++next;
  }
  std::size_t next_level = 0;
  const auto emit_levels_down_to = [&](const Scalar& loss_end, const Scalar& h, const Scalar& t_start) {
    for (; next_level < o.sample_losses.size() && o.sample_losses[next_level] >= loss_end; ++next_level) {
      const Scalar& level = o.sample_losses[next_level];
      const Scalar tau = locate_loss(model, J, h, level, x, dx, v);
      evaluate_polynomial(J, tau, x);
      if (observer.on_sample) observer.on_sample(Scalar(t_start + tau), std::span<const Scalar>(x));
    }
  };
  const Scalar loss_start = model.loss(theta.data());
  for (; next_level < o.sample_losses.size() && o.sample_losses[next_level] >= loss_start; ++next_level)
    if (observer.on_sample) observer.on_sample(t, std::span<const Scalar>(theta));
  if (o.loss_below && loss_start <= *o.loss_below) {
    s.reason = stop_reason::loss_below;
    s.t_final = t;
    return s;
  }
  const Scalar tiny = 16 * eps<Scalar>();
  while (true) {
    if (t >= o.t_end) { s.reason = stop_reason::t_end; break; }
    if (s.steps >= o.max_steps) { s.reason = stop_reason::max_steps; break; }
    J.compute(theta.data());
    ++s.rhs_evals;
    const Scalar remaining = o.t_end - t;
    const std::optional<Scalar> h_max = step_size(J);
    bool to_end = !h_max || *h_max >= remaining;
    Scalar h = to_end ? remaining : *h_max;
    if (h < tiny * max(Scalar(1), abs(t)))
      throw integration_error("step size underflow", to_decimal(t), to_decimal(h), s.steps);
    std::vector<std::pair<std::size_t, Eigen::Index>> crossing;
    if (J.kink_sources() > 0) {
      if (auto k = first_kink(J, h)) {
        if (k->tau < tiny * max(Scalar(1), abs(t)))
          throw integration_error("a ReLU kink at once after the last one (the fields on both sides push the operand back to zero: "
                                  "a Filippov sliding mode, not integrated yet)", to_decimal(t), to_decimal(k->tau), s.steps);
        h = k->tau;
        crossing = std::move(k->entries);
        to_end = false;
      }
    }
    evaluate_polynomial(J, h, x_end);
    if (!gradflow::detail::is_finite_state(x_end))
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
      emit_levels_down_to(loss_end, h, t);
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
    for (const auto& [source, entry] : crossing) J.set_branch(source, entry, !J.active(source, entry));
    s.kink_events += static_cast<std::int64_t>(crossing.size());
    if (event) { s.reason = stop_reason::loss_below; break; }
    if (observer.on_step && !observer.on_step(t, std::span<const Scalar>(theta), s.steps)) {
      s.reason = stop_reason::interrupted;
      break;
    }
  }
  s.t_final = t;
  return s;
}

}  // namespace gradflow::taylor::detail
