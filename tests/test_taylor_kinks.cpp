// Piecewise-smooth fields (relu, heaviside in the graph) through the Taylor integrator: every kink
// is an event the step lands on, and the solution is compared with closed forms across the kinks.
//   p' = ∓1, q' = relu(p), r' = heaviside(p): q and r from integrating the piecewise-linear p;
//   x' = y, y' = −x − 3 relu(x): frequency 2 for x > 0, 1 for x < 0; from (1, 0) the orbit closes
//   after T = π/4 + π + π/4 = 3π/2 with kinks at π/4 and 5π/4 (and every T after).
#define BOOST_TEST_MODULE taylor_kinks
#include <boost/test/unit_test.hpp>

#include "gradflow/integrate/integrate_impl.hpp"
#include "gradflow/taylor/jet_impl.hpp"
#include "support/graph_ode.hpp"
#include "support/literals.hpp"
#include "support/working_precision.hpp"

#include <boost/math/constants/constants.hpp>

using namespace gradflow;
using gradflow::test::dec;
using gradflow::test::graph_ode;
using gradflow::test::rows;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

integrate_options<Real> taylor_to(const Real& t_end, std::vector<Real> samples) {
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = 10 * eps<Real>();
  o.t_end = t_end;
  o.sample_times = std::move(samples);
  return o;
}

// (p, q, r) with p' = slope: the kink is where p crosses 0, at t = −p0/slope.
auto ramp(const char* slope) {
  return [c = rows({{slope}, {"0"}, {"0"}})](auto& ops, const auto& v) {
    const auto p = ops.mul(ops.constant(rows({{"1", "0", "0"}})), v);
    return ops.add(ops.add(ops.constant(c), ops.mul(ops.constant(rows({{"0"}, {"1"}, {"0"}})), ops.relu(p))),
                   ops.mul(ops.constant(rows({{"0"}, {"0"}, {"1"}})), ops.heaviside(p)));
  };
}

}  // namespace

BOOST_AUTO_TEST_CASE(ramp_down_and_up_through_a_kink) {
  using std::abs;
  struct run {
    const char *slope, *p0;
    std::function<Real(const Real&)> q, r;  // closed forms from p(t) = p0 + slope·t
  };
  const Real a = dec("0.7"), b = dec("0.3");
  const std::vector<run> runs = {
      {"-1", "0.7", [&](const Real& t) { return t < a ? Real(a * t - t * t / 2) : Real(a * a / 2); },
       [&](const Real& t) { return t < a ? t : a; }},
      {"1", "-0.3", [&](const Real& t) { return t < b ? Real(0) : Real((t - b) * (t - b) / 2); },
       [&](const Real& t) { return t < b ? Real(0) : Real(t - b); }}};
  for (const run& c : runs) {
    const graph_ode<decltype(ramp(c.slope))> ode{ramp(c.slope), 3};
    std::vector<Real> x{dec(c.p0), Real(0), Real(0)};
    Real worst(0);
    integrate_observer<Real> observer;
    observer.on_sample = [&](const Real& t, std::span<const Real> v) {
      worst = std::max({worst, Real(abs(v[1] - c.q(t))), Real(abs(v[2] - c.r(t)))});
    };
    const auto s =
        integrate(ode, x, taylor_to(Real(2), {dec("0.25"), dec("0.5"), dec("1"), Real(2)}), observer);
    BOOST_TEST_INFO("slope " << c.slope << ": " << s.steps << " steps");
    BOOST_TEST(s.event_count("kink_events") == 1);
    BOOST_TEST(worst <= 64 * eps<Real>());
  }
}

BOOST_AUTO_TEST_CASE(two_frequency_oscillator_closes_its_orbit) {
  using std::abs;
  const Real pi = boost::math::constants::pi<Real>(), T = 3 * pi / 2;
  const auto f = [](auto& ops, const auto& v) {
    const auto x = ops.mul(ops.constant(rows({{"1", "0"}})), v);
    return ops.add(ops.mul(ops.constant(rows({{"0", "1"}, {"-1", "0"}})), v),
                   ops.mul(ops.constant(rows({{"0"}, {"-3"}})), ops.relu(x)));
  };
  const graph_ode<decltype(f)> ode{f, 2};
  std::vector<Real> v{Real(1), Real(0)};
  // At the kinks x = 0 and y = −2, then 2; after each period (1, 0) again.
  std::vector<Real> samples = {pi / 4, 5 * pi / 4};
  for (int period = 1; period <= 3; ++period) samples.push_back(period * T);
  Real worst(0);
  integrate_observer<Real> observer;
  std::size_t seen = 0;
  observer.on_sample = [&](const Real& t, std::span<const Real> u) {
    const Real x = seen < 2 ? Real(0) : Real(1), y = seen == 0 ? Real(-2) : seen == 1 ? Real(2) : Real(0);
    worst = std::max({worst, Real(abs(u[0] - x)), Real(abs(u[1] - y))});
    BOOST_TEST_MESSAGE("t = " << t << ": error " << worst);
    ++seen;
  };
  const auto s = integrate(ode, v, taylor_to(3 * T, samples), observer);
  BOOST_TEST(seen == samples.size());
  BOOST_TEST(s.event_count("kink_events") == 6);
  BOOST_TEST(worst <= 100 * eps<Real>() * (s.steps + 1),
             "error " << worst << " after " << s.steps << " steps");
}
