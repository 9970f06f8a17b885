// The wide-ReLU spline limit (THEOREMS.md §3.4 T3.1), measured: `relu_spline DIGITS LOSS SEEDS TRAIN W1 W2 …`
// trains relu_shallow on the Figure 1 data (ASI, uniform W ~ U(−1, 1), B ~ U(−2, 2), skip connection;
// TRAIN = all or output) to the loss LOSS for each width and seed, and prints per run: width, seed, seconds,
// steps, kink events, sliding modes, t_final, sup over a 401-point grid of [−2, 2] of |f − g*|,
// g* the natural cubic spline (checks/jin2023.hpp sup_distance_to_natural_spline; g*(0.5) = 59/56, g*(1.5) = 41/56), f(0.5), f(1.5). Tab-separated, one run per line.
#include "gradflow/checks/jin2023.hpp"
#include "gradflow/integrate/integrate.hpp"
#include "gradflow/models/relu_init.hpp"
#include "gradflow/models/relu_shallow.hpp"
#include "gradflow/numeric/decimal_matrix.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  using namespace gradflow;
  if (argc < 6) {
    std::fprintf(stderr, "usage: relu_spline DIGITS LOSS SEEDS all|output WIDTH...\n");
    return 2;
  }
  set_working_digits(static_cast<unsigned>(std::atoi(argv[1])));
  const Real loss_target = parse_decimal<Real>(argv[2]);
  const int seeds = std::atoi(argv[3]);
  const relu_training training =
      std::string(argv[4]) == "output" ? relu_training::output : relu_training::all;
  const matrix<Real> X = decimal_matrix<Real>({{"-2"}, {"-1"}, {"0"}, {"1"}, {"2"}});
  const matrix<Real> y = decimal_matrix<Real>({{"1.5"}, {"0.5"}, {"1.5"}, {"0.5"}, {"1.5"}});
  for (int arg = 5; arg < argc; ++arg) {
    for (int seed = 1; seed <= seeds; ++seed) {
      relu_init_options<Real> o;
      o.width = std::atol(argv[arg]);
      o.seed = static_cast<std::uint64_t>(seed);
      o.skip = true;
      const auto [p, scale] = initial_parameters(o);
      const relu_shallow<Real> model(X, y, p.W.rows(), scale, true, training, p);
      std::vector<Real> theta = model.pack(p);
      integrate_options<Real> io;
      io.method = method::taylor;
      io.tolerance = Real(10) * eps<Real>();
      io.t_end = parse_decimal<Real>("1e12");
      io.loss_below = loss_target;
      io.max_steps = 10000000;
      const auto start = std::chrono::steady_clock::now();
      const auto s = integrate(model, theta, io, integrate_observer<Real>{});
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const Real sup = sup_distance_to_natural_spline(model, theta.data(), 401);
      const matrix<Real> probe = model.predict(theta.data(), decimal_matrix<Real>({{"0.5"}, {"1.5"}}));
      std::printf("%ld\t%d\t%.3f\t%lld\t%lld\t%lld\t%s\t%s\tf(0.5) = %s\tf(1.5) = %s\n",
                  static_cast<long>(o.width), seed, seconds, static_cast<long long>(s.steps),
                  static_cast<long long>(s.event_count("kink_events")),
                  static_cast<long long>(s.event_count("sliding_modes")), to_short_decimal(s.t_final).c_str(),
                  to_short_decimal(sup).c_str(), to_short_decimal(probe(0, 0)).c_str(),
                  to_short_decimal(probe(1, 0)).c_str());
      std::fflush(stdout);
    }
  }
}
