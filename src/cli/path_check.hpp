#pragma once
// flow.path_defect for a path known as decimal text (a finished run, or trajectory.csv of any
// implementation): the config's model is rebuilt from its decimal strings above the path's
// precision, and the path is re-integrated there (checks/path_defect.hpp).
#include "gradflow/checks/check_result.hpp"
#include "gradflow/io/config.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace gradflow::cli {

/// A sampled path as decimal strings: t_k (physical time) and θ_k in flat state order.
struct text_path {
  std::vector<std::string> t;
  std::vector<std::vector<std::string>> theta;
  std::vector<std::int64_t> interval_steps;  ///< the path's accepted steps per interval; empty: unknown
};

/// Decimal digits of the re-integration: 30 for a float64 path, precision.digits + 20 for mpfr.
unsigned path_check_digits(const run_config& c);

/// flow.path_defect of `path` under the model of `c`, claiming `tolerance` (a decimal string) at the
/// rounding unit of c's scalar. Runs inside its own working_precision_scope and restores the caller's.
/// Progress lines on stderr (at most one a second, after the first second) unless `quiet`.
check_result path_defect_of(const run_config& c, const text_path& path, const std::string& tolerance,
                            bool quiet);

}  // namespace gradflow::cli
