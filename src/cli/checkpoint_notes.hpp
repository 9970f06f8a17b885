#pragma once
// The checkpoint of a run directory as a front end (gradflow run, the Python module) handles it: read
// for --resume, and settled once the results are in place, with a note on stderr where it matters.
#include "progress.hpp"

#include "gradflow/io/config.hpp"
#include "gradflow/io/output_dir.hpp"
#include "gradflow/run/run.hpp"

#include <functional>
#include <string>

namespace gradflow::cli {

/// --resume: the checkpoint of `out`, checked against the config (invalid_input naming the file when it
/// is of another config or damaged); empty when there is none (the run then starts at t = 0, with a
/// note unless `quiet`).
std::string checkpoint_to_resume(const run_config& c, bool quiet, const output_dir& out);

/// What saves the checkpoints of `c` into `out`: nothing for a method that cannot resume.
std::function<void(const std::string&)> checkpoint_saver(const run_config& c, output_dir& out);

/// After the results are in place: a finished run needs no checkpoint; a run that stopped early keeps
/// the one it wrote where it stopped (or, when it could write none, leaves none that describes another
/// run), and says which.
void settle_checkpoint(const run_config& c, const run_result& result, const cli_observer& observer,
                       output_dir& out);

}  // namespace gradflow::cli
