// Cost of the shallow ReLU flow's Taylor steps against the width: `relu_cost DIGITS T_END GRAPH_MAX WIDTH…`
// integrates relu_shallow on the Figure 1 data (ASI uniform W ~ U(−1, 1), B ~ U(−2, 2), seed 1, skip
// connection, all layers; tolerance eps^(2/3), the CLI's default) from t = 0 to T_END with the jet by unit
// groups (models/relu_jet.hpp) and, for widths ≤ GRAPH_MAX, again with the jet of the recorded graph
// (the baseline, same binary, same run). Prints per width: n, units, steps, kink events, sliding modes,
// seconds and ms per step by groups, seconds by the graph, graph ÷ groups, and the largest difference
// of the final states (the two must agree to about the tolerance). Tab-separated.
#include "gradflow/integrate/integrate_impl.hpp"  // taylor::detail::drive for the graph baseline
#include "gradflow/models/relu_init.hpp"
#include "gradflow/models/relu_shallow.hpp"
#include "gradflow/numeric/decimal_matrix.hpp"
#include "support/relu_graph_only.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  using namespace gradflow;
  using std::abs;
  using std::pow;
  if (argc < 5) {
    std::fprintf(stderr, "usage: relu_cost DIGITS T_END GRAPH_MAX WIDTH...\n");
    return 2;
  }
  set_working_digits(static_cast<unsigned>(std::atoi(argv[1])));
  const Real t_end = parse_decimal<Real>(argv[2]);
  const long graph_max = std::atol(argv[3]);
  const matrix<Real> X = decimal_matrix<Real>({{"-2"}, {"-1"}, {"0"}, {"1"}, {"2"}});
  const matrix<Real> y = decimal_matrix<Real>({{"1.5"}, {"0.5"}, {"1.5"}, {"0.5"}, {"1.5"}});
  std::printf(
      "n\tunits\tsteps\tkinks\tsliding\tgroups_s\tms_per_step\tgraph_s\tratio\tmax_state_difference\n");
  for (int arg = 4; arg < argc; ++arg) {
    relu_init_options<Real> o;
    o.width = std::atol(argv[arg]);
    o.skip = true;
    const auto [p, scale] = initial_parameters(o);
    const relu_shallow<Real> model(X, y, p.W.rows(), scale, true, relu_training::all, p);
    integrate_options<Real> io;
    io.method = method::taylor;
    io.tolerance = pow(eps<Real>(), Real(2) / 3);
    io.t_end = t_end;
    io.max_steps = 10000000;
    const auto timed = [&](auto&& run) {
      const auto start = std::chrono::steady_clock::now();
      auto s = run();
      return std::pair{s, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
    };
    std::vector<Real> grouped = model.pack(p), graph = grouped;
    const auto [s, seconds] =
        timed([&] { return integrate(model, grouped, io, integrate_observer<Real>{}); });
    std::printf("%ld\t%ld\t%lld\t%lld\t%lld\t%.2f\t%.2f", o.width, static_cast<long>(p.W.rows()),
                static_cast<long long>(s.steps), static_cast<long long>(s.event_count("kink_events")),
                static_cast<long long>(s.event_count("sliding_modes")), seconds,
                1000 * seconds / static_cast<double>(s.steps));
    if (o.width <= graph_max) {
      const auto [b, graph_seconds] = timed([&] {
        return taylor::detail::drive(test::relu_graph_only<Real>{model}, graph, io,
                                     integrate_observer<Real>{});
      });
      Real worst(0);
      for (std::size_t i = 0; i < graph.size(); ++i)
        worst = std::max(worst, Real(abs(graph[i] - grouped[i])));
      std::printf("\t%.2f\t%.1f\t%s", graph_seconds, graph_seconds / seconds,
                  to_short_decimal(worst).c_str());
    } else {
      std::printf("\t\t\t");
    }
    std::printf("\n");
    std::fflush(stdout);
  }
}
