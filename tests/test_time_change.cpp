// The time change dt/ds = 1/L (integrate/time_change.hpp): its recorded field (the softmax form of
// −∇L/L) against the plain quotient, its path against the same flow integrated in physical time, and
// its clock against closed forms far beyond any plain integration: THEOREMS.md §6.4's linear
// predictor to loss 1e-300 (t from a quadratic) and §5.3's single point to loss 1e-1000 (β on the
// curve 2(sinh ν, sinh 2ν) with ν from bisection; log10 t against the published 12 digits).
#define BOOST_TEST_MODULE time_change
#include "gradflow/integrate/time_change.hpp"
#include "gradflow/models/diagonal.hpp"
#include "gradflow/models/tensor.hpp"
#include "gradflow/taylor/graph.hpp"
#include "gradflow/taylor/jet.hpp"
#include "support/literals.hpp"
#include "support/working_precision.hpp"

#include <boost/test/unit_test.hpp>

using namespace gradflow;
using gradflow::test::agreement_digits;
using gradflow::test::dec;
using gradflow::test::rows;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

integrate_options<Real> to_loss(const char* target, const char* t_end = "1e9") {
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = eps<Real>() * 10;
  o.t_end = dec(t_end);
  o.loss_below = dec(target);
  o.max_steps = 100000;
  return o;
}

// THEOREMS.md §5.3: one point x̃ = (1, 2), label +1, depth 2, w₊(0) = w₋(0) = 𝟙.
diagonal<Real> single_point(loss_kind loss) {
  return diagonal<Real>(rows({{"1", "2"}}), rows({{"1"}}), 2, loss);
}
std::vector<Real> ones(const diagonal<Real>& model) {
  const matrix<Real> one = matrix<Real>::Ones(model.d(), 1);
  return model.pack(one, one);
}

template <class Model>
Real largest_field_mismatch(const Model& model, std::vector<Real> theta) {
  using std::abs;
  const time_changed<Real, Model> flow(model);
  std::vector<Real> x = flow.augment(std::move(theta));
  x.back() = dec("0.3");
  std::vector<Real> plain(x.size()), graph(x.size());
  flow.velocity(x.data(), plain.data());
  taylor::jet<Real> J(taylor::record<Real>(flow), 2);
  J.compute(x.data());
  J.velocity(graph.data());
  Real worst(0);
  for (std::size_t i = 0; i < x.size(); ++i)
    worst = std::max(worst, Real(abs(graph[i] - plain[i]) / (1 + abs(plain[i]))));
  return worst;
}

}  // namespace

BOOST_AUTO_TEST_CASE(recorded_field_is_the_gradient_over_the_loss) {
  // At a moderate and at a tiny loss (margins near 100 and 1000: L ≈ e^{−1000}).
  const matrix<Real> X = rows({{"1", "0.5", "-0.3"}, {"0.1", "-0.7", "0.4"}, {"-0.6", "0.2", "0.9"}}),
                     y = rows({{"1"}, {"-1"}, {"1"}});
  for (loss_kind loss : {loss_kind::exponential, loss_kind::logistic})
    for (const char* scale : {"1", "4", "9"}) {
      const Real c = dec(scale);
      const diagonal<Real> diag(X, y, 2, loss);
      const matrix<Real> w_plus = rows({{"2.1"}, {"0.3"}, {"1.9"}}) * c,
                         w_minus = rows({{"0.2"}, {"1.4"}, {"0.1"}}) * c;
      BOOST_TEST(largest_field_mismatch(diag, diag.pack(w_plus, w_minus)) <= 64 * eps<Real>(),
                 loss_name(loss) << ", scale " << scale);
      const tensor<Real> net(X, y, 2, matrix<Real>::Identity(3, 3), loss);
      BOOST_TEST(largest_field_mismatch(net, net.pack({w_plus, w_plus})) <= 64 * eps<Real>(),
                 loss_name(loss) << ", scale " << scale);
    }
}

BOOST_AUTO_TEST_CASE(same_path_as_the_flow_in_physical_time) {
  // To loss 1e-8 (t ≈ 10^6) both ways: the plain Taylor run is the independent second algorithm.
  using std::abs;
  for (loss_kind loss : {loss_kind::exponential, loss_kind::logistic}) {
    const auto model = single_point(loss);
    std::vector<Real> plain = ones(model);
    const auto s_plain = integrate(model, plain, to_loss("1e-8"), integrate_observer<Real>{});
    integration_summary<Real> s_changed;
    const auto trace = integrate_time_changed(model, ones(model), to_loss("1e-8", "1e6"), s_changed);
    BOOST_REQUIRE((s_plain.reason == stop_reason::loss_below && s_changed.reason == stop_reason::loss_below));
    const auto& theta = trace.samples.back().theta;
    Real worst(0);
    for (std::size_t i = 0; i < plain.size(); ++i)
      worst = std::max(worst, Real(abs(theta[i] - plain[i]) / abs(plain[i])));
    const Real allowance = 100 * eps<Real>() * (s_plain.steps + s_changed.steps);
    BOOST_TEST_INFO(loss_name(loss) << ": plain " << s_plain.steps << " steps, time-changed "
                                    << s_changed.steps);
    BOOST_TEST(abs(s_changed.t_final / s_plain.t_final - 1) <= allowance);
    BOOST_TEST(worst <= allowance);
  }
}

BOOST_AUTO_TEST_CASE(linear_predictor_clock_to_loss_1e_300) {
  // §6.4 anisotropic: L(t) = 1/(1 + t) + 1/(1 + 4t) = ε ⇔ 4εt² + 5(ε − 1)t + ε − 2 = 0, and
  // w(t) = (ln(1 + t), ½ ln(1 + 4t)).
  using std::log;
  using std::sqrt;
  const tensor<Real> model(rows({{"1", "0"}, {"0", "2"}}), rows({{"1"}, {"1"}}), 1,
                           matrix<Real>::Identity(2, 2), loss_kind::exponential);
  const Real e = dec("1e-300");
  const Real b = 5 * (e - 1), t = (-b + sqrt(b * b - 16 * e * (e - 2))) / (8 * e);
  integration_summary<Real> summary;
  const auto trace =
      integrate_time_changed(model, std::vector<Real>(2, Real(0)), to_loss("1e-300", "1e6"), summary);
  BOOST_REQUIRE((summary.reason == stop_reason::loss_below));
  const auto& w = trace.samples.back().theta;
  const double digits = working_digits() - 4;
  BOOST_TEST(agreement_digits(summary.t_final, t) >= digits,
             summary.steps << " steps: " << agreement_digits(summary.t_final, t) << " digits");
  BOOST_TEST(agreement_digits(w[0], Real(log(1 + t))) >= digits);
  BOOST_TEST(agreement_digits(w[1], Real(log(1 + 4 * t) / 2)) >= digits);
}

BOOST_AUTO_TEST_CASE(single_point_to_loss_1e_1000_stays_on_its_curve) {
  // §5.3: β = 2(sinh ν, sinh 2ν), γ(ν) = 2(sinh ν + 2 sinh 2ν) = 1000 ln 10 at loss 1e-1000.
  using std::log;
  using std::log10;
  using std::sinh;
  const auto model = single_point(loss_kind::exponential);
  integration_summary<Real> summary;
  const auto trace = integrate_time_changed(model, ones(model), to_loss("1e-1000", "1e6"), summary);
  BOOST_REQUIRE((summary.reason == stop_reason::loss_below));
  const Real gamma = 1000 * log(Real(10));
  Real lo(0), hi(4);
  for (int k = 0; k < 4 * static_cast<int>(working_digits()) + 20; ++k) {
    const Real mid = (lo + hi) / 2;
    (2 * (sinh(mid) + 2 * sinh(2 * mid)) < gamma ? lo : hi) = mid;
  }
  const Real nu = (lo + hi) / 2;
  const matrix<Real> beta = model.product(trace.samples.back().theta.data());
  // γ's condition number: a relative error δ in γ moves β₁ by δ·γ·β₁'/(γ'β₁) — about 1 here.
  const double digits = working_digits() - 5;
  BOOST_TEST_INFO(summary.steps << " steps");
  BOOST_TEST(agreement_digits(beta(0), Real(2 * sinh(nu))) >= digits);
  BOOST_TEST(agreement_digits(beta(1), Real(2 * sinh(2 * nu))) >= digits);
  BOOST_TEST(agreement_digits(nu, dec("3.51695926024882")) >= 14);
  BOOST_TEST(agreement_digits(Real(log10(summary.t_final)), dec("995.738062681")) >= 11.5);
}
