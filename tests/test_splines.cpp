// The reference splines of the wide-ReLU limit (THEOREMS.md §3): the natural cubic spline against
// T3.1's rational values and, on uneven knots, against the same spline found a different way — its
// 4(n − 1) piecewise-cubic coefficients from the continuity and end conditions by dense LU.
#define BOOST_TEST_MODULE splines
#include "gradflow/solvers/natural_spline.hpp"
#include "support/literals.hpp"
#include "support/working_precision.hpp"

#include <Eigen/LU>
#include <boost/test/unit_test.hpp>

using namespace gradflow;
using gradflow::test::dec;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

std::vector<Real> decimals(std::initializer_list<const char*> entries) {
  std::vector<Real> v;
  for (const char* x : entries) v.push_back(dec(x));
  return v;
}

}  // namespace

BOOST_AUTO_TEST_CASE(fig_1_spline_has_the_t3_1_values) {
  // x = (−2, −1, 0, 1, 2), y = (1.5, 0.5, 1.5, 0.5, 1.5): M = (0, 30/7, −36/7, 30/7, 0),
  // g(±1.5) = 41/56, g(±0.5) = 59/56, ∫ g''² = 192/7.
  using std::abs;
  const solvers::natural_spline<Real> g(decimals({"-2", "-1", "0", "1", "2"}), decimals({"1.5", "0.5", "1.5", "0.5", "1.5"}));
  const Real tol = 64 * eps<Real>();
  const std::vector<Real> M = {Real(0), Real(30) / 7, Real(-36) / 7, Real(30) / 7, Real(0)};
  for (std::size_t j = 0; j < M.size(); ++j) BOOST_TEST(abs(g.second_derivatives()[j] - M[j]) <= tol);
  for (const char* x : {"-1.5", "1.5"}) BOOST_TEST(abs(g(dec(x)) - Real(41) / 56) <= tol);
  for (const char* x : {"-0.5", "0.5"}) BOOST_TEST(abs(g(dec(x)) - Real(59) / 56) <= tol);
  BOOST_TEST(abs(g.energy() - Real(192) / 7) <= tol);
  // Linear continuation beyond the ends: g'(2) = Δ + h(M₃ + 2M₄)/6 = 1 + 5/7 = 12/7.
  BOOST_TEST(abs(g(dec("3")) - (dec("1.5") + Real(12) / 7)) <= tol);
}

BOOST_AUTO_TEST_CASE(uneven_knots_match_the_piecewise_cubic_system) {
  // Piece j: g = a_j + b_j s + c_j s² + d_j s³, s = x − x_j. Conditions: g(x_j) = y_j and
  // g(x_{j+1}) = y_{j+1} per piece, g' and g'' continuous at interior knots, g'' = 0 at both ends.
  const auto x = decimals({"-1.3", "-0.2", "0.15", "1.1", "2.7", "3"}), y = decimals({"0.4", "-1.2", "0.9", "2.25", "-0.5", "0.1"});
  const solvers::natural_spline<Real> g(x, y);
  const Eigen::Index pieces = static_cast<Eigen::Index>(x.size()) - 1, n = 4 * pieces;
  matrix<Real> A = matrix<Real>::Zero(n, n), rhs = matrix<Real>::Zero(n, 1);
  Eigen::Index row = 0;
  for (Eigen::Index j = 0; j < pieces; ++j) {
    const Real H = x[static_cast<std::size_t>(j + 1)] - x[static_cast<std::size_t>(j)];
    A(row, 4 * j) = 1, rhs(row++) = y[static_cast<std::size_t>(j)];
    A(row, 4 * j) = 1, A(row, 4 * j + 1) = H, A(row, 4 * j + 2) = H * H, A(row, 4 * j + 3) = H * H * H, rhs(row++) = y[static_cast<std::size_t>(j + 1)];
    if (j + 1 < pieces) {
      A(row, 4 * j + 1) = 1, A(row, 4 * j + 2) = 2 * H, A(row, 4 * j + 3) = 3 * H * H, A(row++, 4 * j + 5) = -1;
      A(row, 4 * j + 2) = 2, A(row, 4 * j + 3) = 6 * H, A(row++, 4 * j + 6) = -2;
    }
  }
  A(row++, 2) = 2;
  const Real H_last = x.back() - x[x.size() - 2];
  A(row, 4 * (pieces - 1) + 2) = 2, A(row++, 4 * (pieces - 1) + 3) = 6 * H_last;
  BOOST_REQUIRE(row == n);
  const matrix<Real> c = Eigen::PartialPivLU<matrix<Real>>(A).solve(rhs);
  using std::abs;
  Real worst(0);
  for (const char* t : {"-1.1", "-0.2", "0", "0.6", "1.1", "2", "2.9"}) {
    const Real s = dec(t);
    Eigen::Index j = 0;
    while (j + 1 < pieces && s > x[static_cast<std::size_t>(j + 1)]) ++j;
    const Real u = s - x[static_cast<std::size_t>(j)];
    worst = std::max(worst, Real(abs(g(s) - (c(4 * j) + u * (c(4 * j + 1) + u * (c(4 * j + 2) + u * c(4 * j + 3)))))));
  }
  BOOST_TEST(worst <= 1024 * eps<Real>(), "worst " << worst);
}

BOOST_AUTO_TEST_CASE(bad_knots_are_refused) {
  BOOST_CHECK_THROW(solvers::natural_spline<Real>(decimals({"0", "0"}), decimals({"1", "2"})), std::invalid_argument);
  BOOST_CHECK_THROW(solvers::natural_spline<Real>(decimals({"0"}), decimals({"1"})), std::invalid_argument);
}
