#pragma once
// `gradflow sweep` under mpirun (Open MPI + Boost.MPI): rank 0 is the master (the plan, dispatch,
// sweep.csv), every other rank a worker that runs one point at a time as a child process. Built
// with GRADFLOW_WITH_MPI (CMake); otherwise an mpirun launch is refused.
#include "sweep_pool.hpp"

#include <functional>
#include <string>

namespace gradflow::cli {

/// Whether mpirun started this process as one of several ranks: OMPI_COMM_WORLD_SIZE > 1 in the
/// environment (Open MPI's launcher sets it). MPI is initialised only then, so that the plain
/// binary never touches MPI.
bool is_mpi_launch();

/// The master's work: run the sweep on `workers`, described as `where` in progress lines.
using sweep_master = std::function<int(sweep_executor& workers, const std::string& where)>;

/// Initialises MPI; rank 0 runs `master` with the other ranks as its slots and returns its exit
/// code, every other rank runs the points it is sent until the master ends (then returns 0).
/// Without GRADFLOW_WITH_MPI: prints why and returns 2.
int run_under_mpi(const sweep_master& master);

}  // namespace gradflow::cli
