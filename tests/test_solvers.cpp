// The reference solvers of the implicit-bias checks, each against an oracle that does not use it:
// mirror_interpolation against bisection on THEOREMS.md §4.3's one-variable equations (and the
// published 20-digit roots), its sensitivity against central differences; max_margin_l2 and
// refined_offset against THEOREMS.md §6.4's closed forms; nonnegative_qp / nnls against a separable
// case and the KKT certificate.
#define BOOST_TEST_MODULE solvers
#include "gradflow/solvers/max_margin_l2.hpp"
#include "gradflow/solvers/mirror_interpolation.hpp"
#include "gradflow/solvers/nonnegative_qp.hpp"
#include "support/literals.hpp"
#include "support/working_precision.hpp"

#include <boost/test/unit_test.hpp>

#include <functional>

using namespace gradflow;
using gradflow::solvers::max_margin_l2;
using gradflow::test::agreement_digits;
using gradflow::test::dec;
using gradflow::test::eps_power;
using gradflow::test::rows;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

// The root of an increasing f on [lo, hi] by bisection to the working precision.
Real bisect(const std::function<Real(const Real&)>& f, Real lo, Real hi) {
  for (int k = 0; k < 4 * static_cast<int>(working_digits()) + 20; ++k) {
    const Real mid = (lo + hi) / 2;
    (f(mid) < 0 ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

// THEOREMS.md §4.3: X = [[1,1,0],[0,1,1]], y = (1,1); interpolants (a, 1 − a, a).
const matrix<Real>& section_4_3_X() {
  static const matrix<Real> X = rows({{"1", "1", "0"}, {"0", "1", "1"}});
  return X;
}

Real interpolation_a(int D, const Real& alpha) {
  const auto s = solvers::mirror_interpolation<Real>(section_4_3_X(), rows({{"1"}, {"1"}}),
                                                     solvers::diagonal_network_map(D, alpha));
  using std::abs;
  BOOST_TEST(abs(s.beta(0) - s.beta(2)) <= 64 * eps<Real>());
  BOOST_TEST(abs(s.beta(0) + s.beta(1) - 1) <= 64 * eps<Real>());
  return s.beta(0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(depth_two_matches_the_quartic_root_and_the_published_values) {
  // a = the root in (0, 1/3] of a⁴ + α⁴(3a² + 2a − 1), found here by bisection.
  const std::vector<std::pair<const char*, const char*>> published = {{"10", "0.33333302469242969316"},
                                                                      {"1", "0.33034928037326857546"},
                                                                      {"0.5", "0.30007234787743522469"},
                                                                      {"0.1", "0.094132273043990816041"},
                                                                      {"0.01", "0.0099491250627291480596"}};
  for (const auto& [alpha_text, a_text] : published) {
    const Real alpha = dec(alpha_text), alpha4 = alpha * alpha * alpha * alpha;
    const Real root =
        bisect([&](const Real& a) { return Real(a * a * a * a + alpha4 * (3 * a * a + 2 * a - 1)); }, Real(0),
               Real(1) / 3);
    const Real a = interpolation_a(2, alpha);
    BOOST_TEST_INFO("alpha = " << alpha_text);
    BOOST_TEST(agreement_digits(a, root) >= working_digits() - 3);
    BOOST_TEST(agreement_digits(a, dec(a_text)) >= 19);
  }
}

BOOST_AUTO_TEST_CASE(depth_three_matches_bisection_on_the_symmetric_dual) {
  // By symmetry ν = (t, t), s = Xᵀν = (t, 2t, t): β₁ + β₂ = G(t) + G(2t) = 1 fixes t ∈ (0, ½).
  for (const auto& [alpha_text, a_text] : std::vector<std::pair<const char*, const char*>>{
           {"0.7", "0.293113099061"}, {"0.5", "0.211329356673"}}) {
    const Real alpha = dec(alpha_text);
    const auto G = solvers::depth_d_map(3, alpha);
    const Real t = bisect([&](const Real& x) { return Real(G.value(0, x) + G.value(1, 2 * x) - 1); }, Real(0),
                          Real(1) / 2);
    const Real a = interpolation_a(3, alpha);
    BOOST_TEST_INFO("alpha = " << alpha_text);
    BOOST_TEST(agreement_digits(a, G.value(0, t)) >= working_digits() - 3);
    BOOST_TEST(agreement_digits(a, dec(a_text)) >= 11);
  }
}

BOOST_AUTO_TEST_CASE(sensitivity_matches_central_differences) {
  const matrix<Real> X = rows({{"1", "0.5", "-0.3", "0.2"}, {"0.1", "-0.7", "0.4", "1.2"}}),
                     y = rows({{"0.8"}, {"-0.5"}});
  for (int D : {2, 3}) {
    const auto G = solvers::diagonal_network_map(D, dec("0.3"));
    const auto s = solvers::mirror_interpolation<Real>(X, y, G);
    const Real h = eps_power(1, 3);
    for (Eigen::Index n = 0; n < 2; ++n) {
      matrix<Real> up = y, down = y;
      up(n) += h;
      down(n) -= h;
      const matrix<Real> fd = (solvers::mirror_interpolation<Real>(X, up, G).beta -
                               solvers::mirror_interpolation<Real>(X, down, G).beta) /
                              (2 * h);
      BOOST_TEST_INFO("D = " << D << ", n = " << n);
      BOOST_TEST((fd - s.sensitivity.col(n)).cwiseAbs().maxCoeff() <= eps_power(1, 2));
    }
  }
}

BOOST_AUTO_TEST_CASE(interpolation_fails_loudly_without_a_solution) {
  // Two equal rows with different targets: no β interpolates, so Newton cannot reach the targets.
  BOOST_CHECK_THROW(solvers::mirror_interpolation<Real>(rows({{"1", "1"}, {"1", "1"}}), rows({{"1"}, {"2"}}),
                                                        solvers::depth_two_map(Real(1))),
                    std::runtime_error);
}

BOOST_AUTO_TEST_CASE(max_margin_matches_the_anisotropic_closed_form) {
  // THEOREMS.md §6.4: x₁ = (1, 0), x₂ = (0, 2): ŵ = (1, ½), λ = (1, ¼), w̃ = (0, ln 2).
  const matrix<Real> A = rows({{"1", "0"}, {"0", "2"}});
  const auto svm = max_margin_l2(A);
  const auto w_tilde = solvers::refined_offset(A, svm);
  BOOST_REQUIRE(w_tilde.has_value());
  using std::log;
  const Real tol = 64 * eps<Real>();
  BOOST_TEST((svm.w - rows({{"1"}, {"0.5"}})).cwiseAbs().maxCoeff() <= tol);
  BOOST_TEST((svm.lambda - rows({{"1"}, {"0.25"}})).cwiseAbs().maxCoeff() <= tol);
  BOOST_TEST(svm.support.size() == 2u);
  BOOST_TEST(abs((*w_tilde)(0)) <= tol);
  BOOST_TEST(abs((*w_tilde)(1) - log(Real(2))) <= tol);
}

BOOST_AUTO_TEST_CASE(max_margin_matches_the_symmetric_closed_form_and_ignores_interior_points) {
  // Two symmetric support vectors: ŵ = (½, ½), λ = (¼, ¼), w̃ = (ln 2, ln 2); a third point far
  // inside the margin gets λ = 0 and is not in the support set.
  const matrix<Real> A = rows({{"0.5", "1.5"}, {"1.5", "0.5"}, {"3", "4"}});
  const auto svm = max_margin_l2(A);
  const auto w_tilde = solvers::refined_offset(A, svm);
  BOOST_REQUIRE(w_tilde.has_value());
  using std::log;
  const Real tol = 64 * eps<Real>();
  BOOST_TEST((svm.w - rows({{"0.5"}, {"0.5"}})).cwiseAbs().maxCoeff() <= tol);
  BOOST_TEST((svm.lambda - rows({{"0.25"}, {"0.25"}, {"0"}})).cwiseAbs().maxCoeff() <= tol);
  BOOST_TEST(svm.support.size() == 2u);
  BOOST_TEST(((*w_tilde).array() - log(Real(2))).abs().maxCoeff() <= tol);
}

BOOST_AUTO_TEST_CASE(max_margin_rejects_inseparable_data) {
  BOOST_CHECK_THROW(max_margin_l2(rows({{"1", "0"}, {"-1", "0"}})), std::runtime_error);
  BOOST_CHECK_THROW(max_margin_l2(rows({{"1", "1"}, {"-2", "-2"}, {"0", "1"}})), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(refined_offset_is_undetermined_when_the_support_is_rank_deficient) {
  // One support vector in ℝ²: A_S w̃ = −log λ_S leaves a direction free, so Thm 4 does not fix w̃.
  const matrix<Real> A = rows({{"1", "0"}, {"3", "1"}});
  const auto svm = max_margin_l2(A);
  BOOST_TEST(svm.support.size() == 1u);
  BOOST_TEST(!solvers::refined_offset(A, svm).has_value());
}

BOOST_AUTO_TEST_CASE(nnls_on_a_diagonal_case_and_the_kkt_certificate) {
  // M = I: the answer is max(b, 0) componentwise.
  const matrix<Real> x = solvers::nnls<Real>(matrix<Real>::Identity(3, 3), rows({{"1"}, {"-1"}, {"2.5"}}));
  BOOST_TEST((x - rows({{"1"}, {"0"}, {"2.5"}})).cwiseAbs().maxCoeff() <= 16 * eps<Real>());
  // A coupled case, certified by KKT: x ≥ 0, g = Mᵀ(Mx − b) ≥ 0, x∘g = 0 (to a few eps).
  const matrix<Real> M =
      rows({{"1", "2", "0.5"}, {"-0.3", "1", "1"}, {"2", "-1", "0.7"}, {"0.1", "0.4", "-2"}});
  const matrix<Real> b = rows({{"1"}, {"-2"}, {"0.5"}, {"3"}});
  const matrix<Real> z = solvers::nnls<Real>(M, b), g = M.transpose() * (M * z - b);
  const Real tol = 1024 * eps<Real>();
  int active = 0;
  for (Eigen::Index i = 0; i < 3; ++i) {
    BOOST_TEST(z(i) >= 0);
    BOOST_TEST(g(i) >= -tol);
    BOOST_TEST(abs(z(i) * g(i)) <= tol);
    active += z(i) == 0;
  }
  BOOST_TEST(active >= 1);  // the unconstrained least-squares solution has a negative entry
}
