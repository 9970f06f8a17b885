// gradflow: rigorous numerical experiments on gradient flows (command-line front end).
#include "check_command.hpp"
#include "plot_command.hpp"
#include "run_command.hpp"
#include "sweep_command.hpp"
#include "verify_command.hpp"

#include "gradflow/checks/catalogue.hpp"
#include "gradflow/config.hpp"
#include "gradflow/integrate/method.hpp"
#include "gradflow/run/model_entry.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <exception>

namespace {

// The models from their entries (run/model_entry.hpp), then losses, methods, scalars and the catalogue.
void print_list() {
  int width = 0;
  for (const gradflow::model_entry* e : gradflow::model_entries())
    width = std::max(width, static_cast<int>(e->kind.size()));
  bool first = true;
  for (const gradflow::model_entry* e : gradflow::model_entries()) {
    std::string summary(e->summary);
    const std::size_t indent = 10 + static_cast<std::size_t>(width) + 1;
    for (std::size_t at = 0; (at = summary.find('\n', at)) != std::string::npos; at += indent + 1)
      summary.insert(at + 1, indent, ' ');
    std::printf("%s%-*s %s\n", first ? "models:   " : "          ", width, std::string(e->kind).c_str(),
                summary.c_str());
    first = false;
  }
  std::printf(
      "losses:   square ½Σ(ŷ − y)² (all models); exponential Σ exp(−yŷ), logistic Σ ln(1 + exp(−yŷ))");
  std::string more;
  for (const gradflow::model_entry* e : gradflow::model_entries())
    if (e->losses.size() > 1) more += (more.empty() ? "" : ", ") + std::string(e->kind);
  std::printf(" (%s)\n", more.c_str());
  std::printf(
      "methods:  taylor (adaptive high-order Taylor series; stop.loss_below; time_change = \"loss\"), rk78, dopri5,\n"
      "          bulirsch_stoer (odeint)\n");
  std::printf("scalars:  mpfr (precision.digits decimal digits), float64\n");
  std::printf("checks:   (statement; models; proofs/<id>.md)\n");
  for (const auto& e : gradflow::check_catalogue())
    std::printf("  %-24s %s [%s]\n", std::string(e.id).c_str(), std::string(e.statement).c_str(),
                gradflow::models_reporting(e.id).c_str());
}

// --help's list of [model] keys, per model, from the entries.
std::string model_keys_help() {
  std::string out = "Config keys: [model] kind, loss, and the keys of each model.kind:\n";
  for (const gradflow::model_entry* e : gradflow::model_entries()) {
    out += "  " + std::string(e->kind) + ":";
    for (std::size_t i = 0; i < e->keys.size(); ++i) out += (i ? ", " : " ") + std::string(e->keys[i].name);
    out += "\n";
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace gradflow::cli;
  CLI::App app{
      "gradflow " GRADFLOW_VERSION
      ": gradient flows θ̇ = −∇L(θ) in arbitrary precision.\n"
      "Exit codes: 0 success, 1 integration failed, output not writable or a check failed, 2 bad input or usage\n"
      "(nothing written) or --out changed during the run (results beside it), 130 interrupted by SIGINT, SIGTERM\n"
      "or SIGHUP (complete files written, stop_reason = \"interrupted\"; before the first step or at a second\n"
      "signal: nothing written)."};
  app.set_version_flag("--version",
                       std::string("gradflow ") + GRADFLOW_VERSION + " (" + GRADFLOW_GIT_REVISION + ")");
  app.require_subcommand(1);

  run_arguments run_args;
  auto* run = app.add_subcommand("run",
                                 "Integrate the gradient flow of CONFIG.toml and write summary.json, "
                                 "trajectory.csv, final/*.csv and manifest.json");
  run->add_option("config", run_args.config, "TOML config (README: Config)")->required();
  run->add_option("--out", run_args.out, "Output directory (default: out/<config stem>)");
  run->add_option("--set", run_args.overrides,
                  "Override a config key: --set integrator.tolerance=1e-40 (repeatable)")
      ->allow_extra_args(false);
  std::string run_format = "csv";
  run->add_option("--format", run_format,
                  "npz: also write NumPy archives beside the CSVs (the same as --set output.npz=true)")
      ->check(CLI::IsMember({"csv", "npz"}));
  run->add_flag("--quiet", run_args.quiet, "No progress lines on stderr");
  run->add_flag(
      "--resume", run_args.resume,
      "Go on from the checkpoint an interrupted, killed or time-budgeted run into the same --out left "
      "(to the same result as an uninterrupted run; none: start at t = 0)");
  run->footer(
      model_keys_help() +
      "[precision] type, digits; [integrator] method, tolerance, time_change; [stop] t_end, loss_below, max_steps,\n"
      "wall_seconds; [output] samples, spacing, state, npz, checkpoint_seconds, grid (the models that offer it:\n"
      "final/f_grid.csv, and g* in final/spline_grid.csv). Numbers are decimal strings.\n"
      "Checkpoints (rk78, and taylor on fields without kinks): every output.checkpoint_seconds (default 60) and\n"
      "where a run stops early, in the hidden file .gradflow-<hash>.checkpoint beside --out; --resume goes on.\n"
      "time_change = \"loss\" integrates in s with dt/ds = 1/L (classification losses to 1e-1000 at t ~ 1e996).\n"
      "summary.json carries the theorem checks' verdicts; exit 1 when one fails (files are still written).\n"
      "Methods: " +
      gradflow::method_names() + " (stop.loss_below needs taylor). Details: README.md.");
  verify_arguments verify_args;
  auto* verify = app.add_subcommand("verify",
                                    "Run the theorem checks on built-in instances and print a table "
                                    "(id, instance, digits, measured, bound, expected, verdict, seconds)");
  verify->add_option("ids", verify_args.ids, "Check ids to run (default: all; see gradflow list)");
  verify
      ->add_option("--suite", verify_args.suite,
                   "quick (CI, under 2 minutes) or full (paper-scale sweeps, under 30 minutes)")
      ->capture_default_str();
  verify->add_option(
      "--json", verify_args.json,
      "Also write {\"checks\": [{id, instance, verdict, expected, measured, bound, detail, seconds}]}");
  verify->footer(
      "Exit codes: 0 every instance gave its pinned (expected) verdict, 1 one did not (or threw), 2 bad usage.");
  check_arguments check_args;
  auto* check =
      app.add_subcommand("check",
                         "Judge a trajectory as given (a run directory or any implementation's output): "
                         "flow.path_defect and the model's checks");
  check
      ->add_option("dir", check_args.dir,
                   "Directory with config.toml and trajectory.csv (t and the state columns)")
      ->required();
  check->add_option("ids", check_args.ids,
                    "Check ids to run (default: flow.path_defect and every check of the model)");
  check->add_option("--json", check_args.json,
                    "Also write {\"checks\": [{id, instance, verdict, measured, bound, detail, seconds}]}");
  check->add_option("--tolerance", check_args.tolerance,
                    "Claimed tolerance (default: integrator.tolerance of config.toml)");
  check->add_flag("--quiet", check_args.quiet, "No progress lines on stderr");
  check->footer(
      "trajectory.csv needs t and one column per state entry, <matrix>_<row>_<col> 1-based as in final/<matrix>.csv\n"
      "(gradflow run writes them with output.state = true); loss columns are optional, a steps column (accepted steps\n"
      "before each row) tightens the bound. precision.type and integrator.tolerance of config.toml declare the accuracy\n"
      "claimed. Exit codes: 0 no check failed, 1 a check failed, 2 bad input (nothing written).");
  sweep_arguments sweep_args;
  auto* sweep =
      app.add_subcommand("sweep",
                         "Run a base config over a grid of values (SWEEP.toml: base, [axes], [set]): "
                         "one run directory per point and sweep.csv; under mpirun across ranks");
  sweep->add_option("sweep", sweep_args.file, "Sweep file (TOML; README: Sweeps)")->required();
  sweep->add_option("--out", sweep_args.out, "Output directory (default: out/<sweep stem>)");
  sweep->add_option("--jobs", sweep_args.jobs, "Runs at once on this machine (default: the number of cores)");
  sweep->add_option("--task", sweep_args.task,
                    "Run only the points i with i mod M = K (K 0-based: $SLURM_ARRAY_TASK_ID)");
  sweep->add_option("--tasks", sweep_args.tasks, "The number of shares M (with --task)");
  sweep->add_flag("--quiet", sweep_args.quiet, "No progress lines on stderr");
  sweep->footer(
      "Grid: every combination of the [axes] values, row-major in the order the axes are\n"
      "written (the last varies fastest). Point i runs `gradflow run BASE --set key=value ...`\n"
      "into OUT/run-<i>, skipped when that directory holds a complete run of exactly its\n"
      "resolved config. OUT/sweep.csv: one row per point (the axes, run, stop_reason, t_final,\n"
      "loss_final, log10_loss_final, steps, wall_seconds, one verdict column per check id),\n"
      "rebuilt from the run directories after every run. Under `mpirun -np P`, rank 0\n"
      "dispatches to P - 1 worker ranks (--jobs unused). Exit codes: 0 every run of the share\n"
      "is fine, 1 one failed (a check failed or the run ended with an error; the sweep goes\n"
      "on), 2 bad input (nothing written), 130 interrupted (runs in flight stop cleanly; the\n"
      "same command runs the rest).");
  plot_arguments plot_args;
  auto* plot = add_plot_subcommand(app, plot_args);
  auto* list = app.add_subcommand("list", "Show models, losses, methods and check ids");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "gradflow: %s (see gradflow --help)\n", e.what());
    return exit_bad_input;
  }
  if (list->parsed()) {
    print_list();
    return exit_success;
  }
  if (run->parsed() && run->count("--out") && run_args.out.empty()) {
    std::fprintf(stderr,
                 "gradflow: --out = \"\" is empty: give a directory (or omit --out for out/<config stem>)\n");
    return exit_bad_input;
  }
  if (run_format == "npz") run_args.overrides.emplace_back("output.npz=true");
  for (int i = 0; i < argc; ++i) run_args.command_line.emplace_back(argv[i]);
  try {
    if (verify->parsed()) return verify_command(verify_args);
    if (check->parsed()) return check_command(check_args);
    if (plot->parsed()) return plot_command(plot_args);
    if (sweep->parsed()) {
      sweep_args.has_jobs = sweep->count("--jobs") > 0;
      sweep_args.has_task = sweep->count("--task") > 0;
      sweep_args.has_tasks = sweep->count("--tasks") > 0;
      if (sweep->count("--out") && sweep_args.out.empty()) {
        std::fprintf(
            stderr,
            "gradflow: --out = \"\" is empty: give a directory (or omit --out for out/<sweep stem>)\n");
        return exit_bad_input;
      }
      return sweep_command(sweep_args);
    }
    return run_command(run_args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gradflow: internal error: %s\n", e.what());
    return exit_failure;
  }
}
