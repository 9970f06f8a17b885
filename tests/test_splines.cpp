// The reference splines of the wide-ReLU limit (THEOREMS.md §3): the natural cubic spline against
// T3.1's rational values and, on uneven knots, against the same spline found a different way — its
// 4(n − 1) piecewise-cubic coefficients from the continuity and end conditions by dense LU; the
// adaptive spline of the Gaussian ζ against the conditions that define it (interpolation, g''/ζ
// piecewise linear, 0 at the end knots — read off g by finite differences) and against the natural
// spline in the limit of constant ζ; the polyharmonic spline (Thm 7/8) against the natural spline in
// one dimension and, in two, against its defining conditions, rotations and affine data.
#define BOOST_TEST_MODULE splines
#include "gradflow/solvers/adaptive_spline.hpp"
#include "gradflow/solvers/natural_spline.hpp"
#include "gradflow/solvers/polyharmonic_spline.hpp"
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
  const solvers::natural_spline<Real> g(decimals({"-2", "-1", "0", "1", "2"}),
                                        decimals({"1.5", "0.5", "1.5", "0.5", "1.5"}));
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
  const auto x = decimals({"-1.3", "-0.2", "0.15", "1.1", "2.7", "3"}),
             y = decimals({"0.4", "-1.2", "0.9", "2.25", "-0.5", "0.1"});
  const solvers::natural_spline<Real> g(x, y);
  const Eigen::Index pieces = static_cast<Eigen::Index>(x.size()) - 1, n = 4 * pieces;
  matrix<Real> A = matrix<Real>::Zero(n, n), rhs = matrix<Real>::Zero(n, 1);
  Eigen::Index row = 0;
  for (Eigen::Index j = 0; j < pieces; ++j) {
    const Real H = x[static_cast<std::size_t>(j + 1)] - x[static_cast<std::size_t>(j)];
    A(row, 4 * j) = 1, rhs(row++) = y[static_cast<std::size_t>(j)];
    A(row, 4 * j) = 1, A(row, 4 * j + 1) = H, A(row, 4 * j + 2) = H * H, A(row, 4 * j + 3) = H * H * H,
               rhs(row++) = y[static_cast<std::size_t>(j + 1)];
    if (j + 1 < pieces) {
      A(row, 4 * j + 1) = 1, A(row, 4 * j + 2) = 2 * H, A(row, 4 * j + 3) = 3 * H * H,
                     A(row++, 4 * j + 5) = -1;
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
    worst = std::max(
        worst, Real(abs(g(s) - (c(4 * j) + u * (c(4 * j + 1) + u * (c(4 * j + 2) + u * c(4 * j + 3)))))));
  }
  BOOST_TEST(worst <= 1024 * eps<Real>(), "worst " << worst);
}

namespace {

// ζ of THEOREMS.md §3.2 Thm 2 (a), written from the formula: 2σ_w³σ_b³ / (π (σ_b² + x²σ_w²)²).
Real gaussian_zeta(const Real& x, const Real& sw, const Real& sb) {
  using std::atan;
  const Real pi = 4 * atan(Real(1)), q = sb * sb + x * x * sw * sw;
  return 2 * sw * sw * sw * sb * sb * sb / (pi * q * q);
}

// g'' by the 5-point central difference with step δ.
template <class G>
Real second_derivative(const G& g, const Real& x, const Real& delta) {
  return (-g(x + 2 * delta) + 16 * g(x + delta) - 30 * g(x) + 16 * g(x - delta) - g(x - 2 * delta)) /
         (12 * delta * delta);
}

}  // namespace

BOOST_AUTO_TEST_CASE(adaptive_spline_interpolates_with_g2_over_zeta_piecewise_linear) {
  // Uneven knots, σ_w = 1, σ_b = 0.7 (a = 0.7: ζ varies by a factor 100 over the knots). On every
  // interval w = g''/ζ at ¼, ½, ¾ must lie on one line, which reaches the solver's m_j at the knots
  // and 0 at both end knots (the natural conditions of ∫ g''²/ζ).
  using std::abs;
  using std::pow;
  const auto x = decimals({"-2", "-1.2", "-0.1", "0.4", "1.5", "2"}),
             y = decimals({"1.5", "0.3", "1.1", "0.8", "-0.4", "1"});
  const Real sw = dec("1"), sb = dec("0.7");
  const solvers::adaptive_spline<Real> g(x, y, sw, sb);
  Real interpolation(0);
  for (std::size_t j = 0; j < x.size(); ++j)
    interpolation = std::max(interpolation, Real(abs(g(x[j]) - y[j])));
  BOOST_TEST(interpolation <= 1024 * eps<Real>());
  const Real delta = pow(eps<Real>(), Real(1) / 6), tol = pow(eps<Real>(), Real(1) / 2);
  Real collinear(0), at_knots(0), scale(0);
  for (std::size_t j = 0; j + 1 < x.size(); ++j) {
    const Real h = x[j + 1] - x[j];
    const auto w = [&](int quarter) {
      const Real t = x[j] + h * quarter / 4;
      return Real(second_derivative(g, t, delta) / gaussian_zeta(t, sw, sb));
    };
    const Real w1 = w(1), w2 = w(2), w3 = w(3);
    scale = std::max({scale, Real(abs(w1)), Real(abs(w3))});
    collinear = std::max(collinear, Real(abs(w2 - (w1 + w3) / 2)));
    // the line through (¼, w1), (¾, w3) at 0 and 1: w1 ∓ (w3 − w1)/2
    const Real left = w1 - (w3 - w1) / 2, right = w3 + (w3 - w1) / 2;
    at_knots = std::max({at_knots, Real(abs(left - g.weights()[j])), Real(abs(right - g.weights()[j + 1]))});
  }
  BOOST_TEST_MESSAGE("interpolation " << interpolation << ", collinearity " << collinear << ", knots "
                                      << at_knots << " (scale " << scale << ")");
  BOOST_TEST(scale > 1);
  BOOST_TEST(g.weights().front() == 0);
  BOOST_TEST(g.weights().back() == 0);
  BOOST_TEST(collinear <= tol * scale);
  BOOST_TEST(at_knots <= tol * scale);
}

BOOST_AUTO_TEST_CASE(adaptive_spline_tends_to_the_natural_spline_as_zeta_flattens) {
  // σ_b → ∞ with σ_w = 1: ζ ∝ (1 + x²/σ_b²)^−2 is flat to O(σ_b^−2) on the knots, so the adaptive
  // spline tends to the natural cubic spline at that rate (×100 in σ_b² gives ×1/100 in distance).
  using std::abs;
  const auto x = decimals({"-2", "-1", "0", "1", "2"}), y = decimals({"1.5", "0.5", "1.5", "0.5", "1.5"});
  const solvers::natural_spline<Real> natural(x, y);
  const auto distance = [&](const char* sigma_b) {
    const solvers::adaptive_spline<Real> g(x, y, dec("1"), dec(sigma_b));
    Real sup(0);
    for (int k = 0; k <= 40; ++k) {
      const Real t = dec("-2") + Real(k) / 10;
      sup = std::max(sup, Real(abs(g(t) - natural(t))));
    }
    return sup;
  };
  const Real d10 = distance("10"), d100 = distance("100");
  BOOST_TEST_MESSAGE("sup |adaptive − natural|: σ_b = 10: " << d10 << ", σ_b = 100: " << d100);
  BOOST_TEST(d10 > 1e-4);
  BOOST_TEST(d10 / d100 > 80);
  BOOST_TEST(d10 / d100 < 120);
}

BOOST_AUTO_TEST_CASE(polyharmonic_spline_in_one_dimension_is_the_natural_spline) {
  using std::abs;
  const auto x = decimals({"-1.3", "-0.2", "0.15", "1.1", "2.7", "3"}),
             y = decimals({"0.4", "-1.2", "0.9", "2.25", "-0.5", "0.1"});
  matrix<Real> X(6, 1), Y(6, 1);
  for (Eigen::Index j = 0; j < 6; ++j)
    X(j, 0) = x[static_cast<std::size_t>(j)], Y(j, 0) = y[static_cast<std::size_t>(j)];
  const solvers::polyharmonic_spline<Real> h(X, Y);
  const solvers::natural_spline<Real> g(x, y);
  Real worst(0);
  for (const char* t : {"-2", "-1.3", "-0.7", "0", "0.15", "0.6", "1.9", "2.95", "4"}) {
    const matrix<Real> point = matrix<Real>::Constant(1, 1, dec(t));
    worst = std::max(worst, Real(abs(h(point) - g(dec(t)))));
  }
  BOOST_TEST(worst <= 4096 * eps<Real>(), "worst " << worst);
}

BOOST_AUTO_TEST_CASE(polyharmonic_spline_in_two_dimensions) {
  // THEOREMS.md §3.3's 2-D data. h interpolates, Σλ = 0 and Σλ x_j = 0; rotating the data by 90°
  // rotates h (‖·‖ is invariant); affine data give λ = 0 and h affine; points on one line are refused.
  using std::abs;
  const matrix<Real> X = test::rows({{"-1", "-1"}, {"1", "1"}, {"0", "0"}, {"-1", "1"}, {"1", "-1"}});
  const matrix<Real> y = test::rows({{"1.5"}, {"1.5"}, {"0.5"}, {"-0.5"}, {"-0.5"}});
  const solvers::polyharmonic_spline<Real> h(X, y);
  const Real tol = 4096 * eps<Real>();
  for (Eigen::Index j = 0; j < 5; ++j) BOOST_TEST(abs(h(X.row(j)) - y(j)) <= tol);
  BOOST_TEST(abs(h.lambda().sum()) <= tol);
  for (Eigen::Index k = 0; k < 2; ++k) BOOST_TEST(abs((h.lambda().transpose() * X.col(k))(0)) <= tol);
  BOOST_TEST(h.lambda().cwiseAbs().maxCoeff() > Real(1) / 100);  // not affine: the data are a saddle
  matrix<Real> R(2, 2);
  R << 0, -1, 1, 0;
  const solvers::polyharmonic_spline<Real> rotated(matrix<Real>(X * R.transpose()), y);
  for (const auto& point :
       {test::rows({{"0.3", "-0.7"}}), test::rows({{"1.5", "0.25"}}), test::rows({{"-0.1", "0.9"}})})
    BOOST_TEST(abs(rotated(matrix<Real>(point * R.transpose())) - h(point)) <= tol);
  matrix<Real> affine(5, 1);
  for (Eigen::Index j = 0; j < 5; ++j) affine(j) = dec("0.25") - 3 * X(j, 0) + dec("1.5") * X(j, 1);
  const solvers::polyharmonic_spline<Real> flat(X, affine);
  BOOST_TEST(flat.lambda().cwiseAbs().maxCoeff() <= tol);
  BOOST_TEST(abs(flat(test::rows({{"2", "3"}})) - (dec("0.25") - 6 + dec("4.5"))) <= tol);
  BOOST_CHECK_THROW(solvers::polyharmonic_spline<Real>(test::rows({{"0", "0"}, {"1", "1"}, {"2", "2"}}),
                                                       test::rows({{"1"}, {"2"}, {"0"}})),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(bad_knots_are_refused) {
  BOOST_CHECK_THROW(solvers::natural_spline<Real>(decimals({"0", "0"}), decimals({"1", "2"})),
                    std::invalid_argument);
  BOOST_CHECK_THROW(solvers::natural_spline<Real>(decimals({"0"}), decimals({"1"})), std::invalid_argument);
  BOOST_CHECK_THROW(
      solvers::adaptive_spline<Real>(decimals({"1", "0"}), decimals({"1", "2"}), dec("1"), dec("1")),
      std::invalid_argument);
  BOOST_CHECK_THROW(
      solvers::adaptive_spline<Real>(decimals({"0", "1"}), decimals({"1", "2"}), dec("0"), dec("1")),
      std::invalid_argument);
}
