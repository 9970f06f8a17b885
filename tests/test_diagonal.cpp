// The diagonal network β = w₊^D − w₋^D (THEOREMS.md §4.1–4.3): its velocity against central
// differences and against its recorded Taylor graph, its conserved quantities, and the flow's limit
// against the published Q_α-minimiser values of THEOREMS.md §4.3 (mpmath, independent of gradflow).
#define BOOST_TEST_MODULE diagonal
#include "gradflow/integrate/integrate.hpp"
#include "gradflow/models/diagonal.hpp"
#include "gradflow/taylor/graph.hpp"
#include "gradflow/taylor/jet.hpp"
#include "support/finite_differences.hpp"
#include "support/working_precision.hpp"

#include <boost/test/unit_test.hpp>

using namespace gradflow;
using gradflow::test::agreement_digits;
using gradflow::test::eps_power;
using gradflow::test::fd_relative_error;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

Real dec(const char* text) { return parse_decimal<Real>(text); }

// THEOREMS.md §4.3: X = [[1,1,0],[0,1,1]], y = (1,1); interpolants β = (a, 1 − a, a).
diagonal<Real> section_4_3(int depth) {
  matrix<Real> X(2, 3), y(2, 1);
  X << 1, 1, 0, 0, 1, 1;
  y << 1, 1;
  return diagonal<Real>(X, y, depth);
}

std::vector<Real> uniform_start(const diagonal<Real>& model, const Real& alpha) {
  const matrix<Real> w = matrix<Real>::Constant(model.d(), 1, alpha);
  return model.pack(w, w);
}

// Unstructured start with signs of both kinds.
std::vector<Real> mixed_start(const diagonal<Real>& model) {
  matrix<Real> p(3, 1), m(3, 1);
  p << dec("0.7"), dec("-0.4"), dec("1.1");
  m << dec("0.3"), dec("0.9"), dec("-0.6");
  return model.pack(p, m);
}

}  // namespace

BOOST_AUTO_TEST_CASE(velocity_is_minus_the_gradient_and_matches_its_graph) {
  for (int D : {2, 3, 4}) {
    const auto model = section_4_3(D);
    const auto theta = mixed_start(model);
    std::vector<Real> v(theta.size()), v_graph(theta.size());
    model.velocity(theta.data(), v.data());
    BOOST_TEST(fd_relative_error(model, theta, v) < eps_power(1, 2), "D = " << D);
    taylor::jet<Real> J(taylor::record<Real>(model), 2);
    J.compute(theta.data());
    J.velocity(v_graph.data());
    for (std::size_t i = 0; i < v.size(); ++i) {
      using std::abs;
      BOOST_TEST(abs(v_graph[i] - v[i]) <= 64 * eps<Real>() * (1 + abs(v[i])), "D = " << D << ", i = " << i);
    }
  }
}

BOOST_AUTO_TEST_CASE(conserved_quantities_stay_put) {
  for (int D : {2, 3}) {
    const auto model = section_4_3(D);
    std::vector<Real> theta = uniform_start(model, dec("0.5"));
    const auto initial = model.invariants(theta.data());
    integrate_options<Real> o;
    o.method = method::taylor;
    o.tolerance = eps<Real>() * 10;
    o.t_end = Real(20);
    Real drift(0);
    integrate_observer<Real> observer;
    observer.on_step = [&](const Real&, std::span<const Real> th, std::int64_t) {
      drift = std::max(
          drift, max_abs_entry<Real>(matrix<Real>(model.invariants(th.data())[0].value - initial[0].value)));
      return true;
    };
    const auto summary = integrate(model, theta, o, observer);
    BOOST_TEST(drift <= 1000 * eps<Real>() * (summary.steps + 1), "D = " << D << ": drift " << drift);
  }
}

BOOST_AUTO_TEST_CASE(limit_is_the_published_q_alpha_minimiser) {
  // THEOREMS.md §4.3 [DER]: depth 2, a(0.5) and a(1) to 20 digits; depth 3, a(0.5) to 12 digits.
  struct row {
    int depth;
    const char *alpha, *a;
    double digits;
  };
  for (const row& c : {row{2, "0.5", "0.30007234787743522469", 19.0},
                       row{2, "1", "0.33034928037326857546", 19.0}, row{3, "0.5", "0.211329356673", 11.5}}) {
    const auto model = section_4_3(c.depth);
    std::vector<Real> theta = uniform_start(model, dec(c.alpha));
    integrate_options<Real> o;
    o.method = method::taylor;
    o.tolerance = eps<Real>() * 10;
    o.t_end = Real(100000);
    o.loss_below = eps<Real>();  // residual ≈ √eps: β is accurate to about half the working digits
    const auto summary = integrate(model, theta, o, integrate_observer<Real>{});
    BOOST_TEST((summary.reason == stop_reason::loss_below));
    const matrix<Real> beta = model.product(theta.data());
    const double expected = std::min(c.digits, working_digits() / 2.0 - 2);
    BOOST_TEST(agreement_digits(beta(0, 0), dec(c.a)) >= expected, "D = " << c.depth << ", α = " << c.alpha);
    BOOST_TEST(agreement_digits(beta(2, 0), dec(c.a)) >= expected);
    BOOST_TEST(agreement_digits(beta(1, 0), Real(1 - dec(c.a))) >= expected);
  }
}

BOOST_AUTO_TEST_CASE(bad_shapes_and_depth_are_refused) {
  matrix<Real> X(2, 3), y(3, 1);
  X.setZero();
  y.setZero();
  BOOST_CHECK_THROW(diagonal<Real>(X, y, 2), std::invalid_argument);
  BOOST_CHECK_THROW(diagonal<Real>(X, matrix<Real>::Zero(2, 1), 1), std::invalid_argument);
}
