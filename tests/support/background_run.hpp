#pragma once
// gradflow started in the background (posix_spawn), for tests that act while a run is under way:
// write into --out, send signals, delete an input.
#include "support/sandbox.hpp"

#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace gradflow::test {

// gradflow started in the background, stdout and stderr into the sandbox.
class background_run {
 public:
  background_run(const sandbox& box, const std::vector<std::string>& args) : m_box(box) {
    std::vector<std::string> argv{GRADFLOW_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> pointers;
    for (auto& a : argv) pointers.push_back(a.data());
    pointers.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, box.path("stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addopen(&actions, 2, box.path("stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    BOOST_REQUIRE(posix_spawn(&m_pid, GRADFLOW_BINARY, &actions, nullptr, pointers.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~background_run() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
  }
  background_run(const background_run&) = delete;
  background_run& operator=(const background_run&) = delete;

  /// Waits (up to 120 s) until the first progress line: the integration is running.
  void wait_for_progress() const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (slurp(m_box.path("stderr")).find("gradflow: t = ") == std::string::npos) {
      BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
                            "no progress line: " + slurp(m_box.path("stderr")));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  void signal(int s) const { ::kill(m_pid, s); }
  pid_t pid() const { return m_pid; }
  /// Exit status (128 + signal when killed), with the streams.
  run_result wait() {
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return {code, slurp(m_box.path("stdout")), slurp(m_box.path("stderr"))};
  }

 private:
  const sandbox& m_box;
  pid_t m_pid = -1;
};

}  // namespace gradflow::test
