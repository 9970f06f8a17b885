#pragma once
// Built-in instances of `gradflow verify`: each runs one theorem check on one instance at its own
// working precision and returns the check's result with the time it took. Nothing here prints.
#include "gradflow/checks/check_result.hpp"

#include <functional>
#include <string>
#include <vector>

namespace gradflow {

/// `quick` (CI, under two minutes on 2 cores) or `full` (paper-scale sweeps, under 30 minutes).
enum class verify_suite { quick, full };

/// One instance of one check. `run` is called inside a working_precision_scope of `digits`.
struct verify_case {
  std::string id, instance;
  unsigned digits = 0;
  verify_suite suite = verify_suite::quick;  ///< quick cases also run in the full suite
  std::function<check_result()> run;
};

/// The finished case: the check's verdict and how long the instance took (integration included).
struct verify_row {
  std::string id, instance;
  unsigned digits = 0;
  check_result result;
  double seconds = 0;
};

/// The cases of a suite, in catalogue order.
std::vector<verify_case> verify_cases(verify_suite suite);

/// Runs one case at its working precision. An exception inside the instance becomes a `fail` whose
/// detail carries the message: a verify run always reports every case.
verify_row run_verify_case(const verify_case& c);

}  // namespace gradflow
