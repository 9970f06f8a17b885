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
/// `expected` pins the instance's verdict: any other verdict (a `pass` instance that turned
/// `not_applicable` included) fails `gradflow verify`.
struct verify_case {
  std::string id, instance;
  unsigned digits = 0;
  verify_suite suite = verify_suite::quick;  ///< quick cases also run in the full suite
  gradflow::verdict expected = verdict::pass;
  std::function<check_result()> run;
};

/// The finished case: the check's verdict, the pinned one, and how long the instance took
/// (integration included).
struct verify_row {
  std::string id, instance;
  unsigned digits = 0;
  check_result result;
  double seconds = 0;
  gradflow::verdict expected = verdict::pass;

  /// True iff the instance gave its pinned verdict.
  bool as_expected() const { return result.verdict == expected; }
};

/// The cases of a suite, in catalogue order.
std::vector<verify_case> verify_cases(verify_suite suite);

/// Runs one case at its working precision. An exception inside the instance (a solver or run that
/// failed inside a check) becomes a `fail` whose detail carries the message, never
/// `not_applicable`: a verify run always reports every case, and the error fails the run.
verify_row run_verify_case(const verify_case& c);

}  // namespace gradflow
