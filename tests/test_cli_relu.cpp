// `gradflow run` for relu_shallow: bad inputs are refused with one message naming the field, the
// value and the rule (exit 2, nothing written), and the shipped example interpolates the data
// (final/f_grid.csv at the data points, to the loss target's residual), writes g* beside it
// (final/spline_grid.csv, on T3.1's values), reports its kink events and sliding modes, passes
// du2018.relu_balance, and agrees with a rerun at 50 digits.
#define BOOST_TEST_MODULE cli_relu
#include "support/sandbox.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

namespace fs = std::filesystem;
using json = nlohmann::json;
using gradflow::test::quote;
using gradflow::test::replace_first;
using gradflow::test::run_result;
using gradflow::test::sandbox;
using gradflow::test::slurp;

namespace {

std::string example() { return slurp(fs::path(GRADFLOW_SOURCE_DIR) / "examples/relu_fig1.toml"); }

}  // namespace

BOOST_AUTO_TEST_CASE(relu_settings_are_validated) {
  sandbox box;
  const std::string c = example();
  BOOST_TEST(box.reject(replace_first(c, "width = 10\n", "")) == "model.width is required");
  BOOST_TEST(box.reject(c, "--set model.width=0") == "model.width = 0 violates 1 <= width <= 1000000");
  BOOST_TEST(box.reject(c, "--set model.init=cauchy") ==
             "model.init = \"cauchy\" must be \"uniform\", \"gaussian\" or \"sphere\"");
  BOOST_TEST(box.reject(c, "--set model.init_b=-2") ==
             "model.init_b = \"-2\" violates init_b > 0 (a half-width or standard deviation)");
  BOOST_TEST(box.reject(replace_first(c, "asi = true", "asi = \"yes\"")) ==
             "model.asi = \"yes\" must be true or false");
  BOOST_TEST(box.reject(c, "--set model.skip=maybe") ==
             "--set model.skip=maybe: \"maybe\" is not a valid boolean (true or false)");
  BOOST_TEST(box.reject(c, "--set model.train=first") ==
             "model.train = \"first\" must be \"all\" or \"output\"");
  BOOST_TEST(box.reject(c, "--set model.seed=-1") ==
             "model.seed = -1 violates 0 <= seed <= 9223372036854775807");
  BOOST_TEST(
      box.reject(replace_first(
          c, "X = [[\"-2\"], [\"-1\"], [\"0\"], [\"1\"], [\"2\"]]",
          "X = [[\"-2\", \"0\", \"1\"], [\"-1\", \"0\", \"1\"], [\"0\", \"0\", \"1\"], [\"1\", \"0\", \"1\"], [\"2\", \"0\", \"1\"]]")) ==
      "model.X is 5×3 but relu_shallow takes 1 or 2 input columns");
  BOOST_TEST(box.reject(replace_first(c, "kind = \"relu_shallow\"",
                                      "kind = \"relu_shallow\"\nloss = \"logistic\"")) ==
             "model.loss = \"logistic\" is not available for relu_shallow (available: square)");
}

BOOST_AUTO_TEST_CASE(grid_is_validated) {
  sandbox box;
  const std::string c = example();
  BOOST_TEST(box.reject(c, "--set output.grid=[\"2\",\"-2\",5]") ==
             "output.grid = [\"2\", \"-2\", 5] violates from < to");
  BOOST_TEST(box.reject(c, "--set output.grid=[\"-2\",\"2\",1]") ==
             "output.grid[2] = 1 violates 2 <= points <= 10000000 (an integer)");
  BOOST_TEST(
      box.reject(c, "--set output.grid=[\"-2\",\"2\"]") ==
      "output.grid has 2 entries but must be [\"from\", \"to\", points]: two decimal strings and an integer number of points >= 2");
  BOOST_TEST(
      box.reject(c, "--set output.grid=5") ==
      "output.grid = 5 must be [\"from\", \"to\", points]: two decimal strings and an integer number of points >= 2");
  BOOST_TEST(
      box.reject(c, "--set output.grid=[-2.0,\"2\",5]") ==
      "output.grid[0] = -2 is a TOML float: quote it (\"-2\") so that it is read exactly at working precision");
}

BOOST_AUTO_TEST_CASE(example_interpolates_and_reports_its_events) {
  sandbox box;
  const fs::path out = box.path("out");
  const run_result r = box.run("run " + quote(fs::path(GRADFLOW_SOURCE_DIR) / "examples/relu_fig1.toml") +
                               " --out " + quote(out) + " --quiet");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  for (const char* file : {"final/W.csv", "final/b.csv", "final/a.csv", "final/c.csv", "final/u.csv",
                           "final/v.csv", "final/f_grid.csv"})
    BOOST_TEST(fs::is_regular_file(out / file), file);
  const json summary = json::parse(slurp(out / "summary.json"));
  BOOST_TEST(summary["stop_reason"] == "loss_below");
  BOOST_TEST(summary["kink_events"].get<int>() >= 1);
  BOOST_TEST(summary["sliding_modes"].get<int>() >= 1);
  BOOST_TEST(summary["checks"][0]["id"] == "flow.path_defect");  // the path across kinks and sliding modes
  BOOST_TEST(summary["checks"][0]["verdict"] == "pass");
  BOOST_TEST(summary["checks"][1]["id"] == "du2018.relu_balance");
  BOOST_TEST(summary["checks"][1]["verdict"] == "pass");
  // f on the 401-point grid of [−2, 2]: at the data x = −2, −1, 0, 1, 2 (rows 0, 100, …, 400) f = y
  // to the residual of L = ½‖r‖² = 1e-20, |r_j| ≤ √2·1e-10.
  std::istringstream grid(slurp(out / "final/f_grid.csv"));
  std::string line;
  std::getline(grid, line);
  BOOST_TEST(line == "x,f");
  const double y[] = {1.5, 0.5, 1.5, 0.5, 1.5};
  int row = 0;
  while (std::getline(grid, line)) {
    if (row % 100 == 0) {
      const double f = std::stod(line.substr(line.find(',') + 1));
      BOOST_TEST(std::abs(f - y[row / 100]) <= 1.5e-10, "row " << row << ": " << line);
    }
    ++row;
  }
  BOOST_TEST(row == 401);
  // final/spline_grid.csv: g* (the natural cubic spline of the data, the uniform law's limit) with
  // THEOREMS.md T3.1's values g*(±1.5) = 41/56, g*(±0.5) = 59/56 at rows 50, 350 and 150, 250; the
  // summary's spline_sup_distance is the largest |f − g*| over 401 points of [−2, 2] — this grid.
  BOOST_TEST(summary["spline"] == "natural_cubic");
  std::istringstream spline(slurp(out / "final/spline_grid.csv")), fit(slurp(out / "final/f_grid.csv"));
  std::getline(spline, line);
  BOOST_TEST(line == "x,g_star");
  std::getline(fit, line);
  long double sup = 0;
  std::string f_line;
  for (row = 0; std::getline(spline, line) && std::getline(fit, f_line); ++row) {
    const long double g = std::stold(line.substr(line.find(',') + 1)),
                      f = std::stold(f_line.substr(f_line.find(',') + 1));
    sup = std::max(sup, std::abs(f - g));
    if (row == 50 || row == 350) BOOST_TEST(std::abs(g - 41.0L / 56) <= 1e-18L, line);
    if (row == 150 || row == 250) BOOST_TEST(std::abs(g - 59.0L / 56) <= 1e-18L, line);
  }
  BOOST_TEST(row == 401);
  BOOST_TEST(std::abs(std::stold(summary["spline_sup_distance"].get<std::string>()) - sup) <= 1e-18L);
  // The width-10 network ends on the piecewise-linear interpolant, whose distance to g* is 0.27492.
  BOOST_TEST(std::abs(sup - 0.27492L) <= 1e-4L);
}

BOOST_AUTO_TEST_CASE(two_input_example_reports_its_distance_to_the_polyharmonic_spline) {
  // examples/relu_2d_sphere.toml at width 10: the data are interpolated (loss 1e-16), g* is the
  // polyharmonic spline, and the distance to it is that of a narrow network (measured 0.24 at seed 1).
  sandbox box;
  const fs::path out = box.path("out");
  const run_result r =
      box.run("run " + quote(fs::path(GRADFLOW_SOURCE_DIR) / "examples/relu_2d_sphere.toml") + " --out " +
              quote(out) + " --quiet --set model.width=10");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const json summary = json::parse(slurp(out / "summary.json"));
  BOOST_TEST(summary["stop_reason"] == "loss_below");
  BOOST_TEST(summary["spline"] == "polyharmonic");
  const long double distance = std::stold(summary["spline_sup_distance"].get<std::string>());
  BOOST_TEST(distance > 0.05L);
  BOOST_TEST(distance < 1.0L);
  BOOST_TEST(!fs::exists(out / "final/spline_grid.csv"));
  // The uniform law has no closed-form limit in two dimensions: "none", no distance. This draw brings
  // a unit onto the three collinear points (0, 0), (−1, 1), (1, −1) at t ≈ 0.745: a three-point sliding
  // mode, which relu_shallow does not integrate. The 20-digit run steps past it; flow.path_defect's
  // re-integration at 40 digits meets it and reports the failure (exit 1, files written).
  const run_result u =
      box.run("run " + quote(fs::path(GRADFLOW_SOURCE_DIR) / "examples/relu_2d_sphere.toml") + " --out " +
              quote(box.path("uniform")) + " --quiet --set model.width=10 --set model.init=uniform");
  BOOST_TEST_REQUIRE(u.exit_code == 1, u.err);
  const json uniform = json::parse(slurp(box.path("uniform") / "summary.json"));
  BOOST_TEST(uniform["checks"][0]["id"] == "flow.path_defect");
  BOOST_TEST(uniform["checks"][0]["verdict"] == "fail");
  BOOST_TEST(uniform["checks"][0]["detail"].get<std::string>().find("would slide on 3 data points at once") !=
             std::string::npos);
  BOOST_TEST(uniform["spline"] == "none");
  BOOST_TEST(uniform["spline_sup_distance"].is_null());
}

BOOST_AUTO_TEST_CASE(a_rerun_at_higher_precision_agrees_through_the_kinks) {
  // The example at 30 digits (tolerance 1e-20) and again at 50 (1e-40), with the same seed: the draws
  // agree to 30-digit rounding and every kink is located to working precision, so the same kinks are
  // found and the final parameters agree to about the 30-digit run's tolerance (measured 7e-22),
  // through all of them. (A marginal sliding mode — one entered with its weight at 0 or 1 — may be
  // counted at one precision and not the other; the path is the same.)
  sandbox box;
  const std::string example_path = quote(fs::path(GRADFLOW_SOURCE_DIR) / "examples/relu_fig1.toml");
  const fs::path coarse = box.path("coarse"), fine = box.path("fine");
  BOOST_TEST_REQUIRE(box.run("run " + example_path + " --out " + quote(coarse) + " --quiet").exit_code == 0);
  BOOST_TEST_REQUIRE(
      box.run("run " + example_path + " --out " + quote(fine) + " --quiet --set precision.digits=50")
          .exit_code == 0);
  const json a = json::parse(slurp(coarse / "summary.json")), b = json::parse(slurp(fine / "summary.json"));
  BOOST_TEST(a["kink_events"] == b["kink_events"]);
  BOOST_TEST(
      std::abs(std::stold(a["t_final"].get<std::string>()) / std::stold(b["t_final"].get<std::string>()) -
               1) <= 1e-18L);
  for (const char* file :
       {"final/W.csv", "final/b.csv", "final/a.csv", "final/c.csv", "final/u.csv", "final/v.csv"}) {
    std::istringstream x(slurp(coarse / file)), y(slurp(fine / file));
    std::string u, v;
    long double worst = 0;
    while (std::getline(x, u) && std::getline(y, v))
      worst = std::max(worst, std::abs(std::stold(u) - std::stold(v)));
    BOOST_TEST(worst <= 1e-18L, file << ": " << static_cast<double>(worst));
  }
}
