#pragma once
// What one integration of a configured model hands back at its own scalar (run/model_adapter.hpp),
// before src/run/run.cpp turns it into text (run/run.hpp's run_result).
#include "gradflow/checks/check_result.hpp"
#include "gradflow/integrate/integrate.hpp"
#include "gradflow/numeric/matrix.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gradflow {

/// Named matrices, in the order they are written (final/<name>.csv).
template <class Scalar>
using named_matrices = std::vector<std::pair<std::string, matrix<Scalar>>>;

/// One row of trajectory.csv: time, loss, the drift of each invariant since t = 0, the model's
/// sampled quantities (model_run::quantity_names) and, with output.state, the state θ.
template <class Scalar>
struct trajectory_row {
  Scalar t, loss;
  std::vector<Scalar> drift;
  std::vector<Scalar> quantities;
  std::vector<Scalar> state;
  std::int64_t steps = 0;  ///< accepted steps before this sample (written with output.state)
};

/// A finished (or interrupted) integration with its checks.
template <class Scalar>
struct model_run {
  std::vector<std::string> invariant_names;
  std::vector<Scalar> max_drift;            ///< max over the run of max_ij |I(t) − I(0)|, per invariant
  std::vector<std::string> quantity_names;  ///< trajectory.csv columns after the drifts
  std::vector<std::string> state_names;     ///< output.state: <matrix>_<row>_<col> per θ entry
  /// summary.json entries beyond the common ones (log10_t_final, the model's extras).
  nlohmann::json final_summary = nlohmann::json::object();
  std::vector<trajectory_row<Scalar>> rows;
  integration_summary<Scalar> summary;
  Scalar loss_final;
  named_matrices<Scalar> final_matrices;                    ///< final/<name>.csv
  std::vector<std::pair<std::string, std::string>> tables;  ///< further files: path, CSV text with header
  std::vector<check_result> checks;  ///< flow.path_defect first, then the model's checks
  double earlier_wall_seconds = 0;   ///< wall time of the earlier parts of a resumed run
  nlohmann::json resumed_from;       ///< run_result::resumed_from
};

}  // namespace gradflow
