// Master–worker over MPI ranks (README "Sweeps", mpirun). Only argv and results travel: every rank
// reads and writes the same OUT (a shared file system across machines), and the runs themselves are
// the same `gradflow run` children as in the local pool, so the output is the same.
#include "sweep_mpi.hpp"

#include <cstdlib>
#include <cstdio>
#include <string>

#if GRADFLOW_WITH_MPI
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/vector.hpp>

#include <signal.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>
#endif

namespace gradflow::cli {

bool is_mpi_launch() {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  return size && std::atol(size) > 1;
}

#if GRADFLOW_WITH_MPI

namespace {

namespace mpi = boost::mpi;

// Master → worker: tag_job (a job_message), tag_interrupt (the sweep's interrupt count), tag_stop.
// Worker → master: tag_result (a result_message).
enum message_tag : int { tag_job = 1, tag_result = 2, tag_interrupt = 3, tag_stop = 4 };

struct job_message {
  std::uint64_t index = 0;
  std::vector<std::string> argv;
  template <class Archive>
  void serialize(Archive& a, unsigned) {
    a& index& argv;
  }
};

struct result_message {
  std::uint64_t index = 0;
  int exit_code = 0;
  std::string stderr_text;
  template <class Archive>
  void serialize(Archive& a, unsigned) {
    a& index& exit_code& stderr_text;
  }
};

void pause() { std::this_thread::sleep_for(std::chrono::milliseconds(10)); }

// The ranks 1 … size − 1 as the master's slots, one point each at a time.
class mpi_workers final : public sweep_executor {
 public:
  explicit mpi_workers(mpi::communicator& world)
      : m_world(world), m_busy(static_cast<std::size_t>(world.size()), false) {}
  // Releases every worker whatever way the master ends (bad input included).
  ~mpi_workers() override {
    for (int r = 1; r < m_world.size(); ++r) m_world.send(r, tag_stop);
  }
  mpi_workers(const mpi_workers&) = delete;
  mpi_workers& operator=(const mpi_workers&) = delete;

  std::size_t slots() const override { return m_busy.size() - 1; }
  std::size_t in_flight() const override {
    std::size_t n = 0;
    for (std::size_t r = 1; r < m_busy.size(); ++r) n += m_busy[r];
    return n;
  }
  void start(const sweep_job& job) override {
    for (std::size_t r = 1; r < m_busy.size(); ++r) {
      if (m_busy[r]) continue;
      m_world.send(static_cast<int>(r), tag_job, job_message{job.index, job.argv});
      m_busy[r] = true;
      return;
    }
  }
  std::optional<sweep_outcome> poll() override {
    const auto status = m_world.iprobe(mpi::any_source, tag_result);
    if (!status) return std::nullopt;
    result_message m;
    m_world.recv(status->source(), tag_result, m);
    m_busy[static_cast<std::size_t>(status->source())] = false;
    return sweep_outcome{static_cast<std::size_t>(m.index), m.exit_code, m.stderr_text};
  }
  void interrupt(int count) override {
    for (std::size_t r = 1; r < m_busy.size(); ++r)
      if (m_busy[r]) m_world.send(static_cast<int>(r), tag_interrupt, count);
  }

 private:
  mpi::communicator& m_world;
  std::vector<bool> m_busy;
};

// A worker rank: runs the points it is sent, one at a time, until tag_stop. The k-th interrupt
// reaches its child once, whether it comes from the master or as a signal to this rank (mpirun
// signals every rank on Ctrl-C).
int worker(mpi::communicator& world) {
  install_sweep_signals();
  std::unique_ptr<child_process> child;
  std::uint64_t index = 0;
  int forwarded = 0;
  const auto forward = [&](int count) {
    if (count <= forwarded) return;
    forwarded = count;
    if (child) child->signal(forwarded_signal(count));
  };
  for (;;) {
    bool progressed = false;
    if (const auto status = world.iprobe(0, mpi::any_tag)) {
      progressed = true;
      if (status->tag() == tag_stop) {
        world.recv(0, tag_stop);
        if (child) {  // the master ended early: stop the run cleanly rather than orphan it
          child->signal(SIGINT);
          while (!child->poll()) pause();
        }
        return 0;
      }
      if (status->tag() == tag_interrupt) {
        int count = 0;
        world.recv(0, tag_interrupt, count);
        forward(count);
      } else if (status->tag() == tag_job) {
        job_message job;
        world.recv(0, tag_job, job);
        index = job.index;
        try {
          child = std::make_unique<child_process>(job.argv);
        } catch (const std::system_error& e) {
          world.send(0, tag_result, result_message{index, 1, std::string("gradflow: ") + e.what() + "\n"});
        }
      }
    }
    forward(sweep_signal_count());
    if (child) {
      if (const auto code = child->poll()) {
        world.send(0, tag_result, result_message{index, *code, child->stderr_text()});
        child.reset();
        progressed = true;
      }
    }
    if (!progressed) pause();
  }
}

}  // namespace

int run_under_mpi(const sweep_master& master) {
  const mpi::environment environment;
  mpi::communicator world;
  if (world.rank() != 0) return worker(world);
  mpi_workers workers(world);
  const std::size_t n = workers.slots();
  return master(workers, std::to_string(n) + (n == 1 ? " MPI worker rank" : " MPI worker ranks"));
}

#else

int run_under_mpi(const sweep_master&) {
  std::fprintf(stderr,
               "gradflow: started by mpirun, but this gradflow was built without MPI (GRADFLOW_WITH_MPI is "
               "OFF: scripts/install-deps installs Boost.MPI and Open MPI, then rebuild); without mpirun, "
               "--jobs N runs the sweep on this machine\n");
  return 2;
}

#endif

}  // namespace gradflow::cli
