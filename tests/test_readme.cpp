// The README's config block is examples/t1_5.toml verbatim, and running it gives what the README and
// THEOREMS.md T1.5 say: stop at t_end = 20 with L(20) = 3.22060943244e−33 (mpmath, 30 digits),
// an imbalance drift at tolerance level and a product next to Θ̂ = (1, 0.5, 0)ᵀ.
#define BOOST_TEST_MODULE readme
#include <boost/test/unit_test.hpp>

#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/precision.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace gradflow;

namespace {

std::string slurp(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string readme_toml_block() {
  const std::string readme = slurp(fs::path(GRADFLOW_SOURCE_DIR) / "README.md");
  const auto open = readme.find("```toml\n");
  BOOST_REQUIRE(open != std::string::npos);
  const auto start = open + 8;
  return readme.substr(start, readme.find("```", start) - start);
}

}  // namespace

BOOST_AUTO_TEST_CASE(readme_block_is_the_quickstart_example) {
  BOOST_TEST(readme_toml_block() == slurp(fs::path(GRADFLOW_SOURCE_DIR) / "examples/t1_5.toml"));
}

BOOST_AUTO_TEST_CASE(readme_config_runs_and_matches_t1_5) {
  const fs::path dir = fs::temp_directory_path() / ("gradflow-readme-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "readme.toml") << readme_toml_block();
  const std::string command = std::string(GRADFLOW_BINARY) + " run " + (dir / "readme.toml").string() + " --out " +
                              (dir / "out").string() + " --quiet > " + (dir / "stdout").string();
  BOOST_REQUIRE(std::system(command.c_str()) == 0);
  const auto summary = nlohmann::json::parse(slurp(dir / "out/summary.json"));
  BOOST_TEST(summary["stop_reason"] == "t_end");
  BOOST_TEST(summary["digits"] == 60);
  set_working_digits(60);
  const Real loss = parse_decimal<Real>(summary["loss_final"].get<std::string>());
  const Real published = parse_decimal<Real>("3.22060943244e-33");  // THEOREMS.md T1.5, 12 digits
  using std::abs;
  BOOST_TEST(abs(loss - published) / published < parse_decimal<Real>("1e-11"));
  // The drift bound is the tolerance times the accepted steps (see test_min2021_imbalance).
  const Real drift = parse_decimal<Real>(summary["invariants"]["imbalance"].get<std::string>());
  BOOST_TEST(drift <= parse_decimal<Real>("1e-30") * summary["steps"].get<long>());
  const std::string product = slurp(dir / "out/final/product.csv");
  std::istringstream rows(product);
  std::string theta1;
  std::getline(rows, theta1);
  BOOST_TEST(abs(parse_decimal<Real>(theta1) - 1) < parse_decimal<Real>("1e-15"));
  fs::remove_all(dir);
}
