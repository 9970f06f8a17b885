// gradflow plot: validates the arguments it can judge alone and runs python/gradflow/plot.py, which
// reads the directory (gradflow.load) and draws with matplotlib. The figures live in Python so that
// `python3 -m gradflow.plot` and `import gradflow.plot` draw the same thing; this file only finds
// the interpreter and the package and passes the exit code on.
#include "plot_command.hpp"

#include "run_command.hpp"

#include <CLI/CLI.hpp>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

extern char** environ;

#ifndef GRADFLOW_PYTHON_DIR
#error "GRADFLOW_PYTHON_DIR (the source tree's python/ directory) is set by CMakeLists.txt"
#endif

namespace gradflow::cli {
namespace {

namespace fs = std::filesystem;

// Debian's interpreter, which has python3-matplotlib, -numpy and -mpmath: another python3 first on
// PATH (pyenv, conda) usually lacks them.
constexpr const char* python = "/usr/bin/python3";

std::string kinds_list() {
  std::string out;
  for (const char* k : plot_kinds) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

// The package directory: $GRADFLOW_PYTHON_DIR when set (an installed copy), else the source tree's.
std::string python_dir() {
  const char* env = std::getenv("GRADFLOW_PYTHON_DIR");
  return env && *env ? std::string(env) : std::string(GRADFLOW_PYTHON_DIR);
}

// The environment of the child: ours with PYTHONPATH led by the package directory and MPLBACKEND=Agg.
std::vector<std::string> child_environment(const std::string& package_dir) {
  std::vector<std::string> env;
  std::string python_path = "PYTHONPATH=" + package_dir;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    if (entry.rfind("PYTHONPATH=", 0) == 0) {
      if (entry.size() > std::strlen("PYTHONPATH="))
        python_path += ":" + entry.substr(std::strlen("PYTHONPATH="));
    } else if (entry.rfind("MPLBACKEND=", 0) != 0) {
      env.push_back(entry);
    }
  }
  env.push_back(python_path);
  env.push_back("MPLBACKEND=Agg");
  return env;
}

int spawn_and_wait(std::vector<std::string> argv, std::vector<std::string> env) {
  std::vector<char*> args, envp;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int error = posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), envp.data());
  if (error != 0)
    throw std::system_error(error, std::generic_category(), std::string("cannot start ") + python);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid");
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

CLI::App* add_plot_subcommand(CLI::App& app, plot_arguments& args) {
  auto* plot = app.add_subcommand("plot",
                                  "Draw a run, dataset or sweep directory into a PNG (matplotlib through "
                                  "/usr/bin/python3 -m gradflow.plot)");
  plot->add_option("dir", args.dir, "Run directory, dataset directory (data/...) or sweep directory")
      ->required();
  plot->add_option(
      "--what", args.what,
      "loss (default for a run), rate, invariants, checks, sweep (default for a sweep directory)");
  plot->add_option("-o,--output", args.output, "PNG file to write")->required();
  plot->add_option("--x", args.x, "--what sweep: the axis on the x axis (default: the first numeric axis)");
  plot->add_option("--y", args.y, "--what sweep: the sweep.csv column plotted (default: wall_seconds)");
  plot->footer(
      "loss: log10 loss against t (log10 t with time_change = \"loss\"); rate: -d ln L/dt per sample interval\n"
      "with the bounds the run's checks report (min2021.rate, min2021.exp_bound) dashed; invariants: each *_drift\n"
      "column with eps of the run's precision dashed; checks: log10(measured/bound) per check, coloured by\n"
      "verdict; sweep: a column against an axis, log-log, with least-squares slopes. -o must end in .png; an\n"
      "existing file is replaced only if gradflow plot wrote it. Exit codes: 0 written, 1 not\n"
      "writable, 2 bad input or python3/matplotlib missing (one message). README: Plots.");
  return plot;
}

int plot_command(const plot_arguments& args) {
  if (!args.what.empty()) {
    bool known = false;
    for (const char* k : plot_kinds) known = known || args.what == k;
    if (!known) {
      std::fprintf(stderr, "gradflow: --what = \"%s\" must be one of %s\n", args.what.c_str(),
                   kinds_list().c_str());
      return exit_bad_input;
    }
  }
  std::error_code ec;
  if (!fs::is_directory(args.dir, ec)) {
    std::fprintf(stderr, "gradflow: DIR = \"%s\": %s\n", args.dir.c_str(),
                 fs::exists(args.dir, ec) ? "not a directory" : "no such directory");
    return exit_bad_input;
  }
  if (::access(python, X_OK) != 0) {
    std::fprintf(stderr,
                 "gradflow: plot needs %s with matplotlib (Debian: python3 python3-matplotlib python3-numpy "
                 "python3-mpmath; scripts/install-deps installs them)\n",
                 python);
    return exit_bad_input;
  }
  const std::string package_dir = python_dir();
  if (!fs::is_regular_file(fs::path(package_dir) / "gradflow" / "plot.py", ec)) {
    std::fprintf(stderr,
                 "gradflow: plot needs the gradflow Python package: %s/gradflow/plot.py is missing "
                 "(set GRADFLOW_PYTHON_DIR to the directory that holds gradflow/)\n",
                 package_dir.c_str());
    return exit_bad_input;
  }
  std::vector<std::string> argv{python, "-m", "gradflow.plot", "-o", args.output.string()};
  if (!args.what.empty()) argv.insert(argv.end(), {"--what", args.what});
  if (!args.x.empty()) argv.insert(argv.end(), {"--x", args.x});
  if (!args.y.empty()) argv.insert(argv.end(), {"--y", args.y});
  argv.insert(argv.end(), {"--", args.dir.string()});  // a DIR that starts with '-' stays a DIR
  return spawn_and_wait(std::move(argv), child_environment(package_dir));
}

}  // namespace gradflow::cli
