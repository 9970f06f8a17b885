// Compiles every odeint stepper gradflow uses over std::vector<Real>. Built twice: with the shim
// (must compile, and integrate x' = −x from 1 to exp(−1) within the tolerance) and with
// GRADFLOW_OMIT_ODEINT_SHIM (must fail to compile in extract_value_type; see expect_failure.cmake).
#define BOOST_TEST_MODULE odeint_shim
#include <boost/test/unit_test.hpp>

#include "gradflow/numeric/precision.hpp"
#ifndef GRADFLOW_OMIT_ODEINT_SHIM
#include "gradflow/integrate/odeint_shim.hpp"
#include "support/working_precision.hpp"
#endif

#include <boost/numeric/odeint/stepper/bulirsch_stoer.hpp>
#include <boost/numeric/odeint/stepper/controlled_runge_kutta.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_fehlberg78.hpp>

#include <vector>

namespace odeint = boost::numeric::odeint;
using gradflow::Real;
using state = std::vector<Real>;

#ifndef GRADFLOW_OMIT_ODEINT_SHIM
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);
#endif

namespace {

template <class Stepper>
Real integrate_decay(Stepper stepper) {
  auto decay = [](const state& x, state& dx, const Real&) { dx[0] = -x[0]; };
  state x{Real(1)};
  Real t(0), dt = Real(1) / 10;
  while (t < 1) {
    if (t + dt > 1) dt = 1 - t;
    stepper.try_step(decay, x, t, dt);
  }
  return x[0];
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_stepper_integrates_with_multiprecision) {
  using std::abs;
  using std::exp;
  const Real tol = pow(gradflow::eps<Real>(), Real(1) / 2);
  using checker = odeint::default_error_checker<Real, odeint::range_algebra, odeint::default_operations>;
  const Real exact = exp(Real(-1));
  const Real rk78 = integrate_decay(
      odeint::controlled_runge_kutta<odeint::runge_kutta_fehlberg78<state, Real, state, Real>>(
          checker(tol, tol)));
  const Real dopri5 =
      integrate_decay(odeint::controlled_runge_kutta<odeint::runge_kutta_dopri5<state, Real, state, Real>>(
          checker(tol, tol)));
  const Real bs = integrate_decay(odeint::bulirsch_stoer<state, Real, state, Real>(tol, tol));
  // Each accepted step errs by at most ~tol; a few hundred steps at most on [0, 1].
  for (const Real& x : {rk78, dopri5, bs}) BOOST_TEST(abs(x - exact) < 1000 * tol);
}
