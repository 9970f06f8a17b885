#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace gradflow::cli {

/// What `gradflow run` was asked to do.
struct run_arguments {
  std::filesystem::path config;
  std::filesystem::path out;  ///< empty: out/<config stem>
  std::vector<std::string> overrides;
  bool quiet = false;
  bool resume = false;  ///< go on from the checkpoint of --out (none: start at t = 0)
  std::vector<std::string> command_line;
};

/// Exit codes of `gradflow run` (README "Exit codes").
enum exit_code : int { exit_success = 0, exit_failure = 1, exit_bad_input = 2, exit_interrupted = 130 };

/// Runs one config end to end; prints only errors (stderr), progress (stderr) and the result line (stdout).
int run_command(const run_arguments& args);

}  // namespace gradflow::cli
