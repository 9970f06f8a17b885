#include "run_command.hpp"

#include "configured_model.hpp"
#include "path_check.hpp"
#include "memory_estimate.hpp"
#include "progress.hpp"
#include "run_record.hpp"
#include "state_columns.hpp"

#include "gradflow/checks/jin2023.hpp"
#include "gradflow/checks/run_checks.hpp"
#include "gradflow/integrate/time_change.hpp"
#include "gradflow/io/invalid_input.hpp"
#include "gradflow/models/linear2.hpp"
#include "gradflow/models/linear_deep.hpp"
#include "gradflow/models/relu_init.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/orthogonal_transform.hpp"
#include "gradflow/numeric/precision.hpp"

#include <cstdio>
#include <functional>
#include <iterator>
#include <system_error>
#include <iostream>

namespace gradflow::cli {

namespace {

// final/<name>.csv of each model: its weights (state_columns.hpp's state_matrices, the names of the
// state columns) and what is derived from them: the end-to-end product Θ (prediction X Θ), β, ρ.
template <class Scalar>
using named_matrices = std::vector<std::pair<std::string, matrix<Scalar>>>;

template <class Scalar>
named_matrices<Scalar> joined(named_matrices<Scalar> first, named_matrices<Scalar> second) {
  first.insert(first.end(), std::make_move_iterator(second.begin()), std::make_move_iterator(second.end()));
  return first;
}

template <class Scalar>
named_matrices<Scalar> final_matrices(const linear2<Scalar>& model, const Scalar* theta) {
  return joined<Scalar>(state_matrices(model, theta), {{"product", model.product(theta)}});
}

template <class Scalar>
named_matrices<Scalar> final_matrices(const linear_deep<Scalar>& model, const Scalar* theta) {
  return joined<Scalar>(state_matrices(model, theta), {{"product", model.product(theta)}});
}

template <class Scalar>
named_matrices<Scalar> final_matrices(const diagonal<Scalar>& model, const Scalar* theta) {
  return joined<Scalar>({{"beta", model.product(theta)}}, state_matrices(model, theta));
}

template <class Scalar>
named_matrices<Scalar> final_matrices(const tensor<Scalar>& model, const Scalar* theta) {
  return joined<Scalar>({{"rho", model.product(theta)}, {"beta", model.input_predictor(theta)}},
                        state_matrices(model, theta));
}

// relu_shallow writes W and b also when only the output layer trains (they are then fixed, not state).
template <class Scalar>
std::vector<std::pair<std::string, matrix<Scalar>>> final_matrices(const relu_shallow<Scalar>& model, const Scalar* theta) {
  const relu_parameters<Scalar> p = model.unpack(theta);
  std::vector<std::pair<std::string, matrix<Scalar>>> out{{"W", p.W}, {"b", p.b}, {"a", p.a}, {"c", p.c}};
  if (model.skip()) out.insert(out.end(), {{"u", p.u}, {"v", p.v}});
  return out;
}

// output.grid as a column of inputs (the last point exactly `to`).
template <class Scalar>
matrix<Scalar> grid_points(const grid_spec& g) {
  const Scalar from = parse_decimal<Scalar>(g.from), to = parse_decimal<Scalar>(g.to);
  matrix<Scalar> x(g.points, 1);
  for (std::int64_t k = 0; k < g.points; ++k) x(k, 0) = k == g.points - 1 ? to : Scalar(from + (to - from) * k / (g.points - 1));
  return x;
}

// A two-column CSV table: header, then x_k, v_k with every working digit.
template <class Scalar>
std::string column_table(const std::string& header, const matrix<Scalar>& x, const matrix<Scalar>& v) {
  std::string out = header + "\n";
  for (Eigen::Index k = 0; k < x.rows(); ++k) out += to_decimal(x(k, 0)) + "," + to_decimal(v(k, 0)) + "\n";
  return out;
}

// relu_shallow: summary `spline` and spline_sup_distance = sup |f − g*|, g* the wide limit for the
// run's init law — one input: the natural cubic spline ("natural_cubic", uniform and sphere) or the
// adaptive spline of ζ(x) = 2σ_w³σ_b³/(π(σ_b² + x²σ_w²)²) ("adaptive_gaussian", gaussian with
// σ_w = init_w, σ_b = init_b), over 401 points of the data interval; two inputs and the sphere law:
// the polyharmonic spline ("polyharmonic", Thm 7/8), over a 41 × 41 grid of the data's bounding box;
// otherwise "none". The distance is null when g* does not exist (repeated inputs, collinear data).
// On output.grid (one input): final/f_grid.csv (x, f) and final/spline_grid.csv (x, g_star).
template <class Scalar>
void write_spline_outputs(const relu_shallow<Scalar>& model, const Scalar* theta, const run_config& c, run_record<Scalar>& record) {
  if (model.d() == 2) {
    const bool sphere = c.init == "sphere";
    record.final_summary["spline"] = sphere ? "polyharmonic" : "none";
    record.final_summary["spline_sup_distance"] = nlohmann::json(nullptr);
    if (sphere) try {
        record.final_summary["spline_sup_distance"] = to_decimal(sup_distance_on_box(model, theta, polyharmonic_spline_of_data(model), 41));
      } catch (const std::invalid_argument&) {
      }
    return;
  }
  const bool gaussian = c.init == "gaussian";
  std::function<Scalar(const Scalar&)> g;
  try {
    if (gaussian) g = adaptive_spline_of_data(model, number<Scalar>(c.init_w, "model.init_w"), number<Scalar>(c.init_b, "model.init_b"));
    else g = natural_spline_of_data(model);
  } catch (const std::invalid_argument&) {
  }
  record.final_summary["spline"] = gaussian ? "adaptive_gaussian" : "natural_cubic";
  record.final_summary["spline_sup_distance"] = g ? nlohmann::json(to_decimal(sup_distance(model, theta, g, 401))) : nlohmann::json(nullptr);
  if (!c.grid) return;
  const matrix<Scalar> x = grid_points<Scalar>(*c.grid);
  record.tables.emplace_back("final/f_grid.csv", column_table("x,f", x, model.predict(theta, x)));
  if (g) record.tables.emplace_back("final/spline_grid.csv", column_table("x,g_star", x, matrix<Scalar>(x.unaryExpr(g))));
}

// The linear predictor of the diagonal (β, predictions Xβ) and tensor (ρ, predictions Zρ) models,
// for trajectory columns and summary entries: the predictor, and for the classification losses the
// margin γ = min_n y_n p_n, β/‖β‖ and β/γ (THEOREMS.md §5.2).
template <class Scalar>
struct predictor_report {
  std::string symbol;
  const matrix<Scalar>* design = nullptr;
  const matrix<Scalar>* labels = nullptr;
  bool is_classification = false;

  std::vector<std::string> names(Eigen::Index d) const {
    std::vector<std::string> out;
    const auto add = [&](const std::string& prefix) {
      for (Eigen::Index j = 1; j <= d; ++j) out.push_back(prefix + "_" + std::to_string(j));
    };
    add(symbol);
    if (!is_classification) return out;
    out.emplace_back("margin");
    add(symbol + "_normalised");
    add(symbol + "_over_margin");
    return out;
  }
  // The same quantities, in names() order.
  std::vector<Scalar> values(const matrix<Scalar>& predictor) const {
    using std::sqrt;
    std::vector<Scalar> out(predictor.data(), predictor.data() + predictor.size());
    if (!is_classification) return out;
    const Scalar gamma = margin(predictor), norm = sqrt(predictor.squaredNorm());
    out.push_back(gamma);
    for (Eigen::Index j = 0; j < predictor.size(); ++j) out.push_back(norm > 0 ? Scalar(predictor(j) / norm) : Scalar(0));
    for (Eigen::Index j = 0; j < predictor.size(); ++j) out.push_back(predictor(j) / gamma);
    return out;
  }
  Scalar margin(const matrix<Scalar>& predictor) const {
    return labels->cwiseProduct(*design * predictor).minCoeff();
  }
};

template <class Scalar, class Model>
std::optional<predictor_report<Scalar>> predictor_of(const Model&) {
  return std::nullopt;
}
template <class Scalar>
std::optional<predictor_report<Scalar>> predictor_of(const diagonal<Scalar>& model) {
  return predictor_report<Scalar>{"beta", &model.X(), &model.Y(), is_classification(model.loss_type())};
}
template <class Scalar>
std::optional<predictor_report<Scalar>> predictor_of(const tensor<Scalar>& model) {
  return predictor_report<Scalar>{"rho", &model.Z(), &model.Y(), is_classification(model.loss_type())};
}

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

template <class Scalar, class Model, class Flow>
int run_flow(const run_config& c, const run_arguments& args, output_dir& out, const Model& model, const Flow& flow,
             std::vector<Scalar> theta);

// The accepted steps between consecutive samples of `trace` (in the integrated time), from the step
// count seen at each sample; the final state, when it was appended after the samples, closes with `total`.
template <class Scalar>
std::vector<std::int64_t> interval_steps(const run_trace<Scalar>& trace, const std::vector<std::pair<Scalar, std::int64_t>>& seen,
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
check_result run_path_defect(const run_config& c, const run_trace<Scalar>& path, std::vector<std::int64_t> steps, bool quiet) {
  text_path text;
  text.interval_steps = std::move(steps);
  for (const auto& s : path.samples) {
    text.t.push_back(to_decimal(s.t));
    text.theta.emplace_back();
    for (const auto& x : s.theta) text.theta.back().push_back(to_decimal(x));
  }
  try {
    return path_defect_of(c, text, c.tolerance, quiet);
  } catch (const std::exception& e) {
    return {"flow.path_defect", verdict::fail, "", "", std::string("the re-integration failed: ") + e.what()};
  }
}

// Integrates `model` from θ(0) = theta (in s when the config asks for the time change) and writes
// every output; the same for every model.
template <class Scalar, class Model>
int run_model(const run_config& c, const run_arguments& args, output_dir& out, const Model& model,
              std::vector<Scalar> theta) {
  if constexpr (std::is_same_v<Model, diagonal<Scalar>> || std::is_same_v<Model, tensor<Scalar>>) {  // config.cpp's rule
    if (c.time_change) {
      const time_changed<Scalar, Model> flow(model);
      return run_flow(c, args, out, model, flow, flow.augment(std::move(theta)));
    }
  }
  return run_flow(c, args, out, model, model, std::move(theta));
}

template <class Scalar, class Model, class Flow>
int run_flow(const run_config& c, const run_arguments& args, output_dir& out, const Model& model, const Flow& flow,
             std::vector<Scalar> theta) {
  run_record<Scalar> record;
  record.config = &c;
  record.command_line = args.command_line;
  record.start_time = utc_now();

  integrate_options<Scalar> options;
  options.method = c.method;
  options.tolerance = number<Scalar>(c.tolerance, "integrator.tolerance");
  // With the time change t_end bounds s, which the loss_below event reaches first: s = ∫ L dt ≤ L(0)·t.
  options.t_end = c.time_change ? parse_decimal<Scalar>("1e300") : number<Scalar>(c.t_end, "stop.t_end");
  if (!c.time_change) {
    // Both drivers refuse a step shorter than 16 eps max(1, |t|) ("step size underflow"), and the
    // odeint steppers land on every sample time: a span (an interval) below that cannot be stepped.
    const std::int64_t intervals = c.method == method::taylor || c.spacing == "loss" ? 1 : c.samples - 1;
    const Scalar shortest = 16 * eps<Scalar>() * intervals;
    if (options.t_end < shortest)
      throw invalid_input("stop.t_end = \"" + c.t_end + "\" violates t_end >= 16 eps" +
                          (intervals > 1 ? " · (output.samples − 1)" : "") + " = " + to_short_decimal(shortest) +
                          " (the shortest step at this precision): raise stop.t_end or precision.digits" +
                          (intervals > 1 ? ", or lower output.samples" : ""));
  }
  options.max_steps = c.max_steps;
  if (c.loss_below) options.loss_below = number<Scalar>(*c.loss_below, "stop.loss_below");
  if (c.spacing == "loss") {
    // Levels L(0)·(target/L(0))^(k/(samples−1)), from L(0) down to the target itself.
    using std::pow;
    const Scalar L0 = model.loss(theta.data()), target = *options.loss_below;
    if (target < L0)
      for (std::int64_t k = 0; k < c.samples; ++k)
        options.sample_losses.push_back(k == 0 ? L0
                                        : k == c.samples - 1 ? target
                                                             : Scalar(L0 * pow(target / L0, Scalar(k) / (c.samples - 1))));
  } else {
    for (std::int64_t k = 0; k < c.samples; ++k)
      options.sample_times.push_back(k == c.samples - 1 ? options.t_end : options.t_end * k / (c.samples - 1));
  }

  std::vector<matrix<Scalar>> initial;
  for (auto& inv : model.invariants(theta.data())) {
    record.invariant_names.push_back(inv.name);
    initial.push_back(std::move(inv.value));
  }
  record.max_drift.assign(initial.size(), Scalar(0));
  std::vector<Scalar> drift(initial.size(), Scalar(0));
  auto measure_drift = [&](const Scalar* th) {
    const auto now = model.invariants(th);
    for (std::size_t k = 0; k < now.size(); ++k) {
      drift[k] = max_abs_entry<Scalar>(now[k].value - initial[k]);
      if (drift[k] > record.max_drift[k]) record.max_drift[k] = drift[k];
    }
  };

  const auto predictor = predictor_of<Scalar>(model);
  const auto product_of = [&](const Scalar* th) -> matrix<Scalar> {  // the predictor (models that have one)
    if constexpr (requires { model.product(th); }) return model.product(th);
    else return matrix<Scalar>();
  };
  if (predictor) record.quantity_names = predictor->names(static_cast<Eigen::Index>(product_of(theta.data()).size()));
  const auto quantities = [&](const Scalar* th) {
    return predictor ? predictor->values(product_of(th)) : std::vector<Scalar>{};
  };

  // output.state: θ itself in every row (the clock of a time-changed flow is not part of it).
  if (c.state) record.state_names = state_column_names<Scalar>(model);
  const auto state_of = [&](const Scalar* th) {
    return c.state ? std::vector<Scalar>(th, th + model.dimension()) : std::vector<Scalar>{};
  };
  // The accepted steps before each sample (flow.path_defect's bound counts the steps per interval).
  std::vector<std::pair<Scalar, std::int64_t>> sample_steps;
  std::int64_t steps_now = 0;

  progress_meter progress(args.quiet);
  integrate_observer<Scalar> observer;
  // Each sample (t, θ(t)): one trajectory.csv row. This is where per-sample traces hook in.
  observer.on_sample = [&](const Scalar& t, std::span<const Scalar> th) {
    measure_drift(th.data());
    sample_steps.emplace_back(t, steps_now);
    record.rows.push_back(
        {physical_time(flow, t, th.data()), model.loss(th.data()), drift, quantities(th.data()), state_of(th.data()), steps_now});
  };
  observer.on_step = [&](const Scalar& t, std::span<const Scalar> th, std::int64_t steps) {
    steps_now = steps;
    measure_drift(th.data());
    progress.update([&] {
      char line[96];
      if (c.time_change)
        std::snprintf(line, sizeof line, "log10 t = %.6g (s = %.6g)", log10_as_double(physical_time(flow, t, th.data())), to_double(t));
      else std::snprintf(line, sizeof line, "t = %.6g / %.6g", to_double(t), to_double(options.t_end));
      return std::string(line);
    }, steps, [&] { return log10_as_double(model.loss(th.data())); });
    return !interrupt_requested();
  };

  run_trace<Scalar> trace;
  allow_clean_stop();  // from the first step on there is something to save: a signal stops after the step
  try {
    trace = integrate_traced(flow, theta, options, observer, record.summary);
  } catch (const integration_error& e) {
    std::fprintf(stderr, "gradflow: integration failed: %s (nothing written)\n", e.what());
    return exit_failure;
  }
  require_working_precision(theta, "final state");

  record.summary.t_final = physical_time(flow, record.summary.t_final, theta.data());
  record.loss_final = model.loss(theta.data());
  if (record.rows.empty() || record.rows.back().t != record.summary.t_final) {
    measure_drift(theta.data());
    record.rows.push_back({record.summary.t_final, record.loss_final, drift, quantities(theta.data()), state_of(theta.data()),
                           record.summary.steps});
  }
  record.final_matrices = final_matrices(model, theta.data());
  {
    using std::log10;
    const Scalar& t = record.summary.t_final;
    record.final_summary["log10_t_final"] = t > 0 ? nlohmann::json(to_decimal(Scalar(log10(t)))) : nlohmann::json(nullptr);
  }
  if (predictor) {
    const std::vector<std::string> names = record.quantity_names;
    const std::vector<Scalar> values = quantities(theta.data());
    const Eigen::Index d = product_of(theta.data()).size();
    const auto list = [&](std::size_t from) {
      nlohmann::json a = nlohmann::json::array();
      for (Eigen::Index j = 0; j < d; ++j) a.push_back(to_decimal(values[from + static_cast<std::size_t>(j)]));
      return a;
    };
    record.final_summary["predictor"] = list(0);
    if (predictor->is_classification) {
      const std::size_t k = static_cast<std::size_t>(d);
      record.final_summary["margin"] = to_decimal(values[k]);
      record.final_summary["predictor_normalised"] = list(k + 1);
      record.final_summary["predictor_over_margin"] = list(2 * k + 1);
    }
  }
  if constexpr (std::is_same_v<Model, relu_shallow<Scalar>>) {
    for (const auto& [name, count] : record.summary.event_counts) record.final_summary[name] = count;
    write_spline_outputs(model, theta.data(), c, record);
  }
  const run_trace<Scalar>& path = physical_trace(flow, trace);
  record.checks = run_checks(model, path);
  record.checks.insert(record.checks.begin(), run_path_defect(c, path, interval_steps(trace, sample_steps, record.summary.steps),
                                                              args.quiet));
  record.wall_seconds = progress.elapsed();
  record.end_time = utc_now();
  commit_result written;
  try {
    write_outputs(out, record);
    written = out.commit();
  } catch (const std::system_error& e) {  // e.g. "No space left on device"
    std::fprintf(stderr, "gradflow: %s (nothing written; %s untouched)\n", e.what(), out.target().c_str());
    return exit_failure;
  }
  if (!written.leftover.empty()) std::fprintf(stderr, "gradflow: note: %s\n", written.leftover.c_str());
  if (!written.refused.empty()) {
    std::fprintf(stderr, "gradflow: %s\n", written.refused.c_str());
    return exit_bad_input;
  }

  const auto reason = record.summary.reason;
  int count[3] = {0, 0, 0};  // pass, fail, not_applicable
  for (const auto& r : record.checks) ++count[static_cast<int>(r.verdict)];
  std::printf("gradflow: wrote %s (stop_reason %s, t = %s, loss = %s, %lld steps, %.2f s; checks: %d pass, %d fail, "
              "%d not_applicable)\n",
              written.written.c_str(), std::string(stop_reason_name(reason)).c_str(),
              to_short_decimal(record.summary.t_final).c_str(), to_short_decimal(record.loss_final).c_str(),
              static_cast<long long>(record.summary.steps), record.wall_seconds, count[0],
              count[1], count[2]);
  for (const auto& r : record.checks)
    if (r.verdict == verdict::fail) std::fprintf(stderr, "gradflow: check %s failed: %s\n", r.id.c_str(), r.detail.c_str());
  if (reason == stop_reason::interrupted) return exit_interrupted;
  return count[1] ? exit_failure : exit_success;
}

// Builds the configured model at the run's precision (set by run_command) and runs it.
template <class Scalar>
int run(const run_config& c, const run_arguments& args, output_dir& out) {
  return with_configured_model<Scalar>(c, [&](const auto& model, std::vector<Scalar> theta) {
    return run_model(c, args, out, model, std::move(theta));
  });
}

}  // namespace

int run_command(const run_arguments& args) {
  try {
    // Until the first step a signal ends the process at once: nothing is lost, and setup (huge
    // parses, SVDs in model constructors) cannot poll.
    install_interrupt_handler("gradflow: interrupted (nothing written; an earlier output is untouched)\n");
    const run_config c = load_config(args.config, args.overrides);
    output_dir out(args.out.empty() ? std::filesystem::path("out") / args.config.stem() : args.out, c.input_files);
    remove_on_exit(out.created_directories());
    if (c.is_float64) {
      require_memory(c, 53);
      return run<double>(c, args, out);
    }
    set_working_digits(c.digits);
    require_memory(c, working_bits());
    return run<Real>(c, args, out);
  } catch (const invalid_input& e) {
    std::fprintf(stderr, "gradflow: %s\n", e.what());
    return exit_bad_input;
  }
}

}  // namespace gradflow::cli
