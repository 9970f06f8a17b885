// flow.path_defect (proofs/flow.path_defect.md) on hand-made paths: a path integrated at the working
// precision D passes when judged at D + 20 digits under its own model, and each wrong path fails with
// the interval that shows it: retimed samples, the path of a model whose data differ, one state entry
// nudged from the middle on, and (time change) a clock off by 1e-10 while the weights are right.
#define BOOST_TEST_MODULE path_defect
#include "gradflow/checks/path_defect.hpp"
#include "gradflow/models/diagonal.hpp"
#include "gradflow/models/linear2.hpp"
#include "support/instances.hpp"
#include "support/literals.hpp"
#include "support/working_precision.hpp"

#include <boost/test/unit_test.hpp>

using namespace gradflow;
using gradflow::test::dec;
using gradflow::test::rows;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

// T1.5 with targets (1, 1 + shift): shift "0" is the published instance.
linear2<Real> t1_5(const char* shift = "0") {
  matrix<Real> Y = rows({{"1"}, {"1"}});
  Y(1, 0) += dec(shift);
  return linear2<Real>(rows({{"1", "0", "0"}, {"0", "2", "0"}}), Y, 2);
}

run_trace<Real> t1_5_path(const linear2<Real>& model) {
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = eps<Real>() * 10;
  o.t_end = dec("20");
  for (int k = 0; k <= 20; ++k) o.sample_times.push_back(o.t_end * k / 20);
  return integrate_traced(model, test::t1_5_start(model), o);
}

// THEOREMS.md §5.3: one point (1, 2), label +1, depth 2, w₊(0) = w₋(0) = 𝟙, exponential loss.
diagonal<Real> single_point() {
  return diagonal<Real>(rows({{"1", "2"}}), rows({{"1"}}), 2, loss_kind::exponential);
}

run_trace<Real> single_point_path() {
  using std::pow;
  const auto model = single_point();
  const matrix<Real> one = matrix<Real>::Ones(2, 1);
  const auto theta = model.pack(one, one);
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = eps<Real>() * 10;
  o.t_end = dec("1e300");
  o.loss_below = dec("1e-30");
  const Real L0 = model.loss(theta.data());
  for (int k = 0; k < 16; ++k) o.sample_losses.push_back(L0 * pow(*o.loss_below / L0, Real(k) / 16));
  integration_summary<Real> summary;
  return integrate_time_changed(model, theta, o, summary);
}

// Judges `path` (at the working precision D) at D + 20 digits under the model `build()` makes there,
// claiming the path's own tolerance at the rounding unit of D digits.
template <class Build>
check_result judge(const Build& build, const run_trace<Real>& path, bool time_change = false) {
  const std::string tolerance = to_decimal(path.tolerance), rounding = to_decimal(eps<Real>());
  working_precision_scope above(working_digits() + 20);
  const run_trace<Real> fine = trace_at_working_precision(path);
  const path_claim<Real> claim{dec(tolerance.c_str()),
                               dec(rounding.c_str()),
                               dec(("1e-" + std::to_string(working_digits() - 10)).c_str()),
                               {},
                               time_change,
                               {}};
  return check_path_defect(build(), fine, claim);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_taylor_path_passes_and_each_wrong_path_fails) {
  const auto model = t1_5();
  const run_trace<Real> path = t1_5_path(model);
  const check_result right = judge([] { return t1_5(); }, path);
  BOOST_TEST_MESSAGE("T1.5 at " << working_digits() << " digits: defect " << right.measured << " bound "
                                << right.bound);
  BOOST_TEST((right.verdict == verdict::pass), right.detail);
  BOOST_TEST(right.id == "flow.path_defect");

  run_trace<Real> retimed = path;
  for (auto& s : retimed.samples) s.t *= 1 + dec("1e-9");
  const check_result r = judge([] { return t1_5(); }, retimed);
  BOOST_TEST((r.verdict == verdict::fail), r.detail);

  // The path of targets shifted by 1e-12, judged under the published targets.
  const check_result data = judge([] { return t1_5(); }, t1_5_path(t1_5("1e-12")));
  BOOST_TEST((data.verdict == verdict::fail), data.detail);

  // One entry nudged by 1e-9 from the middle sample on.
  run_trace<Real> nudged = path;
  const std::size_t middle = nudged.samples.size() / 2;
  for (std::size_t k = middle; k < nudged.samples.size(); ++k) nudged.samples[k].theta[1] += dec("1e-9");
  const check_result n = judge([] { return t1_5(); }, nudged);
  BOOST_TEST((n.verdict == verdict::fail), n.detail);
}

BOOST_AUTO_TEST_CASE(the_time_change_checks_the_clock_with_the_weights) {
  const run_trace<Real> path = single_point_path();
  const check_result right = judge(single_point, path, true);
  BOOST_TEST_MESSAGE("single point to loss 1e-30: defect " << right.measured << " bound " << right.bound);
  BOOST_TEST((right.verdict == verdict::pass), right.detail);

  run_trace<Real> clock = path;  // the weights exact, t off by 1e-10 (relative)
  for (auto& s : clock.samples) s.t *= 1 + dec("1e-10");
  const check_result c = judge(single_point, clock, true);
  BOOST_TEST((c.verdict == verdict::fail), c.detail);

  run_trace<Real> rising = path;  // a later sample at a higher loss: no flow joins the pair
  std::swap(rising.samples[3].theta, rising.samples[4].theta);
  const check_result up = judge(single_point, rising, true);
  BOOST_TEST((up.verdict == verdict::fail), up.detail);
  BOOST_TEST(up.detail.find("the loss does not decrease from sample 3") != std::string::npos, up.detail);
}

BOOST_AUTO_TEST_CASE(one_sample_is_not_applicable_and_a_repeated_time_fails) {
  const auto model = t1_5();
  run_trace<Real> path = t1_5_path(model);
  run_trace<Real> one = path;
  one.samples.resize(1);
  BOOST_TEST((judge([] { return t1_5(); }, one).verdict == verdict::not_applicable));
  path.samples[2].t = path.samples[1].t;
  const check_result r = judge([] { return t1_5(); }, path);
  BOOST_TEST((r.verdict == verdict::fail), r.detail);
  BOOST_TEST(r.detail.find("t does not increase from sample 1") != std::string::npos, r.detail);
}
