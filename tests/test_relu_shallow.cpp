// The shallow ReLU network (models/relu_shallow.hpp): its velocity against central differences and
// its recorded Taylor graph, the per-unit balance ‖w_i‖² + b_i² − a_i² across kink events, and the
// Taylor flow with kinks against an independent reference: rk78 on a field written here from the
// formulas (Eigen, not the graph), run piece by piece between the switch times with the activation
// pattern of each piece held fixed.
#define BOOST_TEST_MODULE relu_shallow
#include "gradflow/integrate/integrate_impl.hpp"
#include "gradflow/taylor/jet_impl.hpp"
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

// THEOREMS.md §3.3's Figure 1 data.
const matrix<Real>& fig_1_X() {
  static const matrix<Real> X = rows({{"-2"}, {"-1"}, {"0"}, {"1"}, {"2"}});
  return X;
}
const matrix<Real>& fig_1_y() {
  static const matrix<Real> y = rows({{"1.5"}, {"0.5"}, {"1.5"}, {"0.5"}, {"1.5"}});
  return y;
}

// Six units, mixed signs. On the Figure 1 data (with the skip connection) two breakpoints cross data
// points transversally, at t ≈ 0.06 and 0.16 (kink events), and at t ≈ 0.88 one reaches a data
// point where the fields on both sides push it back: a Filippov sliding mode, which the integrator
// refuses. (In a search over 300 random starts every run reached a sliding mode within t = 6.)
relu_parameters<Real> six_units(bool skip) {
  relu_parameters<Real> p;
  p.W = rows({{"-0.99"}, {"0.74"}, {"-0.51"}, {"0.3"}, {"-0.03"}, {"0.58"}});
  p.b = rows({{"1.14"}, {"1.2"}, {"0.06"}, {"1.39"}, {"1.23"}, {"0.53"}});
  p.a = rows({{"0.52"}, {"-0.64"}, {"0.74"}, {"1"}, {"0.82"}, {"-0.77"}});
  p.c = rows({{"0.2"}});
  if (skip) p.u = rows({{"-0.1"}}), p.v = rows({{"0.05"}});
  return p;
}

// Output scale √2/2 (the anti-symmetrical initialisation's).
relu_shallow<Real> fig_1_model(bool skip, relu_training training = relu_training::all) {
  using std::sqrt;
  return relu_shallow<Real>(fig_1_X(), fig_1_y(), 6, Real(sqrt(Real(2)) / 2), skip, training, six_units(skip));
}

// −∇L with the activation pattern `on` (N×n) held fixed: the model's formulas, written directly.
struct frozen_pattern {
  const relu_shallow<Real>* model;
  matrix<Real> on;
  std::size_t dimension() const { return model->dimension(); }
  Real loss(const Real* theta) const { return model->loss(theta); }
  void velocity(const Real* theta, Real* dtheta) const {
    const relu_parameters<Real> p = model->unpack(theta);
    const matrix<Real>& X = model->X();
    const matrix<Real> ones = matrix<Real>::Ones(X.rows(), 1);
    const Real& s = model->output_scale();
    const matrix<Real> Z = X * p.W.transpose() + ones * p.b.transpose(), H = Z.cwiseProduct(on);
    const matrix<Real> r = model->Y() - (s * H * p.a + ones * p.c + X * p.u + ones * p.v);
    const matrix<Real> G = s * (r * p.a.transpose()).cwiseProduct(on);
    std::vector<matrix<Real>> blocks = {G.transpose() * X, G.transpose() * ones, s * H.transpose() * r, ones.transpose() * r,
                                        X.transpose() * r, ones.transpose() * r};
    for (const matrix<Real>& v : blocks) dtheta = std::copy(v.data(), v.data() + v.size(), dtheta);
  }
};

// The activation pattern a piece starting at θ follows: the sign of z_ji, or for an entry at zero
// (|z| ≤ √eps: just crossed) the sign of ż_ji.
matrix<Real> pattern(const relu_shallow<Real>& model, const std::vector<Real>& theta) {
  using std::abs;
  std::vector<Real> v(theta.size());
  model.velocity(theta.data(), v.data());
  const relu_parameters<Real> p = model.unpack(theta.data()), dp = model.unpack(v.data());
  const matrix<Real> ones = matrix<Real>::Ones(model.N(), 1);
  const matrix<Real> Z = model.X() * p.W.transpose() + ones * p.b.transpose(), dZ = model.X() * dp.W.transpose() + ones * dp.b.transpose();
  matrix<Real> on(Z.rows(), Z.cols());
  for (Eigen::Index k = 0; k < Z.size(); ++k) on(k) = (abs(Z(k)) > eps_power(1, 2) ? Z(k) > 0 : dZ(k) > 0) ? 1 : 0;
  return on;
}

}  // namespace

BOOST_AUTO_TEST_CASE(velocity_is_minus_the_gradient_and_matches_its_graph) {
  using std::abs;
  for (bool skip : {false, true})
    for (relu_training training : {relu_training::all, relu_training::output}) {
      const auto model = fig_1_model(skip, training);
      const auto theta = model.pack(six_units(skip));
      std::vector<Real> v(theta.size()), v_graph(theta.size());
      model.velocity(theta.data(), v.data());
      BOOST_TEST_INFO("skip " << skip << ", training " << (training == relu_training::all ? "all" : "output"));
      BOOST_TEST(fd_relative_error(model, theta, v) < eps_power(1, 2));
      taylor::jet<Real> J(taylor::record<Real>(model), 2);
      J.compute(theta.data());
      J.velocity(v_graph.data());
      Real worst(0);
      for (std::size_t i = 0; i < v.size(); ++i) worst = std::max(worst, Real(abs(v_graph[i] - v[i])));
      BOOST_TEST(worst <= 64 * eps<Real>());
    }
}

BOOST_AUTO_TEST_CASE(unit_balance_is_conserved_across_kinks) {
  const auto model = fig_1_model(true);
  std::vector<Real> theta = model.pack(six_units(true));
  const matrix<Real> initial = model.invariants(theta.data())[0].value;
  Real drift(0);
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = 10 * eps<Real>();
  o.t_end = dec("0.8");
  integrate_observer<Real> observer;
  observer.on_step = [&](const Real&, std::span<const Real> th, std::int64_t) {
    drift = std::max(drift, max_abs_entry<Real>(matrix<Real>(model.invariants(th.data())[0].value - initial)));
    return true;
  };
  const auto s = integrate(model, theta, o, observer);
  BOOST_TEST_MESSAGE(s.steps << " steps, " << s.kink_events << " kink events, drift " << drift);
  BOOST_TEST(s.kink_events == 2);
  BOOST_TEST(drift <= 1000 * eps<Real>() * (s.steps + 1));
}

BOOST_AUTO_TEST_CASE(taylor_with_kinks_matches_piecewise_rk78) {
  using std::abs;
  const auto model = fig_1_model(true);
  const std::vector<Real> start = model.pack(six_units(true));
  std::vector<Real> theta = start;
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = 10 * eps<Real>();
  o.t_end = dec("0.8");
  std::vector<Real> ends;  // every step end (the kinks among them)
  integrate_observer<Real> observer;
  observer.on_step = [&](const Real& t, std::span<const Real>, std::int64_t) {
    ends.push_back(t);
    return true;
  };
  const auto s = integrate(model, theta, o, observer);
  BOOST_REQUIRE(s.kink_events == 2);
  // Reference: rk78 from the same start, piece by piece, each with the pattern it starts on.
  std::vector<Real> x = start;
  Real t(0);
  integrate_options<Real> rk;
  rk.method = method::rk78;
  rk.tolerance = eps_power(1, 2);
  for (const Real& end : ends) {
    const frozen_pattern piece{&model, pattern(model, x)};
    rk.t_end = end - t;
    integrate(piece, x, rk, integrate_observer<Real>{});
    t = end;
  }
  Real worst(0);
  for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, Real(abs(x[i] - theta[i])));
  BOOST_TEST_MESSAGE(s.steps << " Taylor steps, " << s.kink_events << " kinks; |Taylor − rk78| = " << worst);
  BOOST_TEST(worst <= 1000 * rk.tolerance);
}

BOOST_AUTO_TEST_CASE(sliding_mode_is_refused_not_stepped_over) {
  const auto model = fig_1_model(true);
  std::vector<Real> theta = model.pack(six_units(true));
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = 10 * eps<Real>();
  o.t_end = Real(2);
  BOOST_CHECK_EXCEPTION(integrate(model, theta, o, integrate_observer<Real>{}), integration_error, [](const integration_error& e) {
    return std::string(e.what()).find("sliding") != std::string::npos;
  });
}

BOOST_AUTO_TEST_CASE(bad_shapes_are_refused) {
  BOOST_CHECK_THROW(relu_shallow<Real>(rows({{"1", "2", "3"}}), rows({{"1"}}), 4, Real(1), false, relu_training::all), std::invalid_argument);
  BOOST_CHECK_THROW(relu_shallow<Real>(fig_1_X(), rows({{"1"}}), 4, Real(1), false, relu_training::all), std::invalid_argument);
  BOOST_CHECK_THROW(relu_shallow<Real>(fig_1_X(), fig_1_y(), 0, Real(1), false, relu_training::all), std::invalid_argument);
  BOOST_CHECK_THROW(relu_shallow<Real>(fig_1_X(), fig_1_y(), 4, Real(1), false, relu_training::output), std::invalid_argument);
  const auto model = fig_1_model(false);
  relu_parameters<Real> p = six_units(false);
  p.a = rows({{"1"}});
  BOOST_CHECK_THROW(model.pack(p), std::invalid_argument);
}
