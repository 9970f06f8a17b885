// The min2021.* theorem checks (THEOREMS.md §1; proofs/min2021.*.md): each passes on a real flow,
// fails on a path that violates its statement, and is not_applicable when a hypothesis fails.
#define BOOST_TEST_MODULE min2021_checks
#include "gradflow/checks/min2021.hpp"
#include "support/instances.hpp"
#include "support/working_precision.hpp"

#include <boost/test/unit_test.hpp>

using namespace gradflow;
using gradflow::test::eps_power;

using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

// Taylor run of `model` from theta to L = 10^-(digits/2) (or to t_end when to_limit is false).
run_trace<Real> flow(const linear2<Real>& model, const std::vector<Real>& theta, bool to_limit = true) {
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = eps<Real>() * 10;
  o.t_end = Real(1000);
  for (int k = 0; k <= 40; ++k) o.sample_times.push_back(Real(k) / 4);
  if (to_limit) o.loss_below = eps_power(1, 2);
  else o.t_end = Real(10);
  return integrate_traced(model, theta, o);
}

// Scalar instance of THEOREMS.md T1.1 (X = 1, Y = 2, h = 1): Prop. 1's bound is an equality there.
linear2<Real> scalar_model() {
  matrix<Real> X(1, 1), Y(1, 1);
  X << 1;
  Y << 2;
  return linear2<Real>(X, Y, 1);
}

std::vector<Real> scalar_start(const linear2<Real>& model, const char* u, const char* v) {
  matrix<Real> U(1, 1), V(1, 1);
  U << parse_decimal<Real>(u);
  V << parse_decimal<Real>(v);
  return model.pack(U, V);
}

// Moves the final state's U by delta along ker X (U ← U + Φ2·delta·1ᵀ): a kernel drift.
void drift_in_kernel(const linear2<Real>& model, run_trace<Real>& trace, const Real& delta) {
  matrix_view<Real> U(trace.samples.back().theta.data(), model.n(), model.h());
  U += model.kernel_basis().col(0) * matrix<Real>::Constant(1, model.h(), delta);
}

}  // namespace

BOOST_AUTO_TEST_CASE(t1_5_every_check_passes) {
  const auto model = test::t1_5_model<Real>();
  const auto trace = flow(model, test::t1_5_start(model));
  BOOST_TEST((trace.reason == stop_reason::loss_below));
  const auto results = min2021_checks(model, trace);
  BOOST_TEST(results.size() == 6u);
  for (const auto& r : results) {
    BOOST_TEST_MESSAGE(r.id << ": " << verdict_name(r.verdict) << " — " << r.detail);
    const auto expected = r.id == "min2021.width" ? verdict::not_applicable : verdict::pass;
    BOOST_TEST((r.verdict == expected), r.id << ": " << verdict_name(r.verdict) << " — " << r.detail);
  }
}

BOOST_AUTO_TEST_CASE(imbalance_fails_when_a_sample_is_perturbed) {
  const auto model = test::t1_5_model<Real>();
  auto trace = flow(model, test::t1_5_start(model), false);
  BOOST_TEST((check_min2021_imbalance(model, trace).verdict == verdict::pass));
  trace.samples[trace.samples.size() / 2].theta[0] += eps_power(1, 3);
  const auto r = check_min2021_imbalance(model, trace);
  BOOST_TEST((r.verdict == verdict::fail), r.detail);
}

BOOST_AUTO_TEST_CASE(rate_is_tight_in_the_scalar_case_and_fails_on_a_slower_path) {
  const auto model = scalar_model();
  auto trace = flow(model, scalar_start(model, "1.5", "0.1"), false);
  const auto r = check_min2021_rate(model, trace);
  BOOST_TEST((r.verdict == verdict::pass), r.detail);
  // Prop. 1 is an equality here: −L'/L = 2√(d² + 4(uv)²) (THEOREMS.md §1.2).
  const Real measured = parse_decimal<Real>(r.measured), bound = parse_decimal<Real>(r.bound);
  BOOST_TEST(test::agreement_digits(measured, bound) > working_digits() - 8.0, r.detail);
  // The same states with half the velocity: a path that decays at half the rate.
  for (auto& s : trace.samples)
    for (auto& v : s.velocity) v /= 2;
  const auto slow = check_min2021_rate(model, trace);
  BOOST_TEST((slow.verdict == verdict::fail), slow.detail);
}

BOOST_AUTO_TEST_CASE(rate_is_not_applicable_when_the_width_is_below_the_rank) {
  const auto model = linear2<Real>(test::t1_5_model<Real>().X(), test::t1_5_model<Real>().Y(), 1);
  matrix<Real> U(3, 1), V(1, 1);
  U << 1, 1, 0;
  V << 1;
  const auto trace = flow(model, model.pack(U, V), false);
  const auto r = check_min2021_rate(model, trace);
  BOOST_TEST((r.verdict == verdict::not_applicable), r.detail);
  BOOST_TEST(r.detail.find("width h = 1 < max(rank X, m) = 2") != std::string::npos, r.detail);
}

BOOST_AUTO_TEST_CASE(exp_bound_fails_on_a_path_that_does_not_decay) {
  const auto model = test::t1_5_model<Real>();
  auto trace = flow(model, test::t1_5_start(model), false);
  BOOST_TEST((check_min2021_exp_bound(model, trace).verdict == verdict::pass));
  for (auto& s : trace.samples) s.theta = trace.samples.front().theta;  // L(t) = L(0) at every t
  const auto r = check_min2021_exp_bound(model, trace);
  BOOST_TEST((r.verdict == verdict::fail), r.detail);
}

BOOST_AUTO_TEST_CASE(exp_bound_is_not_applicable_when_c0_is_zero) {
  // u = v = 0: balanced (D = 0) and margin σ(Ỹ) − ‖E(0)‖ = 2 − 2 = 0, so c(0) = 0.
  const auto model = scalar_model();
  const auto trace = flow(model, scalar_start(model, "0", "0"), false);
  const auto r = check_min2021_exp_bound(model, trace);
  BOOST_TEST((r.verdict == verdict::not_applicable), r.detail);
}

BOOST_AUTO_TEST_CASE(minnorm_fails_on_a_kernel_drift_and_needs_its_hypotheses) {
  const auto model = test::t1_5_model<Real>();
  auto trace = flow(model, test::t1_5_start(model));
  BOOST_TEST((check_min2021_minnorm(model, trace).verdict == verdict::pass));
  drift_in_kernel(model, trace, eps_power(1, 8));
  BOOST_TEST((check_min2021_minnorm(model, trace).verdict == verdict::fail));

  const auto outside = check_min2021_minnorm(model, flow(model, test::t1_5_start(model, "0.3", "-0.1")));
  BOOST_TEST((outside.verdict == verdict::not_applicable), outside.detail);
  BOOST_TEST(outside.detail.find("outside the invariant set") != std::string::npos, outside.detail);

  const auto unfinished = check_min2021_minnorm(model, flow(model, test::t1_5_start(model), false));
  BOOST_TEST((unfinished.verdict == verdict::not_applicable), unfinished.detail);
}

BOOST_AUTO_TEST_CASE(kernel_identity_holds_outside_the_invariant_set_and_fails_on_a_kernel_drift) {
  const auto model = test::t1_5_model<Real>();
  auto trace = flow(model, test::t1_5_start(model, "0.3", "-0.1"));
  const auto r = check_min2021_kernel_identity(model, trace);
  BOOST_TEST((r.verdict == verdict::pass), r.detail);
  // Prop. 9 to the accuracy the loss target allows: ‖E‖ ≈ √(2L) = 2^(1/2)·eps^(1/4).
  BOOST_TEST(parse_decimal<Real>(r.measured) < eps_power(1, 4) * 4, r.detail);
  // The same run is outside Prop. 10's hypotheses, and its limit is not Θ̂.
  BOOST_TEST((check_min2021_minnorm(model, trace).verdict == verdict::not_applicable));
  drift_in_kernel(model, trace, eps_power(1, 8));
  BOOST_TEST((check_min2021_kernel_identity(model, trace).verdict == verdict::fail));
}
