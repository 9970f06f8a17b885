// Taylor jets from recorded graphs against independent oracles:
//  * a linear ODE x' = A x, whose coefficients are A^k x0 / k! (matrix powers, no recurrence);
//  * a Riccati ODE x' = x², x(t) = x0/(1 − x0 t), whose coefficients are x0^(k+1);
//  * linear2: the recorded graph at order 0 equals the hand-fused velocity(), and the second
//    coefficient equals ½ Df(x0) f(x0) by central differences of velocity().
#define BOOST_TEST_MODULE taylor_jet
#include <boost/test/unit_test.hpp>

#include "gradflow/models/linear2.hpp"
#include "gradflow/taylor/graph.hpp"
#include "gradflow/taylor/jet.hpp"
#include "support/instances.hpp"
#include "support/working_precision.hpp"

using namespace gradflow;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

// x' = A x for a 3×1 state.
struct linear_ode {
  matrix<Real> A;
  std::vector<std::pair<Eigen::Index, Eigen::Index>> block_shapes() const { return {{3, 1}}; }
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops, const std::vector<typename Ops::value>& x) const {
    return {ops.mul(ops.constant(A), x[0])};
  }
};

// x' = x² for a 1×1 state.
struct riccati_ode {
  std::vector<std::pair<Eigen::Index, Eigen::Index>> block_shapes() const { return {{1, 1}}; }
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops, const std::vector<typename Ops::value>& x) const {
    return {ops.mul(x[0], x[0])};
  }
};

Real relative_gap(const Real& a, const Real& b) {
  using std::abs;
  return b == 0 ? abs(a) : Real(abs(a - b) / abs(b));
}

}  // namespace

BOOST_AUTO_TEST_CASE(linear_ode_coefficients_are_matrix_powers) {
  const linear_ode ode{test::deterministic_matrix(3, 3, 1)};
  const int p = 30;
  taylor::jet<Real> J(taylor::record<Real>(ode), p);
  const matrix<Real> x0 = test::deterministic_matrix(3, 1, 2);
  J.compute(x0.data());
  matrix<Real> expected = x0;  // A^k x0 / k!
  for (int k = 0; k <= p; ++k) {
    for (std::size_t i = 0; i < 3; ++i)
      BOOST_TEST(relative_gap(J.coefficient(k, i), expected(static_cast<Eigen::Index>(i), 0)) <=
                     64 * (k + 1) * eps<Real>(),
                 "k = " << k);
    expected = (ode.A * expected / (k + 1)).eval();
  }
}

BOOST_AUTO_TEST_CASE(riccati_coefficients_are_powers) {
  const int p = 60;
  taylor::jet<Real> J(taylor::record<Real>(riccati_ode{}), p);
  const Real x0 = parse_decimal<Real>("0.7");
  J.compute(&x0);
  Real power = x0;
  for (int k = 0; k <= p; ++k, power *= x0)
    BOOST_TEST(relative_gap(J.coefficient(k, 0), power) <= 8 * (k + 1) * eps<Real>(), "k = " << k);
}

BOOST_AUTO_TEST_CASE(linear2_graph_matches_velocity_and_its_derivative) {
  const linear2<Real> model(test::deterministic_matrix(4, 3, 3), test::deterministic_matrix(4, 2, 4), 3);
  const std::vector<Real> theta =
      model.pack(test::deterministic_matrix(3, 3, 5), test::deterministic_matrix(2, 3, 6));
  const std::size_t dim = theta.size();
  taylor::jet<Real> J(taylor::record<Real>(model), 2);
  J.compute(theta.data());
  std::vector<Real> f(dim), f_graph(dim);
  model.velocity(theta.data(), f.data());
  J.velocity(f_graph.data());
  Real scale(0);
  for (std::size_t i = 0; i < dim; ++i) scale = std::max(scale, Real(abs(f[i])));
  for (std::size_t i = 0; i < dim; ++i) {
    BOOST_TEST(abs(f_graph[i] - f[i]) <= 64 * eps<Real>() * scale);
    BOOST_TEST(abs(J.coefficient(1, i) - f[i]) <= 64 * eps<Real>() * scale);
  }
  // x_2 = ½ Df(x0) f(x0) = ½ d/ds f(x0 + s f(x0)) at s = 0, by central differences (step δ = eps^(1/3)).
  using std::cbrt;
  const Real delta = cbrt(eps<Real>());
  std::vector<Real> plus(dim), minus(dim), f_plus(dim), f_minus(dim);
  for (std::size_t i = 0; i < dim; ++i) {
    plus[i] = theta[i] + delta * f[i];
    minus[i] = theta[i] - delta * f[i];
  }
  model.velocity(plus.data(), f_plus.data());
  model.velocity(minus.data(), f_minus.data());
  for (std::size_t i = 0; i < dim; ++i) {
    const Real fd = (f_plus[i] - f_minus[i]) / (4 * delta);
    BOOST_TEST(abs(J.coefficient(2, i) - fd) <= test::eps_power(1, 2) * scale * scale, "i = " << i);
  }
}
