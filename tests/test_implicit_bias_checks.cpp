// The implicit-bias checks (proofs/woodworth2020.*, yun2021.*, soudry2018.direction,
// moroshko2020.transition): each passes on an honest run, fails when the measured quantity is moved
// off what the theorem says by far more than its allowance, and is not_applicable when a hypothesis
// fails. The flows' own accuracy is tested elsewhere (test_diagonal, test_tensor, test_time_change);
// here the subject is the checks' logic.
#define BOOST_TEST_MODULE implicit_bias_checks
#include "gradflow/checks/moroshko2020.hpp"
#include "gradflow/checks/soudry2018.hpp"
#include "gradflow/checks/woodworth2020.hpp"
#include "gradflow/checks/yun2021.hpp"
#include "gradflow/integrate/integrate_impl.hpp"
#include "gradflow/integrate/time_change.hpp"
#include "gradflow/models/diagonal.hpp"
#include "gradflow/models/tensor.hpp"
#include "gradflow/numeric/orthogonal_transform.hpp"
#include "gradflow/taylor/jet_impl.hpp"
#include "support/literals.hpp"
#include "support/working_precision.hpp"

#include <boost/test/unit_test.hpp>

using namespace gradflow;
using gradflow::test::dec;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

matrix<Real> column(std::initializer_list<const char*> entries) {
  matrix<Real> v(static_cast<Eigen::Index>(entries.size()), 1);
  Eigen::Index i = 0;
  for (const char* x : entries) v(i++) = dec(x);
  return v;
}

// The loss target of a run at the test's precision: about half the digits remain to compare limits.
Real loss_target() {
  using std::pow;
  return pow(Real(10), -Real(working_digits()));
}

template <class Model>
run_trace<Real> to_loss_target(const Model& model, const std::vector<Real>& theta) {
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = eps<Real>() * 10;
  o.t_end = dec("1e6");
  o.loss_below = loss_target();
  for (int k = 0; k <= 20; ++k)
    o.sample_losses.push_back(model.loss(theta.data()) *
                              pow(*o.loss_below / model.loss(theta.data()), Real(k) / 21));
  return integrate_traced(model, theta, o);
}

template <class Model>
run_trace<Real> to_t_end(const Model& model, const std::vector<Real>& theta, const char* t_end) {
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = eps<Real>() * 10;
  o.t_end = dec(t_end);
  o.sample_times = {Real(0), o.t_end};
  return integrate_traced(model, theta, o);
}

template <class Model>
run_trace<Real> classification(const Model& model, const std::vector<Real>& theta, const char* loss_below) {
  using std::pow;
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = eps<Real>() * 10;
  o.t_end = dec("1e300");
  o.loss_below = dec(loss_below);
  const Real L0 = model.loss(theta.data());
  for (int k = 0; k < 40; ++k) o.sample_losses.push_back(L0 * pow(*o.loss_below / L0, Real(k) / 40));
  integration_summary<Real> summary;
  return integrate_time_changed(model, theta, o, summary);
}

std::vector<Real> alpha_start(const diagonal<Real>& model, const char* alpha) {
  const matrix<Real> w = matrix<Real>::Constant(model.d(), 1, dec(alpha));
  return model.pack(w, w);
}

// The final sample with θ replaced (the perturbation a check must catch).
template <class Scalar>
run_trace<Scalar> with_final_theta(run_trace<Scalar> trace, std::vector<Scalar> theta) {
  trace.samples.back().theta = std::move(theta);
  return trace;
}

// θ with β moved to β + eps^(1/4)·k, k = (1, −1, 1) spanning ker X of section_4_3: the same residual,
// another interpolant. w₋ is kept and w₊ = (β + w₋^D)^(1/D).
std::vector<Real> along_kernel(const diagonal<Real>& model, std::vector<Real> theta) {
  using std::pow;
  matrix<Real> beta = model.product(theta.data());
  const Real e = pow(eps<Real>(), Real(1) / 4);
  beta(0) += e, beta(1) -= e, beta(2) += e;
  for (Eigen::Index i = 0; i < 3; ++i)
    theta[i] = pow(beta(i) + pow(theta[3 + i], Real(model.depth())), Real(1) / model.depth());
  return theta;
}

// A wrong field for the diagonal network: feature i moves c_i times as fast (−diag(c, c)∇L). Each
// component stays on its own conserved curve (w₊w₋ or w₊^(2−D) + w₋^(2−D) is still constant), but the
// mirror coordinate leaves range Xᵀ, so the flow interpolates at another point than the Q minimiser.
struct preconditioned_diagonal {
  diagonal<Real> net;
  matrix<Real> c;  // d×1
  std::size_t dimension() const { return net.dimension(); }
  Real loss(const Real* theta) const { return net.loss(theta); }
  auto block_shapes() const { return net.block_shapes(); }
  void velocity(const Real* theta, Real* dtheta) const {
    net.velocity(theta, dtheta);
    for (Eigen::Index i = 0; i < net.d(); ++i) dtheta[i] *= c(i), dtheta[net.d() + i] *= c(i);
  }
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops,
                                               const std::vector<typename Ops::value>& blocks) const {
    const auto v = net.velocity_of(ops, blocks);
    const auto C = ops.constant(c);
    return {ops.hadamard(C, v[0]), ops.hadamard(C, v[1])};
  }
};

// The preconditioned flow from α𝟙 to `loss_below`, as a trace of the plain model's path.
run_trace<Real> preconditioned_flow(const diagonal<Real>& model, const matrix<Real>& c, const char* alpha,
                                    const Real& loss_below) {
  const preconditioned_diagonal wrong{model, c};
  const auto theta = alpha_start(model, alpha);
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = eps<Real>() * 10;
  o.t_end = dec("1e6");
  o.loss_below = loss_below;
  for (int k = 0; k <= 20; ++k)
    o.sample_losses.push_back(model.loss(theta.data()) *
                              pow(loss_below / model.loss(theta.data()), Real(k) / 21));
  return integrate_traced(wrong, theta, o);
}

diagonal<Real> section_4_3(int depth) {
  matrix<Real> X(2, 3), y(2, 1);
  X << 1, 1, 0, 0, 1, 1;
  y << 1, 1;
  return diagonal<Real>(X, y, depth);
}

}  // namespace

BOOST_AUTO_TEST_CASE(q_alpha_passes_and_fails_when_the_limit_moves) {
  const auto model = section_4_3(2);
  const auto trace = to_loss_target(model, alpha_start(model, "0.5"));
  const auto ok = check_woodworth2020_q_alpha(model, trace);
  BOOST_TEST((ok.verdict == verdict::pass), ok.detail);
  // Another interpolant: β + eps^(1/4)·(1, −1, 1) (ker X), written back through w₊ = √(β + w₋²).
  const auto moved =
      check_woodworth2020_q_alpha(model, with_final_theta(trace, along_kernel(model, trace.final().theta)));
  BOOST_TEST((moved.verdict == verdict::fail), moved.detail);
}

BOOST_AUTO_TEST_CASE(q_alpha_needs_its_hypotheses) {
  const auto model = section_4_3(2);
  auto start = alpha_start(model, "0.5");
  start[1] = dec("0.6");
  BOOST_TEST(
      (check_woodworth2020_q_alpha(model, to_loss_target(model, start)).verdict == verdict::not_applicable));
  BOOST_TEST((check_woodworth2020_q_alpha(model, to_t_end(model, alpha_start(model, "0.5"), "1")).verdict ==
              verdict::not_applicable));
  const auto deep = section_4_3(3);
  BOOST_TEST((check_woodworth2020_q_alpha(deep, to_t_end(deep, alpha_start(deep, "0.5"), "1")).verdict ==
              verdict::not_applicable));
}

BOOST_AUTO_TEST_CASE(depth_d_fails_on_a_moved_limit_or_a_broken_sum) {
  const auto model = section_4_3(3);
  const auto trace = to_loss_target(model, alpha_start(model, "0.5"));
  const auto ok = check_woodworth2020_depth_d(model, trace);
  BOOST_TEST((ok.verdict == verdict::pass), ok.detail);
  // Another interpolant (ker X direction) at the final sample: it breaks w₊^(−1) + w₋^(−1) too.
  const auto moved =
      check_woodworth2020_depth_d(model, with_final_theta(trace, along_kernel(model, trace.final().theta)));
  BOOST_TEST((moved.verdict == verdict::fail), moved.detail);
  BOOST_TEST((check_woodworth2020_depth_d(section_4_3(2), trace).verdict == verdict::not_applicable));
}

BOOST_AUTO_TEST_CASE(woodworth_limit_branch_fails_on_a_preconditioned_field) {
  // Feature 2 twice as fast: the conserved quantities hold (the conservation branch passes) and the run
  // interpolates, at another point: the limit comparison catches it.
  for (int depth : {2, 3}) {
    const auto model = section_4_3(depth);
    const auto trace = preconditioned_flow(model, column({"1", "2", "1"}), "0.5", loss_target());
    BOOST_TEST((trace.reason == stop_reason::loss_below));
    const auto r =
        depth == 2 ? check_woodworth2020_q_alpha(model, trace) : check_woodworth2020_depth_d(model, trace);
    BOOST_TEST((r.verdict == verdict::fail), r.detail);
    BOOST_TEST(r.detail.starts_with("‖β(t_f) − β*‖₂"), r.detail);
  }
}

BOOST_AUTO_TEST_CASE(woodworth_range_branch_fails_on_a_field_off_by_1e_minus_15) {
  // A field off by 10⁻¹⁵ in one feature, run to L = 1e-20 only: the limit moves by ~1e-15 while the
  // residual allows ~1e-10 there, so the limit comparison passes; the mirror coordinate's kernel part,
  // judged against the integration allowance, does not.
  for (int depth : {2, 3}) {
    const auto model = section_4_3(depth);
    const auto trace =
        preconditioned_flow(model, column({"1", "1.000000000000001", "1"}), "0.5", dec("1e-20"));
    const auto honest =
        depth == 2 ? check_woodworth2020_q_alpha(model, to_loss_target(model, alpha_start(model, "0.5")))
                   : check_woodworth2020_depth_d(model, to_loss_target(model, alpha_start(model, "0.5")));
    BOOST_TEST((honest.verdict == verdict::pass), honest.detail);
    BOOST_TEST_MESSAGE("honest D = " << depth << ": " << honest.detail);
    const auto r =
        depth == 2 ? check_woodworth2020_q_alpha(model, trace) : check_woodworth2020_depth_d(model, trace);
    BOOST_TEST((r.verdict == verdict::fail), r.detail);
    BOOST_TEST(r.detail.starts_with("the mirror coordinate left range Xᵀ"), r.detail);
  }
}

BOOST_AUTO_TEST_CASE(regression_fails_on_a_moved_limit) {
  matrix<Real> X(2, 4), y(2, 1);
  X << dec("1"), dec("0.5"), dec("-0.3"), dec("0.2"), dec("0.1"), dec("-0.7"), dec("0.4"), dec("1.2");
  y << dec("0.8"), dec("-0.5");
  const tensor<Real> model(X, y, 2, orthogonal_transform<Real>("hadamard", 4));
  const auto trace = to_loss_target(
      model, model.pack({column({"0.3", "-0.2", "0.5", "0.1"}), column({"0.1", "0.4", "-0.2", "0.3"})}));
  const auto ok = check_yun2021_regression(model, trace);
  BOOST_TEST((ok.verdict == verdict::pass), ok.detail);
  using std::pow;
  auto theta = trace.final().theta;
  // Scale v_1 and v_2 of component 1 by (1 + e) and 1/(1 + e): the balance a₂² − a₁² breaks.
  theta[0] *= 1 + pow(eps<Real>(), Real(1) / 4);
  const auto moved = check_yun2021_regression(model, with_final_theta(trace, theta));
  BOOST_TEST((moved.verdict == verdict::fail), moved.detail);

  // Not orthogonal, not square, unbalanced depth 3.
  matrix<Real> S = orthogonal_transform<Real>("hadamard", 4);
  S(0, 0) *= 2;
  const tensor<Real> skewed(X, y, 2, S);
  BOOST_TEST((check_yun2021_regression(skewed, trace).verdict == verdict::not_applicable));
  const tensor<Real> deep(X, y, 3, matrix<Real>::Identity(4, 4));
  const auto unbalanced =
      deep.pack({column({"1", "1", "1", "1"}), column({"0.5", "1", "1", "1"}), column({"1", "1", "1", "1"})});
  const auto r = check_yun2021_regression(deep, to_t_end(deep, unbalanced, "1"));
  BOOST_TEST((r.verdict == verdict::not_applicable), r.detail);
}

BOOST_AUTO_TEST_CASE(classification_fails_off_the_cone) {
  matrix<Real> X(4, 4), y(4, 1);
  X << dec("1"), dec("0.5"), dec("0.2"), dec("-0.1"), dec("0.3"), dec("1"), dec("-0.4"), dec("0.2"),
      dec("-0.8"), dec("0.1"), dec("0.3"), dec("0.9"), dec("0.2"), dec("-1.1"), dec("0.5"), dec("0.4");
  y << 1, 1, -1, -1;
  const tensor<Real> model(X, y, 2, orthogonal_transform<Real>("hadamard", 4), loss_kind::exponential);
  const auto start = model.pack(std::vector<matrix<Real>>(2, matrix<Real>::Constant(4, 1, dec("0.1"))));
  const auto trace = classification(model, start, "1e-60");
  const auto ok = check_yun2021_classification(model, trace);
  BOOST_TEST((ok.verdict == verdict::pass), ok.detail);

  // Balanced depth 2 from 0.1·𝟙: ρ_j = 0.01·e^{2s_j}, s = Aᵀν. Solve for ν at t_f, make its smallest
  // entry −1 (a multiplier the flow can never produce) and rebuild the layers a = √ρ.
  using std::exp;
  using std::log;
  using std::sqrt;
  const matrix<Real> A = y.asDiagonal() * model.Z();
  const matrix<Real> rho = model.product(trace.final().theta.data());
  matrix<Real> s(4, 1);
  for (Eigen::Index j = 0; j < 4; ++j) s(j) = log(rho(j) / dec("0.01")) / 2;
  matrix<Real> nu = A.transpose().fullPivLu().solve(s);
  Eigen::Index n = 0;
  nu.col(0).minCoeff(&n);
  nu(n) = -1;
  const matrix<Real> s_off = A.transpose() * nu;
  std::vector<Real> theta(8);
  for (Eigen::Index j = 0; j < 4; ++j) theta[j] = theta[4 + j] = sqrt(dec("0.01") * exp(2 * s_off(j)));
  const auto off = check_yun2021_classification(model, with_final_theta(trace, theta));
  BOOST_TEST((off.verdict == verdict::fail), off.detail);

  const tensor<Real> square(X, matrix<Real>::Ones(4, 1), 2, matrix<Real>::Identity(4, 4));
  BOOST_TEST((check_yun2021_classification(square, trace).verdict == verdict::not_applicable));
  const tensor<Real> linear(X, y, 1, matrix<Real>::Identity(4, 4), loss_kind::exponential);
  BOOST_TEST((check_yun2021_classification(linear, trace).verdict == verdict::not_applicable));
}

BOOST_AUTO_TEST_CASE(direction_fails_on_a_wrong_direction) {
  matrix<Real> X(2, 2), y(2, 1);
  X << 1, 0, 0, 2;
  y << 1, 1;
  const tensor<Real> model(X, y, 1, matrix<Real>::Identity(2, 2), loss_kind::exponential);
  const auto trace = classification(model, model.pack({matrix<Real>::Zero(2, 1)}), "1e-100");
  const auto ok = check_soudry2018_direction(model, trace);
  BOOST_TEST((ok.verdict == verdict::pass), ok.detail);
  auto theta = trace.final().theta;
  theta[1] *= dec("1.2");  // rotated away from ŵ = (1, 1/2) by about 0.1
  const auto wrong = check_soudry2018_direction(model, with_final_theta(trace, theta));
  BOOST_TEST((wrong.verdict == verdict::fail), wrong.detail);
  matrix<Real> Xn(2, 2);
  Xn << 1, 0, -1, 0;  // x and −x with the same label: not separable
  const tensor<Real> inseparable(Xn, y, 1, matrix<Real>::Identity(2, 2), loss_kind::exponential);
  BOOST_TEST((check_soudry2018_direction(inseparable, trace).verdict == verdict::not_applicable));
  const tensor<Real> deep(X, y, 2, matrix<Real>::Identity(2, 2), loss_kind::exponential);
  BOOST_TEST((check_soudry2018_direction(deep, trace).verdict == verdict::not_applicable));
}

BOOST_AUTO_TEST_CASE(transition_fails_off_the_curve_family) {
  matrix<Real> X(1, 2), y(1, 1);
  X << 1, 2;
  y << 1;
  const diagonal<Real> model(X, y, 2, loss_kind::exponential);
  const auto trace = classification(model, alpha_start(model, "1"), "1e-100");
  const auto ok = check_moroshko2020_transition(model, trace);
  BOOST_TEST((ok.verdict == verdict::pass), ok.detail);
  using std::pow;
  auto theta = trace.final().theta;
  theta[0] *= 1 + pow(eps<Real>(), Real(1) / 4);
  const auto moved = check_moroshko2020_transition(model, with_final_theta(trace, theta));
  BOOST_TEST((moved.verdict == verdict::fail), moved.detail);
  BOOST_TEST(moved.detail.find("the state is off the curve family") != std::string::npos, moved.detail);
  matrix<Real> X2(2, 2), y2(2, 1);
  X2 << 1, 2, 2, 1;
  y2 << 1, 1;
  const diagonal<Real> two(X2, y2, 2, loss_kind::exponential);
  const auto r = check_moroshko2020_transition(two, classification(two, alpha_start(two, "1"), "1e-30"));
  BOOST_TEST((r.verdict == verdict::not_applicable), r.detail);
  BOOST_TEST(r.detail.find("measured, not asserted") != std::string::npos, r.detail);
  const diagonal<Real> logistic(X, y, 2, loss_kind::logistic);
  BOOST_TEST((check_moroshko2020_transition(logistic, trace).verdict == verdict::not_applicable));
}

// Every sample's t multiplied by 1 + eps^(1/3) (1e-10 at 30 digits: a clock off by 1e-10), the states
// untouched: the shape branch cannot see it (β/γ = b*(γ) holds on the curves at any t), the clock
// branch must. Depth 2 and depth 3.
BOOST_AUTO_TEST_CASE(transition_fails_when_the_path_is_retimed) {
  using std::pow;
  matrix<Real> X(1, 2), X3(1, 3), y(1, 1);
  X << 1, 2;
  X3 << dec("1"), dec("2"), dec("0.5");
  y << 1;
  const diagonal<Real> two(X, y, 2, loss_kind::exponential), three(X3, y, 3, loss_kind::exponential);
  for (const auto* model : {&two, &three}) {
    const auto trace =
        classification(*model, alpha_start(*model, model->depth() == 2 ? "1" : "0.5"), "1e-100");
    const auto ok = check_moroshko2020_transition(*model, trace);
    BOOST_TEST((ok.verdict == verdict::pass), ok.detail);
    BOOST_TEST(ok.detail.find("clock: max over") != std::string::npos, ok.detail);
    auto retimed = trace;
    for (auto& s : retimed.samples) s.t *= 1 + pow(eps<Real>(), Real(1) / 3);
    const auto r = check_moroshko2020_transition(*model, retimed);
    BOOST_TEST((r.verdict == verdict::fail), r.detail);
    BOOST_TEST(r.detail.find("the path is not timed like the flow") != std::string::npos, r.detail);
  }
}

// The limit branch of yun2021.regression on its own: the final ρ moved by eps^(1/4) along ker(XSᵀ)
// (same residual, another point) and written back ON the curves (a₁ ± a₂ = c± e^{±s}), so that
// a₂² − a₁² = −c₊c₋ is conserved exactly and only the limit comparison can fail.
BOOST_AUTO_TEST_CASE(regression_limit_branch_fails_on_the_curves) {
  using std::exp;
  using std::log;
  using std::pow;
  using std::sqrt;
  matrix<Real> X(2, 4), y(2, 1);
  X << dec("1"), dec("0.5"), dec("-0.3"), dec("0.2"), dec("0.1"), dec("-0.7"), dec("0.4"), dec("1.2");
  y << dec("0.8"), dec("-0.5");
  const tensor<Real> model(X, y, 2, orthogonal_transform<Real>("hadamard", 4));
  const matrix<Real> a1_0 = column({"0.3", "-0.2", "0.5", "0.1"}),
                     a2_0 = column({"0.1", "0.4", "-0.2", "0.3"});
  const auto trace = to_loss_target(model, model.pack({a1_0, a2_0}));
  BOOST_TEST((check_yun2021_regression(model, trace).verdict == verdict::pass));
  const matrix<Real> kernel = model.Z().fullPivLu().kernel();
  const matrix<Real> k = kernel.col(0) / sqrt(kernel.col(0).squaredNorm());
  const matrix<Real> rho = model.product(trace.final().theta.data()) + pow(eps<Real>(), Real(1) / 4) * k;
  std::vector<Real> theta(8);
  for (Eigen::Index j = 0; j < 4; ++j) {
    const Real cp = a1_0(j) + a2_0(j), cm = a1_0(j) - a2_0(j);
    const Real u =
        (4 * rho(j) + sqrt(16 * rho(j) * rho(j) + 4 * cp * cp * cm * cm)) / (2 * cp * cp);  // e^{2s}
    theta[j] = (cp * sqrt(u) + cm / sqrt(u)) / 2, theta[4 + j] = (cp * sqrt(u) - cm / sqrt(u)) / 2;
  }
  const auto moved = check_yun2021_regression(model, with_final_theta(trace, theta));
  BOOST_TEST((moved.verdict == verdict::fail), moved.detail);
  BOOST_TEST(moved.detail.find("‖β(t_f) − β*‖₂") != std::string::npos, moved.detail);
  BOOST_TEST(moved.detail.find("drifted") == std::string::npos, moved.detail);
}

// Soudry's remainder r = w − ŵ log t − w̃ is asserted, not ‖r‖ ≤ 1: a retimed path (every t times
// 1 + eps^(1/3)) moves ŵ log t by ‖ŵ‖·eps^(1/3) and fails, and Fig. 1's support vectors (μ = 1/4,
// r ~ t^{−1/4}) pass with the rate.
BOOST_AUTO_TEST_CASE(direction_remainder_fails_when_the_path_is_retimed) {
  using std::pow;
  matrix<Real> X(2, 2), y(2, 1);
  X << 1, 0, 0, 2;
  y << 1, 1;
  const tensor<Real> model(X, y, 1, matrix<Real>::Identity(2, 2), loss_kind::exponential);
  const auto trace = classification(model, model.pack({matrix<Real>::Zero(2, 1)}), "1e-100");
  const auto ok = check_soudry2018_direction(model, trace);
  BOOST_TEST((ok.verdict == verdict::pass), ok.detail);
  BOOST_TEST(ok.detail.find("μ = 1") != std::string::npos, ok.detail);
  auto retimed = trace;
  for (auto& s : retimed.samples) s.t *= 1 + pow(eps<Real>(), Real(1) / 3);
  const auto r = check_soudry2018_direction(model, retimed);
  BOOST_TEST((r.verdict == verdict::fail), r.detail);

  matrix<Real> X4(4, 2), y4(4, 1);
  X4 << dec("0.5"), dec("1.5"), dec("1.5"), dec("0.5"), dec("-0.5"), dec("-1.5"), dec("-1.5"), dec("-0.5");
  y4 << 1, 1, -1, -1;
  const tensor<Real> fig1(X4, y4, 1, matrix<Real>::Identity(2, 2), loss_kind::exponential);
  const auto slow =
      check_soudry2018_direction(fig1, classification(fig1, fig1.pack({column({"0.3", "-0.2"})}), "1e-100"));
  BOOST_TEST((slow.verdict == verdict::pass), slow.detail);
  BOOST_TEST(slow.detail.find("μ = 2.500000e-01") != std::string::npos, slow.detail);
}

// The ℓ1 LP against closed forms, and the blind spot of the weighted KKT residual it removes: on the
// verify data (L = 2, S = Hadamard) ρ̄ = e_j / min_n A_nj is feasible and satisfies stationarity on its
// one non-zero component and slackness, so R ≈ 0, but it is not ℓ1-optimal (|(Aᵀλ)_i| > 1 at a zero
// component); the optimality gap sees it.
BOOST_AUTO_TEST_CASE(l1_gap_sees_dual_infeasibility_at_zero_components) {
  using std::abs;
  matrix<Real> one(1, 2), diag(2, 2), none(2, 1);
  one << 1, 2;
  diag << 1, 0, 0, 2;
  none << 1, -1;
  const auto a = solvers::l1_max_margin(one), b = solvers::l1_max_margin(diag);
  const Real tol = 1000 * eps<Real>();
  BOOST_TEST(abs(a.value - Real(1) / 2) <= tol);
  BOOST_TEST((abs(a.rho(0)) <= tol && abs(a.rho(1) - Real(1) / 2) <= tol));
  BOOST_TEST(abs(b.value - Real(3) / 2) <= tol);
  BOOST_TEST((abs(b.rho(0) - 1) <= tol && abs(b.rho(1) - Real(1) / 2) <= tol));
  BOOST_CHECK_THROW(solvers::l1_max_margin(none), std::runtime_error);

  matrix<Real> X(4, 4), y(4, 1);
  X << dec("1"), dec("0.5"), dec("0.2"), dec("-0.1"), dec("0.3"), dec("1"), dec("-0.4"), dec("0.2"),
      dec("-0.8"), dec("0.1"), dec("0.3"), dec("0.9"), dec("0.2"), dec("-1.1"), dec("0.5"), dec("0.4");
  y << 1, 1, -1, -1;
  const tensor<Real> model(X, y, 2, orthogonal_transform<Real>("hadamard", 4), loss_kind::exponential);
  const matrix<Real> A = y.asDiagonal() * model.Z();
  const auto lp = solvers::l1_max_margin(A);
  BOOST_TEST(abs(detail::l1_optimality_gap(lp, lp.rho)) <= tol);
  int found = 0;
  for (Eigen::Index j = 0; j < 4; ++j) {
    if (!(A.col(j).minCoeff() > 0)) continue;
    ++found;
    matrix<Real> rho_bar = matrix<Real>::Zero(4, 1);
    rho_bar(j) = 1 / A.col(j).minCoeff();
    BOOST_TEST(detail::scaled_kkt_residual(A, rho_bar, 2) <= tol,
               "the weighted residual was expected to be blind here");
    BOOST_TEST(detail::l1_optimality_gap(lp, rho_bar) > Real(1) / 100,
               "ρ̄ = " << to_short_decimal(rho_bar(j)) << " e_" << j + 1);
  }
  BOOST_TEST(found == 1);
}
