#include "gradflow/run/run_directory.hpp"

#include "gradflow/config.hpp"
#include "gradflow/io/matrix_text.hpp"
#include "gradflow/io/npz.hpp"
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

// output.npz = true: trajectory.npz (one array per column), final.npz (one array per final matrix) and
// final/STEM.npz for every table with a header (f_grid.csv), the float64 nearest to each decimal.
void write_npz(output_dir& out, const std::string& trajectory, const run_result& r) {
  out.write("trajectory.npz", npz_archive(npz_columns(trajectory)));
  std::vector<npz_array> finals;
  for (const auto& [path, text] : r.files) {
    std::filesystem::path p(path);
    if (csv_has_header(text))
      out.write(p.replace_extension(".npz"), npz_archive(npz_columns(text)));
    else
      finals.push_back(npz_matrix(p.stem().string(), text));
  }
  out.write("final.npz", npz_archive(finals));
}

bool wants_npz(const run_config& c) {
  const auto output = c.resolved.find("output");
  return output != c.resolved.end() && output->value("npz", false);
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
  const std::string trajectory = trajectory_csv(*record.result);
  out.write("trajectory.csv", trajectory);
  for (const auto& [path, text] : record.result->files) out.write(path, text);
  if (wants_npz(*record.config)) write_npz(out, trajectory, *record.result);
  out.write("config.toml", resolved_toml(*record.config));
  out.write("manifest.json", manifest_json(record));
}

}  // namespace gradflow
