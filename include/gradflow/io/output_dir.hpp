#pragma once
// A run's output directory, written completely or not at all: files go into a staging directory
// next to the target, which is renamed into place by commit().
#include <filesystem>
#include <string_view>
#include <vector>

namespace gradflow {

/// Output directory of one run (ARCHITECTURE.md §7: an interrupted run leaves complete files only).
class output_dir {
 public:
  /// Checks that `target` can be created, or replaced when it holds an earlier gradflow output
  /// (a manifest.json) or nothing, and creates the (hidden) staging directory beside it; throws
  /// invalid_input naming --out otherwise. Until commit() nothing is visible under `target`, and an
  /// output_dir destroyed uncommitted removes what it created.
  explicit output_dir(std::filesystem::path target);
  ~output_dir();
  output_dir(const output_dir&) = delete;
  output_dir& operator=(const output_dir&) = delete;

  /// Writes one file (path relative to the output directory) into the staging directory.
  void write(const std::filesystem::path& relative, std::string_view content);
  /// Renames the staging directory into place, replacing an earlier output.
  void commit();
  const std::filesystem::path& target() const { return m_target; }

 private:
  void remove_created();
  std::filesystem::path m_target, m_staging;
  std::vector<std::filesystem::path> m_created_parents;  ///< missing parents we created, innermost first
  bool m_committed = false;
};

}  // namespace gradflow
