#pragma once
// A run's output directory, written completely or not at all, and never at the cost of a file
// gradflow did not write: files go into a private work directory next to the target, which is
// renamed into place by commit() only if the target still holds exactly what was checked at the
// start (README "Command line", --out).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace gradflow {

/// How every checkpoint file starts (run/checkpoint.hpp): a file that does not is never replaced.
inline constexpr std::string_view checkpoint_magic = "gradflow checkpoint 1\n";

/// What commit() did: where the results are, and anything the caller must tell the user.
struct commit_result {
  std::filesystem::path written;  ///< the target, or a free sibling when the target was left untouched
  std::string refused;            ///< non-empty: why the target was left untouched (results written beside)
  std::string leftover;           ///< non-empty: the earlier output could not be removed fully (where it is)
};

/// Output directory of one run (ARCHITECTURE.md §7: an interrupted run leaves complete files only).
class output_dir {
 public:
  /// Checks that `target` can be created, or replaced when it holds an earlier gradflow output (a
  /// manifest.json) or nothing, that it contains no `inputs` and not the working directory, cleans
  /// work directories that dead runs left beside it, and creates this run's (hidden) work directory;
  /// throws invalid_input naming --out otherwise. A symbolic link is followed (the directory it
  /// names is replaced and the link kept); a dangling one is refused. Until commit() nothing is
  /// visible under `target`, and an output_dir destroyed uncommitted removes what it created.
  explicit output_dir(std::filesystem::path target, const std::vector<std::filesystem::path>& inputs = {});
  ~output_dir();
  output_dir(const output_dir&) = delete;
  output_dir& operator=(const output_dir&) = delete;

  /// Writes one file (path relative to the output directory) into the staging directory.
  void write(const std::filesystem::path& relative, std::string_view content);
  /// Renames the staging directory into place, replacing an earlier output, if the target still
  /// holds what it held at construction; otherwise leaves it untouched and renames the staging
  /// directory to the first free sibling "<target>-1", "<target>-2", … SIGINT, SIGTERM and SIGHUP
  /// are held back while the renames run.
  commit_result commit();
  const std::filesystem::path& target() const { return m_target; }
  /// The directory the files are written into until commit().
  const std::filesystem::path& staging() const { return m_staging; }
  /// The checkpoint of runs into this target: the hidden file ".gradflow-<hash>.checkpoint" beside it
  /// (a hash of the target's name, so it fits every legal name, and no dead run's cleanup removes it).
  std::filesystem::path checkpoint_path() const;
  /// The checkpoint's text; empty when there is none. Throws invalid_input when the file there is not
  /// a checkpoint (checkpoint_magic) or cannot be read.
  std::string read_checkpoint() const;
  /// Replaces the checkpoint durably: written and synced in the work directory, then renamed into
  /// place. A file there that is not a checkpoint is left untouched (std::runtime_error).
  void write_checkpoint(std::string_view text);
  /// Removes the checkpoint, if the file there is one.
  void remove_checkpoint();

  /// Directories created by the constructor, innermost first (staging, work, missing parents): what
  /// a process ended at once by a signal may remove with rmdir(2) while they are empty.
  std::vector<std::filesystem::path> created_directories() const;

  /// One entry of a directory tree as lstat(2) sees it; equal states mean nobody touched the entry.
  struct entry_state {
    char type;  ///< 'd' directory, 'f' regular file, 'l' symbolic link, 'o' other
    std::uintmax_t size;
    std::int64_t mtime_ns;
    std::uintmax_t inode;
    bool operator==(const entry_state&) const = default;
  };
  /// Relative path -> state of every entry below a directory ("" for the directory itself).
  using tree_state = std::map<std::string, entry_state>;

 private:
  void remove_created();
  std::filesystem::path m_target, m_work, m_staging;
  bool m_target_existed = false;
  tree_state m_initial;                                  ///< the target's tree when the run started
  std::vector<std::filesystem::path> m_created_parents;  ///< missing parents we created, innermost first
  bool m_committed = false;
};

}  // namespace gradflow
