// The linear tensor network ρ = v_1 ∘ … ∘ v_L in a transformed space (THEOREMS.md §2.2) and the
// classification losses: the velocity against central differences and against its recorded Taylor
// graph (every loss, depths 1–3, Hadamard and DCT transforms), the conserved a_l² − a_1², and two
// flows with independent answers — §6.4's closed-form linear predictor and the diagonal network
// (a different model class) that a balanced depth-2 tensor network reproduces at half the time.
#define BOOST_TEST_MODULE tensor
#include "gradflow/integrate/integrate.hpp"
#include "gradflow/models/diagonal.hpp"
#include "gradflow/models/tensor.hpp"
#include "gradflow/numeric/orthogonal_transform.hpp"
#include "gradflow/taylor/graph.hpp"
#include "gradflow/taylor/jet.hpp"
#include "support/finite_differences.hpp"
#include "support/literals.hpp"
#include "support/working_precision.hpp"

#include <boost/test/unit_test.hpp>

using namespace gradflow;
using gradflow::test::dec;
using gradflow::test::eps_power;
using gradflow::test::fd_relative_error;
using gradflow::test::rows;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

const matrix<Real>& inputs() {
  static const matrix<Real> X =
      rows({{"1", "0.5", "-0.3", "0.2"}, {"0.1", "-0.7", "0.4", "1.2"}, {"-0.6", "0.2", "0.9", "0.3"}});
  return X;
}

matrix<Real> targets(loss_kind loss) {
  return is_classification(loss) ? rows({{"1"}, {"-1"}, {"1"}}) : rows({{"0.8"}, {"-0.5"}, {"0.3"}});
}

// Layers with mixed signs and magnitudes, different per layer.
std::vector<Real> mixed_start(const tensor<Real>& model) {
  const std::vector<matrix<Real>> all = {rows({{"0.7"}, {"-0.4"}, {"1.1"}, {"0.25"}}),
                                         rows({{"0.3"}, {"0.9"}, {"-0.6"}, {"0.5"}}),
                                         rows({{"-0.8"}, {"0.45"}, {"0.35"}, {"1.3"}})};
  return model.pack(std::vector<matrix<Real>>(all.begin(), all.begin() + model.depth()));
}

integrate_options<Real> taylor_to(const Real& t_end) {
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = eps<Real>() * 10;
  o.t_end = t_end;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(velocity_is_minus_the_gradient_and_matches_its_graph) {
  using std::abs;
  for (loss_kind loss : {loss_kind::square, loss_kind::exponential, loss_kind::logistic})
    for (const char* transform : {"hadamard", "dct"})
      for (int L : {1, 2, 3}) {
        const tensor<Real> model(inputs(), targets(loss), L, orthogonal_transform<Real>(transform, 4), loss);
        const auto theta = mixed_start(model);
        std::vector<Real> v(theta.size()), v_graph(theta.size());
        model.velocity(theta.data(), v.data());
        BOOST_TEST_INFO(loss_name(loss) << ", " << transform << ", L = " << L);
        BOOST_TEST(fd_relative_error(model, theta, v) < eps_power(1, 2));
        taylor::jet<Real> J(taylor::record<Real>(model), 2);
        J.compute(theta.data());
        J.velocity(v_graph.data());
        Real worst(0);
        for (std::size_t i = 0; i < v.size(); ++i)
          worst = std::max(worst, Real(abs(v_graph[i] - v[i]) / (1 + abs(v[i]))));
        BOOST_TEST(worst <= 64 * eps<Real>());
      }
}

BOOST_AUTO_TEST_CASE(diagonal_velocity_with_classification_losses) {
  for (loss_kind loss : {loss_kind::exponential, loss_kind::logistic})
    for (int D : {2, 3}) {
      const diagonal<Real> model(inputs(), targets(loss), D, loss);
      const auto theta = model.pack(rows({{"0.7"}, {"-0.4"}, {"1.1"}, {"0.25"}}),
                                    rows({{"0.3"}, {"0.9"}, {"-0.6"}, {"0.5"}}));
      std::vector<Real> v(theta.size());
      model.velocity(theta.data(), v.data());
      BOOST_TEST(fd_relative_error(model, theta, v) < eps_power(1, 2), loss_name(loss) << ", D = " << D);
    }
}

BOOST_AUTO_TEST_CASE(component_balance_is_conserved) {
  // T2.1: a_{l,j}² − a_{1,j}² is constant along the flow, for any loss.
  for (loss_kind loss : {loss_kind::square, loss_kind::logistic}) {
    const tensor<Real> model(inputs(), targets(loss), 3, orthogonal_transform<Real>("dct", 4), loss);
    std::vector<Real> theta = mixed_start(model);
    const matrix<Real> initial = model.invariants(theta.data())[0].value;
    Real drift(0);
    integrate_observer<Real> observer;
    observer.on_step = [&](const Real&, std::span<const Real> th, std::int64_t) {
      drift =
          std::max(drift, max_abs_entry<Real>(matrix<Real>(model.invariants(th.data())[0].value - initial)));
      return true;
    };
    const auto summary = integrate(model, theta, taylor_to(Real(20)), observer);
    BOOST_TEST(summary.steps > 5);
    BOOST_TEST(drift <= 1000 * eps<Real>() * (summary.steps + 1), loss_name(loss) << ": drift " << drift);
  }
}

BOOST_AUTO_TEST_CASE(linear_predictor_follows_the_section_6_4_closed_form) {
  // x₁ = (1, 0), x₂ = (0, 2), labels +1, exponential loss, w(0) = 0: w(t) = (ln(1 + t), ½ ln(1 + 4t)).
  using std::abs;
  using std::log;
  const tensor<Real> model(rows({{"1", "0"}, {"0", "2"}}), rows({{"1"}, {"1"}}), 1,
                           matrix<Real>::Identity(2, 2), loss_kind::exponential);
  std::vector<Real> theta(2, Real(0));
  auto o = taylor_to(Real(100000));
  o.sample_times = {Real(1), Real(100), Real(100000)};
  Real worst(0);
  integrate_observer<Real> observer;
  observer.on_sample = [&](const Real& t, std::span<const Real> w) {
    worst = std::max({worst, Real(abs(w[0] - log(1 + t))), Real(abs(w[1] - log(1 + 4 * t) / 2))});
  };
  const auto summary = integrate(model, theta, o, observer);
  BOOST_TEST(worst <= 100 * eps<Real>() * (summary.steps + 1),
             "worst " << worst << " after " << summary.steps << " steps");
}

BOOST_AUTO_TEST_CASE(balanced_depth_two_tensor_is_the_diagonal_network_at_half_the_time) {
  // v₁ = v₂ = a stays balanced and ȧ = a ∘ g(a²); the diagonal network with w₋ = 0 has
  // ẇ₊ = 2 w₊ ∘ g(w₊²), so a(2T) = w₊(T) — two models, two recorded graphs, one path.
  using std::abs;
  const matrix<Real> a0 = rows({{"0.7"}, {"0.4"}, {"1.1"}, {"0.25"}});
  for (loss_kind loss : {loss_kind::square, loss_kind::exponential}) {
    const tensor<Real> net(inputs(), targets(loss), 2, matrix<Real>::Identity(4, 4), loss);
    const diagonal<Real> diag(inputs(), targets(loss), 2, loss);
    std::vector<Real> theta = net.pack({a0, a0}), w = diag.pack(a0, matrix<Real>::Zero(4, 1));
    const auto s1 = integrate(net, theta, taylor_to(Real(6)), integrate_observer<Real>{});
    const auto s2 = integrate(diag, w, taylor_to(Real(3)), integrate_observer<Real>{});
    const matrix<Real> difference = net.product(theta.data()) - diag.product(w.data());
    BOOST_TEST(max_abs_entry<Real>(difference) <= 100 * eps<Real>() * (s1.steps + s2.steps + 1),
               loss_name(loss) << ": " << max_abs_entry<Real>(difference));
  }
}

BOOST_AUTO_TEST_CASE(bad_shapes_labels_and_depth_are_refused) {
  const matrix<Real> X = inputs();
  BOOST_CHECK_THROW(tensor<Real>(X, targets(loss_kind::square), 0, matrix<Real>::Identity(4, 4)),
                    std::invalid_argument);
  BOOST_CHECK_THROW(tensor<Real>(X, targets(loss_kind::square), 2, matrix<Real>::Identity(3, 3)),
                    std::invalid_argument);
  BOOST_CHECK_THROW(
      tensor<Real>(X, targets(loss_kind::square), 2, matrix<Real>::Identity(4, 4), loss_kind::exponential),
      std::invalid_argument);
  BOOST_CHECK_THROW(orthogonal_transform<Real>("hadamard", 3), std::invalid_argument);
}
