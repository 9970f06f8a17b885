#include "sweep_pool.hpp"

#include "progress.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <system_error>

extern char** environ;

namespace gradflow::cli {

child_process::child_process(const std::vector<std::string>& argv) {
  m_stderr = std::tmpfile();  // unlinked already: nothing is left behind, whatever happens
  if (!m_stderr) throw std::system_error(errno, std::generic_category(), "cannot create a temporary file");
  std::vector<std::string> args = argv;
  std::vector<char*> pointers;
  for (auto& a : args) pointers.push_back(a.data());
  pointers.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fileno(m_stderr), 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own process group; default dispositions and an empty mask (the sweep's handlers and a
  // mask held during a commit must not leak into the run).
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) sigaddset(&defaults, s);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &empty);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  const int error = posix_spawn(&m_pid, pointers[0], &actions, &attributes, pointers.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) {
    std::fclose(m_stderr);
    m_stderr = nullptr;
    m_pid = -1;
    throw std::system_error(error, std::generic_category(), "cannot start " + argv[0]);
  }
}

child_process::~child_process() {
  if (m_pid > 0) {  // still running (the sweep is unwinding): it must not outlive us unseen
    ::kill(m_pid, SIGKILL);
    while (::waitpid(m_pid, nullptr, 0) < 0 && errno == EINTR) {}
  }
  if (m_stderr) std::fclose(m_stderr);
}

std::optional<int> child_process::poll() {
  if (m_pid <= 0) return std::nullopt;
  int status = 0;
  const pid_t r = ::waitpid(m_pid, &status, WNOHANG);
  if (r != m_pid) return std::nullopt;
  m_pid = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void child_process::signal(int signal) const {
  if (m_pid > 0) ::kill(m_pid, signal);
}

std::string child_process::stderr_text() const {
  std::string text;
  if (!m_stderr) return text;
  std::fflush(m_stderr);
  std::rewind(m_stderr);
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, m_stderr)) > 0;) text.append(buffer, n);
  return text;
}

void local_pool::start(const sweep_job& job) {
  m_running.push_back({job.index, std::make_unique<child_process>(job.argv)});
}

std::optional<sweep_outcome> local_pool::poll() {
  for (std::size_t k = 0; k < m_running.size(); ++k) {
    if (const auto code = m_running[k].child->poll()) {
      sweep_outcome done{m_running[k].index, *code, m_running[k].child->stderr_text()};
      m_running.erase(m_running.begin() + static_cast<std::ptrdiff_t>(k));
      return done;
    }
  }
  return std::nullopt;
}

void local_pool::interrupt(int count) {
  for (const auto& r : m_running) r.child->signal(forwarded_signal(count));
}

namespace {
volatile std::sig_atomic_t g_signals = 0;
extern "C" void on_sweep_signal(int) { g_signals = g_signals + 1; }
}  // namespace

void install_sweep_signals() { on_stop_signals(on_sweep_signal); }

int sweep_signal_count() { return g_signals; }

int forwarded_signal(int count) { return count <= 2 ? SIGINT : SIGKILL; }

std::string self_executable() {
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("/proc/self/exe") : p.string();
}

}  // namespace gradflow::cli
