#include "gradflow/run/run_directory.hpp"

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

namespace gradflow {

namespace {

using json = nlohmann::json;

json precision_json(const run_config& c) {
  if (c.is_float64) return {{"type", "float64"}, {"digits", 15}, {"bits", 53}};
  return {{"type", "mpfr"}, {"digits", c.digits}, {"bits", working_bits_for(c.digits)}};
}

void append_csv_line(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) out.append(i ? "," : "").append(fields[i]);
  out.append("\n");
}

std::string trajectory_csv(const run_result& r) {
  std::string out;
  append_csv_line(out, r.columns);
  for (const auto& row : r.rows) append_csv_line(out, row);
  return out;
}

std::string manifest_json(const run_record& r) {
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
      {"precision", precision_json(*r.config)},
      {"config", r.config->resolved},
      {"command_line", r.command_line},
      {"inputs", inputs},
      {"start_time", r.start_time},
      {"end_time", r.end_time},
      {"resumed_from", r.result->resumed_from},
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

void write_outputs(output_dir& out, const run_record& record) {
  out.write("summary.json", record.result->summary.dump(2) + "\n");
  out.write("trajectory.csv", trajectory_csv(*record.result));
  for (const auto& [path, text] : record.result->files) out.write(path, text);
  out.write("config.toml", resolved_toml(*record.config));
  out.write("manifest.json", manifest_json(record));
}

}  // namespace gradflow
