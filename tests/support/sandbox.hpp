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

/// Newlines in `text`.
inline std::size_t line_count(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

inline std::string quote(const fs::path& p) {
  std::string q =
      "'";  // not "'" + p.string(): GCC 12 warns falsely (-Wrestrict) on operator+(const char*, string&&)
  q += p.string();
  return q += "'";
}

/// `text` with the first occurrence of `from` (which must occur) replaced by `to`.
inline std::string replace_first(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  BOOST_REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

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
    m_dir = fs::temp_directory_path() /
            ("gradflow-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
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

  /// Writes `config` to config.toml, runs `gradflow run config.toml --out OUT --quiet ARGS` (OUT
  /// defaults to <sandbox>/out) and checks the bad-input contract: exit status 2, empty stdout, one
  /// line "gradflow: <message>" on stderr, OUT not created and nothing else in the sandbox touched.
  /// Returns the message.
  std::string reject(const std::string& config, const std::string& args = "", fs::path out = {}) const {
    write("config.toml", config);
    if (out.empty()) out = path("out");
    const bool out_existed = fs::exists(out);
    const auto before = listing();
    const run_result r =
        run("run " + quote(path("config.toml")) + " --out " + quote(out) + " --quiet " + args);
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.out.empty());
    if (!out_existed) BOOST_TEST(!fs::exists(out));
    BOOST_TEST((listing() == before), "the sandbox changed");
    const std::string prefix = "gradflow: ";
    BOOST_TEST_REQUIRE(r.err.starts_with(prefix), r.err);
    BOOST_TEST_REQUIRE(r.err.ends_with("\n"), r.err);
    BOOST_TEST_REQUIRE(r.err.find('\n') == r.err.size() - 1, r.err);
    return r.err.substr(prefix.size(), r.err.size() - prefix.size() - 1);
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
