// The seeded initialisation of relu_shallow (models/relu_init.hpp): the generator is the standard's
// mt19937_64 (its 10000th output is fixed by the C++ standard), draws agree across precisions up to
// the coarser one's rounding, the anti-symmetrical initialisation gives f(·, θ₀) = 0, and the laws
// have the moments they should (sample means and variances within 5 standard errors, seeded).
#define BOOST_TEST_MODULE relu_init
#include "gradflow/checks/jin2023.hpp"
#include "gradflow/models/relu_init.hpp"
#include "gradflow/models/relu_shallow.hpp"
#include "support/literals.hpp"
#include "support/working_precision.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>

using namespace gradflow;
using gradflow::test::dec;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

BOOST_AUTO_TEST_CASE(generator_is_the_standard_mt19937_64) {
  std::mt19937_64 engine;  // default seed 5489
  engine.discard(9999);
  BOOST_TEST(engine() == 9981545732273789042ULL);
}

BOOST_AUTO_TEST_CASE(draws_agree_with_a_float64_run_to_its_rounding) {
  seeded_draws<Real> fine(7);
  seeded_draws<double> coarse(7);
  for (int k = 0; k < 200; ++k) {
    const auto law = k % 2 ? relu_init_law::gaussian : relu_init_law::uniform;
    const Real x = fine.draw(law, Real(2));
    const double y = coarse.draw(law, 2.0);
    using std::abs;
    BOOST_TEST(abs(x - Real(y)) <= Real(64) * std::numeric_limits<double>::epsilon() * (1 + abs(x)));
  }
}

BOOST_AUTO_TEST_CASE(asi_starts_at_the_zero_function) {
  relu_init_options<Real> o;
  o.width = 40;
  o.seed = 3;
  o.skip = true;
  const auto [p, scale] = initial_parameters(o);
  BOOST_TEST(p.W.rows() == 80);
  const matrix<Real> X = test::rows({{"-2"}, {"-1"}, {"0"}, {"1"}, {"2"}}),
                     y = test::rows({{"1.5"}, {"0.5"}, {"1.5"}, {"0.5"}, {"1.5"}});
  const relu_shallow<Real> model(X, y, 80, scale, true, relu_training::all);
  const auto theta = model.pack(p);
  const matrix<Real> grid = test::rows({{"-3"}, {"-1.3"}, {"0.2"}, {"1.7"}, {"3"}});
  BOOST_TEST(max_abs_entry<Real>(model.predict(theta.data(), grid)) <= 64 * eps<Real>());
}

BOOST_AUTO_TEST_CASE(laws_have_their_moments) {
  // U(−σ, σ): mean 0, variance σ²/3; N(0, σ²): mean 0, variance σ². Standard errors from n = 4000.
  using std::abs;
  using std::sqrt;
  const int n = 4000;
  const Real sigma = dec("1.5");
  for (const auto law : {relu_init_law::uniform, relu_init_law::gaussian}) {
    seeded_draws<Real> draws(11);
    Real sum(0), squares(0), fourth(0);
    for (int k = 0; k < n; ++k) {
      const Real x = draws.draw(law, sigma);
      sum += x, squares += x * x, fourth += x * x * x * x;
    }
    const Real variance = law == relu_init_law::uniform ? Real(sigma * sigma / 3) : Real(sigma * sigma);
    const Real kurtosis = law == relu_init_law::uniform ? Real(dec("1.8")) : Real(3);  // E x⁴ / σ⁴
    BOOST_TEST_INFO((law == relu_init_law::uniform ? "uniform" : "gaussian"));
    BOOST_TEST(abs(sum / n) <= 5 * sqrt(variance / n));
    BOOST_TEST(abs(squares / n - variance) <= 5 * variance * sqrt((kurtosis - 1) / n));
  }
}

BOOST_AUTO_TEST_CASE(sphere_law_draws_unit_directions) {
  // d = 2: ‖w_i‖ = σ_w to rounding, and the angle uniform: E cos = E sin = E cos sin = 0, E cos² = ½
  // (standard errors ≤ 1/√(2n)); d = 1: w_i = ±σ_w with both signs about equally often; b_i, ξ_i ~ U(−1, 1)·scale.
  using std::abs;
  using std::sqrt;
  relu_init_options<Real> o;
  o.law = relu_init_law::sphere;
  o.w_scale = dec("1.5");
  o.d = 2;
  o.width = 4000;
  o.asi = false;
  const auto p = initial_parameters(o).first;
  Real radius(0), c(0), s(0), cs(0), c2(0);
  for (Eigen::Index i = 0; i < o.width; ++i) {
    radius = std::max(radius, Real(abs(p.W.row(i).norm() - o.w_scale)));
    const Real x = p.W(i, 0) / o.w_scale, y = p.W(i, 1) / o.w_scale;
    c += x, s += y, cs += x * y, c2 += x * x;
  }
  const Real n(o.width), se = 5 / sqrt(2 * n);
  BOOST_TEST(radius <= 16 * eps<Real>());
  BOOST_TEST(abs(c / n) <= se);
  BOOST_TEST(abs(s / n) <= se);
  BOOST_TEST(abs(cs / n) <= se);
  BOOST_TEST(abs(c2 / n - Real(1) / 2) <= se);
  BOOST_TEST(p.b.cwiseAbs().maxCoeff() < 2);
  BOOST_TEST(p.a.cwiseAbs().maxCoeff() * sqrt(n) < 1);
  o.d = 1;
  const auto q = initial_parameters(o).first;
  Real positive(0);
  for (Eigen::Index i = 0; i < o.width; ++i) {
    BOOST_TEST(abs(q.W(i, 0)) == o.w_scale);
    if (q.W(i, 0) > 0) positive += 1;
  }
  BOOST_TEST(abs(positive / n - Real(1) / 2) <= 5 / (2 * sqrt(n)));
}

BOOST_AUTO_TEST_CASE(zeta_check_passes_on_the_law_drawn_and_fails_on_another) {
  // jin2023.zeta: draws of U(−1, 1) × U(−2, 2) against ζ of that law (pass) and of U(−1, 1) × U(−1.6, 1.6)
  // (ζ = 1/12.8 instead of 1/16 on the inside: fail); a Gaussian law likewise against σ_b = 0.5 and 0.6.
  // The sphere law (W = ±1, B ~ U(−2, 2): ζ = 1/4 on [−2, 2], Thm 2 b) against B ~ U(−1.6, 1.6) too.
  for (const auto law : {relu_init_law::uniform, relu_init_law::gaussian, relu_init_law::sphere}) {
    relu_init_options<Real> o;
    o.law = law;
    o.w_scale = Real(1);
    o.b_scale = law == relu_init_law::gaussian ? dec("0.5") : Real(2);
    o.width = 20000;
    o.asi = false;
    o.seed = 5;
    const auto drawn = initial_parameters(o).first;
    BOOST_TEST((check_jin2023_zeta(drawn, o, dec("3"), 20, dec("4.5")).verdict == verdict::pass));
    relu_init_options<Real> other = o;
    other.b_scale = law == relu_init_law::gaussian ? dec("0.6") : dec("1.6");
    BOOST_TEST((check_jin2023_zeta(drawn, other, dec("3"), 20, dec("4.5")).verdict == verdict::fail));
  }
  relu_init_options<Real> two;
  two.d = 2;
  two.width = 10;
  BOOST_TEST((check_jin2023_zeta(initial_parameters(two).first, two, dec("3"), 20, dec("4.5")).verdict ==
              verdict::not_applicable));
}

BOOST_AUTO_TEST_CASE(spline_limit_check_logic) {
  // Errors falling like n^{−1/2} (with scatter) pass; errors that do not fall fail; one width is
  // not enough.
  const std::vector<width_errors> falling = {{10, {0.31, 0.29}}, {40, {0.16, 0.14}}, {160, {0.08, 0.075}}};
  const std::vector<width_errors> flat = {{10, {0.27, 0.28}}, {40, {0.27, 0.26}}, {160, {0.27, 0.275}}};
  BOOST_TEST((check_jin2023_spline_limit(falling).verdict == verdict::pass));
  BOOST_TEST((check_jin2023_spline_limit(flat).verdict == verdict::fail));
  BOOST_TEST((check_jin2023_spline_limit({{10, {0.3, 0.2, 0.25}}}).verdict == verdict::not_applicable));
  // The quick sweep's errors as measured (bench/RESULTS.md: n = 40, 160, 640 × 2 seeds; slope −0.498,
  // se 0.047, bound −½ + 2.776·se = −0.369) pass; the same errors made to fall like n^{−1/4}
  // (each times (n/40)^{1/4}: same scatter, slope −0.248) fail — the 4-run rule −½ + 2·se let any
  // slope up to −0.24 pass.
  const std::vector<width_errors> measured = {
      {40, {0.2578, 0.2186}}, {160, {0.1012, 0.1384}}, {640, {0.0564, 0.0631}}};
  std::vector<width_errors> quarter = measured;
  for (auto& w : quarter)
    for (auto& e : w.errors) e *= std::pow(static_cast<double>(w.width) / 40, 0.25);
  BOOST_TEST((check_jin2023_spline_limit(measured).verdict == verdict::pass));
  const auto slow = check_jin2023_spline_limit(quarter);
  BOOST_TEST((slow.verdict == verdict::fail), slow.detail);
  BOOST_TEST(slow.bound == "-0.3685", slow.bound);
  // f ≡ 0 (ASI at t = 0) against g* of the Figure 1 data: sup |g*| on [−2, 2] is g*(0) = g*(±2) = 3/2.
  relu_init_options<Real> o;
  o.width = 8;
  o.skip = true;
  const auto [p, scale] = initial_parameters(o);
  const relu_shallow<Real> model(test::rows({{"-2"}, {"-1"}, {"0"}, {"1"}, {"2"}}),
                                 test::rows({{"1.5"}, {"0.5"}, {"1.5"}, {"0.5"}, {"1.5"}}), 16, scale, true,
                                 relu_training::all);
  const auto theta = model.pack(p);
  using std::abs;
  BOOST_TEST(abs(sup_distance_to_natural_spline(model, theta.data(), 401) - dec("1.5")) <= 64 * eps<Real>());
}
