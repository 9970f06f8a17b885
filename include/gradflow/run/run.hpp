#pragma once
// The library run API: gradflow::run(config, observer) integrates a validated config, runs
// flow.path_defect and the model's checks, and returns every output as text (the CLI writes it, the
// Python bindings and sweeps read it). Nothing here prints or writes files.
#include "gradflow/checks/check_result.hpp"
#include "gradflow/integrate/integrate.hpp"
#include "gradflow/io/config.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gradflow {

/// Where a run is, after an accepted step (for progress lines).
struct step_progress {
  std::int64_t steps = 0;
  double t = 0;               ///< physical time (may be inf in double with the time change: see log10_t)
  double log10_t = 0;         ///< log10 of the physical time
  double t_end = 0;           ///< stop.t_end (0 with the time change)
  bool time_changed = false;  ///< integrating in s (dt/ds = 1/L)
  double s = 0;               ///< the integration variable s (time change only)
  std::function<double()> log10_loss;  ///< evaluated on request only (costs a loss evaluation)
};

/// Callbacks of a run; every one has a default that does nothing (and keeps going).
class run_observer {
 public:
  virtual ~run_observer() = default;
  /// Setup is done and the first step follows: from now on a stop request ends the run cleanly.
  virtual void on_start() {}
  /// After every accepted step; return false to stop the run there (stop_reason "interrupted").
  virtual bool on_step(const step_progress&) { return true; }
  /// Progress of a long check: `done` of `total` units at `digits` (flow.path_defect: intervals).
  virtual void on_check_progress(std::string_view /*id*/, std::size_t /*done*/, std::size_t /*total*/,
                                 unsigned /*digits*/) {}
  /// Asked after accepted steps of a run that can resume (method taylor on a field without kinks, or
  /// rk78): whether on_checkpoint wants a checkpoint now.
  virtual bool checkpoint_due() { return false; }
  /// A checkpoint (run/checkpoint.hpp) that run(c, observer, checkpoint) goes on from; also handed
  /// over, unasked, where such a run stops before its end (interrupted, stop.max_steps,
  /// stop.wall_seconds), before the checks run.
  virtual void on_checkpoint(const std::string& /*text*/) {}
};

/// A finished (or interrupted) run, every number as the decimal text it is written with.
struct run_result {
  nlohmann::json summary;                                  ///< summary.json
  std::vector<std::string> columns;                        ///< trajectory.csv header
  std::vector<std::vector<std::string>> rows;              ///< trajectory.csv rows
  std::vector<std::pair<std::string, std::string>> files;  ///< further files: path in the run directory, text
  std::vector<check_result> checks;  ///< flow.path_defect first, then the model's checks
  stop_reason reason = stop_reason::t_end;
  std::string t_final, loss_final;  ///< short forms for a one-line report
  std::int64_t steps = 0;
  double wall_seconds = 0;  ///< every part of the run, the earlier ones of a resumed run included
  /// A resumed run: where the checkpoint it went on from was ({"t", "steps", "wall_seconds"}); else null.
  nlohmann::json resumed_from;
};

/// Runs a validated config at its own precision (the caller's working precision is restored).
/// Throws invalid_input for a config the precision cannot hold (e.g. t_end below the shortest step)
/// and integration_error when a step fails. A non-empty `checkpoint` (an earlier on_checkpoint's text
/// for the same config) resumes the run there: the result is the uninterrupted run's, digit for digit;
/// a checkpoint of another config, or one that does not parse, is invalid_input.
run_result run(const run_config& c, run_observer& observer, std::string_view checkpoint = {});

/// Whether runs of `c` can be checkpointed and resumed: method rk78, or taylor on a field without
/// kinks (a model whose field has kinks never hands out a checkpoint); `why` says why not.
bool resumable_method(const run_config& c, std::string& why);

/// A sampled path as decimal strings: t_k (physical time) and θ_k in flat state order.
struct text_path {
  std::vector<std::string> t;
  std::vector<std::vector<std::string>> theta;
  std::vector<std::int64_t> interval_steps;  ///< the path's accepted steps per interval; empty: unknown
};

/// Decimal digits of flow.path_defect's re-integration: 30 for a float64 path, precision.digits + 20 for mpfr.
unsigned path_check_digits(const run_config& c);

/// flow.path_defect of `path` under the model of `c`, claiming `tolerance` (a decimal string) at the
/// rounding unit of c's scalar: the model is rebuilt from its decimal strings above the path's precision
/// and the path re-integrated there (checks/path_defect.hpp). Runs in its own working precision.
check_result path_defect_of(const run_config& c, const text_path& path, const std::string& tolerance,
                            run_observer& observer);

/// The model's own checks (its entry's list) on a path given as text, at c's scalar and precision;
/// `reason` is how the path ended (checks about the limit need loss_below).
std::vector<check_result> model_checks_of(const run_config& c, const text_path& path,
                                          const std::string& tolerance, stop_reason reason);

/// The names of the state columns of c's model (<matrix>_<row>_<col>, 1-based, as in final/<matrix>.csv).
std::vector<std::string> state_column_names(const run_config& c);

}  // namespace gradflow
