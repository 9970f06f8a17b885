#pragma once
// Everything a finished run hands to the output writers.
#include "gradflow/checks/check_result.hpp"
#include "gradflow/integrate/integrate.hpp"
#include "gradflow/io/config.hpp"
#include "gradflow/io/output_dir.hpp"
#include "gradflow/numeric/matrix.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace gradflow::cli {

/// One row of trajectory.csv: time, loss, the drift of each invariant since t = 0, the model's
/// sampled quantities (predictor, margin, …; run_record::quantity_names) and, with output.state,
/// the state θ (run_record::state_names).
template <class Scalar>
struct trajectory_row {
  Scalar t, loss;
  std::vector<Scalar> drift;
  std::vector<Scalar> quantities;
  std::vector<Scalar> state;
  std::int64_t steps = 0;  ///< accepted steps before this sample (written with output.state)
};

/// A finished (or interrupted) run.
template <class Scalar>
struct run_record {
  const run_config* config = nullptr;
  std::vector<std::string> command_line;
  std::vector<std::string> invariant_names;
  std::vector<Scalar> max_drift;                 ///< max over the run of max_ij |I(t) − I(0)|, per invariant
  std::vector<std::string> quantity_names;       ///< trajectory.csv columns after the drifts
  std::vector<std::string> state_names;          ///< output.state: <matrix>_<row>_<col> per θ entry
  /// summary.json entries beyond the common ones (log10_t_final, predictor, margin, …).
  nlohmann::json final_summary = nlohmann::json::object();
  std::vector<trajectory_row<Scalar>> rows;
  integration_summary<Scalar> summary;
  Scalar loss_final;
  std::vector<std::pair<std::string, matrix<Scalar>>> final_matrices;  ///< final/<name>.csv
  std::vector<std::pair<std::string, std::string>> tables;             ///< further files: path, CSV text with header
  std::vector<check_result> checks;              ///< the theorem checks' verdicts (checks/run_checks.hpp)
  double wall_seconds = 0;
  std::string start_time, end_time;
};

/// Writes summary.json, trajectory.csv, final/*.csv, config.toml and manifest.json into the staging directory.
template <class Scalar>
void write_outputs(output_dir& out, const run_record<Scalar>& record);

extern template void write_outputs(output_dir&, const run_record<double>&);
extern template void write_outputs(output_dir&, const run_record<Real>&);

/// Current UTC time as ISO 8601 ("2026-11-23T20:19:00Z").
std::string utc_now();

}  // namespace gradflow::cli
