// `gradflow sweep SWEEP.toml`: a base config over a grid of values, one `gradflow run` child per
// point (README "Sweeps"). The plan is validated whole before anything is written; the runs are
// dispatched dynamically to a local pool or to MPI ranks; sweep.csv is rebuilt from the run
// directories on disk after every finished run, so a killed sweep loses only the runs in flight.
#include "sweep_command.hpp"

#include "run_command.hpp"
#include "sweep_mpi.hpp"
#include "sweep_plan.hpp"
#include "sweep_pool.hpp"
#include "sweep_table.hpp"

#include "gradflow/io/invalid_input.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <deque>
#include <set>
#include <system_error>
#include <thread>

namespace gradflow::cli {

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

void check_arguments(const sweep_arguments& a) {
  if (a.has_jobs && a.jobs < 1)
    throw invalid_input("--jobs = " + std::to_string(a.jobs) + " violates jobs >= 1");
  if (a.has_task && !a.has_tasks)
    throw invalid_input("--task " + std::to_string(a.task) + " needs --tasks M (the number of shares)");
  if (a.has_tasks && !a.has_task)
    throw invalid_input("--tasks " + std::to_string(a.tasks) +
                        " needs --task K (the share to run, 0 <= K < M)");
  if (a.has_tasks && (a.tasks < 1 || a.task < 0 || a.task >= a.tasks))
    throw invalid_input("--task " + std::to_string(a.task) + " --tasks " + std::to_string(a.tasks) +
                        " violates 0 <= K < M (K is 0-based, like SLURM_ARRAY_TASK_ID with --array=0-" +
                        std::to_string(a.tasks > 0 ? a.tasks - 1 : 0) + ")");
}

// The child's command line: `gradflow run BASE --out OUT/<run> --quiet --set k=v …`.
sweep_job job_of(const sweep_plan& plan, const fs::path& out, std::size_t index) {
  sweep_job job{index,
                {self_executable(), "run", plan.base.string(), "--out",
                 (out / plan.points[index].name).string(), "--quiet", "--resume"}};
  for (const auto& o : plan.points[index].overrides) job.argv.insert(job.argv.end(), {"--set", o});
  return job;
}

// The child's stderr, one line per line, each naming the run ("gradflow: run-0003: …").
void relay_stderr(const std::string& name, const std::string& text) {
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    if (line.starts_with("gradflow: ")) line.erase(0, 10);
    std::fprintf(stderr, "gradflow: %s: %s\n", name.c_str(), line.c_str());
    at = end + 1;
  }
}

std::string seconds_text(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", s);
  return text;
}

// What one invocation did with its share.
struct sweep_counts {
  std::size_t share = 0, skipped = 0, ran = 0, failed = 0, interrupted = 0;
};

class sweep_run {
 public:
  sweep_run(const sweep_arguments& args, const sweep_plan& plan, fs::path out, sweep_executor& pool)
      : m_args(args), m_plan(plan), m_out(std::move(out)), m_pool(pool) {}

  int operator()(const std::string& where) {
    for (std::size_t i = 0; i < m_plan.points.size(); ++i)
      if (!m_args.has_tasks ||
          static_cast<std::int64_t>(i % static_cast<std::size_t>(m_args.tasks)) == m_args.task)
        m_share.push_back(i);
    m_counts.share = m_share.size();
    std::deque<std::size_t> todo;
    for (std::size_t i : m_share) {
      if (is_point_done(m_out, m_plan.points[i]))
        ++m_counts.skipped;
      else
        todo.push_back(i);
    }
    if (!m_args.quiet)
      std::fprintf(stderr, "gradflow: sweep: %s%zu points, %zu done already (skipped), %zu to run on %s\n",
                   share_text().c_str(), m_counts.share, m_counts.skipped, todo.size(), where.c_str());
    int handled = 0;
    while (!todo.empty() || m_pool.in_flight() > 0) {
      bool progressed = false;
      if (const int signals = sweep_signal_count(); signals > handled) {
        handled = signals;
        m_pool.interrupt(signals);
        todo.clear();  // dispatch stops at the first signal
      }
      while (!todo.empty() && m_pool.in_flight() < m_pool.slots()) {
        start(todo.front());
        todo.pop_front();
        progressed = true;
      }
      while (const auto done = m_pool.poll()) {
        finish(*done, todo.size());
        progressed = true;
      }
      if (!progressed) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const bool failed = write_sweep_csv(m_plan, m_out, m_errors, m_share);
    std::size_t done = 0;
    for (std::size_t i : m_share) done += is_point_done(m_out, m_plan.points[i]);
    std::printf("gradflow: wrote %s (%s%zu points: %s; %zu of %zu done)\n", (m_out / "sweep.csv").c_str(),
                share_text().c_str(), m_counts.share, counts_text().c_str(), done, m_counts.share);
    if (handled > 0) {
      std::fprintf(stderr,
                   "gradflow: sweep interrupted: %zu of %zu points done; the same command runs the rest\n",
                   done, m_counts.share);
      return exit_interrupted;
    }
    return failed ? exit_failure : exit_success;
  }

 private:
  // "5 ran, 2 skipped, 1 failed" (failed runs are among those that ran), ", 2 interrupted" when any.
  std::string counts_text() const {
    std::string text = std::to_string(m_counts.ran) + " ran, " + std::to_string(m_counts.skipped) +
                       " skipped, " + std::to_string(m_counts.failed) + " failed";
    if (m_counts.interrupted) text += ", " + std::to_string(m_counts.interrupted) + " interrupted";
    return text;
  }

  std::string share_text() const {
    if (!m_args.has_tasks) return "";
    return "task " + std::to_string(m_args.task) + " of " + std::to_string(m_args.tasks) + " (0-based): ";
  }

  void start(std::size_t index) {
    try {
      m_pool.start(job_of(m_plan, m_out, index));
    } catch (const std::system_error& e) {
      std::fprintf(stderr, "gradflow: %s: %s\n", m_plan.points[index].name.c_str(), e.what());
      record_error(index);
    }
  }

  void record_error(std::size_t index) {
    m_errors.insert(index);
    ++m_counts.failed;
    ++m_counts.ran;
    write_sweep_csv(m_plan, m_out, m_errors, m_share);
  }

  void finish(const sweep_outcome& done, std::size_t queued) {
    const sweep_point& p = m_plan.points[done.index];
    relay_stderr(p.name, done.stderr_text);
    // A run that wrote its directory is judged from it (a failed check is a verdict in sweep.csv);
    // one that ended with an error and wrote nothing is recorded as stop_reason "error". A run
    // stopped by a signal before its first step wrote nothing and is simply not done.
    const bool wrote = has_point_run(m_out, p);
    if (done.exit_code == exit_interrupted || (wrote && is_interrupted(p))) {
      ++m_counts.interrupted;
    } else if (++m_counts.ran, done.exit_code != exit_success) {
      ++m_counts.failed;
      if (!wrote) m_errors.insert(done.index);
      std::fprintf(stderr, "gradflow: %s (%s) failed with exit code %d%s\n", p.name.c_str(),
                   describe_point(m_plan, p).c_str(), done.exit_code,
                   wrote ? " (run directory written)" : "");
    }
    write_sweep_csv(m_plan, m_out, m_errors, m_share);
    if (m_args.quiet) return;
    const std::size_t finished = m_counts.skipped + m_counts.ran;
    const double elapsed = std::chrono::duration<double>(clock_type::now() - m_start).count();
    const std::size_t left = queued + m_pool.in_flight();
    const double eta =
        m_counts.ran ? elapsed / static_cast<double>(m_counts.ran) * static_cast<double>(left) : 0;
    std::fprintf(stderr, "gradflow: sweep: %zu/%zu (%s), %zu running, %s, ETA %s\n", finished, m_counts.share,
                 counts_text().c_str(), m_pool.in_flight(), seconds_text(elapsed).c_str(),
                 seconds_text(eta).c_str());
  }

  bool is_interrupted(const sweep_point& p) const {
    return has_point_run(m_out, p) && !is_point_done(m_out, p);
  }

  const sweep_arguments& m_args;
  const sweep_plan& m_plan;
  const fs::path m_out;
  sweep_executor& m_pool;
  std::vector<std::size_t> m_share;
  std::set<std::size_t> m_errors;
  sweep_counts m_counts;
  clock_type::time_point m_start = clock_type::now();
};

// Everything that can be refused is refused here, before OUT is created.
int run_sweep(const sweep_arguments& args, sweep_executor& pool, const std::string& where) {
  sweep_plan plan;
  fs::path out;
  try {
    check_arguments(args);
    plan = load_sweep(args.file);
    out = fs::absolute(args.out.empty() ? fs::path("out") / args.file.stem() : args.out).lexically_normal();
    if (out.filename().empty()) out = out.parent_path();
    check_out_dir(out, plan);
  } catch (const invalid_input& e) {
    std::fprintf(stderr, "gradflow: %s\n", e.what());
    return exit_bad_input;
  }
  install_sweep_signals();
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) {
    std::fprintf(stderr, "gradflow: cannot create --out = \"%s\": %s\n", out.c_str(), ec.message().c_str());
    return exit_failure;
  }
  try {
    return sweep_run(args, plan, out, pool)(where);
  } catch (const std::system_error& e) {  // sweep.csv not writable
    std::fprintf(stderr, "gradflow: %s\n", e.what());
    return exit_failure;
  }
}

}  // namespace

int sweep_command(const sweep_arguments& args) {
  const sweep_master master = [&](sweep_executor& workers, const std::string& where) {
    return run_sweep(args, workers, where);
  };
  if (is_mpi_launch()) return run_under_mpi(master);
  std::size_t jobs = static_cast<std::size_t>(args.jobs);
  if (!args.has_jobs) jobs = std::max(1u, std::thread::hardware_concurrency());
  if (args.has_jobs && args.jobs < 1) jobs = 1;  // refused by check_arguments, with its message
  local_pool pool(jobs);
  return master(pool, std::to_string(jobs) + (jobs == 1 ? " local process" : " local processes"));
}

}  // namespace gradflow::cli
