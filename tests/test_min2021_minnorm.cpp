// THEOREMS.md T1.2 (Min et al. Prop. 10 and Prop. 9). Under-determined X (r = 2 < n = 3), L* = 0.
//  * U(0) with columns in the row space of X (U2(0) = 0): Θ = UVᵀ → Θ̂ = Xᵀ(XXᵀ)⁻¹Y.
//  * U2(0) = ε G ≠ 0: Θ(∞) = Θ̂ + Φ2 U2(0) V(∞)ᵀ, so Θ does NOT reach Θ̂ (the check can fail).
// Oracle: Θ̂ by an LU solve at working precision, independent of the flow. At a finite time T,
//   ‖Φ1U1Vᵀ − Θ̂‖_F ≤ ‖X(ΘT − Θ̂)‖_F / σ_r(X) = √(2L(T)) / σ_r(X)
// (the row-space part is fixed by the residual), plus the integration error ≤ tol × steps.
#define BOOST_TEST_MODULE min2021_minnorm
#include <boost/test/unit_test.hpp>

#include "gradflow/integrate/integrate.hpp"
#include "gradflow/models/linear2.hpp"
#include "support/working_precision.hpp"

#include <Eigen/LU>
#include <Eigen/SVD>

using namespace gradflow;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

struct problem {
  matrix<Real> X{2, 3}, Y{2, 1};
  problem() {
    X << 1, 2, 0, 0, 1, 1;
    Y << 1, -1;
  }
  matrix<Real> theta_hat() const {
    const matrix<Real> XXt = X * X.transpose();
    return X.transpose() * XXt.fullPivLu().solve(Y);
  }
  Real sigma_r() const {
    Eigen::JacobiSVD<matrix<Real>> svd(X);
    return svd.singularValues()(1);
  }
  // U(0) = Xᵀ A lies in the row space of X; `kernel_scale` adds that multiple of a kernel direction.
  matrix<Real> U0(const Real& kernel_scale) const {
    matrix<Real> A(2, 2), G(1, 2), k(3, 1);
    A << parse_decimal<Real>("0.5"), parse_decimal<Real>("-0.2"), parse_decimal<Real>("0.3"),
        parse_decimal<Real>("0.4");
    k << 2, -1, 1;  // X k = 0
    G << 1, -3;
    return X.transpose() * A + kernel_scale * k * G;
  }
  matrix<Real> V0() const {
    matrix<Real> V(1, 2);
    V << parse_decimal<Real>("0.6"), parse_decimal<Real>("-0.1");
    return V;
  }
};

struct outcome {
  matrix<Real> theta_T, V_T;
  Real loss_T;
  Real integration_error_bound;
};

outcome flow(const problem& p, const Real& kernel_scale) {
  const linear2<Real> model(p.X, p.Y, 2);
  std::vector<Real> theta = model.pack(p.U0(kernel_scale), p.V0());
  integrate_options<Real> o;
  o.tolerance = test::eps_power(2, 3);
  o.t_end = 60;
  const auto summary = integrate(model, theta, o, {});
  return {model.product(theta.data()), model.V(theta.data()), model.loss(theta.data()),
          o.tolerance * summary.steps};
}

}  // namespace

BOOST_AUTO_TEST_CASE(invariant_set_converges_to_min_norm_solution) {
  using std::sqrt;
  const problem p;
  const outcome r = flow(p, Real(0));
  const Real distance = (r.theta_T - p.theta_hat()).norm();
  const Real bound = sqrt(2 * r.loss_T) / p.sigma_r() + r.integration_error_bound;
  BOOST_TEST_MESSAGE("L(T) = " << r.loss_T.str(3) << ", ‖Θ − Θ̂‖ = " << distance.str(3) << ", bound "
                               << bound.str(3));
  BOOST_TEST(r.loss_T < test::eps_power(1, 1) * 1000);  // the flow has converged to working precision
  BOOST_TEST(distance <= bound, distance.str(3) << " > " << bound.str(3));
}

BOOST_AUTO_TEST_CASE(kernel_component_shifts_the_limit_by_phi2_u2_v) {
  using std::sqrt;
  const problem p;
  const Real epsilon = pow(Real(10), -10);
  const outcome r = flow(p, epsilon);
  // Φ2 U2(0) = projection of U(0) on ker X = ε k G (k ⟂ rows of X by construction).
  matrix<Real> k(3, 1), G(1, 2);
  k << 2, -1, 1;
  G << 1, -3;
  const matrix<Real> predicted = p.theta_hat() + epsilon * k * G * r.V_T.transpose();
  const Real bound = sqrt(2 * r.loss_T) / p.sigma_r() + r.integration_error_bound;
  const Real identity_error = (r.theta_T - predicted).norm();
  const Real distance = (r.theta_T - p.theta_hat()).norm();
  BOOST_TEST_MESSAGE("Prop. 9 identity error " << identity_error.str(3) << ", ‖Θ − Θ̂‖ = " << distance.str(3));
  BOOST_TEST(identity_error <= bound, identity_error.str(3) << " > " << bound.str(3));
  BOOST_TEST(distance > 1000 * bound);  // without the hypothesis of Prop. 10 the limit is not Θ̂
}
