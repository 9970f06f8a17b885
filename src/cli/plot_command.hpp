#pragma once
#include <filesystem>
#include <string>

namespace CLI {
class App;
}

namespace gradflow::cli {

/// What `gradflow plot DIR [--what KIND] -o FILE.png` was asked to do.
struct plot_arguments {
  std::filesystem::path dir;
  std::string what;  ///< empty: loss for a run, sweep for a sweep directory
  std::filesystem::path output;
  std::string x, y;  ///< --what sweep: the axis and the column (empty: the defaults)
};

/// The plot kinds, in the order messages and --help list them.
inline constexpr const char* plot_kinds[] = {"loss", "rate", "invariants", "checks", "sweep"};

/// Registers `plot` on the command line (its options, help and footer) and returns it.
CLI::App* add_plot_subcommand(CLI::App& app, plot_arguments& args);

/// Draws a run, dataset or sweep directory into a PNG through `/usr/bin/python3 -m gradflow.plot`
/// (python/gradflow/plot.py, matplotlib with the Agg backend) and returns its exit code: 0 written,
/// 1 the PNG could not be written, 2 bad input or python3/matplotlib missing (one message on stderr).
int plot_command(const plot_arguments& args);

}  // namespace gradflow::cli
