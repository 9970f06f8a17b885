// Events as values (taylor/events.hpp): the Taylor driver only locates the first kink of a step,
// ends the step there and asks the model's events how to go on. Two toy models bring their own
// events, so the driver's part is seen apart from relu's sliding modes:
//   bouncing:    p' = s, q' = relu(p), the events reverse s where p reaches 0 (a model change at a
//                landed kink): from p0 = a, s = −1, p = |a − t|, q = a t − t²/2 before a and
//                a²/2 + (t − a)²/2 after;
//   pushed_back: p' = 1 − 2 heaviside(p), q' = relu(p): from p0 = b, p reaches 0 at t = b and the
//                fields on both sides push it back (a kink at once after the landing); the events
//                hold p at 0 (q = b²/2 from then on) or refuse with a message.
// The same fields without the events are the wrong paths the checks must catch: the ramp runs on
// below 0 (q stops growing), and the pushed-back field ends with the driver's own message.
#define BOOST_TEST_MODULE taylor_events
#include <boost/test/unit_test.hpp>

#include "gradflow/integrate/integrate_impl.hpp"
#include "gradflow/models/relu_shallow.hpp"
#include "gradflow/taylor/jet_impl.hpp"
#include "support/graph_ode.hpp"
#include "support/literals.hpp"
#include "support/working_precision.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

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

// p of the state (p, q): one node, so relu(p) and heaviside(p) share their kink source.
template <class Ops, class V>
V first(Ops& ops, const V& x) {
  return ops.mul(ops.constant(rows({{"1", "0"}})), x);
}

// The field of (p, q) given p and p' (graph values): q' = relu(p).
template <class Ops, class V>
V field(Ops& ops, const V& p, const V& p_rate) {
  return ops.add(ops.mul(ops.constant(rows({{"1"}, {"0"}})), p_rate),
                 ops.mul(ops.constant(rows({{"0"}, {"1"}})), ops.relu(p)));
}

// p' = 1 − 2 heaviside(p): −1 above 0, +1 below.
template <class Ops, class V>
V pushed_back_rate(Ops& ops, const V& p) {
  return ops.sub(ops.constant(rows({{"1"}})), ops.scale(Real(2), ops.heaviside(p)));
}

template <class Model>
void plain_velocity(const Model& m, const Real* x, Real* dx) {
  taylor::plain_ops<Real> ops;
  const matrix<Real> v = m.velocity_of(ops, {matrix<Real>(const_matrix_view<Real>(x, 2, 1))})[0];
  for (Eigen::Index i = 0; i < 2; ++i) dx[i] = v(i, 0);
}

struct bounce_events;

struct bouncing {
  using taylor_events = bounce_events;
  Real slope;
  std::size_t dimension() const { return 2; }
  std::vector<std::pair<Eigen::Index, Eigen::Index>> block_shapes() const { return {{2, 1}}; }
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops, const std::vector<typename Ops::value>& x) const {
    matrix<Real> s(1, 1);
    s(0, 0) = slope;
    return {field(ops, first(ops, x[0]), ops.constant(s))};
  }
  void velocity(const Real* x, Real* dx) const { plain_velocity(*this, x, dx); }
  Real loss(const Real*) const { return Real(0); }
};

// At each landed kink of p: reverse p' (a new model) and start p on the side it now moves to.
struct bounce_events {
  explicit bounce_events(const bouncing&) {}
  std::vector<std::pair<std::string, std::int64_t>> tally{{"bounces", 0}};
  const auto& counts() const { return tally; }
  bool ignores(const bouncing&, std::size_t, Eigen::Index) const { return false; }
  template <class Jet>
  bool land(bouncing& m, const Jet&, std::vector<taylor::kink_entry> entries,
            std::vector<taylor::branch_hint>& hints) {
    for (const auto& [source, entry] : entries) {
      m.slope = -m.slope;
      hints.emplace_back(source, entry, m.slope > 0);
      ++tally[0].second;
    }
    return !entries.empty();
  }
  template <class Jet>
  std::optional<bool> at_once(bouncing&, const Jet&, const std::vector<taylor::kink_entry>&,
                              const std::vector<taylor::branch_hint>&, std::vector<taylor::branch_hint>&) {
    return std::nullopt;
  }
};

struct hold_events;

struct pushed_back {
  using taylor_events = hold_events;
  bool refuse = false, held = false;
  std::size_t dimension() const { return 2; }
  std::vector<std::pair<Eigen::Index, Eigen::Index>> block_shapes() const { return {{2, 1}}; }
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops, const std::vector<typename Ops::value>& x) const {
    const auto p = first(ops, x[0]);
    return {field(ops, p, held ? ops.constant(rows({{"0"}})) : pushed_back_rate(ops, p))};
  }
  void velocity(const Real* x, Real* dx) const { plain_velocity(*this, x, dx); }
  Real loss(const Real*) const { return Real(0); }
};

// A kink at once: hold p where it is (p' = 0, its kinks ignored from then on), or refuse.
struct hold_events {
  explicit hold_events(const pushed_back&) {}
  std::vector<std::pair<std::string, std::int64_t>> tally{{"kink_events", 0}, {"holds", 0}};
  const auto& counts() const { return tally; }
  bool ignores(const pushed_back& m, std::size_t, Eigen::Index) const { return m.held; }
  template <class Jet>
  bool land(pushed_back&, const Jet& J, std::vector<taylor::kink_entry> entries,
            std::vector<taylor::branch_hint>& hints) {
    for (const auto& [source, entry] : entries) hints.emplace_back(source, entry, !J.active(source, entry));
    tally[0].second += static_cast<std::int64_t>(entries.size());
    return false;
  }
  template <class Jet>
  std::optional<bool> at_once(pushed_back& m, const Jet&, const std::vector<taylor::kink_entry>&,
                              const std::vector<taylor::branch_hint>&, std::vector<taylor::branch_hint>&) {
    if (m.refuse) throw std::invalid_argument("pushed_back: the entry may not be held");
    m.held = true;
    ++tally[1].second;
    return true;
  }
};

// The pushed-back field as a plain graph: no events of its own (the driver's branch_switches).
auto pushed_back_graph() {
  return [](auto& ops, const auto& x) {
    const auto p = first(ops, x);
    return field(ops, p, pushed_back_rate(ops, p));
  };
}

const std::string at_once_message =
    "a kink at once after the last one (the fields on both sides push the operand back to zero: a Filippov "
    "sliding mode this model cannot hold) at t = ";

// Largest |(p, q) − closed form| over the samples of a run from (p0, 0) to t_end.
template <class Model, class P, class Q>
Real worst_error(const Model& m, const Real& p0, const Real& t_end, const std::vector<Real>& samples,
                 const P& p, const Q& q, integration_summary<Real>& s) {
  using std::abs;
  std::vector<Real> x{p0, Real(0)};
  Real worst(0);
  integrate_observer<Real> observer;
  observer.on_sample = [&](const Real& t, std::span<const Real> v) {
    worst = std::max({worst, Real(abs(v[0] - p(t))), Real(abs(v[1] - q(t)))});
  };
  s = integrate(m, x, taylor_to(t_end, samples), observer);
  return worst;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_models_events_change_its_field_at_the_kink) {
  using std::abs;
  const Real a = dec("0.7");
  const auto p = [&](const Real& t) { return Real(abs(a - t)); };
  const auto q = [&](const Real& t) {
    return t < a ? Real(a * t - t * t / 2) : Real(a * a / 2 + (t - a) * (t - a) / 2);
  };
  const std::vector<Real> samples{dec("0.25"), dec("0.5"), Real(1), dec("1.5"), Real(2)};
  integration_summary<Real> s;
  const Real worst = worst_error(bouncing{Real(-1)}, a, Real(2), samples, p, q, s);
  BOOST_TEST_MESSAGE(s.steps << " steps, error " << worst);
  BOOST_TEST(worst <= 64 * eps<Real>());
  BOOST_TEST_REQUIRE(s.event_counts.size() == 1u);  // the model's names only: no "kink_events"
  BOOST_TEST(s.event_counts[0].first == "bounces");
  BOOST_TEST(s.event_counts[0].second == 1);

  // The wrong path: the same ramp without its events runs on below 0, and the check sees it.
  const auto ramp = [](auto& ops, const auto& x) {
    return field(ops, first(ops, x), ops.constant(rows({{"-1"}})));
  };
  integration_summary<Real> plain;
  const Real missed = worst_error(graph_ode<decltype(ramp)>{ramp, 2}, a, Real(2), samples, p, q, plain);
  BOOST_TEST_MESSAGE("without the events: error " << missed);
  BOOST_TEST(missed > 64 * eps<Real>());
  BOOST_TEST(plain.event_count("kink_events") == 1);  // the driver's own branch switch
  BOOST_TEST(plain.event_count("bounces") == 0);
}

BOOST_AUTO_TEST_CASE(a_kink_at_once_is_the_models_to_hold) {
  const Real b = dec("0.5");
  const auto p = [&](const Real& t) { return t < b ? Real(b - t) : Real(0); };
  const auto q = [&](const Real& t) { return t < b ? Real(b * t - t * t / 2) : Real(b * b / 2); };
  const std::vector<Real> samples{dec("0.25"), dec("0.75"), Real(1), Real(2)};
  integration_summary<Real> s;
  const Real worst = worst_error(pushed_back{}, b, Real(2), samples, p, q, s);
  BOOST_TEST_MESSAGE(s.steps << " steps, error " << worst);
  BOOST_TEST(worst <= 64 * eps<Real>());
  BOOST_TEST(s.event_count("kink_events") == 1);
  BOOST_TEST(s.event_count("holds") == 1);
  BOOST_TEST(s.t_final == Real(2));
}

BOOST_AUTO_TEST_CASE(a_kink_at_once_the_model_cannot_hold_ends_the_run_with_a_message) {
  using std::abs;
  const Real b = dec("0.5");
  const auto starts_with = [](const std::string& message) {
    return [message](const integration_error& e) { return std::string(e.what()).rfind(message, 0) == 0; };
  };
  const auto at_b = [&](const integration_error& e) {
    return abs(parse_decimal<Real>(e.t) - b) <= 64 * eps<Real>();
  };
  // The driver's default events: a plain graph.
  const auto f = pushed_back_graph();
  std::vector<Real> x{b, Real(0)};
  BOOST_CHECK_EXCEPTION(
      integrate(graph_ode<decltype(f)>{f, 2}, x, taylor_to(Real(2), {}), integrate_observer<Real>{}),
      integration_error,
      [&](const integration_error& e) { return starts_with(at_once_message)(e) && at_b(e); });
  // The model's events refuse: their message, and where.
  pushed_back refusing;
  refusing.refuse = true;
  x = {b, Real(0)};
  BOOST_CHECK_EXCEPTION(integrate(refusing, x, taylor_to(Real(2), {}), integrate_observer<Real>{}),
                        integration_error, [&](const integration_error& e) {
                          return starts_with("pushed_back: the entry may not be held at t = ")(e) && at_b(e);
                        });
}

BOOST_AUTO_TEST_CASE(the_summary_names_every_declared_event_even_at_zero) {
  // A smooth field counts nothing; a relu network declares its two events whatever the method.
  const auto linear = [](auto& ops, const auto& x) {
    return ops.mul(ops.constant(rows({{"0", "1"}, {"-1", "0"}})), x);
  };
  std::vector<Real> x{Real(1), Real(0)};
  BOOST_TEST(
      integrate(graph_ode<decltype(linear)>{linear, 2}, x, taylor_to(Real(1), {}), integrate_observer<Real>{})
          .event_counts.empty());
  relu_parameters<Real> fixed;
  fixed.W = rows({{"1"}, {"-1"}});
  fixed.b = rows({{"0.5"}, {"0.5"}});
  const relu_shallow<Real> net(rows({{"-1"}, {"1"}}), rows({{"1"}, {"0"}}), 2, Real(1), false,
                               relu_training::output, fixed);
  relu_parameters<Real> start = fixed;
  start.a = rows({{"0.1"}, {"0.2"}});
  start.c = rows({{"0"}});
  for (const method m : {method::taylor, method::rk78}) {
    std::vector<Real> theta = net.pack(start);
    integrate_options<Real> o = taylor_to(Real(1), {});
    o.method = m;
    o.tolerance = dec("1e-12");  // the counts, not the path, are checked here
    const auto s = integrate(net, theta, o, integrate_observer<Real>{});
    BOOST_TEST_INFO("method " << method_name(m));
    BOOST_TEST_REQUIRE(s.event_counts.size() == 2u);
    BOOST_TEST(s.event_counts[0].first == "kink_events");
    BOOST_TEST(s.event_counts[1].first == "sliding_modes");
    BOOST_TEST(s.event_counts[0].second == 0);
    BOOST_TEST(s.event_counts[1].second == 0);
  }
}
