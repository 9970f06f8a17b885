#pragma once
// Memory a run will need, estimated from its config before anything large is allocated, so that a
// run that cannot fit is refused (exit 2, naming the key) instead of ending in bad_alloc or a GMP
// abort hours later (issue 16.7).
#include "gradflow/io/config.hpp"

#include <cstdint>
#include <string>

namespace gradflow {

/// Bytes the largest parts of a run hold at once (the trajectory and its trace, the CSV text, the
/// grid tables, a wide ReLU network's Taylor jet), at `bits` of precision (53: float64).
struct memory_estimate {
  double bytes = 0;
  std::string dominant_key;    ///< the config key of the largest part ("output.samples", …)
  std::string dominant_value;  ///< its value as written
};
memory_estimate estimate_memory(const run_config& c, long bits);

/// Bytes this process may still allocate: MemAvailable of /proc/meminfo, capped by the cgroup's
/// memory.max and RLIMIT_AS when set; 0 when unknown.
double available_memory();

/// Throws invalid_input naming the dominant key when the estimate exceeds what is available.
void require_memory(const run_config& c, long bits);

}  // namespace gradflow
