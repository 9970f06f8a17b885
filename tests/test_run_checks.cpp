// `gradflow run` writes the theorem checks of its model into summary.json (ARCHITECTURE.md §7):
// in Min et al.'s invariant set min2021.minnorm passes, outside it it is not_applicable while
// min2021.kernel_identity passes (its kernel part at rounding level, the row-space part reported to
// ≥ 25 digits); linear_deep runs report arora2018.balanced.
#define BOOST_TEST_MODULE run_checks
#include "support/sandbox.hpp"

#include <nlohmann/json.hpp>

#include <map>

using gradflow::test::quote;
using gradflow::test::sandbox;
using gradflow::test::slurp;
using json = nlohmann::json;

namespace {

// T1.5 (THEOREMS.md §1.8) with the start's third row (its component in ker X) given, at 80 digits to L = 1e-60.
std::string t1_5(const std::string& third_row) {
  return R"([model]
kind = "linear2"
X  = [["1", "0", "0"], ["0", "2", "0"]]
Y  = [["1"], ["1"]]
U0 = [["1", "0.5"], ["0.2", "-0.3"], )" +
         third_row + R"(]
V0 = [["0.1", "0.2"]]
[precision]
digits = 80
[stop]
t_end = "1000"
loss_below = "1e-60"
[output]
samples = 21
spacing = "loss"
)";
}

// id → check object of a finished run (exit 0 required).
std::map<std::string, json> checks_of(const sandbox& box, const std::string& config) {
  box.write("config.toml", config);
  const auto r =
      box.run("run " + quote(box.path("config.toml")) + " --out " + quote(box.path("out")) + " --quiet");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.out << r.err);
  const json summary = json::parse(slurp(box.path("out/summary.json")));
  std::map<std::string, json> checks;
  for (const auto& c : summary.at("checks")) checks[c.at("id").get<std::string>()] = c;
  return checks;
}

std::string verdict(const std::map<std::string, json>& checks, const std::string& id) {
  BOOST_TEST_REQUIRE(checks.count(id) == 1u, id << " missing");
  return checks.at(id).at("verdict").get<std::string>();
}

}  // namespace

BOOST_AUTO_TEST_CASE(inside_the_invariant_set_the_limit_is_the_min_norm_solution) {
  sandbox box;
  const auto checks = checks_of(box, t1_5(R"(["0", "0"])"));
  for (const char* id : {"min2021.imbalance", "min2021.rate", "min2021.exp_bound", "min2021.minnorm",
                         "min2021.kernel_identity"})
    BOOST_TEST(verdict(checks, id) == "pass", id << ": " << checks.at(id).dump());
  BOOST_TEST(verdict(checks, "min2021.width") == "not_applicable");
  BOOST_TEST(verdict(checks, "saxe2014.closed_form") == "not_applicable");
  // X's third column is zero, so U's third row (U2) has velocity exactly 0 and the kernel part
  // (VU2ᵀ, U1U2ᵀ) is exactly 0; the row-space part at L = 1e-60 is reported.
  BOOST_TEST(std::stod(checks.at("min2021.minnorm").at("measured").get<std::string>()) == 0.0);
  BOOST_TEST(checks.at("min2021.minnorm").at("detail").get<std::string>().find("row-space part") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(outside_the_invariant_set_prop_9_holds_and_prop_10_does_not_apply) {
  sandbox box;
  const auto checks = checks_of(box, t1_5(R"(["0.3", "-0.1"])"));
  BOOST_TEST(verdict(checks, "min2021.minnorm") == "not_applicable");
  BOOST_TEST(
      checks.at("min2021.minnorm").at("detail").get<std::string>().starts_with("outside the invariant set"));
  BOOST_TEST(verdict(checks, "min2021.kernel_identity") == "pass",
             checks.at("min2021.kernel_identity").dump());
  // U2 = U's third row never moves (its velocity is exactly 0): the kernel part is exactly 0.
  BOOST_TEST(std::stod(checks.at("min2021.kernel_identity").at("measured").get<std::string>()) == 0.0);
}

BOOST_AUTO_TEST_CASE(a_run_that_stops_on_t_end_does_not_judge_the_limit) {
  sandbox box;
  std::string config = t1_5(R"(["0", "0"])");
  config.replace(config.find("loss_below = \"1e-60\""), 20, "");
  config.replace(config.find("spacing = \"loss\""), 16, "");
  const auto checks = checks_of(box, config);
  BOOST_TEST(verdict(checks, "min2021.minnorm") == "not_applicable");
  BOOST_TEST(verdict(checks, "min2021.kernel_identity") == "not_applicable");
  BOOST_TEST(verdict(checks, "min2021.rate") == "pass");
}

BOOST_AUTO_TEST_CASE(a_deep_run_reports_its_balance) {
  sandbox box;
  const auto checks =
      checks_of(box, slurp(std::filesystem::path(GRADFLOW_SOURCE_DIR) / "examples/deep3_balanced.toml"));
  BOOST_TEST(checks.size() == 3u);
  BOOST_TEST(verdict(checks, "flow.path_defect") == "pass");
  BOOST_TEST(verdict(checks, "arora2018.balanced") == "pass");
  BOOST_TEST(verdict(checks, "saxe2014.closed_form") == "not_applicable");  // T1.5's X is not whitened
}
