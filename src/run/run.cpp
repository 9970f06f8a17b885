// gradflow::run: a validated config at its own precision, through its model's entry
// (run/model_entry.hpp), with every output turned into the text it is written as.
#include "gradflow/run/run.hpp"

#include "gradflow/io/matrix_text.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/run/configured_model.hpp"
#include "gradflow/run/model_entry.hpp"
#include "gradflow/run/model_run.hpp"

#include <chrono>
#include <cmath>
#include <optional>

namespace gradflow {

namespace {

using json = nlohmann::json;

json number_or_null(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

template <class Scalar>
json summary_of(const run_config& c, const model_run<Scalar>& r, double wall_seconds) {
  json invariants = json::object();
  for (std::size_t k = 0; k < r.invariant_names.size(); ++k)
    invariants[r.invariant_names[k]] = to_decimal(r.max_drift[k]);
  json checks = json::array();
  for (const auto& k : r.checks)
    checks.push_back({{"id", k.id},
                      {"verdict", verdict_name(k.verdict)},
                      {"measured", k.measured},
                      {"bound", k.bound},
                      {"detail", k.detail}});
  const bool f64 = std::is_same_v<Scalar, double>;
  json s = {
      {"model", c.kind},
      {"loss", c.loss},
      {"method", method_name(c.method)},
      {"time_change", c.time_change ? "loss" : "none"},
      {"precision", f64 ? "float64" : "mpfr"},
      {"digits", f64 ? 15u : c.digits},
      {"bits", f64 ? 53L : working_bits_for(c.digits)},
      {"tolerance", c.tolerance},
      {"stop_reason", stop_reason_name(r.summary.reason)},
      {"t_final", to_decimal(r.summary.t_final)},
      {"loss_final", to_decimal(r.loss_final)},
      {"log10_loss_final", number_or_null(log10_as_double(r.loss_final))},
      {"steps", r.summary.steps},
      {"rejected_steps", r.summary.rejected_steps},
      {"rhs_evals", r.summary.rhs_evals},
      {"order", r.summary.order ? json(r.summary.order) : json(nullptr)},
      {"wall_seconds", wall_seconds},
      {"invariants", invariants},
      {"checks", checks},
  };
  s.update(r.final_summary);
  return s;
}

template <class Scalar>
void add_trajectory(const model_run<Scalar>& r, run_result& out) {
  out.columns = {"t", "loss", "log10_loss"};
  for (const auto& name : r.invariant_names) out.columns.push_back(name + "_drift");
  for (const auto& name : r.quantity_names) out.columns.push_back(name);
  if (!r.state_names.empty()) out.columns.emplace_back("steps");
  for (const auto& name : r.state_names) out.columns.push_back(name);
  for (const char* f64 : {"t_f64", "loss_f64", "log10_loss_f64"}) out.columns.emplace_back(f64);
  for (const auto& row : r.rows) {
    using std::log10;
    std::vector<std::string> fields{
        to_decimal(row.t), to_decimal(row.loss),
        row.loss == 0 ? std::string("-inf") : to_decimal(Scalar(log10(row.loss)))};
    for (const auto& d : row.drift) fields.push_back(to_decimal(d));
    for (const auto& q : row.quantities) fields.push_back(to_decimal(q));
    if (!r.state_names.empty()) fields.push_back(std::to_string(row.steps));
    for (const auto& x : row.state) fields.push_back(to_decimal(x));
    fields.push_back(to_decimal(to_double(row.t)));
    fields.push_back(to_decimal(to_double(row.loss)));
    fields.push_back(to_decimal(log10_as_double(row.loss)));
    out.rows.push_back(std::move(fields));
  }
}

template <class Scalar>
run_result run_at(const run_config& c, run_observer& observer, std::string_view checkpoint) {
  const auto start = std::chrono::steady_clock::now();
  const auto model = build_model<Scalar>(c);
  const model_run<Scalar> r = model->integrate(c, observer, checkpoint, start);
  run_result out;
  out.wall_seconds = r.earlier_wall_seconds +
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.resumed_from = r.resumed_from;
  out.summary = summary_of(c, r, out.wall_seconds);
  add_trajectory(r, out);
  for (const auto& [name, M] : r.final_matrices) out.files.emplace_back("final/" + name + ".csv", to_csv(M));
  for (const auto& table : r.tables) out.files.push_back(table);
  out.checks = r.checks;
  out.reason = r.summary.reason;
  out.t_final = to_short_decimal(r.summary.t_final);
  out.loss_final = to_short_decimal(r.loss_final);
  out.steps = r.summary.steps;
  return out;
}

template <class Scalar>
run_trace<Scalar> trace_of(const configured_model<Scalar>& model, const text_path& path,
                           const std::string& tolerance, stop_reason reason) {
  run_trace<Scalar> trace;
  trace.tolerance = parse_decimal<Scalar>(tolerance);
  trace.reason = reason;
  for (const auto n : path.interval_steps) trace.steps += n;
  for (std::size_t k = 0; k < path.t.size(); ++k) {
    std::vector<Scalar> theta;
    for (const auto& x : path.theta[k]) theta.push_back(parse_decimal<Scalar>(x));
    trace.samples.push_back(model.sample(parse_decimal<Scalar>(path.t[k]), std::span<const Scalar>(theta)));
  }
  return trace;
}

}  // namespace

template <>
std::unique_ptr<configured_model<double>> build_model<double>(const run_config& c) {
  return entry_of(c).build_double(c);
}
template <>
std::unique_ptr<configured_model<Real>> build_model<Real>(const run_config& c) {
  return entry_of(c).build_real(c);
}

run_result run(const run_config& c, run_observer& observer, std::string_view checkpoint) {
  if (c.is_float64) return run_at<double>(c, observer, checkpoint);
  working_precision_scope scope(c.digits);
  return run_at<Real>(c, observer, checkpoint);
}

bool resumable_method(const run_config& c, std::string& why) {
  if (c.method == method::rk78 || c.method == method::taylor) return true;
  why = "method " + std::string(method_name(c.method)) +
        " keeps stepper state between steps, so its runs cannot be checkpointed: use rk78 or taylor";
  return false;
}

unsigned path_check_digits(const run_config& c) { return c.is_float64 ? 30 : c.digits + 20; }

check_result path_defect_of(const run_config& c, const text_path& path, const std::string& tolerance,
                            run_observer& observer) {
  const unsigned digits = path_check_digits(c);
  working_precision_scope scope(digits);
  path_claim<Real> claim;
  claim.tolerance = parse_decimal<Real>(tolerance);
  // ε of the path's scalar: 2^-52 for float64, 2^(1 − bits) at precision.digits for mpfr.
  const long bits = c.is_float64 ? 53 : working_bits_for(c.digits);
  claim.rounding = ldexp(Real(1), static_cast<int>(1 - bits));
  // Ten digits below the path's own accuracy max(τ, ε), and no finer than ten digits above the check's
  // rounding unit (proofs/flow.path_defect.md): φ's error is then far below every bound.
  claim.reintegration_tolerance =
      std::max<Real>(std::max<Real>(claim.tolerance, claim.rounding) / parse_decimal<Real>("1e10"),
                     parse_decimal<Real>("1e-" + std::to_string(digits - 10)));
  claim.interval_steps = path.interval_steps;
  claim.time_change = c.time_change;
  claim.progress = [&](std::size_t done, std::size_t total) {
    observer.on_check_progress("flow.path_defect", done, total, digits);
  };
  const auto model = build_model<Real>(c);
  run_trace<Real> trace;
  trace.tolerance = claim.tolerance;
  for (std::size_t k = 0; k < path.t.size(); ++k) {
    trace_sample<Real> s;
    s.t = parse_decimal<Real>(path.t[k]);
    for (const auto& x : path.theta[k]) s.theta.push_back(parse_decimal<Real>(x));
    trace.samples.push_back(std::move(s));
  }
  return model->path_defect(trace, claim);
}

std::vector<check_result> model_checks_of(const run_config& c, const text_path& path,
                                          const std::string& tolerance, stop_reason reason) {
  if (c.is_float64) {
    const auto model = build_model<double>(c);
    return model->checks(trace_of(*model, path, tolerance, reason));
  }
  working_precision_scope scope(c.digits);
  const auto model = build_model<Real>(c);
  return model->checks(trace_of(*model, path, tolerance, reason));
}

std::vector<std::string> state_column_names(const run_config& c) {
  working_precision_scope scope(path_check_digits(c));
  return build_model<Real>(c)->state_names();
}

}  // namespace gradflow
