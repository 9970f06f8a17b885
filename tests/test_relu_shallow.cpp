// The shallow ReLU network (models/relu_shallow.hpp): its velocity against central differences and
// its recorded Taylor graph, the per-unit balance ‖w_i‖² + b_i² − a_i² across kink events, and the
// Taylor flow with kinks and sliding modes against an independent reference: rk78 on a field written
// here from the formulas (Eigen, not the graph; Filippov weights for sliding entries), run piece by
// piece between the switch times with the activation pattern of each piece held fixed.
#define BOOST_TEST_MODULE relu_shallow
#include "gradflow/checks/du2018.hpp"
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
// point where the fields on both sides push it back: a Filippov sliding mode (in a search over 300
// random starts every run reached one within t = 6).
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
  return relu_shallow<Real>(fig_1_X(), fig_1_y(), 6, Real(sqrt(Real(2)) / 2), skip, training,
                            six_units(skip));
}

// −∇L on one piece of the flow, written directly from the formulas: the activation pattern `on`
// (N×n) is held fixed, with entries −1 for a sliding mode (z_ji held at 0), whose activity is the
// Filippov weight λ = −Σ_{k≠j} r_k on_ki (x_j x_k + 1) / (r_j (x_j² + 1)) that keeps ż_ji = 0.
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
    matrix<Real> active = on.cwiseMax(Real(0));
    const matrix<Real> Z = X * p.W.transpose() + ones * p.b.transpose(), H = Z.cwiseProduct(active);
    const matrix<Real> r = model->Y() - (s * H * p.a + ones * p.c + X * p.u + ones * p.v);
    const matrix<Real> fixed = active;
    for (Eigen::Index i = 0; i < on.cols(); ++i)
      for (Eigen::Index j = 0; j < on.rows(); ++j) {
        if (on(j, i) >= 0) continue;
        Real T(0);
        for (Eigen::Index k = 0; k < on.rows(); ++k) T += r(k) * fixed(k, i) * (X(j, 0) * X(k, 0) + 1);
        active(j, i) = -T / (r(j) * (X(j, 0) * X(j, 0) + 1));
      }
    const matrix<Real> G = s * (r * p.a.transpose()).cwiseProduct(active);
    std::vector<matrix<Real>> blocks = {G.transpose() * X,    G.transpose() * ones, s * H.transpose() * r,
                                        ones.transpose() * r, X.transpose() * r,    ones.transpose() * r};
    for (const matrix<Real>& v : blocks) dtheta = std::copy(v.data(), v.data() + v.size(), dtheta);
  }
};

// The pattern of a piece from a point inside it: 1 where z_ji > 0, 0 where z_ji < 0, −1 where
// |z_ji| ≤ √eps (held at zero: a sliding mode).
matrix<Real> pattern(const relu_shallow<Real>& model, std::span<const Real> theta) {
  using std::abs;
  const relu_parameters<Real> p = model.unpack(theta.data());
  const matrix<Real> Z = model.X() * p.W.transpose() + matrix<Real>::Ones(model.N(), 1) * p.b.transpose();
  return Z.unaryExpr([](const Real& z) {
    return abs(z) <= eps_power(1, 2) ? Real(-1) : z > 0 ? Real(1) : Real(0);
  });
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
      BOOST_TEST_INFO("skip " << skip << ", training "
                              << (training == relu_training::all ? "all" : "output"));
      BOOST_TEST(fd_relative_error(model, theta, v) < eps_power(1, 2));
      taylor::jet<Real> J(taylor::record<Real>(model), 2);
      J.compute(theta.data());
      J.velocity(v_graph.data());
      Real worst(0);
      for (std::size_t i = 0; i < v.size(); ++i) worst = std::max(worst, Real(abs(v_graph[i] - v[i])));
      BOOST_TEST(worst <= 64 * eps<Real>());
    }
}

BOOST_AUTO_TEST_CASE(unit_balance_is_conserved_across_kinks_and_sliding_modes) {
  const auto model = fig_1_model(true);
  std::vector<Real> theta = model.pack(six_units(true));
  const matrix<Real> initial = model.invariants(theta.data())[0].value;
  Real drift(0);
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = 10 * eps<Real>();
  o.t_end = Real(4);
  integrate_observer<Real> observer;
  observer.on_step = [&](const Real&, std::span<const Real> th, std::int64_t) {
    drift =
        std::max(drift, max_abs_entry<Real>(matrix<Real>(model.invariants(th.data())[0].value - initial)));
    return true;
  };
  const auto s = integrate(model, theta, o, observer);
  BOOST_TEST_MESSAGE(s.steps << " steps, " << s.event_count("kink_events") << " kink events, "
                             << s.event_count("sliding_modes") << " sliding modes, drift " << drift);
  BOOST_TEST(s.event_count("kink_events") >= 2);
  BOOST_TEST(s.event_count("sliding_modes") >= 1);
  BOOST_TEST(drift <= 1000 * eps<Real>() * (s.steps + 1));
}

BOOST_AUTO_TEST_CASE(taylor_matches_rk78_run_piecewise_with_the_same_switches) {
  // Taylor to t = 4 (kinks and sliding modes), then again with samples at the midpoint of every
  // step: the reference runs rk78 over each step's interval with the pattern read at its midpoint.
  using std::abs;
  const auto model = fig_1_model(true);
  const std::vector<Real> start = model.pack(six_units(true));
  std::vector<Real> theta = start;
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = 10 * eps<Real>();
  o.t_end = Real(4);
  std::vector<Real> ends;
  integrate_observer<Real> observer;
  observer.on_step = [&](const Real& t, std::span<const Real>, std::int64_t) {
    ends.push_back(t);
    return true;
  };
  const auto s = integrate(model, theta, o, observer);
  BOOST_REQUIRE(s.event_count("sliding_modes") >= 1);
  std::vector<matrix<Real>> patterns;
  Real previous(0);
  for (const Real& end : ends) o.sample_times.push_back((previous + end) / 2), previous = end;
  std::vector<Real> again = start;
  integrate_observer<Real> midpoints;
  midpoints.on_sample = [&](const Real&, std::span<const Real> th) {
    patterns.push_back(pattern(model, th));
  };
  integrate(model, again, o, midpoints);
  BOOST_REQUIRE(patterns.size() == ends.size());
  std::vector<Real> x = start;
  Real t(0);
  integrate_options<Real> rk;
  rk.method = method::rk78;
  rk.tolerance = eps_power(1, 2);
  for (std::size_t k = 0; k < ends.size(); ++k) {
    rk.t_end = ends[k] - t;
    integrate(frozen_pattern{&model, patterns[k]}, x, rk, integrate_observer<Real>{});
    t = ends[k];
  }
  Real worst(0);
  for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, Real(abs(x[i] - theta[i])));
  BOOST_TEST_MESSAGE(s.steps << " Taylor steps, " << s.event_count("kink_events") << " kinks, "
                             << s.event_count("sliding_modes")
                             << " sliding modes; |Taylor − rk78| = " << worst);
  BOOST_TEST(worst <= 1000 * rk.tolerance);
}

BOOST_AUTO_TEST_CASE(balance_check_fails_when_a_unit_is_moved) {
  const auto model = fig_1_model(true);
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = 10 * eps<Real>();
  o.t_end = Real(2);
  o.sample_times = {Real(0), Real(1), Real(2)};
  run_trace<Real> trace = integrate_traced(model, model.pack(six_units(true)), o);
  BOOST_TEST((check_du2018_relu_balance(model, trace).verdict == verdict::pass));
  const std::size_t a_3 = static_cast<std::size_t>(model.width() * 2 + 2);  // after W (6×1) and b: a_3
  trace.samples[1].theta[a_3] *= 1 + eps_power(1, 4);
  BOOST_TEST((check_du2018_relu_balance(model, trace).verdict == verdict::fail));
  const relu_shallow<Real> output_only(fig_1_X(), fig_1_y(), 6, Real(1), true, relu_training::output,
                                       six_units(true));
  BOOST_TEST((check_du2018_relu_balance(output_only,
                                        integrate_traced(output_only, output_only.pack(six_units(true)), o))
                  .verdict == verdict::not_applicable));
}

BOOST_AUTO_TEST_CASE(bad_shapes_are_refused) {
  BOOST_CHECK_THROW(
      relu_shallow<Real>(rows({{"1", "2", "3"}}), rows({{"1"}}), 4, Real(1), false, relu_training::all),
      std::invalid_argument);
  BOOST_CHECK_THROW(relu_shallow<Real>(fig_1_X(), rows({{"1"}}), 4, Real(1), false, relu_training::all),
                    std::invalid_argument);
  BOOST_CHECK_THROW(relu_shallow<Real>(fig_1_X(), fig_1_y(), 0, Real(1), false, relu_training::all),
                    std::invalid_argument);
  BOOST_CHECK_THROW(relu_shallow<Real>(fig_1_X(), fig_1_y(), 4, Real(1), false, relu_training::output),
                    std::invalid_argument);
  const auto model = fig_1_model(false);
  relu_parameters<Real> p = six_units(false);
  p.a = rows({{"1"}});
  BOOST_CHECK_THROW(model.pack(p), std::invalid_argument);
}
