#pragma once
// A scratch directory per test case for tests that run the gradflow executable through the shell.
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace gradflow::test {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string quote(const fs::path& p) { return "'" + p.string() + "'"; }

/// Exit status and captured streams of one gradflow invocation.
struct run_result {
  int exit_code;
  std::string out;
  std::string err;
};

/// A fresh directory per test case, removed afterwards; holds inputs and the captured streams.
class sandbox {
 public:
  sandbox() {
    static int counter = 0;
    m_dir = fs::temp_directory_path() / ("gradflow-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
  }
  ~sandbox() {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }
  sandbox(const sandbox&) = delete;
  sandbox& operator=(const sandbox&) = delete;

  fs::path path(const std::string& name) const { return m_dir / name; }

  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }

  /// `prefix` + " gradflow " + `args` through the shell, stdout and stderr captured in the sandbox.
  run_result run(const std::string& args, const std::string& prefix = "") const {
    const std::string command = prefix + (prefix.empty() ? "" : " ") + GRADFLOW_BINARY + " " + args + " > " +
                                quote(path("stdout")) + " 2> " + quote(path("stderr"));
    const int status = std::system(command.c_str());
    BOOST_REQUIRE(status != -1 && WIFEXITED(status));
    return {WEXITSTATUS(status), slurp(path("stdout")), slurp(path("stderr"))};
  }

  /// Every entry below the sandbox except the captured streams.
  std::set<std::string> listing() const {
    std::set<std::string> entries;
    for (const auto& entry : fs::recursive_directory_iterator(m_dir)) {
      const std::string name = entry.path().lexically_relative(m_dir).string();
      if (name != "stdout" && name != "stderr") entries.insert(name);
    }
    return entries;
  }

 private:
  fs::path m_dir;
};

}  // namespace gradflow::test
