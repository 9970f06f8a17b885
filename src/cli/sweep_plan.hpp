#pragma once
// A sweep file (README "Sweeps"): a base config, axes of values over any config key and fixed
// overrides, expanded into the full grid. Every point's config is loaded (so validated) here, before
// anything runs or is written.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace gradflow::cli {

/// One axis of the grid: a config key ("section.key") and its values, each as `--set` text.
struct sweep_axis {
  std::string key;
  std::vector<std::string> values;
};

/// One grid point: its run directory and the overrides that make its config from the base.
struct sweep_point {
  std::size_t index = 0;               ///< position in grid order (0-based)
  std::string name;                    ///< run directory name under OUT, e.g. "run-0007"
  std::vector<std::string> values;     ///< one per axis, as written into sweep.csv
  std::vector<std::string> overrides;  ///< "key=value" for --set: [set] first, then the axes
  std::string resolved_toml;           ///< the config.toml its run writes (resolved_toml of its config)
};

/// A loaded sweep: the base config, the axes in the order written and every point in grid order
/// (row-major: the first axis varies slowest, the last fastest).
struct sweep_plan {
  std::filesystem::path file;       ///< the sweep file as given
  std::filesystem::path base;       ///< the base config, absolute
  std::vector<sweep_axis> axes;     ///< in the order they are written
  std::vector<std::string> fixed;   ///< [set] as "key=value", in the order written
  std::vector<sweep_point> points;  ///< the full grid
};

/// Largest grid a sweep file may describe.
inline constexpr std::size_t max_sweep_points = 1000000;

/// Reads a sweep file and loads every point's config (load_config(base, overrides)). Throws
/// invalid_input with one message naming the file, the key or point, the value and the rule.
sweep_plan load_sweep(const std::filesystem::path& file);

/// "run-0007": the run directory of point `index` in a grid of `n_points` (at least 4 digits, as
/// many as the largest index needs).
std::string run_name(std::size_t index, std::size_t n_points);

/// "model.seed = 3, precision.digits = 60": a point's axis values, for messages.
std::string describe_point(const sweep_plan& plan, const sweep_point& point);

}  // namespace gradflow::cli
