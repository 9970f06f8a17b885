// The README's config block is examples/t1_5_taylor.toml verbatim, and running it gives what the
// README and THEOREMS.md T1.5 say: it stops on L = 1e-100 (|L/target − 1| ≤ 1e-20), the imbalance
// drifts by at most the tolerance, and UVᵀ is the min-norm solution Θ̂ = (1, ½, 0)ᵀ to ≥ 45 digits
// (‖Θ − Θ̂‖ ≤ √(2L)/σ_r(X) = 1.4e-50 in the invariant set; Θ̂ is exact here, X = diag(1, 2) plus a zero column).
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

// The README's k-th ```toml block (k = 0: the quickstart config).
std::string readme_toml_block(int k = 0) {
  const std::string readme = slurp(fs::path(GRADFLOW_SOURCE_DIR) / "README.md");
  std::size_t open = readme.find("```toml\n");
  for (int i = 0; i < k && open != std::string::npos; ++i) open = readme.find("```toml\n", open + 8);
  BOOST_REQUIRE(open != std::string::npos);
  const auto start = open + 8;
  return readme.substr(start, readme.find("```", start) - start);
}

}  // namespace

BOOST_AUTO_TEST_CASE(readme_block_is_the_quickstart_example) {
  BOOST_TEST(readme_toml_block() == slurp(fs::path(GRADFLOW_SOURCE_DIR) / "examples/t1_5_taylor.toml"));
}

BOOST_AUTO_TEST_CASE(readme_linear_deep_block_is_from_its_example) {
  // The linear_deep [model] table in the README is quoted verbatim from examples/deep3_balanced.toml
  // (which tests/test_cli runs).
  const std::string block = readme_toml_block(1);
  BOOST_TEST(block.starts_with("[model]\nkind = \"linear_deep\""), block);
  BOOST_TEST(
      slurp(fs::path(GRADFLOW_SOURCE_DIR) / "examples/deep3_balanced.toml").find(block) != std::string::npos,
      block);
}

BOOST_AUTO_TEST_CASE(readme_diagonal_block_is_from_its_example) {
  // The diagonal [model] table in the README is quoted verbatim from examples/diagonal_q_alpha.toml,
  // which reaches the Q_α minimiser a(0.5) of THEOREMS.md §4.3 (tests/test_diagonal checks the flow).
  const std::string block = readme_toml_block(2);
  BOOST_TEST(block.starts_with("[model]\nkind = \"diagonal\""), block);
  BOOST_TEST(slurp(fs::path(GRADFLOW_SOURCE_DIR) / "examples/diagonal_q_alpha.toml").find(block) !=
                 std::string::npos,
             block);
}

BOOST_AUTO_TEST_CASE(readme_time_change_block_is_from_its_example) {
  // The exponential-loss [model] table is quoted verbatim from examples/moroshko_1e1000.toml
  // (tests/test_time_change checks that flow against THEOREMS.md §5.3).
  const std::string block = readme_toml_block(3);
  BOOST_TEST(block.starts_with("[model]\nkind = \"diagonal\"\nloss = \"exponential\""), block);
  BOOST_TEST(
      slurp(fs::path(GRADFLOW_SOURCE_DIR) / "examples/moroshko_1e1000.toml").find(block) != std::string::npos,
      block);
}

BOOST_AUTO_TEST_CASE(readme_config_runs_and_matches_t1_5) {
  const fs::path dir = fs::temp_directory_path() / ("gradflow-readme-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "readme.toml") << readme_toml_block();
  const std::string command = std::string(GRADFLOW_BINARY) + " run " + (dir / "readme.toml").string() +
                              " --out " + (dir / "out").string() + " --quiet > " + (dir / "stdout").string();
  BOOST_REQUIRE(std::system(command.c_str()) == 0);
  const auto summary = nlohmann::json::parse(slurp(dir / "out/summary.json"));
  BOOST_TEST(summary["stop_reason"] == "loss_below");
  BOOST_TEST(summary["digits"] == 130);
  set_working_digits(130);
  using std::abs;
  const Real loss = parse_decimal<Real>(summary["loss_final"].get<std::string>());
  BOOST_TEST(abs(loss / parse_decimal<Real>("1e-100") - 1) <= parse_decimal<Real>("1e-20"));
  const Real drift = parse_decimal<Real>(summary["invariants"]["imbalance"].get<std::string>());
  BOOST_TEST(drift <= parse_decimal<Real>("1e-110"));
  std::istringstream rows(slurp(dir / "out/final/product.csv"));
  const Real theta_hat[] = {Real(1), Real(1) / 2, Real(0)};
  for (const Real& expected : theta_hat) {
    std::string line;
    std::getline(rows, line);
    BOOST_TEST(abs(parse_decimal<Real>(line) - expected) <= parse_decimal<Real>("1e-45"), line);
  }
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(readme_relu_block_is_from_its_example) {
  // The relu_shallow [model] table in the README is quoted verbatim from examples/relu_fig1.toml.
  const std::string block = readme_toml_block(4);
  BOOST_TEST(block.starts_with("[model]\nkind = \"relu_shallow\""), block);
  BOOST_TEST(
      slurp(fs::path(GRADFLOW_SOURCE_DIR) / "examples/relu_fig1.toml").find(block) != std::string::npos,
      block);
}
