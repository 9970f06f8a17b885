#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

namespace gradflow::cli {

/// What `gradflow sweep` was asked to do (README "Sweeps").
struct sweep_arguments {
  std::filesystem::path file;  ///< the sweep file
  std::filesystem::path out;   ///< empty: out/<sweep file stem>
  std::int64_t jobs = 0;       ///< runs at once on this machine; 0: the number of cores
  bool has_jobs = false;
  std::int64_t task = 0, tasks = 1;  ///< --task K --tasks M: the points i with i mod M = K (0-based)
  bool has_task = false, has_tasks = false;
  bool quiet = false;
};

/// Runs every point of the sweep's share that is not done yet, in child processes (a local pool, or
/// the ranks of an MPI job when started by mpirun), and rebuilds OUT/sweep.csv. Exit 0 every run of
/// the share is fine, 1 one failed (a check failed or the run ended with an error), 2 bad input
/// (nothing written), 130 interrupted.
int sweep_command(const sweep_arguments& args);

}  // namespace gradflow::cli
