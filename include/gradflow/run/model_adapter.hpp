#pragma once
// The one implementation of configured_model (run/configured_model.hpp): integrates any model the
// same way and asks the model's traits only for what is the model's own. Included only by
// src/models/<kind>.cpp, which defines the traits and the entry:
//
//   struct traits {
//     template <class S> using model = …;                      // the model class
//     static constexpr bool time_change = …;                    // entry.time_change
//     template <class S> static std::pair<model<S>, std::vector<S>> build(const run_config&);
//     template <class S> static named_matrices<S> state(const model<S>&, const S* θ);   // the weights
//     template <class S> static named_matrices<S> final(const model<S>&, const S* θ);   // final/*.csv
//     template <class S> static std::vector<check_result> checks(const model<S>&, const run_trace<S>&);
//     // optional: trajectory columns and summary extras
//     template <class S> static std::vector<std::string> quantity_names(const model<S>&, const S* θ0);
//     template <class S> static std::vector<S> quantities(const model<S>&, const S* θ);
//     template <class S> static void extras(const model<S>&, const S* θ, const run_config&, model_run<S>&);
//   };
#include "gradflow/checks/path_defect_impl.hpp"
#include "gradflow/integrate/integrate_impl.hpp"
#include "gradflow/integrate/time_change.hpp"
#include "gradflow/integrate/trace.hpp"
#include "gradflow/io/invalid_input.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/run/checkpoint.hpp"
#include "gradflow/run/configured_model.hpp"
#include "gradflow/run/model_run.hpp"

#include <chrono>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace gradflow {

/// One decimal of the config (`field` names it in the message when the scalar cannot hold it).
template <class Scalar>
Scalar config_number(const std::string& text, const std::string& field) {
  try {
    return parse_decimal<Scalar>(text);
  } catch (const std::invalid_argument& e) {
    throw invalid_input(field + ": " + e.what());
  }
}

/// model.<key> as numbers; an entry the scalar cannot hold is bad input naming the entry.
template <class Scalar>
matrix<Scalar> config_matrix(const text_matrix& M, const std::string& key) {
  try {
    return to_matrix<Scalar>(M);
  } catch (const std::invalid_argument& e) {
    throw invalid_input("model." + key + e.what());
  }
}

/// The matrix model.<key> of a validated config as numbers.
template <class Scalar>
matrix<Scalar> config_matrix(const run_config& c, const std::string& key) {
  return config_matrix<Scalar>(c.model.matrix(key), key);
}

/// Column name of each flat state entry θ_i, in state order: found by reading the state matrices of
/// the state θ_i = i + 1, so the names follow whatever layout the model uses.
template <class Scalar, class Matrices>
std::vector<std::string> names_of_state(std::size_t n, const Matrices& state_matrices_of) {
  std::vector<Scalar> index(n);
  for (std::size_t i = 0; i < n; ++i) index[i] = Scalar(static_cast<long>(i + 1));
  std::vector<std::string> names(n);
  for (const auto& [name, M] : state_matrices_of(index.data()))
    for (Eigen::Index r = 0; r < M.rows(); ++r)
      for (Eigen::Index c = 0; c < M.cols(); ++c) {
        const long i = static_cast<long>(M(r, c)) - 1;
        if (i < 0 || static_cast<std::size_t>(i) >= n || !names[static_cast<std::size_t>(i)].empty())
          throw std::logic_error("state column names: " + name + " is not a view of distinct state entries");
        names[static_cast<std::size_t>(i)] = name + "_" + std::to_string(r + 1) + "_" + std::to_string(c + 1);
      }
  for (std::size_t i = 0; i < n; ++i)
    if (names[i].empty())
      throw std::logic_error("state column names: state entry " + std::to_string(i) + " has no matrix");
  return names;
}

namespace detail {

// The flow actually integrated: the model itself, or the model in the time s (dt/ds = 1/L).
template <class Scalar, class Model>
const Scalar& physical_time(const Model&, const Scalar& t, const Scalar*) {
  return t;
}
template <class Scalar, class Model>
Scalar physical_time(const time_changed<Scalar, Model>& flow, const Scalar&, const Scalar* x) {
  return flow.time(x);
}
template <class Scalar, class Model>
const run_trace<Scalar>& physical_trace(const Model&, const run_trace<Scalar>& trace) {
  return trace;
}
template <class Scalar, class Model>
run_trace<Scalar> physical_trace(const time_changed<Scalar, Model>& flow, const run_trace<Scalar>& trace) {
  return flow.physical(trace);
}

// The accepted steps between consecutive samples of `trace` (in the integrated time), from the step
// count seen at each sample; the final state, when it was appended after the samples, closes with `total`.
template <class Scalar>
std::vector<std::int64_t> interval_steps(const run_trace<Scalar>& trace,
                                         const std::vector<std::pair<Scalar, std::int64_t>>& seen,
                                         std::int64_t total) {
  std::vector<std::int64_t> at{0}, out;
  std::size_t j = 0;
  for (std::size_t k = 1; k < trace.samples.size(); ++k) {
    while (j < seen.size() && seen[j].first != trace.samples[k].t) ++j;
    at.push_back(j < seen.size() ? seen[j].second : total);
  }
  for (std::size_t k = 1; k < at.size(); ++k) out.push_back(at[k] - at[k - 1]);
  return out;
}

// flow.path_defect of the finished run (its samples in physical time, as decimal text at every working
// digit): a re-integration that fails is reported as a failed check naming the error.
template <class Scalar>
check_result run_path_defect(const run_config& c, const run_trace<Scalar>& path,
                             std::vector<std::int64_t> steps, run_observer& observer) {
  text_path text;
  text.interval_steps = std::move(steps);
  for (const auto& s : path.samples) {
    text.t.push_back(to_decimal(s.t));
    text.theta.emplace_back();
    for (const auto& x : s.theta) text.theta.back().push_back(to_decimal(x));
  }
  try {
    return path_defect_of(c, text, c.tolerance, observer);
  } catch (const std::exception& e) {
    return {"flow.path_defect", verdict::fail, "", "", std::string("the re-integration failed: ") + e.what()};
  }
}

// integrate_options of the config: tolerance, t_end (or s's bound with the time change), samples.
template <class Scalar, class Model>
integrate_options<Scalar> options_of(const run_config& c, const Model& model,
                                     const std::vector<Scalar>& theta) {
  integrate_options<Scalar> options;
  options.method = c.method;
  options.tolerance = config_number<Scalar>(c.tolerance, "integrator.tolerance");
  // With the time change t_end bounds s, which the loss_below event reaches first: s = ∫ L dt ≤ L(0)·t.
  options.t_end =
      c.time_change ? parse_decimal<Scalar>("1e300") : config_number<Scalar>(c.t_end, "stop.t_end");
  if (!c.time_change) {
    // Both drivers refuse a step shorter than 16 eps max(1, |t|) ("step size underflow"), and the
    // odeint steppers land on every sample time: a span (an interval) below that cannot be stepped.
    const std::int64_t intervals = c.method == method::taylor || c.spacing == "loss" ? 1 : c.samples - 1;
    const Scalar shortest = 16 * eps<Scalar>() * intervals;
    if (options.t_end < shortest)
      throw invalid_input("stop.t_end = \"" + c.t_end + "\" violates t_end >= 16 eps" +
                          (intervals > 1 ? " · (output.samples − 1)" : "") + " = " +
                          to_short_decimal(shortest) +
                          " (the shortest step at this precision): raise stop.t_end or precision.digits" +
                          (intervals > 1 ? ", or lower output.samples" : ""));
  }
  options.max_steps = c.max_steps;
  if (c.loss_below) options.loss_below = config_number<Scalar>(*c.loss_below, "stop.loss_below");
  if (c.spacing == "loss") {
    // Levels L(0)·(target/L(0))^(k/(samples−1)), from L(0) down to the target itself.
    using std::pow;
    const Scalar L0 = model.loss(theta.data()), target = *options.loss_below;
    if (target < L0)
      for (std::int64_t k = 0; k < c.samples; ++k)
        options.sample_losses.push_back(k == 0 ? L0
                                        : k == c.samples - 1
                                            ? target
                                            : Scalar(L0 * pow(target / L0, Scalar(k) / (c.samples - 1))));
  } else {
    for (std::int64_t k = 0; k < c.samples; ++k)
      options.sample_times.push_back(k == c.samples - 1 ? options.t_end
                                                        : options.t_end * k / (c.samples - 1));
  }
  return options;
}

}  // namespace detail

/// configured_model for the model of `Traits` at `Scalar`.
template <class Traits, class Scalar>
class model_adapter final : public configured_model<Scalar> {
  using Model = typename Traits::template model<Scalar>;

 public:
  explicit model_adapter(const run_config& c) : m_built(Traits::template build<Scalar>(c)) {}

  std::size_t dimension() const override { return model().dimension(); }
  const std::vector<Scalar>& start() const override { return m_built.second; }
  std::vector<std::string> state_names() const override {
    return names_of_state<Scalar>(model().dimension(),
                                  [&](const Scalar* theta) { return Traits::state(model(), theta); });
  }
  model_run<Scalar> integrate(const run_config& c, run_observer& observer, std::string_view checkpoint,
                              std::chrono::steady_clock::time_point started) const override {
    if constexpr (Traits::time_change) {
      if (c.time_change) {
        const time_changed<Scalar, Model> flow(model());
        return run_flow(c, observer, flow, flow.augment(start()), checkpoint, started);
      }
    }
    return run_flow(c, observer, model(), start(), checkpoint, started);
  }
  std::vector<check_result> checks(const run_trace<Scalar>& trace) const override {
    return Traits::checks(model(), trace);
  }
  trace_sample<Scalar> sample(const Scalar& t, std::span<const Scalar> theta) const override {
    return sample_at(model(), t, theta);
  }
  check_result path_defect(const run_trace<Scalar>& path, const path_claim<Scalar>& claim) const override {
    if constexpr (std::is_same_v<Scalar, Real>)
      return check_path_defect(model(), path, claim);
    else
      throw std::logic_error("flow.path_defect re-integrates at the scalar Real only");
  }

 private:
  const Model& model() const { return m_built.first; }

  std::vector<std::string> quantity_names(const Scalar* theta) const {
    if constexpr (requires { Traits::quantity_names(model(), theta); })
      return Traits::quantity_names(model(), theta);
    else
      return {};
  }
  std::vector<Scalar> quantities(const Scalar* theta) const {
    if constexpr (requires { Traits::quantities(model(), theta); })
      return Traits::quantities(model(), theta);
    else
      return {};
  }

  template <class Flow>
  model_run<Scalar> run_flow(const run_config& c, run_observer& observer, const Flow& flow,
                             std::vector<Scalar> theta, std::string_view checkpoint,
                             std::chrono::steady_clock::time_point started) const;

  std::pair<Model, std::vector<Scalar>> m_built;
};

template <class Traits, class Scalar>
template <class Flow>
model_run<Scalar> model_adapter<Traits, Scalar>::run_flow(
    const run_config& c, run_observer& observer, const Flow& flow, std::vector<Scalar> theta,
    std::string_view checkpoint, std::chrono::steady_clock::time_point started) const {
  const Model& m = model();
  model_run<Scalar> record;
  integrate_options<Scalar> options = detail::options_of(c, m, theta);

  std::vector<matrix<Scalar>> initial;
  for (auto& inv : m.invariants(theta.data())) {
    record.invariant_names.push_back(inv.name);
    initial.push_back(std::move(inv.value));
  }
  record.max_drift.assign(initial.size(), Scalar(0));
  std::vector<Scalar> drift(initial.size(), Scalar(0));
  const auto measure_drift = [&](const Scalar* th) {
    const auto now = m.invariants(th);
    for (std::size_t k = 0; k < now.size(); ++k) {
      drift[k] = max_abs_entry<Scalar>(now[k].value - initial[k]);
      if (drift[k] > record.max_drift[k]) record.max_drift[k] = drift[k];
    }
  };
  record.quantity_names = quantity_names(theta.data());
  // output.state: θ itself in every row (the clock of a time-changed flow is not part of it).
  if (c.state) record.state_names = state_names();
  const auto state_of = [&](const Scalar* th) {
    return c.state ? std::vector<Scalar>(th, th + m.dimension()) : std::vector<Scalar>{};
  };
  // The accepted steps before each sample (flow.path_defect's bound counts the steps per interval).
  std::vector<std::pair<Scalar, std::int64_t>> sample_steps;
  std::int64_t steps_now = 0;
  // Every sample as reported (a checkpoint replays them); this part's wall time (stop.wall_seconds
  // budgets each part of a resumed run alone).
  std::vector<reported_sample<Scalar>> reported;
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  bool out_of_time = false;

  integrate_observer<Scalar> o;
  // Each sample (t, θ(t)): one trajectory.csv row.
  o.on_sample = [&](const Scalar& t, std::span<const Scalar> th) {
    measure_drift(th.data());
    sample_steps.emplace_back(t, steps_now);
    record.rows.push_back({detail::physical_time(flow, t, th.data()), m.loss(th.data()), drift,
                           quantities(th.data()), state_of(th.data()), steps_now});
    reported.push_back({t, {th.begin(), th.end()}, steps_now});
  };
  o.on_step = [&](const Scalar& t, std::span<const Scalar> th, std::int64_t steps) {
    steps_now = steps;
    measure_drift(th.data());
    step_progress p;
    p.steps = steps;
    const Scalar t_physical = detail::physical_time(flow, t, th.data());
    p.t = to_double(t_physical);
    p.log10_t = log10_as_double(t_physical);
    p.time_changed = c.time_change;
    if (c.time_change)
      p.s = to_double(t);
    else
      p.t_end = to_double(options.t_end);
    p.log10_loss = [&] { return log10_as_double(m.loss(th.data())); };
    if (!observer.on_step(p)) return false;
    out_of_time = c.wall_seconds && seconds() >= *c.wall_seconds;
    return !out_of_time;
  };
  o.position_due = [&] { return observer.checkpoint_due(); };
  o.on_position = [&](const integrate_position<Scalar>& at) {
    observer.on_checkpoint(
        checkpoint_text(c, at, record.max_drift, reported, record.earlier_wall_seconds + seconds()));
  };

  // A resumed run replays the checkpoint's samples (rows, path and step counts come back exactly as
  // the uninterrupted run had them) and goes on from its position.
  run_trace<Scalar> so_far;
  if (!checkpoint.empty()) {
    run_checkpoint<Scalar> k = parse_checkpoint<Scalar>(c, checkpoint, theta.size(), initial.size());
    if (k.position.samples_done > options.sample_times.size() + options.sample_losses.size())
      throw invalid_checkpoint("the checkpoint counts " + std::to_string(k.position.samples_done) +
                               " samples, more than the config's " + std::to_string(c.samples));
    record.earlier_wall_seconds = k.wall_seconds;
    record.resumed_from = {
        {"t", to_decimal(Scalar(detail::physical_time(flow, k.position.t, k.position.theta.data())))},
        {"steps", k.position.steps},
        {"wall_seconds", k.wall_seconds}};
    so_far.samples.push_back(sample_at(flow, Scalar(0), std::span<const Scalar>(theta)));
    for (const auto& s : k.samples) {
      steps_now = s.steps;
      o.on_sample(s.t, std::span<const Scalar>(s.theta));
      append_sample(so_far, flow, s.t, std::span<const Scalar>(s.theta));
    }
    steps_now = k.position.steps;
    record.max_drift = std::move(k.max_drift);
    options.resume = std::move(k.position);
  }

  observer.on_start();
  run_trace<Scalar> trace = integrate_traced(flow, theta, options, o, record.summary, std::move(so_far));
  require_working_precision(theta, "final state");
  if (out_of_time && record.summary.reason == stop_reason::interrupted)
    record.summary.reason = trace.reason = stop_reason::wall_seconds;

  record.summary.t_final = detail::physical_time(flow, record.summary.t_final, theta.data());
  record.loss_final = m.loss(theta.data());
  if (record.rows.empty() || record.rows.back().t != record.summary.t_final) {
    measure_drift(theta.data());
    record.rows.push_back({record.summary.t_final, record.loss_final, drift, quantities(theta.data()),
                           state_of(theta.data()), record.summary.steps});
  }
  record.final_matrices = Traits::final(m, theta.data());
  {
    using std::log10;
    const Scalar& t = record.summary.t_final;
    record.final_summary["log10_t_final"] =
        t > 0 ? nlohmann::json(to_decimal(Scalar(log10(t)))) : nlohmann::json(nullptr);
  }
  // The events the model's field declares (taylor/events.hpp: relu's kink_events, sliding_modes, …).
  for (const auto& [name, count] : record.summary.event_counts) record.final_summary[name] = count;
  if constexpr (requires { Traits::extras(m, theta.data(), c, record); })
    Traits::extras(m, theta.data(), c, record);
  const run_trace<Scalar>& path = detail::physical_trace(flow, trace);
  record.checks = Traits::checks(m, path);
  record.checks.insert(
      record.checks.begin(),
      detail::run_path_defect(c, path, detail::interval_steps(trace, sample_steps, record.summary.steps),
                              observer));
  return record;
}

/// The entry's builders: the traits' model at double and at Real.
template <class Traits>
std::unique_ptr<configured_model<double>> build_at_double(const run_config& c) {
  return std::make_unique<model_adapter<Traits, double>>(c);
}
template <class Traits>
std::unique_ptr<configured_model<Real>> build_at_real(const run_config& c) {
  return std::make_unique<model_adapter<Traits, Real>>(c);
}

}  // namespace gradflow
