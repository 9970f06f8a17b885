#pragma once
// Where a sweep's runs execute: each point is a child process `gradflow run …` (MPFR's precision
// is process-global, and a child keeps every guarantee of `run`: safe output directory, signals,
// manifest). A local pool keeps up to N children; under mpirun the MPI ranks are the slots
// (sweep_mpi.cpp). Dispatch is dynamic: the next point starts when a slot frees.
#include <sys/types.h>

#include <cstddef>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gradflow::cli {

/// One point to run: its index in the grid and the child's argv (argv[0] the gradflow binary).
struct sweep_job {
  std::size_t index = 0;
  std::vector<std::string> argv;
};

/// How a point's child process ended.
struct sweep_outcome {
  std::size_t index = 0;
  int exit_code = 0;        ///< the child's exit code; 128 + signal when a signal ended it
  std::string stderr_text;  ///< what the child wrote on stderr
};

/// A running child `gradflow run …`: its own process group (a Ctrl-C at the terminal reaches the
/// sweep only, which forwards it once), stdin and stdout on /dev/null, stderr into a temporary file.
class child_process {
 public:
  /// Starts argv (posix_spawn); throws std::system_error when it cannot.
  explicit child_process(const std::vector<std::string>& argv);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  /// The exit code once the child has ended (reaped), without waiting.
  std::optional<int> poll();
  /// Sends `signal` to the child while it runs.
  void signal(int signal) const;
  /// What the child wrote on stderr (read once it has ended).
  std::string stderr_text() const;

 private:
  pid_t m_pid = -1;
  std::FILE* m_stderr = nullptr;
};

/// The slots that run a sweep's points.
class sweep_executor {
 public:
  virtual ~sweep_executor() = default;
  /// Number of slots (points that may run at once).
  virtual std::size_t slots() const = 0;
  /// Points running now.
  virtual std::size_t in_flight() const = 0;
  /// Starts a point in a free slot (requires in_flight() < slots()).
  virtual void start(const sweep_job& job) = 0;
  /// One point that has ended since the last call, if any; never waits.
  virtual std::optional<sweep_outcome> poll() = 0;
  /// The `count`-th interrupt of the sweep (1, 2, …): the first and second are forwarded to every
  /// running child as SIGINT (a clean stop, then an immediate one), later ones as SIGKILL.
  virtual void interrupt(int count) = 0;
};

/// Up to `jobs` children on this machine.
class local_pool final : public sweep_executor {
 public:
  explicit local_pool(std::size_t jobs) : m_jobs(jobs) {}
  std::size_t slots() const override { return m_jobs; }
  std::size_t in_flight() const override { return m_running.size(); }
  void start(const sweep_job& job) override;
  std::optional<sweep_outcome> poll() override;
  void interrupt(int count) override;

 private:
  struct running {
    std::size_t index;
    std::unique_ptr<child_process> child;
  };
  std::size_t m_jobs;
  std::vector<running> m_running;
};

/// The signal a sweep's `count`-th interrupt forwards to its children (SIGINT twice, then SIGKILL).
int forwarded_signal(int count);

/// From now on SIGINT, SIGTERM and SIGHUP are only counted (sweep_signal_count()): the sweep
/// forwards them to its children and stops dispatching. SIGPIPE is ignored.
void install_sweep_signals();
/// Signals counted since install_sweep_signals().
int sweep_signal_count();

/// Path of the running gradflow binary (/proc/self/exe resolved), argv[0] of every child.
std::string self_executable();

}  // namespace gradflow::cli
