// `gradflow run` of kind = "matrix_sensing" (README "Config"): each config rule has one exact message,
// and the example's limit final/product.csv matches the interpolant in closed form. The example's
// measurements are A_i = 81·H D_i H with H = I − 2vvᵀ/9, v = (1, 2, 2), D_1 = diag(1, 1, 0),
// D_2 = diag(0, 1, 2) and y = 81·(1, 2): in H's basis λ = α² exp(𝒜ᵀν) solves λ1 + λ2 = 1, λ2 + 2λ3 = 2,
// and α²λ2² = λ1²λ3 (the curve: λ2/λ1 = e^{81ν2} = √(λ3/α²)), so λ2 is the one root in (0, 1) of
// 2α²x² = (1 − x)²(2 − x), found by bisection — independent of the run and of the check's Newton.
#define BOOST_TEST_MODULE cli_matrix_sensing
#include "support/sandbox.hpp"
#include "support/working_precision.hpp"

#include "gradflow/io/matrix_text.hpp"

#include <boost/test/unit_test.hpp>

namespace {

using namespace gradflow;
using gradflow::test::quote;
using gradflow::test::replace_first;
using gradflow::test::sandbox;
using gradflow::test::slurp;
namespace fs = std::filesystem;

const fs::path example = fs::path(GRADFLOW_SOURCE_DIR) / "examples" / "matrix_sensing_commuting.toml";

BOOST_AUTO_TEST_CASE(the_limit_is_the_closed_form_interpolant) {
  using std::sqrt;
  sandbox box;
  const unsigned D = working_digits();
  const std::string loss = "1e-" + std::to_string(D * 3 / 4 + 2);  // 1e-39 at 50 digits, 1e-69 at 90
  const auto r =
      box.run("run " + quote(example) + " --out " + quote(box.path("out")) +
              " --quiet --set precision.digits=" + std::to_string(D) + " --set integrator.tolerance=1e-" +
              std::to_string(D - 10) + " --set stop.loss_below=" + loss);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const Real c = parse_decimal<Real>("0.01"), two(2);
  Real lo(0), hi(1);
  for (unsigned k = 0; k < 4 * D; ++k) {  // 2^−4D < 10^−D: every working digit
    const Real x = (lo + hi) / 2;
    (2 * c * x * x < (1 - x) * (1 - x) * (two - x) ? lo : hi) = x;
  }
  const Real l2 = (lo + hi) / 2, l1 = 1 - l2, l3 = (two - l2) / 2;
  matrix<Real> H(3, 3), L = matrix<Real>::Zero(3, 3);
  const int v[3] = {1, 2, 2};
  for (int j = 0; j < 3; ++j)
    for (int k = 0; k < 3; ++k) H(j, k) = Real(9 * (j == k) - 2 * v[j] * v[k]) / 9;
  L(0, 0) = l1, L(1, 1) = l2, L(2, 2) = l3;
  const matrix<Real> expected = H * L * H;
  const matrix<Real> X =
      to_matrix<Real>(read_csv_matrix(box.path("out") / "final" / "product.csv", "product"));
  const double digits = -log10_as_double(Real((X - expected).norm() / expected.norm()));
  BOOST_TEST_MESSAGE("matrix_sensing limit at " << D << " digits, loss " << loss << ": " << digits
                                                << " digits");
  // ‖X − X∞‖ ≈ ‖dX∞/dy‖·‖r‖ with ‖r‖ = √(2L): about half the loss target's digits, less the condition.
  BOOST_TEST(digits >= 0.5 * (D * 3 / 4 + 2) - 4);
  const std::string summary = slurp(box.path("out") / "summary.json");
  BOOST_TEST(summary.find("\"gunasekar2017.commuting\"") != std::string::npos);
  const std::string header = slurp(box.path("out") / "trajectory.csv").substr(0, 40);
  BOOST_TEST(header.starts_with("t,loss,log10_loss,eig_1,eig_2,eig_3,"), header);
}

BOOST_AUTO_TEST_SUITE(bad_input)

const std::string config = R"([model]
kind = "matrix_sensing"
A = [[["1", "0"], ["0", "0"]], [["0", "1"], ["1", "0"]]]
Y = [["1"], ["0.5"]]
alpha = "0.1"
[precision]
digits = 30
[stop]
t_end = "10"
)";

BOOST_AUTO_TEST_CASE(measurements_are_square_symmetric_and_alike) {
  sandbox box;
  BOOST_TEST(
      box.reject(
          replace_first(config, R"([["0", "1"], ["1", "0"]])", R"([["0", "1"], ["1.0000001", "0"]])")) ==
      "model.A[1][0][1] = \"1\" but model.A[1][1][0] = \"1.0000001\": a measurement must be symmetric (to the digit)");
  BOOST_TEST(box.reject(replace_first(config, R"([["1", "0"], ["0", "0"]])",
                                      R"([["1", "0", "0"], ["0", "0", "0"]])")) ==
             "model.A[0] is 2×3 but a measurement must be square (d×d)");
  BOOST_TEST(box.reject(replace_first(config, R"([["0", "1"], ["1", "0"]])", R"([["1"]])")) ==
             "model.A[1] is 1×1 but model.A[0] is 2×2: every measurement has the same size d×d");
  // The same value written another way is symmetric.
  box.write("same.toml",
            replace_first(config, R"([["0", "1"], ["1", "0"]])", R"([["0", "1"], ["10e-1", "0"]])"));
  const auto same =
      box.run("run " + quote(box.path("same.toml")) + " --out " + quote(box.path("same")) + " --quiet");
  BOOST_TEST(same.exit_code == 0, same.err);
  BOOST_TEST(
      box.reject(
          replace_first(config, R"(A = [[["1", "0"], ["0", "0"]], [["0", "1"], ["1", "0"]]])", "A = []")) ==
      "model.A has 0 matrices but matrix sensing needs at least one measurement: one matrix per measurement, A_1 first");
  BOOST_TEST(box.reject(replace_first(config, R"(Y = [["1"], ["0.5"]])", R"(Y = [["1"]])")) ==
             "model.Y is 1×1 but must be m×1 = 2×1 (one target per measurement in model.A)");
}

BOOST_AUTO_TEST_CASE(the_start_is_alpha_and_rank_or_U0) {
  sandbox box;
  BOOST_TEST(box.reject(replace_first(config, "alpha = \"0.1\"", "alpha = \"0\"")) ==
             "model.alpha = \"0\" violates alpha > 0");
  BOOST_TEST(
      box.reject(replace_first(config, "alpha = \"0.1\"", "")) ==
      "model.alpha is required for model.kind = \"matrix_sensing\" (the start U0 = alpha·[I_r; 0], with model.rank), "
      "or model.U0");
  BOOST_TEST(box.reject(config, "--set model.rank=3") == "model.rank = 3 violates 1 <= rank <= 2");
  BOOST_TEST(
      box.reject(replace_first(config, "alpha = \"0.1\"", "U0 = [[\"1\"], [\"0\"]]\nalpha = \"1\"")) ==
      "model.alpha and model.U0 both given: the start is either U0 = alpha·[I_r; 0] or the explicit factor, not both");
  BOOST_TEST(box.reject(replace_first(config, "alpha = \"0.1\"", "U0 = [[\"1\"], [\"0\"]]\nrank = 1")) ==
             "model.rank is given with model.U0: the rank of the factor is U0's number of columns");
  BOOST_TEST(box.reject(replace_first(config, "alpha = \"0.1\"", "U0 = [[\"1\"], [\"0\"], [\"0\"]]")) ==
             "model.U0 is 3×1 but must be d×r with d = 2 (the size of each measurement) and 1 <= r <= d");
  BOOST_TEST(
      box.reject(config, "--set model.X=[[\"1\"]]") ==
      "model.X is not used by model.kind = \"matrix_sensing\": its initial weights are model.U0, or model.alpha and "
      "model.rank (U0 = alpha·[I_r; 0])");
  BOOST_TEST(
      box.reject(config, "--set model.B=1") ==
      "--set model.B=1: unknown key model.B (known keys in [model]: A, U0, Y, alpha, kind, loss, rank)");
  BOOST_TEST(box.reject(config, "--set model.loss=logistic") ==
             "model.loss = \"logistic\" is not available for matrix_sensing (available: square)");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace

using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);
