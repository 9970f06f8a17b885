#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace gradflow::cli {

/// What `gradflow check DIR` was asked to do.
struct check_arguments {
  std::filesystem::path dir;
  std::filesystem::path json;  ///< empty: no JSON file
  std::string tolerance;       ///< empty: integrator.tolerance of DIR/config.toml
  std::vector<std::string> ids;
  bool quiet = false;
};

/// Judges DIR/trajectory.csv as given under DIR/config.toml: flow.path_defect and the model's run
/// checks. Exit 0 no check failed, 1 a check failed, 2 bad input (message on stderr, nothing written).
int check_command(const check_arguments& args);

}  // namespace gradflow::cli
