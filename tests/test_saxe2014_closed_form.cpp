// saxe2014.closed_form and arora2018.balanced (THEOREMS.md §7; proofs/saxe2014.closed_form.md,
// proofs/arora2018.balanced.md) on two-layer networks: the closed-form mode strength against the
// logistic formula, the published T7.3 digits and its own ODE; the checks pass on real flows, fail on
// violating paths and are not_applicable outside their hypotheses.
#define BOOST_TEST_MODULE saxe2014_closed_form
#include "gradflow/checks/deep_linear.hpp"
#include "gradflow/checks/saxe_mode.hpp"
#include "gradflow/models/linear2.hpp"
#include "support/working_precision.hpp"

#include <boost/test/unit_test.hpp>

using namespace gradflow;
using gradflow::test::agreement_digits;
using gradflow::test::eps_power;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

Real dec(const char* text) { return parse_decimal<Real>(text); }

// Whitened X = I, Σyx = diag(3, 1); width 3; balanced start diagonal in the modes: a(0) = (0.01, 0.04).
linear2<Real> whitened_model(const char* x_scale = "1") {
  matrix<Real> X = matrix<Real>::Identity(2, 2) * dec(x_scale), Y(2, 2);
  Y << 3, 0, 0, 1;
  return linear2<Real>(X, Y, 3);
}

std::vector<Real> spectral_start(const linear2<Real>& model, const char* v22 = "0.2") {
  matrix<Real> U = matrix<Real>::Zero(2, 3), V = matrix<Real>::Zero(2, 3);
  U(0, 0) = dec("0.1"), U(1, 1) = dec("0.2");
  V(0, 0) = dec("0.1"), V(1, 1) = dec(v22);
  return model.pack(U, V);
}

run_trace<Real> flow(const linear2<Real>& model, const std::vector<Real>& theta) {
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = eps<Real>() * 10;
  o.t_end = Real(6);
  for (int k = 0; k <= 24; ++k) o.sample_times.push_back(Real(k) / 4);
  return integrate_traced(model, theta, o);
}

}  // namespace

BOOST_AUTO_TEST_CASE(depth_two_is_the_logistic_curve_and_matches_t7_3) {
  // THEOREMS.md §7.3 T7.3 (mpmath, 25 digits): u = v = 0.01, y = 2, so a0 = 1e-4, s = 2.
  const Real s(2), a0 = dec("0.0001");
  BOOST_TEST(agreement_digits(saxe_mode_strength(2, s, a0, Real(1)), dec("0.005445222311194462645902019")) >
             24.0);
  BOOST_TEST(agreement_digits(saxe_mode_strength(2, s, a0, Real(2)), dec("0.2594398117457546322076847")) >
             24.0);
  using std::exp;
  for (const char* t_text : {"0.1", "1.7", "3", "12.5"}) {
    const Real t = dec(t_text), e = exp(2 * s * t);
    const Real logistic = s * e / (e - 1 + s / a0);
    BOOST_TEST(agreement_digits(saxe_mode_strength(2, s, a0, t), logistic) > working_digits() - 5.0,
               "t = " << t_text);
  }
}

BOOST_AUTO_TEST_CASE(every_depth_solves_its_mode_equation) {
  // ȧ = L a^{2−2/L}(s − a), checked by a central difference of step k = eps^(1/3) (error O(k²)).
  using std::pow;
  const Real k = eps_power(1, 3);
  for (int L : {2, 3, 4, 5})
    for (const char* a0_text : {"0.001", "0.5", "4.5"}) {  // below and above s = 1.5
      const Real s = dec("1.5"), a0 = dec(a0_text), t = dec("0.7");
      const Real a = saxe_mode_strength(L, s, a0, t);
      const Real slope =
          (saxe_mode_strength(L, s, a0, Real(t + k)) - saxe_mode_strength(L, s, a0, Real(t - k))) / (2 * k);
      const Real field = L * pow(a, 2 - Real(2) / L) * (s - a);
      BOOST_TEST(agreement_digits(slope, field) > working_digits() * 2 / 3.0 - 4,
                 "L = " << L << ", a0 = " << a0_text);
    }
  // s = 0: ḃ = −b^{2L−1} in closed form.
  const Real a0 = dec("0.3"), t = dec("2");
  const Real a = saxe_mode_strength(3, Real(0), a0, t);
  const Real slope =
      (saxe_mode_strength(3, Real(0), a0, Real(t + k)) - saxe_mode_strength(3, Real(0), a0, Real(t - k))) /
      (2 * k);
  using std::pow;
  BOOST_TEST(agreement_digits(slope, Real(-3 * pow(a, Real(4) / 3) * a)) > working_digits() * 2 / 3.0 - 4);
}

BOOST_AUTO_TEST_CASE(closed_form_check_passes_on_the_flow_and_fails_on_a_retimed_path) {
  const auto model = whitened_model();
  auto trace = flow(model, spectral_start(model));
  const auto r = check_saxe2014_closed_form(model, trace);
  BOOST_TEST_MESSAGE(r.detail << " measured " << r.measured);
  BOOST_TEST((r.verdict == verdict::pass), r.detail);
  for (auto& s : trace.samples) s.t = s.t * 11 / 10;  // the same states, claimed at later times
  const auto late = check_saxe2014_closed_form(model, trace);
  BOOST_TEST((late.verdict == verdict::fail), late.detail);
}

BOOST_AUTO_TEST_CASE(closed_form_check_states_its_hypotheses) {
  const auto scaled = whitened_model("2");
  const auto r1 = check_saxe2014_closed_form(scaled, flow(scaled, spectral_start(scaled)));
  BOOST_TEST((r1.verdict == verdict::not_applicable), r1.detail);
  BOOST_TEST(r1.detail.find("not whitened") != std::string::npos, r1.detail);
  const auto model = whitened_model();
  const auto r2 = check_saxe2014_closed_form(model, flow(model, spectral_start(model, "0.3")));
  BOOST_TEST((r2.verdict == verdict::not_applicable), r2.detail);
  BOOST_TEST(r2.detail.find("not balanced") != std::string::npos, r2.detail);
}

BOOST_AUTO_TEST_CASE(balance_check_passes_on_the_flow_and_fails_on_a_perturbed_sample) {
  const auto model = whitened_model();
  auto trace = flow(model, spectral_start(model, "0.3"));  // unbalanced start: conservation still holds
  const auto r = check_arora2018_balanced(model, trace);
  BOOST_TEST((r.verdict == verdict::pass), r.detail);
  trace.samples[5].theta[1] += eps_power(1, 3);
  BOOST_TEST((check_arora2018_balanced(model, trace).verdict == verdict::fail));
}
