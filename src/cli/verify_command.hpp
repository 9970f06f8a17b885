#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace gradflow::cli {

/// What `gradflow verify` was asked to do.
struct verify_arguments {
  std::string suite = "quick";   ///< quick | full
  std::filesystem::path json;    ///< empty: no JSON file
  std::vector<std::string> ids;  ///< empty: every check
};

/// Runs the built-in instances of the selected checks, prints one table row per instance (stdout)
/// and writes --json; exit 0 iff every instance gives its pinned verdict (an instance that throws is a
/// `fail`), 1 otherwise, 2 for an unknown id or an unwritable JSON path.
int verify_command(const verify_arguments& args);

}  // namespace gradflow::cli
