// sweep.csv from the run directories on disk, and the skip-if-done test (README "Sweeps"). Nothing
// here trusts what the sweep process remembers about a run: a killed sweep, a rerun and the Slurm
// tasks of one sweep all see the same table.
#include "sweep_table.hpp"

#include "gradflow/io/invalid_input.hpp"
#include "gradflow/io/sha256.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>

namespace gradflow::cli {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::optional<std::string> read_text(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// summary.json of OUT/<run> when that directory holds a run of this point's config.
std::optional<json> point_summary(const fs::path& out, const sweep_point& point) {
  const fs::path dir = out / point.name;
  const auto config = read_text(dir / "config.toml");
  if (!config || sha256_text(*config) != sha256_text(point.resolved_toml)) return std::nullopt;
  const auto summary = read_text(dir / "summary.json");
  if (!summary) return std::nullopt;
  json j = json::parse(*summary, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

// A summary field as CSV text: strings as they are (decimal strings keep every digit), numbers as
// summary.json writes them (shortest round-trip form), absent or null as "".
std::string field_text(const json& summary, const std::string& key) {
  const auto it = summary.find(key);
  if (it == summary.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

void append_row(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) out.append(i ? "," : "").append(csv_field(fields[i]));
  out.append("\n");
}

// Writes `text` to `file` durably through a temporary name in the same directory and a rename.
void write_atomically(const fs::path& file, const std::string& text) {
  std::string name =
      ".";  // not "." + …: GCC 12 warns falsely (-Wrestrict) on operator+(const char*, string&&)
  name += file.filename().string() + "." + std::to_string(::getpid()) + ".tmp";
  const fs::path temporary = file.parent_path() / name;
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot write " + temporary.string());
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      throw std::system_error(error, std::generic_category(), "cannot write " + temporary.string());
    }
    done += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0 || errno == EINVAL;
  const int error = errno;
  if (::close(fd) != 0 || !synced) {
    ::unlink(temporary.c_str());
    throw std::system_error(synced ? errno : error, std::generic_category(), "cannot write " + file.string());
  }
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    const int e = errno;
    ::unlink(temporary.c_str());
    throw std::system_error(e, std::generic_category(), "cannot rename " + temporary.string());
  }
}

// An exclusive flock(2) on OUT/.sweep.lock for as long as it lives.
class sweep_lock {
 public:
  explicit sweep_lock(const fs::path& out) {
    m_fd = ::open((out / ".sweep.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0)
      throw std::system_error(errno, std::generic_category(),
                              "cannot open " + (out / ".sweep.lock").string());
    while (::flock(m_fd, LOCK_EX) != 0 && errno == EINTR) {}
  }
  ~sweep_lock() { ::close(m_fd); }  // closing releases the lock
  sweep_lock(const sweep_lock&) = delete;
  sweep_lock& operator=(const sweep_lock&) = delete;

 private:
  int m_fd = -1;
};

}  // namespace

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

bool is_point_done(const fs::path& out, const sweep_point& point) {
  const auto summary = point_summary(out, point);
  std::error_code ec;
  return summary && fs::is_regular_file(out / point.name / "manifest.json", ec) &&
         field_text(*summary, "stop_reason") != "interrupted" &&
         field_text(*summary, "stop_reason") != "wall_seconds";
}

bool has_point_run(const fs::path& out, const sweep_point& point) {
  return point_summary(out, point).has_value();
}

void check_out_dir(const fs::path& out, const sweep_plan& plan) {
  std::error_code ec;
  const std::string shown = "--out = \"" + out.string() + "\"";
  if (fs::exists(out, ec) && !fs::is_directory(out, ec))
    throw invalid_input(shown + " is an existing file: the output must be a directory");
  if (!fs::is_directory(out, ec)) return;
  for (const auto& p : plan.points) {
    const fs::path dir = out / p.name;
    if (!fs::exists(dir, ec)) continue;
    if (!fs::is_directory(dir, ec))
      throw invalid_input(shown + ": \"" + p.name + "\" (point " + describe_point(plan, p) +
                          ") is a file, not a run directory: refusing to replace it");
    if (!fs::is_empty(dir, ec) && !fs::exists(dir / "manifest.json", ec))
      throw invalid_input(shown + ": \"" + p.name + "\" (point " + describe_point(plan, p) +
                          ") exists and is not a gradflow output directory (no manifest.json): refusing "
                          "to replace it");
  }
}

std::string sweep_csv_text(const sweep_plan& plan, const fs::path& out, const std::set<std::size_t>& errors) {
  std::vector<std::optional<json>> summaries;
  std::vector<std::string> check_ids;
  for (const auto& p : plan.points) {
    summaries.push_back(errors.count(p.index) ? std::nullopt : point_summary(out, p));
    if (!summaries.back() || !summaries.back()->contains("checks")) continue;
    for (const auto& c : (*summaries.back())["checks"]) {
      const std::string id = c.value("id", "");
      if (std::find(check_ids.begin(), check_ids.end(), id) == check_ids.end()) check_ids.push_back(id);
    }
  }
  std::vector<std::string> header;
  for (const auto& axis : plan.axes) header.push_back(axis.key);
  header.insert(header.end(), sweep_result_columns.begin(), sweep_result_columns.end());
  header.insert(header.end(), check_ids.begin(), check_ids.end());
  std::string text;
  append_row(text, header);
  for (const auto& p : plan.points) {
    std::vector<std::string> row = p.values;
    row.push_back(p.name);
    const auto& summary = summaries[p.index];
    for (std::size_t k = 1; k < sweep_result_columns.size(); ++k)
      row.push_back(summary                           ? field_text(*summary, sweep_result_columns[k])
                    : k == 1 && errors.count(p.index) ? "error"
                                                      : "");
    for (const auto& id : check_ids) {
      std::string verdict;
      if (summary && summary->contains("checks"))
        for (const auto& c : (*summary)["checks"])
          if (c.value("id", "") == id) verdict = c.value("verdict", "");
      row.push_back(verdict);
    }
    append_row(text, row);
  }
  return text;
}

bool write_sweep_csv(const sweep_plan& plan, const fs::path& out, const std::set<std::size_t>& errors,
                     const std::vector<std::size_t>& share) {
  const sweep_lock lock(out);
  const std::string text = sweep_csv_text(plan, out, errors);
  write_atomically(out / "sweep.csv", text);
  bool failed = false;
  for (std::size_t i : share) {
    if (errors.count(i)) failed = true;
    if (const auto summary = point_summary(out, plan.points[i]); summary && summary->contains("checks"))
      for (const auto& c : (*summary)["checks"]) failed = failed || c.value("verdict", "") == "fail";
  }
  return failed;
}

}  // namespace gradflow::cli
