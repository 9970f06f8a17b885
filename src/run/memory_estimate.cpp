#include "gradflow/run/memory_estimate.hpp"

#include "gradflow/io/invalid_input.hpp"
#include "gradflow/run/model_entry.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace gradflow {

namespace {

std::string gigabytes(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f GB", bytes / 1e9);
  return text;
}

}  // namespace

memory_estimate estimate_memory(const run_config& c, long bits) {
  // One Real: the mpfr_t (32 bytes) and its limbs on the heap (malloc rounds up, 16 bytes overhead);
  // a double is 8. Printed, a number takes its digits, sign, point and exponent (10 more).
  const bool mp = !c.is_float64;
  const double real = mp ? 48 + 8 * std::ceil(static_cast<double>(bits) / 64) : 8;
  const double text = (mp ? static_cast<double>(c.digits) : 17) + 10;
  const memory_profile model = entry_of(c).memory(c);
  const double params = model.parameters + (c.time_change ? 1 : 0);
  // Per sample: the trace keeps θ (for the checks; a copy when the time is changed back) and the run
  // once more (what a checkpoint replays), the row
  // keeps t, loss, drifts and the model's columns, and trajectory.csv the text of the row plus the
  // string's growth (up to twice its length while it is built).
  const double columns = 4 + model.quantities;
  // Allocation overheads (a vector per row and per trace sample, malloc's rounding of the limbs) are
  // covered by the factor 2: examples/t1_5.toml at 60 digits stopped after about 94 000 of
  // output.samples = 200000 peaked at 528 MB, and this estimate gives 720 MB for those rows.
  const double per_sample =
      2 * (params * real * (c.time_change ? 3 : 2) + columns * real + 2 * columns * text + 128);
  const double samples = static_cast<double>(c.samples) * per_sample;
  // output.grid: x and f (and g*) per point, and two two-column tables of text.
  const double grid = c.grid ? static_cast<double>(c.grid->points) * (3 * real + 2 * 2 * 2 * text) : 0;
  // What the model's integrator keeps beyond its state (e.g. a wide ReLU network's jet per unit).
  const double width = model.extra_reals * real;
  memory_estimate e;
  e.bytes = samples + grid + width + params * real * 100;  // plus the integrator's stages and jets
  e.dominant_key = samples >= grid && samples >= width ? "output.samples"
                   : grid >= width                     ? "output.grid"
                                                       : model.extra_key;
  e.dominant_value = e.dominant_key == "output.samples" ? std::to_string(c.samples)
                     : e.dominant_key == "output.grid"  ? std::to_string(c.grid->points) + " points"
                                                        : model.extra_value;
  return e;
}

double available_memory() {
  double bytes = 0;
  {
    std::ifstream meminfo("/proc/meminfo");
    for (std::string line; std::getline(meminfo, line);)
      if (line.starts_with("MemAvailable:")) {
        std::istringstream fields(line.substr(13));
        double kb = 0;
        fields >> kb;
        bytes = kb * 1024;
      }
  }
  std::ifstream cgroup("/sys/fs/cgroup/memory.max");
  if (double limit = 0; cgroup >> limit && limit > 0) bytes = bytes > 0 ? std::min(bytes, limit) : limit;
  if (rlimit r{}; ::getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur != RLIM_INFINITY) {
    const double limit = static_cast<double>(r.rlim_cur);
    bytes = bytes > 0 ? std::min(bytes, limit) : limit;
  }
  return bytes;
}

void require_memory(const run_config& c, long bits) {
  const memory_estimate e = estimate_memory(c, bits);
  const double available = available_memory();
  if (available <= 0 || e.bytes <= available) return;
  throw invalid_input(
      e.dominant_key + " = " + e.dominant_value + " needs about " + gigabytes(e.bytes) +
      (c.is_float64 ? std::string(" in float64") : " at " + std::to_string(c.digits) + " digits") + " but " +
      gigabytes(available) + " are available: lower " + e.dominant_key +
      (c.is_float64 ? "" : " or precision.digits"));
}

}  // namespace gradflow
