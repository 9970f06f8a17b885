// The command-line contract of test_cli.cpp for the linear_deep and diagonal models' own keys: every
// bad input exits 2 with one exact message naming the field, the value and the rule; their example
// runs write every layer and reach the limits their checks predict.
#define BOOST_TEST_MODULE cli_models
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

// A depth-2 diagonal network on THEOREMS.md §4.3's data, started at w₊ = w₋ = alpha·1.
const std::string diagonal_config = R"([model]
kind = "diagonal"
X = [["1", "1", "0"], ["0", "1", "1"]]
Y = [["1"], ["1"]]
alpha = "0.5"

[precision]
digits = 30

[stop]
t_end = "2"
)";

const fs::path example = fs::path(GRADFLOW_SOURCE_DIR) / "examples/t1_5.toml";

// `text` (base_config unless given) with the first occurrence of `from` replaced by `to`.
std::string edit(const std::string& from, const std::string& to, const std::string& text = base_config) {
  return gradflow::test::replace_first(text, from, to);
}

using sandbox = gradflow::test::sandbox;

}  // namespace

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(w0_is_not_a_linear2_key) {
  sandbox box;
  BOOST_TEST(
      box.reject(edit("Y = [[\"1\"], [\"1\"]]", "Y = [[\"1\"], [\"1\"]]\nW0 = [[[\"1\"]], [[\"1\"]]]")) ==
      "model.W0 is not used by model.kind = \"linear2\": its initial weights are model.U0 and model.V0");
}

BOOST_AUTO_TEST_CASE(u0_is_not_a_linear_deep_key) {
  sandbox box;
  BOOST_TEST(
      box.reject(edit("W0 = ", "U0 = [[\"1\"]]\nW0 = ", deep_config)) ==
      "model.U0 is not used by model.kind = \"linear_deep\": its initial weights are model.W0 (one matrix per "
      "layer, W_1 first)");
}

BOOST_AUTO_TEST_CASE(unknown_key_lists_the_linear_deep_keys) {
  sandbox box;
  BOOST_TEST(box.reject(deep_config, "--set model.foo=1") ==
             "--set model.foo=1: unknown key model.foo (known keys in [model]: W0, X, Y, kind, loss)");
}

BOOST_AUTO_TEST_CASE(w0_is_required_for_linear_deep) {
  sandbox box;
  const std::string text = deep_config.substr(0, deep_config.find("W0 = ")) +
                           deep_config.substr(deep_config.find("\n[precision]"));
  BOOST_TEST(box.reject(text) == "model.W0 is required (one initial matrix per layer, W_1 first)");
}

BOOST_AUTO_TEST_CASE(w0_of_depth_one) {
  sandbox box;
  BOOST_TEST(box.reject(deep_config, "--set 'model.W0=[[[\"1\", \"2\", \"3\"]]]'") ==
             "model.W0 has 1 matrix but linear_deep needs depth >= 2: one matrix per layer, W_1 first");
}

BOOST_AUTO_TEST_CASE(w0_first_layer_columns_differ_from_x_columns) {
  sandbox box;
  BOOST_TEST(box.reject(edit("[[\"0.18\", \"0\", \"0.24\"], [\"0.24\", \"0\", \"0.32\"]]",
                             "[[\"0.18\", \"0\"], [\"0.24\", \"0\"]]", deep_config)) ==
             "model.W0[0] is 2×2 but must have 3 columns (= columns of model.X)");
}

BOOST_AUTO_TEST_CASE(w0_layer_columns_differ_from_previous_rows) {
  sandbox box;
  BOOST_TEST(box.reject(edit("[[\"0.24\", \"0.32\"], [\"-0.18\", \"-0.24\"]]",
                             "[[\"0.24\", \"0.32\", \"1\"], [\"-0.18\", \"-0.24\", \"1\"]]", deep_config)) ==
             "model.W0[1] is 2×3 but must have 2 columns (= rows of model.W0[0])");
}

BOOST_AUTO_TEST_CASE(w0_last_layer_rows_differ_from_y_columns) {
  sandbox box;
  BOOST_TEST(
      box.reject(edit("[[\"0.4\", \"-0.3\"]]", "[[\"0.4\", \"-0.3\"], [\"1\", \"1\"]]", deep_config)) ==
      "model.W0[2] is 2×2 but must have 1 row (= columns of model.Y, the last layer's outputs)");
}

BOOST_AUTO_TEST_CASE(w0_entry_is_named_by_layer_row_and_column) {
  sandbox box;
  BOOST_TEST(box.reject(edit("\"-0.18\"", "\"abc\"", deep_config)) ==
             "model.W0[1][1][0] = \"abc\" is not a finite decimal number");
}

BOOST_AUTO_TEST_CASE(w0_layer_from_a_csv_file) {
  sandbox box;
  const fs::path csv = box.write("w2.csv", "# W2\n0.24, 0.32\n-0.18, 1e\n");
  BOOST_TEST(box.reject(edit("[[\"0.24\", \"0.32\"], [\"-0.18\", \"-0.24\"]]", "\"w2.csv\"", deep_config)) ==
             "model.W0[1] (" + csv.string() + " line 3, column 2) = \"1e\" is not a finite decimal number");
}

BOOST_AUTO_TEST_CASE(w0_must_be_a_list_of_matrices) {
  sandbox box;
  BOOST_TEST(
      box.reject(deep_config, "--set model.W0=w.csv") ==
      "model.W0 = \"w.csv\" must be an array of matrices (one per layer, W_1 first), each an array of rows or a "
      "CSV path");
}

BOOST_AUTO_TEST_CASE(diagonal_alpha_must_be_positive) {
  sandbox box;
  BOOST_TEST(box.reject(edit("alpha = \"0.5\"", "alpha = \"-0.5\"", diagonal_config)) ==
             "model.alpha = \"-0.5\" violates alpha > 0");
}

BOOST_AUTO_TEST_CASE(diagonal_needs_a_start) {
  sandbox box;
  BOOST_TEST(
      box.reject(edit("alpha = \"0.5\"\n", "", diagonal_config)) ==
      "model.alpha is required for model.kind = \"diagonal\" (the start w₊ = w₋ = alpha·1), or model.W_plus0 "
      "and model.W_minus0");
}

BOOST_AUTO_TEST_CASE(diagonal_start_is_alpha_or_explicit_not_both) {
  sandbox box;
  BOOST_TEST(
      box.reject(diagonal_config, "--set 'model.W_plus0=[[\"1\"],[\"1\"],[\"1\"]]'") ==
      "model.alpha and model.W_plus0/W_minus0 both given: the start is either w₊ = w₋ = alpha·1 or the two "
      "explicit columns, not both");
}

BOOST_AUTO_TEST_CASE(diagonal_explicit_start_is_a_column_of_length_d) {
  sandbox box;
  const std::string config =
      edit("alpha = \"0.5\"", "W_plus0 = [[\"1\", \"1\", \"1\"]]\nW_minus0 = [[\"1\"], [\"1\"], [\"1\"]]",
           diagonal_config);
  BOOST_TEST(box.reject(config) ==
             "model.W_plus0 is 1×3 but must be d×1 = 3×1 (d = columns of model.X, one weight per line)");
}

BOOST_AUTO_TEST_CASE(diagonal_predicts_one_output) {
  sandbox box;
  BOOST_TEST(
      box.reject(edit("Y = [[\"1\"], [\"1\"]]", "Y = [[\"1\", \"0\"], [\"1\", \"0\"]]", diagonal_config)) ==
      "model.Y is 2×2 but the diagonal model predicts one output: it must have 1 column");
}

BOOST_AUTO_TEST_CASE(diagonal_depth_is_at_least_two) {
  sandbox box;
  BOOST_TEST(box.reject(diagonal_config, "--set model.depth=1") ==
             "model.depth = 1 violates 2 <= depth <= 64");
}

BOOST_AUTO_TEST_CASE(u0_is_not_a_diagonal_key) {
  sandbox box;
  BOOST_TEST(
      box.reject(edit("alpha", "U0 = [[\"1\"]]\nalpha", diagonal_config)) ==
      "model.U0 is not used by model.kind = \"diagonal\": its initial weights are model.alpha, or model.W_plus0 "
      "and model.W_minus0 (with model.depth)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(diagonal_example_reaches_the_q_alpha_minimiser) {
  // examples/diagonal_q_alpha.toml as shipped: β₁ = a(0.5) = 0.30007234787743522469… (THEOREMS.md §4.3,
  // 20 published digits, mpmath), here read off final/beta.csv's first line.
  sandbox box;
  const fs::path out = box.path("out");
  const run_result r =
      box.run("run " + quote(fs::path(GRADFLOW_SOURCE_DIR) / "examples/diagonal_q_alpha.toml") + " --out " +
              quote(out) + " --quiet");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(slurp(out / "final/beta.csv").starts_with("3.0007234787743522469"),
             slurp(out / "final/beta.csv"));
}

BOOST_AUTO_TEST_CASE(diagonal_run_writes_beta_and_both_weight_columns) {
  sandbox box;
  box.write("config.toml", diagonal_config);
  const fs::path out = box.path("out");
  const run_result r = box.run("run " + quote(box.path("config.toml")) + " --out " + quote(out) +
                               " --quiet --set model.depth=3");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  for (const char* file :
       {"final/beta.csv", "final/w_plus.csv", "final/w_minus.csv", "summary.json", "trajectory.csv"})
    BOOST_TEST(fs::is_regular_file(out / file), file);
  BOOST_TEST(line_count(slurp(out / "final/beta.csv")) == 3);  // one coefficient per line
  BOOST_TEST(json::parse(slurp(out / "summary.json")).at("invariants").contains("conserved_power_sum"));
}

BOOST_AUTO_TEST_CASE(linear_deep_example_writes_every_layer) {
  // examples/deep3_balanced.toml (depth 3, balanced start, taylor, loss_below) as shipped.
  sandbox box;
  const fs::path out = box.path("out");
  const fs::path deep_example = fs::path(GRADFLOW_SOURCE_DIR) / "examples/deep3_balanced.toml";
  const run_result r = box.run("run " + quote(deep_example) + " --out " + quote(out) + " --quiet");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.empty());
  for (const char* file : {"summary.json", "trajectory.csv", "final/W1.csv", "final/W2.csv", "final/W3.csv",
                           "final/product.csv", "manifest.json"})
    BOOST_TEST(fs::is_regular_file(out / file), file);
  BOOST_TEST(!fs::exists(out / "final/W4.csv"));
  BOOST_TEST(!fs::exists(out / "final/U.csv"));
  BOOST_TEST(line_count(slurp(out / "final/W1.csv")) == 2);  // W1 is 2×3
  BOOST_TEST(line_count(slurp(out / "final/W3.csv")) == 1);
  BOOST_TEST(line_count(slurp(out / "final/product.csv")) == 3);  // Θ = W1ᵀW2ᵀW3ᵀ is 3×1

  json summary = json::parse(slurp(out / "summary.json"));
  BOOST_TEST(summary["model"] == "linear_deep");
  BOOST_TEST(summary["stop_reason"] == "loss_below");
  BOOST_TEST_REQUIRE(summary["invariants"].is_object());
  BOOST_TEST(summary["invariants"].size() == 3u);
  for (const char* name : {"balance_1", "balance_2", "kernel_component"}) {
    BOOST_TEST_REQUIRE(summary["invariants"].contains(name), name);
    BOOST_TEST(std::stod(summary["invariants"][name].get<std::string>()) < 1e-45, name);  // tolerance 1e-50
  }
  const std::string trajectory = slurp(out / "trajectory.csv");
  BOOST_TEST(
      trajectory.starts_with("t,loss,log10_loss,balance_1_drift,balance_2_drift,kernel_component_drift,t_f64,"
                             "loss_f64,log10_loss_f64\n"));
  json manifest = json::parse(slurp(out / "manifest.json"));
  BOOST_TEST(manifest["config"]["model"]["W0"].size() == 3u);
}
