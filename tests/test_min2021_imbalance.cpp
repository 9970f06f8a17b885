// min2021.imbalance (THEOREMS.md §1.2): along the flow D = UᵀU − VᵀV and Φ2ᵀU stay constant.
// Runge–Kutta and extrapolation methods do not conserve quadratic invariants exactly: the drift is
// a sum of local errors, each below the tolerance. The tolerance is a fixed power of eps, so the
// bound (tolerance × accepted steps) scales with the working precision. Instance: T1.5 with a
// component in ker X, so that both invariants are non-trivial.
#define BOOST_TEST_MODULE min2021_imbalance
#include <boost/test/unit_test.hpp>

#include "gradflow/integrate/integrate.hpp"
#include "gradflow/models/linear2.hpp"
#include "support/instances.hpp"
#include "support/working_precision.hpp"

using namespace gradflow;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

// T1.5 with a component in ker X, so that both invariants are non-trivial.
std::vector<Real> start_with_kernel_part(const linear2<Real>& model) {
  return test::t1_5_start(model, "0.25", "-0.125");
}

struct drift_result {
  std::vector<Real> max_drift;  // per invariant, over every accepted step
  std::int64_t steps = 0;
};

drift_result run(const linear2<Real>& model, method m, const Real& tol) {
  std::vector<Real> theta = start_with_kernel_part(model);
  const auto initial = model.invariants(theta.data());
  drift_result r;
  r.max_drift.assign(initial.size(), Real(0));
  integrate_options<Real> o;
  o.method = m;
  o.tolerance = tol;
  o.t_end = 2;
  integrate_observer<Real> observer;
  observer.on_step = [&](const Real&, std::span<const Real> th, std::int64_t) {
    const auto now = model.invariants(th.data());
    for (std::size_t k = 0; k < now.size(); ++k) {
      const Real d = max_abs_entry<Real>(now[k].value - initial[k].value);
      if (d > r.max_drift[k]) r.max_drift[k] = d;
    }
    return true;
  };
  r.steps = integrate(model, theta, o, observer).steps;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(imbalance_and_kernel_component_conserved) {
  const linear2<Real> model = test::t1_5_model<Real>();
  BOOST_REQUIRE(model.invariants(start_with_kernel_part(model).data()).size() == 2u);  // ker X ≠ {0}
  // Orders 8, 16 and 5: tolerances chosen so each method takes a few thousand steps at most.
  const std::pair<method, Real> cases[] = {{method::rk78, test::eps_power(3, 8)},
                                           {method::bulirsch_stoer, test::eps_power(3, 8)},
                                           {method::dopri5, test::eps_power(3, 16)}};
  for (const auto& [m, tol] : cases) {
    const drift_result r = run(model, m, tol);
    const Real bound = tol * r.steps;
    for (std::size_t k = 0; k < r.max_drift.size(); ++k) {
      BOOST_TEST_MESSAGE(method_name(m) << " invariant " << k << ": drift " << r.max_drift[k].str(3)
                                        << ", tol " << tol.str(3) << ", " << r.steps << " steps");
      BOOST_TEST(r.max_drift[k] <= bound,
                 method_name(m) << ": drift " << r.max_drift[k].str(3) << " > " << bound.str(3));
    }
  }
}

BOOST_AUTO_TEST_CASE(drift_measure_sees_a_quantity_that_is_not_conserved) {
  // UᵀU alone changes by O(1) on the same run: the measure above is not blind.
  const linear2<Real> model = test::t1_5_model<Real>();
  std::vector<Real> theta = start_with_kernel_part(model);
  const matrix<Real> G0 = model.U(theta.data()).transpose() * model.U(theta.data());
  integrate_options<Real> o;
  o.tolerance = test::eps_power(1, 4);
  o.t_end = 2;
  integrate(model, theta, o, {});
  const matrix<Real> G = model.U(theta.data()).transpose() * model.U(theta.data());
  BOOST_TEST(max_abs_entry<Real>(G - G0) > Real(1) / 10);
}
