// relu_shallow's jet by unit groups (models/relu_jet.hpp) against the jet of its recorded graph
// (taylor/jet.hpp on velocity_of): two different algorithms for the same Taylor coefficients —
// one integrates every unit, the other each group's fundamental matrix and second moment. Every
// coefficient of every state entry and every kink source must agree to rounding, with skip or not,
// all layers or the output layer, d = 1 and 2, units sharing groups, and a sliding entry.
#define BOOST_TEST_MODULE relu_jet
#include "gradflow/integrate/integrate_impl.hpp"
#include "gradflow/models/relu_init.hpp"
#include "gradflow/models/relu_shallow.hpp"
#include "gradflow/taylor/step_control.hpp"
#include "gradflow/taylor/jet_impl.hpp"
#include "support/literals.hpp"
#include "support/relu_graph_only.hpp"

#include <optional>
#include "support/working_precision.hpp"

#include <boost/test/unit_test.hpp>

using namespace gradflow;
using gradflow::test::rows;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

// Largest |difference| between the jets, relative to the size of what is compared: per order k
// over the state entries (coefficients grow like ρ^{-k}), and for each kink source over its entries'
// step polynomials Σ_k a_k τ^k on the step [0, h] the driver would take, by Σ_k |a_k − b_k| h^k
// against max Σ_k |a_k| h^k (a single coefficient of the quotient λ = μ/r_j may nearly cancel).
template <class Grouped>
Real worst_relative_difference(const taylor::jet<Real>& graph, const Grouped& grouped) {
  using std::abs;
  Real worst(0);
  const auto record = [&](const Real& diff, const Real& scale) {
    if (scale > 0) worst = std::max(worst, Real(diff / scale));
  };
  BOOST_REQUIRE_EQUAL(graph.dimension(), grouped.dimension());
  for (int k = 0; k <= graph.order(); ++k) {
    Real scale(0), diff(0);
    for (std::size_t i = 0; i < graph.dimension(); ++i) {
      scale = std::max(scale, Real(abs(graph.coefficient(k, i))));
      diff = std::max(diff, Real(abs(graph.coefficient(k, i) - grouped.coefficient(k, i))));
    }
    record(diff, scale);
    record(abs(taylor::detail::coefficient_norm(graph, k) - taylor::detail::coefficient_norm(grouped, k)),
           scale);
  }
  const Real h = *taylor::detail::step_size(graph);
  BOOST_REQUIRE_EQUAL(graph.kink_sources(), grouped.kink_sources());
  for (std::size_t s = 0; s < graph.kink_sources(); ++s) {
    BOOST_REQUIRE_EQUAL(graph.kink_size(s), grouped.kink_size(s));
    std::vector<Real> a, b;
    Real scale(0), diff(0);
    for (Eigen::Index i = 0; i < graph.kink_size(s); ++i) {
      BOOST_TEST(graph.active(s, i) == grouped.active(s, i));
      graph.kink_series(s, i, a);
      grouped.kink_series(s, i, b);
      Real size(0), gap(0), power(1);
      for (std::size_t k = 0; k < a.size(); ++k, power *= h)
        size += abs(a[k]) * power, gap += abs(a[k] - b[k]) * power;
      scale = std::max(scale, size), diff = std::max(diff, gap);
    }
    record(diff, scale);
  }
  return worst;
}

Real compare_jets(const relu_shallow<Real>& model, const std::vector<Real>& theta) {
  const int order = 12;
  taylor::jet<Real> graph(taylor::record<Real>(model), order);
  relu_jet<Real> grouped(model, order);
  graph.compute(theta.data());
  grouped.compute(theta.data());
  return worst_relative_difference(graph, grouped);
}

relu_parameters<Real> units_1d(bool skip) {
  relu_parameters<Real> p;  // units 1 and 4, 2 and 5 share patterns on the data below
  p.W = rows({{"-0.99"}, {"0.74"}, {"-0.51"}, {"-0.7"}, {"0.31"}, {"0.58"}});
  p.b = rows({{"1.14"}, {"1.2"}, {"0.06"}, {"0.9"}, {"0.55"}, {"-0.53"}});
  p.a = rows({{"0.52"}, {"-0.64"}, {"0.74"}, {"1"}, {"0.82"}, {"-0.77"}});
  p.c = rows({{"0.2"}});
  if (skip) p.u = rows({{"-0.1"}}), p.v = rows({{"0.05"}});
  return p;
}

relu_shallow<Real> model_1d(bool skip, relu_training training) {
  return relu_shallow<Real>(rows({{"-2"}, {"-1"}, {"0"}, {"1"}, {"2"}}),
                            rows({{"1.5"}, {"0.5"}, {"1.5"}, {"0.5"}, {"1.5"}}), 6, Real(3) / 4, skip,
                            training, units_1d(skip));
}

}  // namespace

BOOST_AUTO_TEST_CASE(grouped_and_graph_jets_agree_in_one_dimension) {
  for (bool skip : {false, true})
    for (relu_training training : {relu_training::all, relu_training::output}) {
      const auto model = model_1d(skip, training);
      BOOST_TEST_INFO("skip " << skip << ", " << (training == relu_training::all ? "all" : "output"));
      BOOST_TEST(compare_jets(model, model.pack(units_1d(skip))) <= 1000 * eps<Real>());
    }
}

BOOST_AUTO_TEST_CASE(grouped_and_graph_jets_agree_in_two_dimensions) {
  relu_parameters<Real> p;
  p.W = rows({{"0.3", "-0.8"}, {"-0.45", "0.2"}, {"0.9", "0.1"}, {"0.31", "-0.79"}});
  p.b = rows({{"0.2"}, {"-0.1"}, {"0.35"}, {"0.21"}});
  p.a = rows({{"0.6"}, {"-0.9"}, {"0.4"}, {"-0.2"}});
  p.c = rows({{"-0.3"}});
  p.u = rows({{"0.1"}, {"0.2"}});
  p.v = rows({{"0"}});
  const relu_shallow<Real> model(rows({{"0", "0"}, {"1", "0.5"}, {"-0.5", "1"}, {"0.25", "-1"}}),
                                 rows({{"1"}, {"-0.5"}, {"0.25"}, {"2"}}), 4, Real(1), true,
                                 relu_training::all);
  BOOST_TEST(compare_jets(model, model.pack(p)) <= 1000 * eps<Real>());
}

BOOST_AUTO_TEST_CASE(grouped_and_graph_jets_agree_with_a_sliding_entry_and_branch_hints) {
  // Unit 3 (W = −0.51) gets b = −0.51 so that z at x = −1 is exactly 0 (entry j + N·i = 1 + 5·2) and
  // is held there; unit 5's entry at x = 1 is nudged to 0 too and told it is active (a landed kink).
  const auto model = model_1d(true, relu_training::all);
  relu_parameters<Real> p = units_1d(true);
  p.b(2) = p.W(2, 0);   // w·(−1) + b = 0 at x = −1: entry 1 + 5·2
  p.b(4) = -p.W(4, 0);  // w·1 + b = 0 at x = 1: entry 3 + 5·4
  const auto sliding = model.with_sliding({{0, 1 + 5 * 2}});
  const std::vector<Real> theta = sliding.pack(p);
  const int order = 12;
  taylor::jet<Real> graph(taylor::record<Real>(sliding), order);
  relu_jet<Real> grouped(sliding, order);
  graph.set_branch(0, 3 + 5 * 4, true);
  grouped.set_branch(0, 3 + 5 * 4, true);
  graph.compute(theta.data());
  grouped.compute(theta.data());
  BOOST_TEST(grouped.landed(0, 3 + 5 * 4));
  BOOST_TEST(grouped.active(0, 3 + 5 * 4));
  BOOST_TEST(worst_relative_difference(graph, grouped) <= 1000 * eps<Real>());
}

BOOST_AUTO_TEST_CASE(the_flow_by_groups_takes_the_graphs_steps_and_kinks) {
  // The Figure 1 example's start (width 10, seed 7: 20 units in ASI pairs) to t = 20, through its six
  // kinks and sliding modes: the same steps, events and final state (to the tolerance) either way.
  using std::abs;
  relu_init_options<Real> init;
  init.width = 10;
  init.seed = 7;
  init.skip = true;
  const auto [start, scale] = initial_parameters(init);
  const relu_shallow<Real> model(rows({{"-2"}, {"-1"}, {"0"}, {"1"}, {"2"}}),
                                 rows({{"1.5"}, {"0.5"}, {"1.5"}, {"0.5"}, {"1.5"}}), 20, scale, true,
                                 relu_training::all);
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = 10 * eps<Real>();
  o.t_end = Real(20);
  std::vector<Real> grouped = model.pack(start), graph = grouped;
  const auto a = taylor::detail::drive(model, grouped, o, integrate_observer<Real>{});
  const auto b =
      taylor::detail::drive(test::relu_graph_only<Real>{model}, graph, o, integrate_observer<Real>{});
  Real worst(0);
  for (std::size_t i = 0; i < graph.size(); ++i) worst = std::max(worst, Real(abs(grouped[i] - graph[i])));
  BOOST_TEST_MESSAGE(a.steps << " steps, " << a.event_count("kink_events") << " kinks, "
                             << a.event_count("sliding_modes")
                             << " sliding modes; |grouped − graph| = " << worst);
  BOOST_TEST(a.event_count("kink_events") >= 4);
  BOOST_TEST(a.event_count("sliding_modes") >= 4);
  BOOST_TEST(a.event_count("kink_events") == b.event_count("kink_events"));
  BOOST_TEST(a.event_count("sliding_modes") == b.event_count("sliding_modes"));
  BOOST_TEST(std::abs(a.steps - b.steps) <= a.steps / 50);
  BOOST_TEST(worst <= 100 * o.tolerance);
}

BOOST_AUTO_TEST_CASE(a_unit_sliding_on_two_points_has_coupled_weights) {
  // THEOREMS.md §3.3's 2-D data; unit 1 with w = (0, 1), b = −1 has z = 0 exactly at (1, 1) and (−1, 1)
  // (points 2 and 4: entries 1 + 5·0 and 3 + 5·0) and is held on both: the jets agree with the weights
  // μ = −K_JJ⁻¹ K_J,· (r ∘ on) of a 2×2 system.
  relu_parameters<Real> p;
  p.W = rows({{"0", "1"}, {"-0.45", "0.2"}, {"0.9", "0.1"}, {"0.31", "-0.79"}});
  p.b = rows({{"-1"}, {"-0.1"}, {"0.35"}, {"0.21"}});
  p.a = rows({{"0.6"}, {"-0.9"}, {"0.4"}, {"-0.2"}});
  p.c = rows({{"-0.3"}});
  p.u = rows({{"0.1"}, {"0.2"}});
  p.v = rows({{"0"}});
  const relu_shallow<Real> model(rows({{"-1", "-1"}, {"1", "1"}, {"0", "0"}, {"-1", "1"}, {"1", "-1"}}),
                                 rows({{"1.5"}, {"1.5"}, {"0.5"}, {"-0.5"}, {"-0.5"}}), 4, Real(1), true,
                                 relu_training::all);
  const auto held = model.with_sliding({{0, 1}, {0, 3}});
  BOOST_TEST((held.sliding_points(0) == std::vector<Eigen::Index>{1, 3}));
  BOOST_TEST(compare_jets(held, held.pack(p)) <= 1000 * eps<Real>());
  BOOST_CHECK_THROW(held.with_sliding({{0, 0}}), std::invalid_argument);  // a third point on the same unit
}

BOOST_AUTO_TEST_CASE(two_point_sliding_holds_both_pre_activations_at_zero) {
  // The 2-D data with (0, 0) moved to (0.2, −0.1) — on §3.3's own data (−1, 1), (0, 0), (1, −1) are
  // collinear, and a line through two of them holds the third too (three points: refused) — uniform
  // law, width 10, seed 1 (20 units): a unit's line reaches two data points at once and is held on
  // both. Through t = 20 both of its pre-activations stay at zero to rounding while the unit moves (the
  // Filippov condition ż = 0 at two points), the unit balance is conserved, and the grouped and graph
  // jets take the same steps to the same state. (Seeds whose runs pass near a marginal event — a
  // weight reaching 0 or 1 tangentially — may branch differently under the two jets' roundings.)
  using std::abs;
  relu_init_options<Real> init;
  init.d = 2;
  init.width = 10;
  init.seed = 1;
  init.skip = true;
  const auto [start, scale] = initial_parameters(init);
  const relu_shallow<Real> model(rows({{"-1", "-1"}, {"1", "1"}, {"0.2", "-0.1"}, {"-1", "1"}, {"1", "-1"}}),
                                 rows({{"1.5"}, {"1.5"}, {"0.5"}, {"-0.5"}, {"-0.5"}}), 20, scale, true,
                                 relu_training::all);
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = 10 * eps<Real>();
  o.t_end = Real(20);
  const Real zero = 1000 * eps<Real>();
  int steps_on_two = 0;
  Real moved(0), drift(0);
  std::optional<Eigen::Index> unit;
  matrix<Real> w_then;
  const matrix<Real> balance0 = model.invariants(model.pack(start).data())[0].value;
  integrate_observer<Real> observer;
  observer.on_step = [&](const Real&, std::span<const Real> theta, std::int64_t) {
    const relu_parameters<Real> q = model.unpack(theta.data());
    drift = std::max(drift,
                     max_abs_entry<Real>(matrix<Real>(model.invariants(theta.data())[0].value - balance0)));
    const matrix<Real> Z = model.X() * q.W.transpose() + matrix<Real>::Ones(5, 1) * q.b.transpose();
    for (Eigen::Index i = 0; i < 20; ++i) {
      int zeros = 0;
      for (Eigen::Index j = 0; j < 5; ++j) zeros += abs(Z(j, i)) <= zero;
      if (zeros < 2) continue;
      if (!unit) unit = i, w_then = q.W.row(i);
      if (*unit == i) ++steps_on_two, moved = std::max(moved, Real((q.W.row(i) - w_then).norm()));
    }
    return true;
  };
  std::vector<Real> grouped = model.pack(start), graph = grouped;
  const auto a = taylor::detail::drive(model, grouped, o, observer);
  const auto b =
      taylor::detail::drive(test::relu_graph_only<Real>{model}, graph, o, integrate_observer<Real>{});
  Real worst(0);
  for (std::size_t i = 0; i < graph.size(); ++i) worst = std::max(worst, Real(abs(grouped[i] - graph[i])));
  BOOST_TEST_MESSAGE(a.steps << " steps, " << a.event_count("sliding_modes") << " sliding modes, "
                             << steps_on_two << " steps on two points, unit moved " << moved
                             << ", balance drift " << drift << ", |grouped − graph| = " << worst);
  BOOST_TEST(steps_on_two >= 5);
  BOOST_TEST(moved > Real(1) / 1000);
  BOOST_TEST(drift <= 1000 * eps<Real>() * (a.steps + 1));
  BOOST_TEST(a.event_count("sliding_modes") == b.event_count("sliding_modes"));
  BOOST_TEST(a.event_count("kink_events") == b.event_count("kink_events"));
  BOOST_TEST(worst <= 100 * o.tolerance);
}
