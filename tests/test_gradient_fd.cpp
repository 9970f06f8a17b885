// linear2's velocity θ̇ = −∇L against central finite differences of the loss (Ceres-style gradient
// checker), and the loss against a per-sample evaluation of f(x) = V Uᵀ x.
// FD step δ = eps^(1/3): truncation O(δ²) and cancellation O(eps/δ) are both O(eps^(2/3)), so the
// relative error is held to eps^(1/2) (≈ 1e-30 at 60 digits, 1e-50 at 100).
#define BOOST_TEST_MODULE gradient_fd
#include <boost/test/unit_test.hpp>

#include "gradflow/models/linear2.hpp"
#include "support/instances.hpp"
#include "support/finite_differences.hpp"
#include "support/working_precision.hpp"

using namespace gradflow;

using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

using gradflow::test::fd_relative_error;

namespace {

struct instance {
  linear2<Real> model{test::deterministic_matrix(4, 3, 1), test::deterministic_matrix(4, 2, 2), 3};
  std::vector<Real> theta =
      model.pack(test::deterministic_matrix(3, 3, 3), test::deterministic_matrix(2, 3, 4));
};

}  // namespace

BOOST_AUTO_TEST_CASE(velocity_matches_central_differences) {
  const instance p;
  std::vector<Real> v(p.theta.size());
  p.model.velocity(p.theta.data(), v.data());
  const Real err = fd_relative_error(p.model, p.theta, v);
  BOOST_TEST_MESSAGE("max relative FD error " << err.str(5) << " at " << working_digits() << " digits");
  BOOST_TEST(err < test::eps_power(1, 2), err.str(5));
}

BOOST_AUTO_TEST_CASE(checker_detects_a_wrong_gradient) {
  // The same comparison fails for the velocity with the V block's sign flipped.
  const instance p;
  std::vector<Real> v(p.theta.size());
  p.model.velocity(p.theta.data(), v.data());
  for (std::size_t k = 9; k < v.size(); ++k) v[k] = -v[k];
  BOOST_TEST(fd_relative_error(p.model, p.theta, v) > Real(1) / 1000);
}

BOOST_AUTO_TEST_CASE(loss_matches_per_sample_prediction) {
  const instance p;
  const auto U = p.model.U(p.theta.data());
  const auto V = p.model.V(p.theta.data());
  Real expected(0);
  for (Eigen::Index s = 0; s < p.model.N(); ++s) {
    const matrix<Real> x = p.model.X().row(s).transpose();
    const matrix<Real> f = V * (U.transpose() * x);
    for (Eigen::Index j = 0; j < p.model.m(); ++j) {
      const Real r = p.model.Y()(s, j) - f(j, 0);
      expected += r * r / 2;
    }
  }
  using std::abs;
  BOOST_TEST(abs(p.model.loss(p.theta.data()) - expected) <= 64 * eps<Real>() * expected);
}
