// `gradflow run` for the classification losses, the time change and the tensor model: their bad
// inputs are refused with one message naming the field, the value and the rule (exit 2, nothing
// written), and the shipped example reaches THEOREMS.md §5.3's values at loss 1e-1000 with the
// summary and trajectory fields of the contract.
#define BOOST_TEST_MODULE cli_classification
#include "support/sandbox.hpp"

#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/precision.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;
using json = nlohmann::json;
using gradflow::test::quote;
using gradflow::test::replace_first;
using gradflow::test::run_result;
using gradflow::test::sandbox;
using gradflow::test::slurp;

namespace {

// One data point on the exponential loss, integrated in s to a loss target.
const std::string exponential_config = R"([model]
kind = "diagonal"
loss = "exponential"
X = [["1", "2"]]
Y = [["1"]]
alpha = "1"

[precision]
digits = 30

[integrator]
time_change = "loss"

[stop]
loss_below = "1e-20"
)";

// A depth-2 tensor network with S = Hadamard on 4 features, square loss.
const std::string tensor_config = R"([model]
kind = "tensor"
X = [["1", "0.5", "-0.3", "0.2"], ["0.1", "-0.7", "0.4", "1.2"]]
Y = [["0.8"], ["-0.5"]]
S = "hadamard"
v0 = [[["0.3"], ["-0.2"], ["0.5"], ["0.1"]], [["0.1"], ["0.4"], ["-0.2"], ["0.3"]]]

[precision]
digits = 40

[stop]
t_end = "1000"
loss_below = "1e-30"
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(classification_labels_are_plus_or_minus_one) {
  sandbox box;
  BOOST_TEST(box.reject(replace_first(exponential_config, "Y = [[\"1\"]]", "Y = [[\"0.5\"]]")) ==
             "model.Y[0][0] = \"0.5\" violates y in {-1, 1} (labels of loss = \"exponential\")");
}

BOOST_AUTO_TEST_CASE(margin_losses_only_for_predictor_models) {
  sandbox box;
  const std::string linear2 = R"([model]
kind = "linear2"
loss = "logistic"
X = [["1"]]
Y = [["1"]]
U0 = [["1"]]
V0 = [["1"]]
[stop]
t_end = "1"
)";
  BOOST_TEST(box.reject(linear2) ==
             "model.loss = \"logistic\" is not available for linear2 (available: square)");
  BOOST_TEST(
      box.reject(replace_first(exponential_config, "exponential", "hinge")) ==
      "model.loss = \"hinge\" is not available for diagonal (available: square, exponential, logistic)");
}

BOOST_AUTO_TEST_CASE(time_change_rules) {
  sandbox box;
  BOOST_TEST(box.reject(exponential_config, "--set integrator.time_change=log") ==
             "integrator.time_change = \"log\" must be \"none\" or \"loss\" (dt/ds = 1/L)");
  BOOST_TEST(
      box.reject(exponential_config, "--set stop.t_end=5") ==
      "stop.t_end = \"5\" cannot be used with integrator.time_change = \"loss\": the run integrates in s "
      "(dt/ds = 1/L) and stops at stop.loss_below");
  BOOST_TEST(box.reject(replace_first(exponential_config, "loss_below = \"1e-20\"", "max_steps = 10")) ==
             "integrator.time_change = \"loss\" needs stop.loss_below (the loss to integrate down to)");
  BOOST_TEST(box.reject(exponential_config, "--set integrator.method=rk78") ==
             "integrator.time_change = \"loss\" needs method = \"taylor\" (not rk78)");
  BOOST_TEST(box.reject(exponential_config, "--set output.spacing=t") ==
             "output.spacing = \"t\" cannot be used with integrator.time_change = \"loss\": use \"loss\"");
}

BOOST_AUTO_TEST_CASE(tensor_shapes_and_transforms) {
  sandbox box;
  BOOST_TEST(box.reject(tensor_config, "--set model.depth=3") ==
             "model.v0 has 2 columns but model.depth = 3 needs one per layer");
  BOOST_TEST(box.reject(replace_first(tensor_config, "[\"0.3\"], [\"-0.2\"], ", "[\"0.3\"], ")) ==
             "model.v0[0] is 3×1 but must be d×1 = 4×1");
  BOOST_TEST(
      box.reject(replace_first(tensor_config, "S = \"hadamard\"", "S = [[\"1\", \"0\"], [\"0\", \"1\"]]")) ==
      "model.S is 2×2 but must be d×d = 4×4 (d = columns of model.X)");
  BOOST_TEST(
      box.reject(replace_first(tensor_config, "v0 = ", "alpha = \"1\"\nv0 = ")) ==
      "model.alpha and model.v0 both given: the start is either v_l = alpha·1 for every layer or the explicit "
      "columns, not both");
  BOOST_TEST(
      box.reject(replace_first(tensor_config, "kind = \"tensor\"", "kind = \"diagonal\"")) ==
      "model.S is not used by model.kind = \"diagonal\": its initial weights are model.alpha, or model.W_plus0 "
      "and model.W_minus0 (with model.depth)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(tensor_run_writes_rho_beta_and_every_layer) {
  sandbox box;
  box.write("config.toml", tensor_config);
  const fs::path out = box.path("out");
  const run_result r = box.run("run " + quote(box.path("config.toml")) + " --out " + quote(out) + " --quiet");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  for (const char* file :
       {"final/rho.csv", "final/beta.csv", "final/v1.csv", "final/v2.csv", "trajectory.csv"})
    BOOST_TEST(fs::is_regular_file(out / file), file);
  const json summary = json::parse(slurp(out / "summary.json"));
  BOOST_TEST(summary["invariants"].contains("component_balance"));
  BOOST_TEST(summary["predictor"].size() == 4u);
  BOOST_TEST(slurp(out / "trajectory.csv")
                 .starts_with("t,loss,log10_loss,component_balance_drift,rho_1,rho_2,rho_3,rho_4,"));
}

BOOST_AUTO_TEST_CASE(example_reaches_loss_1e_1000_with_section_5_3_values) {
  // examples/moroshko_1e1000.toml as shipped. THEOREMS.md §5.3 (mpmath, independent): log10 t =
  // 995.738062681, direction (0.0296503867737, 0.999560330628); the margin is ln(1e1000) exactly
  // (one data point: L = e^{−γ}).
  sandbox box;
  const fs::path out = box.path("out");
  const run_result r =
      box.run("run " + quote(fs::path(GRADFLOW_SOURCE_DIR) / "examples/moroshko_1e1000.toml") + " --out " +
              quote(out) + " --quiet");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const json s = json::parse(slurp(out / "summary.json"));
  BOOST_TEST(s["stop_reason"] == "loss_below");
  BOOST_TEST(s["time_change"] == "loss");
  gradflow::set_working_digits(60);
  using gradflow::Real;
  using std::abs;
  const auto at = [](const json& v) { return gradflow::parse_decimal<Real>(v.get<std::string>()); };
  BOOST_TEST(abs(at(s["log10_t_final"]) - gradflow::parse_decimal<Real>("995.738062681")) <
             gradflow::parse_decimal<Real>("1e-9"));
  BOOST_TEST(abs(at(s["predictor_normalised"][0]) - gradflow::parse_decimal<Real>("0.0296503867737")) <
             gradflow::parse_decimal<Real>("1e-13"));
  BOOST_TEST(abs(at(s["predictor_normalised"][1]) - gradflow::parse_decimal<Real>("0.999560330628")) <
             gradflow::parse_decimal<Real>("1e-12"));
  using std::log;
  BOOST_TEST(abs(at(s["margin"]) / (1000 * log(Real(10))) - 1) < gradflow::parse_decimal<Real>("1e-50"));
  BOOST_TEST(at(s["t_final"]) > gradflow::parse_decimal<Real>("5e995"));
  const std::string trajectory = slurp(out / "trajectory.csv");
  BOOST_TEST(
      trajectory.find(
          "beta_1,beta_2,margin,beta_normalised_1,beta_normalised_2,beta_over_margin_1,beta_over_margin_2") !=
      std::string::npos);
}
