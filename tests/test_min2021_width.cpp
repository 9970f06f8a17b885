// min2021.width (THEOREMS.md §1.6; proofs/min2021.width.md): the exact width reduction against the
// full-width flow, the portable Gaussian stream, and the sweep's verdicts.
#define BOOST_TEST_MODULE min2021_width
#include "gradflow/checks/min2021_width.hpp"
#include "gradflow/integrate/trace.hpp"
#include "gradflow/models/linear2.hpp"
#include "gradflow/numeric/gaussian.hpp"
#include "support/working_precision.hpp"

#include <boost/test/unit_test.hpp>

using namespace gradflow;
using gradflow::test::agreement_digits;
using gradflow::test::eps_power;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

BOOST_AUTO_TEST_CASE(gaussian_stream_has_unit_moments_and_repeats_its_seed) {
  gaussian_stream<Real> a(7), b(7);
  Real sum(0), sum_sq(0);
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const Real z = a.next();
    BOOST_TEST((z == b.next()));
    sum += z, sum_sq += z * z;
  }
  // Mean within 4 standard errors of 0, variance within 4·√(2/n) of 1.
  using std::abs;
  BOOST_TEST(abs(sum / n) < Real(4) / 141);
  BOOST_TEST(abs(sum_sq / n - 1) < Real(4) / 100);
}

BOOST_AUTO_TEST_CASE(reduced_coordinates_reproduce_the_full_width_flow) {
  // Full two-layer flow at width 12 (> r + m = 4) against the reduced flow of width 4: same limit UVᵀ.
  gaussian_stream<Real> g(11);
  const matrix<Real> X = g.matrix_of(3, 5, Real(1)), Y = g.matrix_of(3, 1, Real(1));
  const matrix<Real> U0 = g.matrix_of(5, 12, Real(1) / 3), V0 = g.matrix_of(1, 12, Real(1) / 3);
  const Real target = eps_power(2, 3);
  const matrix<Real> reduced = reduced_limit_product(X, Y, U0, V0, target);

  const linear2<Real> full(X, Y, 12);
  std::vector<Real> theta = full.pack(U0, V0);
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = eps<Real>() * 10;
  o.t_end = Real(1000000);
  o.loss_below = target;
  const auto summary = integrate(full, theta, o, integrate_observer<Real>{});
  BOOST_TEST((summary.reason == stop_reason::loss_below));
  const matrix<Real> direct = full.product(theta.data());
  // Both stop at L = target, where UVᵀ still moves by about √target per unit loss change; they agree
  // to the integration accuracy far beyond that.
  const Real difference = matrix<Real>(direct - reduced).norm();
  BOOST_TEST(difference < eps_power(1, 3), "‖full − reduced‖ = " << difference);
}

BOOST_AUTO_TEST_CASE(quick_sweep_passes_and_a_wrong_law_fails) {
  width_sweep_options o;
  o.widths = {32, 64, 128, 256};
  o.seeds = 2;
  std::vector<width_run<Real>> runs;
  const auto r = check_min2021_width<Real>(o, &runs);
  BOOST_TEST_MESSAGE(r.measured << " in " << r.bound << ": " << r.detail);
  BOOST_TEST((r.verdict == verdict::pass), r.detail);
  BOOST_TEST(runs.size() == 8u);
  // Initial entries of variance 1 at every width: the distance no longer shrinks like h^(-1/2).
  o.init_variance_one_over_h = false;
  const auto wrong = check_min2021_width<Real>(o);
  BOOST_TEST_MESSAGE(wrong.measured << ": " << wrong.detail);
  BOOST_TEST((wrong.verdict == verdict::fail), wrong.detail);
}
