// The adaptive Taylor integrator against closed forms and against an independent method:
//  * x' = −x (x = e^(−t)) and x' = x² (x = x0/(1 − x0 t)): error ≤ 10 × tolerance at the end and at
//    every dense-output sample;
//  * linear2 (THEOREMS.md T1.5): Taylor and rk78 agree to the requested tolerance; stop.loss_below
//    lands on the target to |L/target − 1| ≤ 1e-20 (with ≥ 130 digits); the sampled loss never
//    increases; the imbalance drifts by at most 1e3·eps when the tolerance is 10·eps;
//  * float64: Taylor and rk78 agree to ~1e-12.
#define BOOST_TEST_MODULE taylor_integrate
#include <boost/test/unit_test.hpp>

#include "gradflow/integrate/integrate_impl.hpp"
#include "gradflow/models/linear2.hpp"
#include "gradflow/taylor/jet_impl.hpp"
#include "support/instances.hpp"
#include "support/working_precision.hpp"

using namespace gradflow;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

// A scalar ODE x' = sign·x^power, written once for both the odeint interface and the recorder.
struct scalar_ode {
  int sign, power;  // power 1 or 2
  std::size_t dimension() const { return 1; }
  std::vector<std::pair<Eigen::Index, Eigen::Index>> block_shapes() const { return {{1, 1}}; }
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops, const std::vector<typename Ops::value>& x) const {
    matrix<Real> s(1, 1);
    s(0, 0) = sign;
    const auto x_power = power == 1 ? x[0] : ops.mul(x[0], x[0]);
    return {ops.mul(ops.constant(s), x_power)};
  }
  void velocity(const Real* x, Real* dx) const {
    dx[0] = power == 1 ? Real(sign * x[0]) : Real(sign * x[0] * x[0]);
  }
  Real loss(const Real* x) const { return x[0] * x[0] / 2; }
};

}  // namespace

BOOST_AUTO_TEST_CASE(closed_forms_within_ten_tolerances) {
  using std::abs;
  using std::exp;
  const Real tol = test::eps_power(4, 5);
  const Real x0 = Real(1) / 2;
  struct case_ {
    scalar_ode ode;
    std::function<Real(const Real&)> exact;
  };
  const case_ cases[] = {{{-1, 1}, [&](const Real& t) { return x0 * exp(-t); }},
                         {{1, 2}, [&](const Real& t) { return x0 / (1 - x0 * t); }}};
  for (const auto& c : cases) {
    std::vector<Real> x{x0};
    integrate_options<Real> o;
    o.method = method::taylor;
    o.tolerance = tol;
    o.t_end = 1;
    for (int k = 0; k <= 10; ++k) o.sample_times.push_back(Real(k) / 10);
    integrate_observer<Real> observer;
    Real worst(0);
    observer.on_sample = [&](const Real& t, std::span<const Real> xs) {
      worst = std::max(worst, Real(abs(xs[0] - c.exact(t))));
    };
    const auto s = integrate(c.ode, x, o, observer);
    BOOST_TEST_MESSAGE("power " << c.ode.power << ": " << s.steps << " steps, order " << s.order
                                << ", max error " << worst.str(3) << " (tol " << tol.str(3) << ")");
    BOOST_TEST(worst <= 10 * tol, worst.str(3));
    BOOST_TEST(abs(x[0] - c.exact(Real(1))) <= 10 * tol);
  }
}

BOOST_AUTO_TEST_CASE(taylor_agrees_with_rk78_on_linear2) {
  const linear2<Real> model = test::t1_5_model<Real>();
  const Real tol = test::eps_power(1, 4);  // rk78 needs ~tol^(−1/8) steps: keep it affordable
  std::vector<Real> a = test::t1_5_start(model), b = a;
  integrate_options<Real> o;
  o.tolerance = tol;
  o.t_end = 3;
  o.method = method::taylor;
  BOOST_TEST((integrate(model, a, o, {}).reason == stop_reason::t_end));
  o.method = method::rk78;
  BOOST_TEST((integrate(model, b, o, {}).reason == stop_reason::t_end));
  Real gap(0);
  for (std::size_t i = 0; i < a.size(); ++i) gap = std::max(gap, Real(abs(a[i] - b[i])));
  BOOST_TEST_MESSAGE("Taylor vs rk78 at t = 3: max |Δθ| = " << gap.str(3) << " (tol " << tol.str(3) << ")");
  // rk78 sums a local error below tol per step over a few hundred steps.
  BOOST_TEST(gap <= 1000 * tol, gap.str(3));
}

BOOST_AUTO_TEST_CASE(lands_on_the_target_loss) {
  using std::abs;
  const linear2<Real> model = test::t1_5_model<Real>();
  std::vector<Real> theta = test::t1_5_start(model);
  const auto D0 = model.invariants(theta.data())[0].value;
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = 10 * eps<Real>();
  o.t_end = 10000;
  // A target that leaves ~30 digits in the residual: L ~ eps^(2/3) keeps ‖R‖ ~ eps^(1/3).
  const Real target = test::eps_power(2, 3);
  o.loss_below = target;
  for (int k = 0; k <= 200; ++k) o.sample_times.push_back(Real(k) / 2);
  std::vector<Real> sampled_loss;
  Real drift(0);
  integrate_observer<Real> observer;
  observer.on_sample = [&](const Real&, std::span<const Real> th) {
    sampled_loss.push_back(model.loss(th.data()));
  };
  observer.on_step = [&](const Real&, std::span<const Real> th, std::int64_t) {
    drift = std::max(drift, max_abs_entry<Real>(model.invariants(th.data())[0].value - D0));
    return true;
  };
  const auto s = integrate(model, theta, o, observer);
  BOOST_TEST((s.reason == stop_reason::loss_below));
  const Real landing = abs(model.loss(theta.data()) / target - 1);
  BOOST_TEST_MESSAGE("landed at t = " << s.t_final.str(20) << " with |L/target − 1| = " << landing.str(3)
                                      << " after " << s.steps << " steps of order " << s.order
                                      << "; imbalance drift " << drift.str(3));
  BOOST_TEST(landing <= test::eps_power(1, 4), landing.str(3));  // ≤ 1e-32 at 130 digits
  BOOST_TEST(drift <= 1000 * eps<Real>(), drift.str(3));
  BOOST_REQUIRE(sampled_loss.size() > 2u);
  for (std::size_t k = 1; k < sampled_loss.size(); ++k)
    BOOST_TEST(sampled_loss[k] <= sampled_loss[k - 1], "sample " << k);
}

BOOST_AUTO_TEST_CASE(samples_at_loss_levels) {
  // Levels 10^(−2k); each sample must sit on its level (the same event location as loss_below).
  using std::abs;
  const linear2<Real> model = test::t1_5_model<Real>();
  std::vector<Real> theta = test::t1_5_start(model);
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = test::eps_power(9, 10);
  o.t_end = 1000;
  for (int k = 1; k <= static_cast<int>(working_digits()) / 4; ++k)
    o.sample_losses.push_back(pow(Real(10), -2 * k));
  o.loss_below = o.sample_losses.back();
  std::vector<std::pair<Real, Real>> samples;  // (t, L)
  integrate_observer<Real> observer;
  observer.on_sample = [&](const Real& t, std::span<const Real> th) {
    samples.emplace_back(t, model.loss(th.data()));
  };
  integrate(model, theta, o, observer);
  BOOST_REQUIRE(samples.size() == o.sample_losses.size());
  for (std::size_t k = 0; k < samples.size(); ++k) {
    BOOST_TEST(abs(samples[k].second / o.sample_losses[k] - 1) <= test::eps_power(1, 4), "level " << k);
    if (k > 0) BOOST_TEST(samples[k].first > samples[k - 1].first);
  }
}

BOOST_AUTO_TEST_CASE(float64_taylor_agrees_with_float64_rk78) {
  const linear2<double> model = test::t1_5_model<double>();
  std::vector<double> a = test::t1_5_start(model), b = a;
  integrate_options<double> o;
  o.tolerance = parse_decimal<double>("1e-14");
  o.t_end = 3;
  o.method = method::taylor;
  const auto s = integrate(model, a, o, {});
  o.method = method::rk78;
  integrate(model, b, o, {});
  double gap = 0;
  for (std::size_t i = 0; i < a.size(); ++i) gap = std::max(gap, std::abs(a[i] - b[i]));
  BOOST_TEST_MESSAGE("float64 Taylor (order " << s.order << ", " << s.steps
                                              << " steps) vs rk78: max |Δθ| = " << gap);
  BOOST_TEST(gap <= 10000 * eps<double>());
}
