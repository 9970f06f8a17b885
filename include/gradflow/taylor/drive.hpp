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

#include <algorithm>
#include <concepts>
#include <tuple>
#include "gradflow/taylor/step_control.hpp"

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

// A model with Filippov sliding modes (models/relu_shallow.hpp): kink-source entries it can hold at
// zero (with_sliding), entries the kink search must skip while they do (ignores_kink), and the
// sources whose kink ends a mode (leave_sliding, sources ≥ 1).
template <class Model>
concept slides = requires(const Model& m, std::size_t source, Eigen::Index entry) {
  m.with_sliding(std::vector<std::pair<std::size_t, Eigen::Index>>{});
  { m.ignores_kink(source, entry) } -> std::convertible_to<bool>;
  m.leave_sliding(source);
};

// The branch changes after landing on `crossing`: each entry switches side, except that the end of a
// sliding mode (a kink of a source ≥ 1) replaces the model and puts the held entry on its new side.
// Returns whether the model changed (the jet must be recorded again before the hints are set).
template <class Model, class Jet>
bool switch_branches(Model& model, const Jet& J, std::vector<std::pair<std::size_t, Eigen::Index>> crossing,
                     std::vector<std::tuple<std::size_t, Eigen::Index, bool>>& hints) {
  bool changed = false;
  std::sort(crossing.rbegin(), crossing.rend());  // leave modes from the last, so indices stay valid
  for (const auto& [source, entry] : crossing) {
    if constexpr (slides<Model>) {
      if (source >= 1) {
        auto [next, exit] = model.leave_sliding(source);
        model = std::move(next);
        hints.emplace_back(0, exit.first, exit.second);
        changed = true;
        continue;
      }
    }
    hints.emplace_back(source, entry, !J.active(source, entry));
  }
  return changed;
}

// The jet of a model's field: the model's own (Model::taylor_jet, e.g. relu_shallow's by unit groups)
// or the recorded graph's.
template <class Scalar, class Model>
auto make_jet(const Model& model, int order) {
  if constexpr (requires { typename Model::taylor_jet; }) return typename Model::taylor_jet(model, order);
  else return jet<Scalar>(record<Scalar>(model), order);
}

template <class Scalar, class Model>
integration_summary<Scalar> drive(const Model& model_at_start, std::vector<Scalar>& theta, const integrate_options<Scalar>& o,
                                  const integrate_observer<Scalar>& observer) {
  using std::abs;
  using std::max;
  Model model = model_at_start;  // a sliding mode changes the field, hence the model
  auto J = make_jet<Scalar>(model, order_for(o.tolerance));
  const auto ignored = [&](std::size_t source, Eigen::Index entry) {
    if constexpr (slides<Model>) return model.ignores_kink(source, entry);
    else return false;
  };
  std::vector<std::tuple<std::size_t, Eigen::Index, bool>> hints, last_hints;
  const auto apply = [&](bool model_changed) {
    if (model_changed) J = make_jet<Scalar>(model, J.order());
    for (const auto& [source, entry, active] : hints) J.set_branch(source, entry, active);
    last_hints = std::move(hints);
    hints.clear();
  };
  int immediate = 0;  // kinks in a row at the very start of a step (mode changes without progress)
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
      if (auto k = first_kink(J, h, ignored)) {
        if (k->tau < tiny * max(Scalar(1), abs(t))) {
          // The entry left its new side at once: the fields on both sides push it back (a sliding
          // mode starts), or a sliding weight starts at 0 or 1 (the mode ends).
          if constexpr (slides<Model>) {
            if (++immediate <= 8) {
              std::vector<std::pair<std::size_t, Eigen::Index>> held, ends;
              for (const auto& entry : k->entries) (entry.first == 0 ? held : ends).push_back(entry);
              for (const auto& hint : last_hints)  // the new jet must start on the same branches
                if (std::get<0>(hint) == 0 && std::find(held.begin(), held.end(), std::pair{std::size_t{0}, std::get<1>(hint)}) == held.end())
                  hints.push_back(hint);
              bool changed = switch_branches(model, J, ends, hints);
              if (!held.empty()) {
                try {
                  model = model.with_sliding(held);
                } catch (const std::invalid_argument& e) {  // a mode the model cannot hold
                  throw integration_error(e.what(), to_decimal(t), to_decimal(k->tau), s.steps);
                }
                changed = true;
                s.sliding_modes += static_cast<std::int64_t>(held.size());
              }
              apply(changed);
              continue;
            }
          }
          throw integration_error("a ReLU kink at once after the last one (the fields on both sides push the operand back to zero: "
                                  "a Filippov sliding mode this model cannot hold)", to_decimal(t), to_decimal(k->tau), s.steps);
        }
        h = k->tau;
        crossing = std::move(k->entries);
        to_end = false;
      }
    }
    immediate = 0;
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
    s.kink_events += static_cast<std::int64_t>(crossing.size());
    apply(switch_branches(model, J, std::move(crossing), hints));
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
