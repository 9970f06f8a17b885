#include "gradflow/io/output_dir.hpp"

#include "gradflow/io/invalid_input.hpp"
#include "gradflow/io/sha256.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>

namespace gradflow {

namespace fs = std::filesystem;

namespace {

using tree_state = output_dir::tree_state;
using entry_state = output_dir::entry_state;

std::string quoted(const fs::path& p) {
  std::string q =
      "\"";  // not "\"" + p.string(): GCC 12 warns falsely (-Wrestrict) on operator+(const char*, string&&)
  q += p.string();
  return q += "\"";
}

std::optional<entry_state> state_of(const fs::path& p) {
  struct stat s {};
  if (::lstat(p.c_str(), &s) != 0) return std::nullopt;
  const char type = S_ISDIR(s.st_mode) ? 'd' : S_ISREG(s.st_mode) ? 'f' : S_ISLNK(s.st_mode) ? 'l' : 'o';
  return entry_state{type, static_cast<std::uintmax_t>(s.st_size),
                     static_cast<std::int64_t>(s.st_mtim.tv_sec) * 1000000000 + s.st_mtim.tv_nsec,
                     static_cast<std::uintmax_t>(s.st_ino)};
}

// A directory is known by its inode: its mtime and size change with its entries (and with a rename),
// which are compared one by one.
std::optional<entry_state> tree_entry(const fs::path& p) {
  auto s = state_of(p);
  if (s && s->type == 'd') s->mtime_ns = 0, s->size = 0;
  return s;
}

// Every entry below `dir` (symbolic links not followed); nullopt when `dir` does not exist.
std::optional<tree_state> scan(const fs::path& dir) {
  const auto root = tree_entry(dir);
  if (!root) return std::nullopt;
  tree_state tree{{"", *root}};
  if (root->type != 'd') return tree;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (const auto s = tree_entry(it->path())) tree[it->path().lexically_relative(dir).string()] = *s;
  return tree;
}

bool is_empty_directory(const std::optional<tree_state>& tree) {
  return tree && tree->size() == 1 && tree->at("").type == 'd';
}

// The first entry in which `now` differs from `then`, for the message.
std::string first_difference(const tree_state& then, const tree_state& now) {
  for (const auto& [name, s] : now) {
    const auto was = then.find(name);
    if (was == then.end()) return "\"" + name + "\" appeared";
    if (!(was->second == s))
      return name.empty() ? std::string("it was replaced") : "\"" + name + "\" changed";
  }
  for (const auto& [name, s] : then)
    if (!now.count(name)) return "\"" + name + "\" disappeared";
  return "it changed";
}

// p inside (or equal to) dir, both absolute and canonical.
bool is_within(const fs::path& p, const fs::path& dir) {
  const fs::path relative = p.lexically_relative(dir);
  return !relative.empty() && *relative.begin() != "..";
}

// Name that fits NAME_MAX (255 bytes) whatever the target's name: the target's name is represented
// by a hash, so every legal --out name gets a work directory.
std::string work_prefix(const fs::path& target) {
  return ".gradflow-" + sha256_text(target.filename().string()).substr(0, 12) + "-";
}

bool is_alive(long pid) {
  return pid == ::getpid() || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

// Work directories of dead runs for the same target: a run killed between moving the earlier output
// aside and renaming the new one into place left the earlier output in <work>/old, which goes back;
// everything else there is gradflow's own staging.
void clean_stale_work(const fs::path& target) {
  const std::string prefix = work_prefix(target);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(target.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix) || name.size() == prefix.size()) continue;
    const std::string pid = name.substr(prefix.size());
    if (pid.find_first_not_of("0123456789") != std::string::npos || pid.size() > 9) continue;
    if (pid != std::to_string(::getpid()) && is_alive(std::stol(pid))) continue;
    std::error_code ignored;
    if (fs::exists(entry.path() / "old", ignored) && !state_of(target))
      fs::rename(entry.path() / "old", target, ignored);
    fs::remove_all(entry.path(), ignored);
  }
}

// "<target>-1", "<target>-2", …: the first that does not exist (shortened to fit NAME_MAX).
fs::path free_sibling(const fs::path& target, const std::string& tag, int k) {
  const std::string suffix = tag + std::to_string(k);
  std::string name = target.filename().string();
  if (name.size() + suffix.size() > 255) name.resize(255 - suffix.size());
  return target.parent_path() / (name + suffix);
}

// Renames `from` to a free sibling of `target`; returns it (empty on failure).
fs::path rename_beside(const fs::path& from, const fs::path& target, const std::string& tag) {
  for (int k = 1; k < 10000; ++k) {
    const fs::path to = free_sibling(target, tag, k);
    if (state_of(to)) continue;
    std::error_code ec;
    fs::rename(from, to, ec);  // NOTE: an empty directory created meanwhile is replaced, a full one refuses
    if (!ec) return to;
    if (ec != std::errc::directory_not_empty && ec != std::errc::file_exists) return {};
  }
  return {};
}

// Removes the entries of `recorded` that are still as recorded, children first; true when `dir` is gone.
bool remove_recorded(const fs::path& dir, const tree_state& recorded, std::string& reason) {
  for (auto it = recorded.rbegin(); it != recorded.rend(); ++it) {
    const fs::path p = it->first.empty() ? dir : dir / it->first;
    const auto now = tree_entry(p);
    if (!now || !(*now == it->second)) continue;
    std::error_code ec;
    fs::remove(p, ec);
    if (ec && reason.empty()) reason = quoted(p) + ": " + ec.message();
  }
  return !state_of(dir);
}

// Holds back SIGINT, SIGTERM and SIGHUP while the renames of commit() run.
class signals_held {
 public:
  signals_held() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&set, s);
    pthread_sigmask(SIG_BLOCK, &set, &m_previous);
  }
  ~signals_held() { pthread_sigmask(SIG_SETMASK, &m_previous, nullptr); }
  signals_held(const signals_held&) = delete;
  signals_held& operator=(const signals_held&) = delete;

 private:
  sigset_t m_previous;
};

}  // namespace

output_dir::output_dir(fs::path target, const std::vector<fs::path>& inputs)
    : m_target(fs::absolute(std::move(target)).lexically_normal()) {
  if (m_target.filename().empty()) m_target = m_target.parent_path();
  std::string shown = "--out = " + quoted(m_target);
  std::error_code ec;
  if (fs::is_symlink(m_target, ec)) {
    if (!fs::exists(m_target, ec))
      throw invalid_input(shown + " is a symbolic link to a missing path (" +
                          quoted(fs::read_symlink(m_target, ec)) +
                          "): create the directory it names or give another --out");
    m_target = fs::canonical(m_target, ec);
    shown += " (a link to " + quoted(m_target) + ")";
  }
  // Everything else is compared in canonical form: symbolic links and ".." in the parents resolved.
  const fs::path resolved = fs::weakly_canonical(m_target, ec);
  if (!ec) m_target = resolved;
  if (m_target == m_target.root_path() || m_target.filename().empty())
    throw invalid_input(shown + " is the root directory: refusing to replace it");
  if (const fs::path cwd = fs::current_path(ec); !ec && is_within(fs::weakly_canonical(cwd, ec), m_target))
    throw invalid_input(shown + " contains the working directory " + quoted(cwd) +
                        ": refusing to replace the directory the shell is in; give another --out");
  for (const fs::path& input : inputs)
    if (const fs::path p = fs::weakly_canonical(fs::absolute(input), ec); !ec && is_within(p, m_target))
      throw invalid_input(shown + " contains the input " + quoted(input) +
                          ": the run would replace its own input; move the input or give another --out");
  clean_stale_work(m_target);  // first: it may put an earlier output back
  if (fs::exists(m_target, ec)) {
    if (!fs::is_directory(m_target))
      throw invalid_input(shown + " is an existing file: the output must be a directory");
    if (!fs::is_empty(m_target) && !fs::exists(m_target / "manifest.json"))
      throw invalid_input(
          shown +
          " exists and is not a gradflow output directory (no manifest.json): refusing to replace it");
    m_target_existed = true;
  }
  // Create the work directory now (and any missing parents, removed again if the run writes
  // nothing): permission checks such as access() say yes to root even where nothing can be created.
  for (fs::path p = m_target.parent_path(); !p.empty() && !fs::exists(p, ec); p = p.parent_path())
    m_created_parents.push_back(p);
  m_work = m_target.parent_path() / (work_prefix(m_target) + std::to_string(::getpid()));
  m_staging = m_work / "new";
  if (!m_created_parents.empty()) fs::create_directories(m_target.parent_path(), ec);
  // NOTE: create_directory, not create_directories: the work directory must be new (ours alone).
  if (!ec && !fs::create_directory(m_work, ec) && !ec) ec = std::make_error_code(std::errc::file_exists);
  if (!ec) fs::create_directory(m_staging, ec);
  if (ec) {
    remove_created();
    throw invalid_input(shown + " is not writable: " + ec.message());
  }
  if (auto tree = scan(m_target)) m_initial = std::move(*tree);
}

void output_dir::remove_created() {
  std::error_code ec;
  fs::remove_all(m_staging, ec);
  fs::remove(m_work, ec);                                         // only if empty
  for (const fs::path& p : m_created_parents) fs::remove(p, ec);  // innermost first; only if still empty
}

std::vector<fs::path> output_dir::created_directories() const {
  std::vector<fs::path> out{m_staging, m_work};
  out.insert(out.end(), m_created_parents.begin(), m_created_parents.end());
  return out;
}

output_dir::~output_dir() {
  if (!m_committed) remove_created();
}

namespace {

// Creates `file` (which must not exist) holding `content`, synced to the disk. POSIX calls rather
// than a stream: errno says why a write failed ("No space left on device"), and fsync makes the data
// durable before a rename puts it into place.
void write_durably(const fs::path& file, std::string_view content) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot write " + file.string());
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      throw std::system_error(error, std::generic_category(), "cannot write " + file.string());
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 && errno != EINVAL) {
    const int error = errno;
    ::close(fd);
    throw std::system_error(error, std::generic_category(), "cannot write " + file.string());
  }
  if (::close(fd) != 0)
    throw std::system_error(errno, std::generic_category(), "cannot write " + file.string());
}

// Whether `file` is a regular file starting with checkpoint_magic (one gradflow wrote as a checkpoint).
// A symbolic link, a directory or a FIFO (whose open would wait for a writer) never is.
bool is_checkpoint(const fs::path& file) {
  if (const auto s = state_of(file); !s || s->type != 'f') return false;
  std::string head(checkpoint_magic.size(), '\0');
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return false;
  const ssize_t n = ::read(fd, head.data(), head.size());
  ::close(fd);
  return n == static_cast<ssize_t>(head.size()) && head == checkpoint_magic;
}

}  // namespace

void output_dir::write(const fs::path& relative, std::string_view content) {
  const fs::path file = m_staging / relative;
  fs::create_directories(file.parent_path());
  write_durably(file, content);
}

fs::path output_dir::checkpoint_path() const {
  const std::string prefix = work_prefix(m_target);
  return m_target.parent_path() / (prefix.substr(0, prefix.size() - 1) + ".checkpoint");
}

std::string output_dir::read_checkpoint() const {
  const fs::path file = checkpoint_path();
  if (!state_of(file)) return {};
  const std::string shown = "the checkpoint " + quoted(file);
  if (!is_checkpoint(file))
    throw invalid_input(shown +
                        " is not a gradflow checkpoint (it does not start with \"gradflow checkpoint 1\"): "
                        "it is left untouched; move it away to run into --out = " +
                        quoted(m_target));
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) throw invalid_input(shown + " cannot be read");
  return text;
}

void output_dir::write_checkpoint(std::string_view text) {
  const fs::path file = checkpoint_path(), part = m_work / "checkpoint";
  if (state_of(file) && !is_checkpoint(file))
    throw std::runtime_error(quoted(file) + " is not a gradflow checkpoint: not replaced");
  std::error_code ec;
  fs::remove(part, ec);
  try {
    write_durably(part, text);
  } catch (...) {  // a partial file would take the room the outputs need (a full disk)
    fs::remove(part, ec);
    throw;
  }
  fs::rename(part, file, ec);
  if (ec) throw std::system_error(ec, "cannot rename the checkpoint to " + file.string());
  // The rename is durable once the directory is synced.
  if (const int fd = ::open(file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void output_dir::remove_checkpoint() {
  const fs::path file = checkpoint_path();
  std::error_code ec;
  if (is_checkpoint(file)) fs::remove(file, ec);
}

commit_result output_dir::commit() {
  const signals_held held;
  commit_result result{m_target, "", ""};
  // Replacing is safe when the target is absent, empty, or exactly the earlier output checked at
  // the start; anything else holds files gradflow did not write.
  const auto safe = [&](const std::optional<tree_state>& tree, std::string& why) {
    if (!tree || is_empty_directory(tree)) return true;
    if (m_target_existed && *tree == m_initial) return true;
    why =
        m_target_existed ? first_difference(m_initial, *tree) : first_difference({{"", tree->at("")}}, *tree);
    if (!m_target_existed && tree->size() == 1) why = "it was created during the run";
    return false;
  };
  const auto beside = [&](const std::string& why) {
    const fs::path to = rename_beside(m_staging, m_target, "-");
    if (to.empty())
      throw std::runtime_error("cannot rename " + m_staging.string() + " beside " + m_target.string());
    result.written = to;
    result.refused = "--out = " + quoted(m_target) + " changed during the run (" + why +
                     "): left untouched; the results are in " + quoted(to);
    std::error_code ec;
    fs::remove(m_work, ec);
    m_committed = true;
    return result;
  };

  std::string why;
  if (!safe(scan(m_target), why)) return beside(why);
  const fs::path old = m_work / "old";
  bool moved = false;
  if (state_of(m_target)) {
    std::error_code ec;
    fs::rename(m_target, old, ec);
    if (ec) return beside("cannot move it aside: " + ec.message());
    moved = true;
    // Checked again once moved: a file written between the scan and the rename is in `old` now.
    if (!safe(scan(old), why)) {
      fs::rename(old, m_target, ec);
      if (ec) result.leftover = "the earlier output could not be put back; it is in " + quoted(old);
      return beside(why);
    }
  }
  std::error_code ec;
  fs::rename(m_staging, m_target, ec);
  if (ec) {  // the target was created again meanwhile
    if (moved) {
      const fs::path kept = rename_beside(old, m_target, ".previous-");
      result.leftover = "the earlier output is in " + quoted(kept.empty() ? old : kept);
    }
    return beside("it was created again while the results were moved into place");
  }
  m_committed = true;
  if (moved) {
    std::string reason;
    if (!remove_recorded(old, m_initial, reason)) {
      const fs::path kept = rename_beside(old, m_target, ".previous-");
      result.leftover = "the earlier output could not be removed entirely (" +
                        (reason.empty() ? std::string("entries appeared in it") : reason) +
                        "); what is left is in " + quoted(kept.empty() ? old : kept);
    }
  }
  fs::remove(m_work, ec);
  return result;
}

}  // namespace gradflow
