// The elementwise Taylor recurrences (hadamard, scale, exp, log, pow/sqrt) through the adaptive
// Taylor integrator, against ODEs with closed-form solutions (t ∈ [0, 1], error ≤ 10 × tolerance):
//   x' = e^(−x)       x = ln(e^(x0) + t)           x' = x ln x     x = x0^(e^t)
//   x' = √x           x = (√x0 + t/2)²             x' = x^(3/2)    x = (x0^(−1/2) − t/2)^(−2)
//   x' = x∘x (2×1)    x_i = x0_i / (1 − x0_i t)
//   x' = (1 + x) log1p(x) (2×1)   x_i = expm1(log1p(x0_i) e^t)
#define BOOST_TEST_MODULE taylor_elementwise
#include <boost/test/unit_test.hpp>

#include "gradflow/integrate/integrate_impl.hpp"
#include "gradflow/taylor/jet_impl.hpp"
#include "support/graph_ode.hpp"
#include "support/working_precision.hpp"

using namespace gradflow;
using gradflow::test::graph_ode;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

template <class F>
void check(const char* name, F f, std::vector<Real> x0,
           const std::function<Real(const Real&, std::size_t)>& exact) {
  using std::abs;
  const graph_ode<F> ode{f, static_cast<Eigen::Index>(x0.size())};
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = test::eps_power(4, 5);
  o.t_end = 1;
  for (int k = 0; k <= 4; ++k) o.sample_times.push_back(Real(k) / 4);
  Real worst(0);
  integrate_observer<Real> observer;
  observer.on_sample = [&](const Real& t, std::span<const Real> x) {
    for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, Real(abs(x[i] - exact(t, i))));
  };
  const auto s = integrate(ode, x0, o, observer);
  BOOST_TEST_MESSAGE(name << ": " << s.steps << " steps of order " << s.order << ", max error "
                          << worst.str(3));
  BOOST_TEST(worst <= 10 * o.tolerance, name << ": " << worst.str(3));
}

}  // namespace

BOOST_AUTO_TEST_CASE(closed_form_solutions) {
  using std::exp;
  using std::log;
  using std::pow;
  using std::sqrt;
  const Real half = Real(1) / 2;
  check(
      "exp", [](auto& ops, const auto& x) { return ops.exp(ops.scale(Real(-1), x)); }, {half},
      [&](const Real& t, std::size_t) { return Real(log(exp(half) + t)); });
  check(
      "log", [](auto& ops, const auto& x) { return ops.hadamard(x, ops.log(x)); }, {half},
      [&](const Real& t, std::size_t) { return Real(pow(half, exp(t))); });
  check(
      "sqrt", [](auto& ops, const auto& x) { return ops.sqrt(x); }, {half},
      [&](const Real& t, std::size_t) { return Real(pow(sqrt(half) + t / 2, 2)); });
  check(
      "pow 3/2", [](auto& ops, const auto& x) { return ops.pow(x, Real(3) / 2); }, {half},
      [&](const Real& t, std::size_t) { return Real(pow(1 / sqrt(half) - t / 2, -2)); });
  const std::vector<Real> x0{half, Real(-1) / 3};
  check(
      "hadamard", [](auto& ops, const auto& x) { return ops.hadamard(x, x); }, x0,
      [&](const Real& t, std::size_t i) { return Real(x0[i] / (1 - x0[i] * t)); });
  const std::vector<Real> y0{half, parse_decimal<Real>("1e-20")};
  check(
      "log1p",
      [](auto& ops, const auto& x) {
        const auto u = ops.log1p(x);
        return ops.add(u, ops.hadamard(x, u));
      },
      y0,
      [&](const Real& t, std::size_t i) {
        using std::expm1;
        using std::log1p;
        return Real(expm1(log1p(y0[i]) * exp(t)));
      });
}
