// The gradflow executable keeps its command-line contract: every bad input (config, --set, matrix
// file, output directory) exits with status 2, one line "gradflow: <message>" on stderr that names
// the field, the value and the rule, and nothing written anywhere; a good run exits 0 and writes
// summary.json, trajectory.csv, final/*.csv and manifest.json, replacing an earlier output; Ctrl-C
// exits 130 with complete files and stop_reason "interrupted".
#define BOOST_TEST_MODULE cli
#include "support/configs.hpp"
#include "support/sandbox.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

using gradflow::test::line_count;
using gradflow::test::quote;
using gradflow::test::run_result;
using gradflow::test::slurp;

const std::string& base_config = gradflow::test::t1_5_quick_config;

const std::string& deep_config = gradflow::test::t1_5_deep_quick_config;

const fs::path example = fs::path(GRADFLOW_SOURCE_DIR) / "examples/t1_5.toml";

// `text` (base_config unless given) with the first occurrence of `from` replaced by `to`.
std::string edit(const std::string& from, const std::string& to, const std::string& text = base_config) {
  return gradflow::test::replace_first(text, from, to);
}

using sandbox = gradflow::test::sandbox;

bool is_sha256(const json& value) {
  if (!value.is_string()) return false;
  const std::string s = value.get<std::string>();
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(the_base_configs_are_accepted) {
  for (const std::string& config : {base_config, deep_config}) {
    sandbox box;
    box.write("config.toml", config);
    const run_result r =
        box.run("run " + quote(box.path("config.toml")) + " --out " + quote(box.path("out")) + " --quiet");
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.err.empty());
    BOOST_TEST(fs::exists(box.path("out/summary.json")));
  }
}

BOOST_AUTO_TEST_CASE(malformed_toml) {
  sandbox box;
  BOOST_TEST(box.reject("[model]\nkind = = \"linear2\"\n") ==
             box.path("config.toml").string() +
                 ":2:8: malformed TOML: Error while parsing value: could not determine value type");
}

BOOST_AUTO_TEST_CASE(missing_config_file) {
  sandbox box;
  const fs::path missing = box.path("missing.toml");
  BOOST_TEST(box.run("run " + quote(missing) + " --out " + quote(box.path("out")) + " --quiet").exit_code ==
             2);
  BOOST_TEST(slurp(box.path("stderr")) ==
             "gradflow: config file \"" + missing.string() + "\" cannot be read\n");
  BOOST_TEST(!fs::exists(box.path("out")));
}

BOOST_AUTO_TEST_CASE(unknown_key) {
  sandbox box;
  BOOST_TEST(box.reject(edit("kind = \"linear2\"", "kind = \"linear2\"\nfoo = \"1\"")) ==
             "unknown key model.foo (known keys in [model]: U0, V0, X, Y, kind, loss)");
}

BOOST_AUTO_TEST_CASE(unknown_table) {
  sandbox box;
  BOOST_TEST(box.reject(base_config + "\n[bogus]\na = 1\n") ==
             "unknown table [bogus] (known tables: integrator, model, output, precision, stop)");
}

BOOST_AUTO_TEST_CASE(unknown_model_kind) {
  sandbox box;
  BOOST_TEST(
      box.reject(edit("\"linear2\"", "\"linear3\"")) ==
      "model.kind = \"linear3\" is not a known model (known: diagonal, linear2, linear_deep, matrix_sensing, relu_shallow, tensor)");
}

BOOST_AUTO_TEST_CASE(u0_rows_differ_from_x_columns) {
  sandbox box;
  BOOST_TEST(box.reject(edit(", [\"0\", \"0\"]]", "]")) ==
             "model.U0 is 2×2 but must be n×h with n = 3 (the columns of model.X)");
}

BOOST_AUTO_TEST_CASE(v0_wrong_shape) {
  sandbox box;
  BOOST_TEST(box.reject(edit("[[\"0.1\", \"0.2\"]]", "[[\"0.1\", \"0.2\", \"0.3\"]]")) ==
             "model.V0 is 1×3 but must be m×h = 1×2 (m = columns of model.Y, h = columns of model.U0)");
}

BOOST_AUTO_TEST_CASE(y_rows_differ_from_x_rows) {
  sandbox box;
  BOOST_TEST(box.reject(edit("Y = [[\"1\"], [\"1\"]]", "Y = [[\"1\"], [\"1\"], [\"2\"]]")) ==
             "model.Y has 3 rows but model.X has 2: one row per sample in both");
}

BOOST_AUTO_TEST_CASE(ragged_rows) {
  sandbox box;
  BOOST_TEST(box.reject(edit("[\"0\", \"2\", \"0\"]", "[\"0\", \"2\"]")) ==
             "model.X[1] has 2 entries but the first row has 3: rows must have equal length");
}

BOOST_AUTO_TEST_CASE(non_numeric_string) {
  sandbox box;
  BOOST_TEST(box.reject(edit("\"-0.3\"", "\"abc\"")) ==
             "model.U0[1][1] = \"abc\" is not a finite decimal number");
}

BOOST_AUTO_TEST_CASE(empty_string) {
  sandbox box;
  BOOST_TEST(box.reject(edit("\"-0.3\"", "\"\"")) == "model.U0[1][1] = \"\" is not a finite decimal number");
}

BOOST_AUTO_TEST_CASE(nan_as_string) {
  sandbox box;
  BOOST_TEST(box.reject(edit("\"-0.3\"", "\"nan\"")) ==
             "model.U0[1][1] = \"nan\" is not a finite decimal number");
}

BOOST_AUTO_TEST_CASE(inf_as_string) {
  sandbox box;
  BOOST_TEST(box.reject(edit("\"-0.3\"", "\"inf\"")) ==
             "model.U0[1][1] = \"inf\" is not a finite decimal number");
}

// A TOML float is shown in its shortest round-trip form, which is what the user typed.
BOOST_AUTO_TEST_CASE(nan_as_toml_literal) {
  sandbox box;
  BOOST_TEST(box.reject(edit("\"-0.3\"", "nan")) == "model.U0[1][1] = nan is not a finite number");
}

BOOST_AUTO_TEST_CASE(toml_float_in_a_matrix) {
  sandbox box;
  BOOST_TEST(
      box.reject(edit("\"0.2\"", "0.1")) ==
      "model.U0[1][0] = 0.1 is a TOML float: quote it (\"0.1\") so that it is read exactly at working precision");
}

BOOST_AUTO_TEST_CASE(toml_float_as_tolerance) {
  sandbox box;
  BOOST_TEST(
      box.reject(edit("\"1e-20\"", "1e-20")) ==
      "integrator.tolerance = 1e-20 is a TOML float: quote it (\"1e-20\") so that it is read exactly at working "
      "precision");
}

BOOST_AUTO_TEST_CASE(negative_tolerance) {
  sandbox box;
  BOOST_TEST(box.reject(edit("\"1e-20\"", "\"-1e-20\"")) ==
             "integrator.tolerance = \"-1e-20\" violates 0 < tolerance < 1");
}

BOOST_AUTO_TEST_CASE(zero_tolerance) {
  sandbox box;
  BOOST_TEST(box.reject(edit("\"1e-20\"", "\"0\"")) ==
             "integrator.tolerance = \"0\" violates 0 < tolerance < 1");
}

BOOST_AUTO_TEST_CASE(tolerance_finer_than_the_precision) {
  sandbox box;
  BOOST_TEST(box.reject(edit("\"1e-20\"", "\"1e-40\"")) ==
             "integrator.tolerance = \"1e-40\" is finer than 30 digits can resolve: it must be >= 1e-29");
}

BOOST_AUTO_TEST_CASE(tolerance_finer_than_float64) {
  sandbox box;
  BOOST_TEST(box.reject(base_config, "--set precision.type=float64") ==
             "integrator.tolerance = \"1e-20\" is finer than float64 can resolve: it must be >= 1e-15");
}

BOOST_AUTO_TEST_CASE(too_few_digits) {
  sandbox box;
  BOOST_TEST(box.reject(edit("digits = 30", "digits = 5")) ==
             "precision.digits = 5 violates 10 <= digits <= 100000");
}

BOOST_AUTO_TEST_CASE(absurdly_many_digits) {
  sandbox box;
  BOOST_TEST(box.reject(edit("digits = 30", "digits = 10000000")) ==
             "precision.digits = 10000000 violates 10 <= digits <= 100000");
}

BOOST_AUTO_TEST_CASE(loss_below_is_not_supported_by_rk78) {
  sandbox box;
  BOOST_TEST(
      box.reject(edit("[integrator]", "[integrator]\nmethod = \"rk78\"") + "loss_below = \"1e-10\"\n") ==
      "stop.loss_below = \"1e-10\" is not supported by method rk78 (stopping on a loss needs event "
      "location: use method = \"taylor\")");
}

BOOST_AUTO_TEST_CASE(loss_spacing_needs_loss_below) {
  sandbox box;
  BOOST_TEST(
      box.reject(base_config + "[output]\nspacing = \"loss\"\n") ==
      "output.spacing = \"loss\" needs stop.loss_below (samples are log-spaced in loss from L(0) down to it) "
      "and so method = \"taylor\"");
}

BOOST_AUTO_TEST_CASE(loss_below_must_be_positive) {
  sandbox box;
  BOOST_TEST(
      box.reject(edit("[integrator]", "[integrator]\nmethod = \"taylor\"") + "loss_below = \"-1e-10\"\n") ==
      "stop.loss_below = \"-1e-10\" violates loss_below > 0");
}

BOOST_AUTO_TEST_CASE(unknown_method) {
  sandbox box;
  BOOST_TEST(
      box.reject(edit("[integrator]", "[integrator]\nmethod = \"euler\"")) ==
      "integrator.method = \"euler\" is not a known method (known: rk78, dopri5, bulirsch_stoer, taylor)");
}

BOOST_AUTO_TEST_CASE(set_with_unknown_key) {
  sandbox box;
  BOOST_TEST(box.reject(base_config, "--set model.foo=1") ==
             "--set model.foo=1: unknown key model.foo (known keys in [model]: U0, V0, X, Y, kind, loss)");
}

BOOST_AUTO_TEST_CASE(set_without_value) {
  sandbox box;
  BOOST_TEST(box.reject(base_config, "--set precision.digits") ==
             "--set precision.digits: expected section.key=value (e.g. --set integrator.tolerance=1e-40)");
}

BOOST_AUTO_TEST_CASE(set_with_non_integer_digits) {
  sandbox box;
  BOOST_TEST(box.reject(base_config, "--set precision.digits=abc") ==
             "--set precision.digits=abc: \"abc\" is not a valid integer");
}

BOOST_AUTO_TEST_CASE(csv_matrix_with_a_bad_entry) {
  sandbox box;
  const fs::path csv = box.write("u0.csv", "# U0, one row per line\n1, 0.5\n0.2, 0x1\n0, 0\n");
  BOOST_TEST(
      box.reject(edit("U0 = [[\"1\", \"0.5\"], [\"0.2\", \"-0.3\"], [\"0\", \"0\"]]", "U0 = \"u0.csv\"")) ==
      "model.U0 (" + csv.string() + " line 3, column 2) = \"0x1\" is not a finite decimal number");
}

BOOST_AUTO_TEST_CASE(output_below_a_regular_file) {
  sandbox box;
  box.write("afile", "");
  BOOST_TEST(box.reject(base_config, "", box.path("afile/out")) ==
             "--out = \"" + box.path("afile/out").string() + "\" is not writable: Not a directory");
}

BOOST_AUTO_TEST_CASE(output_under_proc) {
  // Permission bits say yes to root; only creating the directory tells the truth.
  sandbox box;
  BOOST_TEST(box.reject(base_config, "", "/proc/gradflow-test/out") ==
             "--out = \"/proc/gradflow-test/out\" is not writable: No such file or directory");
}

BOOST_AUTO_TEST_CASE(float64_overflow_names_the_entry) {
  sandbox box;
  BOOST_TEST(box.reject(base_config,
                        "--set precision.type=float64 --set integrator.tolerance=1e-13 --set "
                        "'model.V0=[[\"1e400\", \"1\"]]'") ==
             "model.V0[0][0] = \"1e400\" is outside the float64 range");
}

BOOST_AUTO_TEST_CASE(output_is_a_regular_file) {
  sandbox box;
  box.write("afile", "keep");
  BOOST_TEST(box.reject(base_config, "", box.path("afile")) ==
             "--out = \"" + box.path("afile").string() +
                 "\" is an existing file: the output must be a directory");
  BOOST_TEST(slurp(box.path("afile")) == "keep");
}

BOOST_AUTO_TEST_CASE(output_is_a_foreign_directory) {
  sandbox box;
  fs::create_directories(box.path("mine"));
  box.write("mine/notes.txt", "keep");
  BOOST_TEST(
      box.reject(base_config, "", box.path("mine")) ==
      "--out = \"" + box.path("mine").string() +
          "\" exists and is not a gradflow output directory (no manifest.json): refusing to replace it");
  BOOST_TEST(slurp(box.path("mine/notes.txt")) == "keep");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(example_run_writes_every_output_and_a_rerun_replaces_them) {
  sandbox box;
  const fs::path out = box.path("out");
  const std::string args =
      "run " + quote(example) + " --out " + quote(out) +
      " --set integrator.tolerance=1e-20 --set precision.digits=30 --set stop.t_end=2 --quiet";
  const run_result r = box.run(args);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.empty());
  BOOST_TEST(r.out.starts_with("gradflow: wrote " + out.string() + " (stop_reason t_end"), r.out);
  for (const char* file :
       {"summary.json", "trajectory.csv", "final/U.csv", "final/V.csv", "final/product.csv", "manifest.json"})
    BOOST_TEST(fs::is_regular_file(out / file), file);

  json summary = json::parse(slurp(out / "summary.json"));
  BOOST_TEST(summary["stop_reason"] == "t_end");
  BOOST_TEST(summary["tolerance"] == "1e-20");
  BOOST_TEST(summary["digits"] == 30);
  BOOST_TEST(summary["precision"] == "mpfr");
  BOOST_TEST(std::stod(summary["t_final"].get<std::string>()) == 2.0);

  const std::string trajectory = slurp(out / "trajectory.csv");
  BOOST_TEST(trajectory.starts_with("t,loss,log10_loss"));
  BOOST_TEST(line_count(trajectory) == 1 + 41);  // header + output.samples of the example
  BOOST_TEST(line_count(slurp(out / "final/U.csv")) == 3);
  BOOST_TEST(line_count(slurp(out / "final/product.csv")) == 3);

  json manifest = json::parse(slurp(out / "manifest.json"));
  BOOST_TEST_REQUIRE(manifest["command_line"].is_array());
  BOOST_TEST(manifest["command_line"].size() == 12u);
  BOOST_TEST(manifest["command_line"][1] == "run");
  BOOST_TEST(manifest["config"]["integrator"]["tolerance"] == "1e-20");
  BOOST_TEST(manifest["config"]["precision"]["digits"] == 30);
  BOOST_TEST_REQUIRE(manifest["inputs"].is_array());
  BOOST_TEST_REQUIRE(manifest["inputs"].size() == 1u);
  BOOST_TEST(manifest["inputs"][0]["path"] == example.string());
  BOOST_TEST(is_sha256(manifest["inputs"][0]["sha256"]));

  box.write("out/stale.txt", "from an earlier run");
  const run_result again = box.run(args);
  BOOST_TEST(again.exit_code == 0);
  BOOST_TEST(again.err.empty());
  BOOST_TEST(!fs::exists(out / "stale.txt"));
  BOOST_TEST(fs::is_regular_file(out / "summary.json"));
  BOOST_TEST(box.listing().count("out") == 1u);
  for (const auto& name : box.listing()) BOOST_TEST(!name.starts_with(".out."), name);
}

BOOST_AUTO_TEST_CASE(a_loss_below_not_reached_by_t_end_is_said) {
  // Issue 18: a float64 run with an unreachable loss_below ran silently to t_end.
  sandbox box;
  const fs::path out = box.path("out");
  const fs::path taylor_example = fs::path(GRADFLOW_SOURCE_DIR) / "examples/t1_5_taylor.toml";
  const run_result r = box.run("run " + quote(taylor_example) + " --out " + quote(out) +
                               " --set precision.type=float64 --set integrator.tolerance=1e-12"
                               " --set stop.loss_below=1e-40 --set stop.t_end=2 --quiet");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const json summary = json::parse(slurp(out / "summary.json"));
  BOOST_TEST(summary["stop_reason"] == "t_end");
  const std::string note = "gradflow: note: stop.loss_below = 1e-40 was not reached by stop.t_end (loss ";
  BOOST_TEST_REQUIRE(r.err.starts_with(note), r.err);
  BOOST_TEST(r.err.ends_with(")\n"), r.err);
  BOOST_TEST(gradflow::test::line_count(r.err) == 1u, r.err);
  const double said = std::stod(r.err.substr(note.size())),
               final = std::stod(summary["loss_final"].get<std::string>());
  BOOST_TEST(std::abs(said - final) <= 1e-5 * final);  // six digits of the final loss
}

BOOST_AUTO_TEST_CASE(taylor_samples_log_spaced_in_loss) {
  sandbox box;
  const fs::path out = box.path("out");
  const fs::path taylor_example = fs::path(GRADFLOW_SOURCE_DIR) / "examples/t1_5_taylor.toml";
  const run_result r = box.run("run " + quote(taylor_example) + " --out " + quote(out) +
                               " --set output.spacing=loss --set output.samples=11 --quiet");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  json summary = json::parse(slurp(out / "summary.json"));
  BOOST_TEST(summary["stop_reason"] == "loss_below");
  // Rows at L(0)·(1e-100/L(0))^(k/10): log10 L evenly spaced from log10 L(0) to −100 (last column).
  std::istringstream lines(slurp(out / "trajectory.csv"));
  std::string line;
  std::getline(lines, line);
  std::vector<double> log10_loss;
  while (std::getline(lines, line)) log10_loss.push_back(std::stod(line.substr(line.rfind(',') + 1)));
  BOOST_TEST_REQUIRE(log10_loss.size() == 11u);
  const double step = (-100 - log10_loss.front()) / 10;
  for (std::size_t k = 0; k < log10_loss.size(); ++k)
    BOOST_TEST(std::abs(log10_loss[k] - (log10_loss.front() + step * static_cast<double>(k))) < 1e-9,
               "row " << k);
}

BOOST_AUTO_TEST_CASE(float64_run) {
  sandbox box;
  const fs::path out = box.path("out");
  const run_result r =
      box.run("run " + quote(example) + " --out " + quote(out) +
              " --set precision.type=float64 --set integrator.tolerance=1e-12 --set stop.t_end=2 --quiet");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.empty());
  json summary = json::parse(slurp(out / "summary.json"));
  BOOST_TEST(summary["precision"] == "float64");
  BOOST_TEST(summary["digits"] == 15);
  BOOST_TEST(summary["bits"] == 53);
  BOOST_TEST(summary["stop_reason"] == "t_end");
}

BOOST_AUTO_TEST_CASE(interrupt_writes_complete_files_and_exits_130) {
  sandbox box;
  const fs::path out = box.path("out");
  const run_result r = box.run("run " + quote(example) + " --out " + quote(out) +
                                   " --set integrator.tolerance=1e-45 --set stop.t_end=1000",
                               "timeout --preserve-status -s INT 3");
  BOOST_TEST(r.exit_code == 130, r.err);
  BOOST_TEST(r.out.starts_with("gradflow: wrote " + out.string() + " (stop_reason interrupted"), r.out);
  BOOST_TEST(r.err.starts_with("gradflow: t = "), r.err);
  // Progress lines, the note that the run stops after the current step, and where its checkpoint is.
  std::istringstream lines(r.err);
  int stopping = 0, checkpoint = 0;
  for (std::string line; std::getline(lines, line);) {
    stopping +=
        line == "gradflow: stopping after the current step (a second Ctrl-C quits at once, writing nothing)";
    checkpoint += line.starts_with("gradflow: checkpoint at t = ") &&
                  line.ends_with(": run again with --resume to go on");
    BOOST_TEST((line.starts_with("gradflow: t = ") || line.starts_with("gradflow: stopping") ||
                line.starts_with("gradflow: checkpoint")),
               line);
  }
  BOOST_TEST(stopping == 1);
  BOOST_TEST(checkpoint == 1);

  json summary = json::parse(slurp(out / "summary.json"));
  BOOST_TEST(summary["stop_reason"] == "interrupted");
  BOOST_TEST(std::stod(summary["t_final"].get<std::string>()) < 1000.0);
  const std::string trajectory = slurp(out / "trajectory.csv");
  BOOST_TEST(trajectory.starts_with("t,loss,log10_loss"));
  BOOST_TEST(line_count(trajectory) >= 3u);
  BOOST_TEST(fs::is_regular_file(out / "manifest.json"));
  BOOST_TEST(fs::is_regular_file(out / "final/product.csv"));
}

BOOST_AUTO_TEST_CASE(help_exits_0_and_lists_run) {
  sandbox box;
  const run_result r = box.run("--help");
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.find("run") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(no_subcommand_exits_2) {
  sandbox box;
  const run_result r = box.run("");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.out.empty());
  BOOST_TEST(r.err.starts_with("gradflow: "), r.err);
  BOOST_TEST(r.err.ends_with(" (see gradflow --help)\n"), r.err);
  BOOST_TEST(line_count(r.err) == 1u);
}
