// `gradflow run CONFIG`: reads the config, runs it through the library (run/run.hpp) with progress on
// stderr and signals turned into a clean stop, and writes the run directory.
#include "run_command.hpp"

#include "checkpoint_notes.hpp"
#include "progress.hpp"

#include "gradflow/io/invalid_input.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/run/checkpoint.hpp"
#include "gradflow/run/memory_estimate.hpp"
#include "gradflow/run/run_directory.hpp"
#include "gradflow/run/run.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <system_error>

namespace gradflow::cli {

namespace {

// A decimal of every working digit cut to 7 significant ones for a message ("2.624329e+02").
std::string short_decimal(const std::string& text) {
  const auto e = text.find_first_of("eE");
  const std::size_t mantissa = std::min(e == std::string::npos ? text.size() : e, std::size_t{8});
  return text.substr(0, mantissa) + (e == std::string::npos ? "" : text.substr(e));
}

int run_and_write(const run_config& c, const run_arguments& args, output_dir& out) {
  run_record record;
  record.config = &c;
  record.command_line = args.command_line;
  record.start_time = utc_now();
  const std::string checkpoint = args.resume ? checkpoint_to_resume(c, args.quiet, out) : std::string();
  cli_observer observer(args.quiet, c.checkpoint_seconds, checkpoint_saver(c, out));
  run_result result;
  try {
    result = run(c, observer, checkpoint);
  } catch (const integration_error& e) {
    std::fprintf(stderr, "gradflow: integration failed: %s (nothing written)\n", e.what());
    return exit_failure;
  } catch (const invalid_checkpoint& e) {
    std::fprintf(stderr, "gradflow: --resume: %s: %s\n", out.checkpoint_path().c_str(), e.what());
    return exit_bad_input;
  }
  if (!result.resumed_from.is_null() && !args.quiet)
    std::fprintf(stderr, "gradflow: resumed at t = %s (step %lld) from %s\n",
                 short_decimal(result.resumed_from["t"].get<std::string>()).c_str(),
                 static_cast<long long>(result.resumed_from["steps"].get<std::int64_t>()),
                 out.checkpoint_path().c_str());
  record.result = &result;
  record.end_time = utc_now();
  commit_result written;
  try {
    write_outputs(out, record);
    written = out.commit();
  } catch (const std::system_error& e) {  // e.g. "No space left on device"
    std::fprintf(stderr, "gradflow: %s (nothing written; %s untouched)\n", e.what(), out.target().c_str());
    return exit_failure;
  }
  if (!written.leftover.empty()) std::fprintf(stderr, "gradflow: note: %s\n", written.leftover.c_str());
  if (!written.refused.empty()) {
    std::fprintf(stderr, "gradflow: %s\n", written.refused.c_str());
    return exit_bad_input;
  }
  settle_checkpoint(c, result, observer, out);
  if (c.loss_below && result.reason == stop_reason::t_end)  // e.g. below what float64 can resolve
    std::fprintf(stderr, "gradflow: note: stop.loss_below = %s was not reached by stop.t_end (loss %s)\n",
                 c.loss_below->c_str(), result.loss_final.c_str());

  int count[3] = {0, 0, 0};  // pass, fail, not_applicable
  for (const auto& r : result.checks) ++count[static_cast<int>(r.verdict)];
  std::printf(
      "gradflow: wrote %s (stop_reason %s, t = %s, loss = %s, %lld steps, %.2f s; checks: %d pass, %d fail, "
      "%d not_applicable)\n",
      written.written.c_str(), std::string(stop_reason_name(result.reason)).c_str(), result.t_final.c_str(),
      result.loss_final.c_str(), static_cast<long long>(result.steps), result.wall_seconds, count[0],
      count[1], count[2]);
  for (const auto& r : result.checks)
    if (r.verdict == verdict::fail)
      std::fprintf(stderr, "gradflow: check %s failed: %s\n", r.id.c_str(), r.detail.c_str());
  if (result.reason == stop_reason::interrupted) return exit_interrupted;
  return count[1] ? exit_failure : exit_success;
}

}  // namespace

int run_command(const run_arguments& args) {
  try {
    // Until the first step a signal ends the process at once: nothing is lost, and setup (huge
    // parses, SVDs in model constructors) cannot poll.
    install_interrupt_handler("gradflow: interrupted (nothing written; an earlier output is untouched)\n");
    const run_config c = load_config(args.config, args.overrides);
    output_dir out(args.out.empty() ? std::filesystem::path("out") / args.config.stem() : args.out,
                   c.input_files);
    remove_on_exit(out.created_directories());
    require_memory(c, c.is_float64 ? 53 : working_bits_for(c.digits));
    return run_and_write(c, args, out);
  } catch (const invalid_input& e) {
    std::fprintf(stderr, "gradflow: %s\n", e.what());
    return exit_bad_input;
  }
}

}  // namespace gradflow::cli
