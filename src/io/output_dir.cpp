#include "gradflow/io/output_dir.hpp"

#include "gradflow/io/invalid_input.hpp"

#include <unistd.h>

#include <fstream>
#include <system_error>

namespace gradflow {

namespace fs = std::filesystem;

namespace {
// A hidden sibling of `target` owned by this process: ".<name>.<role>-<pid>".
fs::path private_sibling(const fs::path& target, const char* role) {
  return target.parent_path() /
         (std::string(".") + target.filename().string() + "." + role + "-" + std::to_string(::getpid()));
}
}  // namespace

output_dir::output_dir(fs::path target) : m_target(fs::absolute(std::move(target)).lexically_normal()) {
  if (m_target.filename().empty()) m_target = m_target.parent_path();
  const std::string shown = "--out = \"" + m_target.string() + "\"";
  std::error_code ec;
  if (fs::exists(m_target, ec)) {
    if (!fs::is_directory(m_target))
      throw invalid_input(shown + " is an existing file: the output must be a directory");
    if (!fs::is_empty(m_target) && !fs::exists(m_target / "manifest.json"))
      throw invalid_input(shown + " exists and is not a gradflow output directory (no manifest.json): refusing to replace it");
  }
  // Create the staging directory now (and any missing parents, removed again if the run writes
  // nothing): permission checks such as access() say yes to root even where nothing can be created.
  for (fs::path p = m_target.parent_path(); !p.empty() && !fs::exists(p, ec); p = p.parent_path())
    m_created_parents.push_back(p);
  m_staging = private_sibling(m_target, "partial");
  fs::create_directories(m_staging, ec);
  if (ec) {
    remove_created();
    throw invalid_input(shown + " is not writable: " + ec.message());
  }
}

void output_dir::remove_created() {
  std::error_code ec;
  fs::remove_all(m_staging, ec);
  for (const fs::path& p : m_created_parents) fs::remove(p, ec);  // innermost first; only if still empty
}

output_dir::~output_dir() {
  if (!m_committed) remove_created();
}

void output_dir::write(const fs::path& relative, std::string_view content) {
  const fs::path file = m_staging / relative;
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

void output_dir::commit() {
  const fs::path old = private_sibling(m_target, "old");
  const bool replace = fs::exists(m_target);
  if (replace) fs::rename(m_target, old);
  fs::rename(m_staging, m_target);
  if (replace) fs::remove_all(old);
  m_committed = true;
}

}  // namespace gradflow
