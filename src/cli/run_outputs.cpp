#include "run_record.hpp"

#include "gradflow/config.hpp"
#include "gradflow/io/matrix_text.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/precision.hpp"

#include <Eigen/Core>
#include <boost/version.hpp>
#include <gmp.h>
#include <mpfr.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>

namespace gradflow::cli {

namespace {

using json = nlohmann::json;

json number_or_null(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

template <class Scalar>
json precision_json(const run_config& c) {
  if constexpr (std::is_same_v<Scalar, double>) return {{"type", "float64"}, {"digits", 15}, {"bits", 53}};
  else return {{"type", "mpfr"}, {"digits", c.digits}, {"bits", working_bits()}};
}

template <class Scalar>
std::string summary_json(const run_record<Scalar>& r) {
  const run_config& c = *r.config;
  json invariants = json::object();
  for (std::size_t k = 0; k < r.invariant_names.size(); ++k) invariants[r.invariant_names[k]] = to_decimal(r.max_drift[k]);
  const json precision = precision_json<Scalar>(c);
  json checks = json::array();
  for (const auto& k : r.checks)
    checks.push_back({{"id", k.id}, {"verdict", verdict_name(k.verdict)}, {"measured", k.measured}, {"bound", k.bound},
                      {"detail", k.detail}});
  json s = {
      {"model", c.kind},
      {"loss", c.loss},
      {"method", method_name(c.method)},
      {"time_change", c.time_change ? "loss" : "none"},
      {"precision", precision["type"]},
      {"digits", precision["digits"]},
      {"bits", precision["bits"]},
      {"tolerance", c.tolerance},
      {"stop_reason", stop_reason_name(r.summary.reason)},
      {"t_final", to_decimal(r.summary.t_final)},
      {"loss_final", to_decimal(r.loss_final)},
      {"log10_loss_final", number_or_null(log10_as_double(r.loss_final))},
      {"steps", r.summary.steps},
      {"rejected_steps", r.summary.rejected_steps},
      {"rhs_evals", r.summary.rhs_evals},
      {"order", r.summary.order ? json(r.summary.order) : json(nullptr)},
      {"wall_seconds", r.wall_seconds},
      {"invariants", invariants},
      {"checks", checks},
  };
  s.update(r.final_summary);
  return s.dump(2) + "\n";
}

void append_csv_line(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) out.append(i ? "," : "").append(fields[i]);
  out.append("\n");
}

template <class Scalar>
std::string trajectory_csv(const run_record<Scalar>& r) {
  std::vector<std::string> header{"t", "loss", "log10_loss"};
  for (const auto& name : r.invariant_names) header.push_back(name + "_drift");
  for (const auto& name : r.quantity_names) header.push_back(name);
  if (!r.state_names.empty()) header.emplace_back("steps");
  for (const auto& name : r.state_names) header.push_back(name);
  for (const char* f64 : {"t_f64", "loss_f64", "log10_loss_f64"}) header.emplace_back(f64);
  std::string out;
  append_csv_line(out, header);
  for (const auto& row : r.rows) {
    using std::log10;
    std::vector<std::string> fields{to_decimal(row.t), to_decimal(row.loss),
                                    row.loss == 0 ? std::string("-inf") : to_decimal(Scalar(log10(row.loss)))};
    for (const auto& d : row.drift) fields.push_back(to_decimal(d));
    for (const auto& q : row.quantities) fields.push_back(to_decimal(q));
    if (!r.state_names.empty()) fields.push_back(std::to_string(row.steps));
    for (const auto& x : row.state) fields.push_back(to_decimal(x));
    fields.push_back(to_decimal(to_double(row.t)));
    fields.push_back(to_decimal(to_double(row.loss)));
    fields.push_back(to_decimal(log10_as_double(row.loss)));
    append_csv_line(out, fields);
  }
  return out;
}

template <class Scalar>
std::string manifest_json(const run_record<Scalar>& r) {
  json inputs = json::array();
  for (std::size_t k = 0; k < r.config->input_files.size(); ++k)  // hashed when read (config.cpp)
    inputs.push_back({{"path", r.config->input_files[k].string()}, {"sha256", r.config->input_sha256[k]}});
  json m = {
      {"gradflow_version", GRADFLOW_VERSION},
      {"git_revision", GRADFLOW_GIT_REVISION},
      {"compiler", std::string("g++ ") + __VERSION__},
      {"boost", BOOST_LIB_VERSION},
      {"eigen", std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
                    std::to_string(EIGEN_MINOR_VERSION)},
      {"mpfr", mpfr_get_version()},
      {"gmp", gmp_version},
      {"precision", precision_json<Scalar>(*r.config)},
      {"config", r.config->resolved},
      {"command_line", r.command_line},
      {"inputs", inputs},
      {"start_time", r.start_time},
      {"end_time", r.end_time},
  };
  return m.dump(2) + "\n";
}

}  // namespace

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

template <class Scalar>
void write_outputs(output_dir& out, const run_record<Scalar>& record) {
  out.write("summary.json", summary_json(record));
  out.write("trajectory.csv", trajectory_csv(record));
  for (const auto& [name, M] : record.final_matrices) out.write("final/" + name + ".csv", to_csv(M));
  for (const auto& [path, text] : record.tables) out.write(path, text);
  out.write("config.toml", resolved_toml(*record.config));
  out.write("manifest.json", manifest_json(record));
}

template void write_outputs(output_dir&, const run_record<double>&);
template void write_outputs(output_dir&, const run_record<Real>&);

}  // namespace gradflow::cli
