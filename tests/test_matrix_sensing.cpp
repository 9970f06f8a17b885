// Matrix sensing X = UUᵀ, p_i = ⟨A_i, X⟩ (models/matrix_sensing.hpp) and the check
// gunasekar2017.commuting (proofs/gunasekar2017.commuting.md): the velocity against central differences
// and against its recorded Taylor graph, the spectrum, the constructor's messages, and the check on
// THEOREMS.md §4.3's design as commuting measurements — diagonal, and rotated by the rational
// Householder reflection H = I − 2vvᵀ/9, v = (1, 2, 2) — whose limit has the closed form
// X∞ = H diag(a, 1 − a, a) H, a² = α²(1 − a) (from λ_1λ_3 = α²λ_2), independent of the check's Newton.
#define BOOST_TEST_MODULE matrix_sensing
#include "gradflow/checks/gunasekar2017.hpp"
#include "gradflow/integrate/integrate_impl.hpp"
#include "gradflow/taylor/graph.hpp"
#include "gradflow/taylor/jet.hpp"
#include "support/finite_differences.hpp"
#include "support/literals.hpp"
#include "support/mutants.hpp"
#include "support/working_precision.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>

using namespace gradflow;
using gradflow::test::dec;
using gradflow::test::eps_power;
using gradflow::test::fd_relative_error;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

// 9H for v = (1, 2, 2): integer and symmetric, H² = I.
matrix<Real> householder_times_9() {
  matrix<Real> V(3, 3);
  V << 7, -4, -4, -4, 1, -8, -4, -8, 1;
  return V;
}

// H diag(x) H = V diag(x) V / 81, from integers: exactly symmetric, each entry rounded once.
matrix<Real> rotated(const std::vector<int>& x, bool rotate) {
  matrix<Real> D = matrix<Real>::Zero(3, 3);
  for (int j = 0; j < 3; ++j) D(j, j) = x[static_cast<std::size_t>(j)];
  if (!rotate) return D;
  const matrix<Real> V = householder_times_9();
  matrix<Real> A(3, 3);
  for (int j = 0; j < 3; ++j)
    for (int k = 0; k < 3; ++k) {
      long n = 0;
      for (int l = 0; l < 3; ++l)
        n += static_cast<long>(V(j, l)) * x[static_cast<std::size_t>(l)] * static_cast<long>(V(k, l));
      A(j, k) = Real(n) / 81;
    }
  return A;
}

// THEOREMS.md §4.3's rows (1, 1, 0) and (0, 1, 1) as measurements, y = (1, 1).
matrix_sensing<Real> section_4_3(bool rotate, Eigen::Index r = 3, loss_kind loss = loss_kind::square) {
  return matrix_sensing<Real>({rotated({1, 1, 0}, rotate), rotated({0, 1, 1}, rotate)},
                              test::rows({{"1"}, {"1"}}), r, loss);
}

// The closed-form limit Q diag(a, 1 − a, a) Qᵀ with a = (√(α⁴ + 4α²) − α²)/2.
matrix<Real> closed_form_limit(const Real& alpha, bool rotate) {
  using std::sqrt;
  const Real c = alpha * alpha, a = (sqrt(c * c + 4 * c) - c) / 2;
  matrix<Real> D = matrix<Real>::Zero(3, 3);
  D(0, 0) = a, D(1, 1) = 1 - a, D(2, 2) = a;
  if (!rotate) return D;
  const matrix<Real> V = householder_times_9();
  return matrix<Real>(V * D * V) / 81;
}

// Loss target 10^−(3D/4 + 5/2) at D digits: 1e-40 at 50 digits, 1e-70 at 90.
Real loss_target() {
  using std::pow;
  return pow(Real(10), -Real((3 * static_cast<int>(working_digits()) + 10) / 4));
}

template <class Model>
run_trace<Real> to_loss_target(const Model& model, const std::vector<Real>& theta,
                               Real target = loss_target()) {
  using std::pow;
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = eps<Real>() * 10;
  o.t_end = dec("1e6");
  o.loss_below = target;
  const Real L0 = model.loss(theta.data());
  for (int k = 1; k < 20; ++k) o.sample_losses.push_back(L0 * pow(target / L0, Real(k) / 20));
  return integrate_traced(model, theta, o);
}

std::vector<Real> alpha_start(const matrix_sensing<Real>& model, const char* alpha) {
  matrix<Real> U = matrix<Real>::Zero(model.d(), model.r());
  for (Eigen::Index j = 0; j < std::min(model.d(), model.r()); ++j) U(j, j) = dec(alpha);
  return model.pack(U);
}

// A generic d×r factor with both signs.
std::vector<Real> mixed_start(const matrix_sensing<Real>& model) {
  matrix<Real> U(model.d(), model.r());
  for (Eigen::Index j = 0; j < U.rows(); ++j)
    for (Eigen::Index k = 0; k < U.cols(); ++k) U(j, k) = Real(3 * j - 2 * k + 1) / 7 + Real(j * k) / 11;
  return model.pack(U);
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no exception";
}

// The wrong field −∇L·C: column k of U̇ scaled by c_k (a "preconditioned" gradient flow).
class preconditioned {
 public:
  preconditioned(matrix_sensing<Real> model, matrix<Real> c)
      : m_model(std::move(model)), m_C(c.asDiagonal()) {}
  std::size_t dimension() const { return m_model.dimension(); }
  auto block_shapes() const { return m_model.block_shapes(); }
  Real loss(const Real* theta) const { return m_model.loss(theta); }
  void velocity(const Real* theta, Real* dtheta) const {
    m_model.velocity(theta, dtheta);
    matrix_view<Real> V(dtheta, m_model.d(), m_model.r());
    V = matrix<Real>(V * m_C);
  }
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops,
                                               const std::vector<typename Ops::value>& blocks) const {
    return {ops.mul(m_model.velocity_of(ops, blocks)[0], ops.constant(m_C))};
  }

 private:
  matrix_sensing<Real> m_model;
  matrix<Real> m_C;
};

// Logs a verdict with its measured value and bound (the numbers proofs/gunasekar2017.commuting.md quotes).
void note(const char* what, const check_result& r) {
  const auto short_of = [](const std::string& x) {
    return x.empty() ? std::string("-") : to_short_decimal(dec(x.c_str()));
  };
  BOOST_TEST_MESSAGE(what << ": " << verdict_name(r.verdict) << ", measured " << short_of(r.measured)
                          << " bound " << short_of(r.bound) << ": "
                          << r.detail.substr(0, r.detail.find(';')));
}

run_trace<Real> with_final(run_trace<Real> trace, std::vector<Real> theta) {
  trace.samples.back().theta = std::move(theta);
  return trace;
}

}  // namespace

BOOST_AUTO_TEST_CASE(velocity_is_minus_the_gradient_and_matches_its_graph) {
  using std::abs;
  for (Eigen::Index r : {1, 2, 4})
    for (loss_kind loss : {loss_kind::square, loss_kind::logistic}) {
      const auto model = loss == loss_kind::square
                             ? section_4_3(true, r)
                             : matrix_sensing<Real>({rotated({1, 1, 0}, true), rotated({0, 1, 1}, true)},
                                                    test::rows({{"1"}, {"-1"}}), r, loss);
      const auto theta = mixed_start(model);
      std::vector<Real> v(theta.size()), v_graph(theta.size());
      model.velocity(theta.data(), v.data());
      BOOST_TEST(fd_relative_error(model, theta, v) < eps_power(1, 2), "r = " << r);
      taylor::jet<Real> J(taylor::record<Real>(model), 2);
      J.compute(theta.data());
      J.velocity(v_graph.data());
      for (std::size_t i = 0; i < v.size(); ++i)
        BOOST_TEST(abs(v_graph[i] - v[i]) <= 64 * eps<Real>() * (1 + abs(v[i])),
                   "r = " << r << ", i = " << i);
    }
}

BOOST_AUTO_TEST_CASE(spectrum_is_decreasing_eigenvalues_of_X) {
  using std::abs;
  // U = H diag(3, 1, 2): X = H diag(9, 1, 4) H, eigenvalues (9, 4, 1).
  const auto model = section_4_3(true);
  matrix<Real> D = matrix<Real>::Zero(3, 3);
  D(0, 0) = 3, D(1, 1) = 1, D(2, 2) = 2;
  const auto theta = model.pack(matrix<Real>(householder_times_9() * D / 9));
  const auto s = model.spectrum(theta.data());
  const int expected[] = {9, 4, 1};
  for (int j = 0; j < 3; ++j)
    BOOST_TEST(abs(s(j) - expected[j]) <= 64 * 9 * eps<Real>(), "j = " << j << ": " << s(j));
  // A wrong factor moves it: the test can fail.
  D(2, 2) = dec("2.0000001");
  BOOST_TEST(abs(model.spectrum(model.pack(matrix<Real>(householder_times_9() * D / 9)).data())(1) - 4) >
             dec("1e-7"));
}

BOOST_AUTO_TEST_CASE(constructor_names_the_rule) {
  const matrix<Real> y2 = test::rows({{"1"}, {"1"}}), I2 = matrix<Real>::Identity(2, 2);
  BOOST_TEST(message_of([&] { matrix_sensing<Real>({}, y2, 1); }) ==
             "matrix_sensing: no measurement matrices given; at least one A_i is needed");
  BOOST_TEST(message_of([&] {
               matrix_sensing<Real>({I2, matrix<Real>::Zero(2, 3)}, y2, 1);
             }) == "matrix_sensing: A_2 is 2×3, violates A_i square d×d with d >= 1");
  BOOST_TEST(message_of([&] {
               matrix_sensing<Real>({I2, matrix<Real>::Identity(3, 3)}, y2, 1);
             }) == "matrix_sensing: A_2 is 3×3 but A_1 is 2×2, violates every A_i d×d with the same d");
  BOOST_TEST(message_of([&] {
               matrix_sensing<Real>({test::rows({{"1", "0.5"}, {"0.25", "1"}}), I2}, y2, 1);
             }) ==
             "matrix_sensing: A_1(1, 2) = 5.000000e-01 but A_1(2, 1) = 2.500000e-01, "
             "violates A_i symmetric (entry (j, k) equal to (k, j))");
  BOOST_TEST(message_of([&] {
               matrix_sensing<Real>({I2, I2}, test::rows({{"1"}, {"1"}, {"1"}}), 1);
             }) == "matrix_sensing: y is 3×1 with 2 measurement matrices, violates y m×1");
  BOOST_TEST(message_of([&] {
               matrix_sensing<Real>({I2, I2}, y2, 0);
             }) == "matrix_sensing: r = 0 violates r >= 1");
  BOOST_TEST(message_of([&] {
               matrix_sensing<Real>({I2, I2}, y2, 1, loss_kind::exponential);
             }) == "no exception");
  BOOST_TEST(message_of([&] {
               matrix_sensing<Real>({I2, I2}, test::rows({{"1"}, {"2"}}), 1, loss_kind::exponential);
             }) == "matrix_sensing: y[1] = 2.000000e+00 violates y in {-1, 1} for loss = exponential");
  BOOST_TEST(message_of([&] {
               matrix_sensing<Real>({I2, I2}, y2, 2).pack(matrix<Real>::Zero(2, 1));
             }) == "matrix_sensing::pack: U is 2×1, violates U d×r = 2×2");
}

BOOST_AUTO_TEST_CASE(commuting_limit_matches_the_closed_form) {
  // (a) diagonal and (b) Householder-rotated measurements, α = 1/2 and 1/10, U0 = αI; the check's
  // X∞ comes from Newton, the closed form from a² = α²(1 − a): both agree with X(t_f).
  const double expected = std::min(25.0, (3.0 * working_digits() + 10) / 8 - 3);  // ½·(loss digits) − 3
  for (bool rotate : {false, true})
    for (const char* alpha : {"0.5", "0.1"}) {
      const auto model = section_4_3(rotate);
      const auto start = std::chrono::steady_clock::now();
      const auto trace = to_loss_target(model, alpha_start(model, alpha));
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const auto result = check_gunasekar2017_commuting(model, trace);
      BOOST_TEST_MESSAGE("rotate = " << rotate << ", α = " << alpha << ": " << trace.steps << " steps, "
                                     << seconds << " s; measured "
                                     << to_short_decimal(dec(result.measured.c_str())) << " bound "
                                     << to_short_decimal(dec(result.bound.c_str())) << "; " << result.detail);
      BOOST_TEST((result.verdict == verdict::pass), result.detail);
      BOOST_TEST(result.id == "gunasekar2017.commuting");
      const matrix<Real> X_f = model.product(trace.final().theta.data()),
                         X_inf = closed_form_limit(dec(alpha), rotate);
      const Real error = matrix<Real>(X_f - X_inf).norm();
      BOOST_TEST(-log10_as_double(Real(error / X_inf.norm())) >= expected,
                 "‖X(t_f) − X∞‖_F = " << to_short_decimal(error));
      BOOST_TEST(seconds < 30.0);
    }
}

BOOST_AUTO_TEST_CASE(shared_eigenspace_limit_matches_the_closed_form) {
  // d = 4, H = I − vvᵀ/2 with v = (1, 1, 1, 1) (entries ±1/2, exact): A_1 = H diag(1, 1, 0, 0) H,
  // A_2 = H diag(0, 1, 1, 1) H share the eigenspace of q_3, q_4 (equal columns of 𝒜), where any basis is
  // common. Limit: λ = (1 − b, b, c, c), c = (1 − b)/2, λ_1λ_3 = α²λ_2 ⇒ b = 1 + α² − √((1 + α²)² − 1).
  using std::sqrt;
  const matrix<Real> H = matrix<Real>::Identity(4, 4) - matrix<Real>::Constant(4, 4, Real(1) / 4) * 2;
  const auto measure = [&](std::vector<int> x) {
    matrix<Real> D = matrix<Real>::Zero(4, 4);
    for (int j = 0; j < 4; ++j) D(j, j) = x[static_cast<std::size_t>(j)];
    return matrix<Real>(H * D * H);
  };
  const matrix_sensing<Real> model({measure({1, 1, 0, 0}), measure({0, 1, 1, 1})}, test::rows({{"1"}, {"1"}}),
                                   4);
  const auto trace = to_loss_target(model, alpha_start(model, "0.5"));
  const auto result = check_gunasekar2017_commuting(model, trace);
  BOOST_TEST((result.verdict == verdict::pass), result.detail);
  const Real c2 = Real(1) / 4, b = 1 + c2 - sqrt((1 + c2) * (1 + c2) - 1);
  matrix<Real> D = matrix<Real>::Zero(4, 4);
  D(0, 0) = 1 - b, D(1, 1) = b, D(2, 2) = D(3, 3) = (1 - b) / 2;
  const matrix<Real> X_inf = H * D * H;
  const Real error = matrix<Real>(model.product(trace.final().theta.data()) - X_inf).norm();
  BOOST_TEST(-log10_as_double(Real(error / X_inf.norm())) >= (3.0 * working_digits() + 10) / 8 - 3,
             to_short_decimal(error));
}

BOOST_AUTO_TEST_CASE(check_fails_on_wrong_fields) {
  // (i) A_1 off by 1e-10·(e_1e_2ᵀ + e_2e_1ᵀ), which does not commute with A_2: X(t) leaves the basis.
  const auto model = section_4_3(true);
  auto A = model.A();
  A[0](0, 1) += dec("1e-10"), A[0](1, 0) += dec("1e-10");
  const matrix_sensing<Real> off(A, model.Y(), 3);
  auto result = check_gunasekar2017_commuting(model, to_loss_target(off, alpha_start(off, "0.5")));
  note("A_1 off by 1e-10", result);
  BOOST_TEST((result.verdict == verdict::fail), result.detail);
  BOOST_TEST(result.detail.rfind("X(t) left the common eigenbasis", 0) == 0, result.detail);

  // (ii) −∇L·diag(1, 2, 1) on the diagonal design: U stays diagonal (ρ = 0), but each λ_j moves on its
  // own curve α²exp(c_j s_j): another interpolant, caught by the limit.
  const auto diagonal = section_4_3(false);
  const preconditioned twice(diagonal, test::rows({{"1"}, {"2"}, {"1"}}));
  result = check_gunasekar2017_commuting(diagonal, to_loss_target(twice, alpha_start(diagonal, "0.5")));
  note("preconditioned (1, 2, 1)", result);
  BOOST_TEST((result.verdict == verdict::fail), result.detail);
  BOOST_TEST(result.detail.rfind("X(t_f) is not the interpolant", 0) == 0, result.detail);

  // (iii) c = (1, 1 + 1e-15, 1) to L = 1e-20: the limit moves by ~1e-15 while the residual allows ~1e-10,
  // so the limit passes; ln(λ/α²) leaves range 𝒜ᵀ by ~1e-15 against an allowance ~eps: the mirror branch.
  const preconditioned slightly(diagonal, test::rows({{"1"}, {"1.000000000000001"}, {"1"}}));
  result = check_gunasekar2017_commuting(
      diagonal, to_loss_target(slightly, alpha_start(diagonal, "0.5"), dec("1e-20")));
  note("preconditioned (1, 1 + 1e-15, 1)", result);
  BOOST_TEST((result.verdict == verdict::fail), result.detail);
  BOOST_TEST(result.detail.rfind("the mirror coordinate ln(λ/α²) left range 𝒜ᵀ", 0) == 0, result.detail);
  // The same run without the bug passes: the failures above are the field's.
  const auto honest = to_loss_target(diagonal, alpha_start(diagonal, "0.5"), dec("1e-20"));
  result = check_gunasekar2017_commuting(diagonal, honest);
  note("unmutated, L = 1e-20", result);
  BOOST_TEST((result.verdict == verdict::pass));
}

BOOST_AUTO_TEST_CASE(check_fails_on_perturbed_paths_and_is_blind_to_time) {
  using std::sqrt;
  const auto diagonal = section_4_3(false);
  const auto trace = to_loss_target(diagonal, alpha_start(diagonal, "0.5"));
  BOOST_TEST((check_gunasekar2017_commuting(diagonal, trace).verdict == verdict::pass));
  // The final X moved by eps^(1/4)·diag(1, −1, 1) (in ker 𝒜: the residual does not change), U kept
  // diagonal (ρ = 0): the limit branch catches it before the mirror branch.
  auto theta = trace.final().theta;
  const Real e = eps_power(1, 4);
  const int k[] = {1, -1, 1};
  for (int j = 0; j < 3; ++j)
    theta[static_cast<std::size_t>(4 * j)] = sqrt(
        Real(theta[static_cast<std::size_t>(4 * j)] * theta[static_cast<std::size_t>(4 * j)] + k[j] * e));
  auto result = check_gunasekar2017_commuting(diagonal, with_final(trace, theta));
  note("final X moved along ker 𝒜", result);
  BOOST_TEST((result.verdict == verdict::fail), result.detail);
  BOOST_TEST(result.detail.rfind("X(t_f) is not the interpolant", 0) == 0, result.detail);

  // An interior sample of the rotated run with U(1, 2) moved by eps^(1/4): off the common basis.
  const auto rotated_model = section_4_3(true);
  auto moved = to_loss_target(rotated_model, alpha_start(rotated_model, "0.5"));
  moved.samples[moved.samples.size() / 2].theta[3] += e;
  result = check_gunasekar2017_commuting(rotated_model, moved);
  note("interior U(1, 2) moved", result);
  BOOST_TEST((result.verdict == verdict::fail), result.detail);
  BOOST_TEST(result.detail.rfind("X(t) left the common eigenbasis", 0) == 0, result.detail);

  // Retimed by 1 + 1e-9: every asserted quantity is a function of the state alone, so the check passes
  // (proofs/gunasekar2017.commuting.md: flow.path_defect is the check that sees time).
  auto retimed = trace;
  for (auto& s : retimed.samples) s.t *= 1 + dec("1e-9");
  result = check_gunasekar2017_commuting(diagonal, retimed);
  note("retimed by 1 + 1e-9", result);
  BOOST_TEST((result.verdict == verdict::pass));
  // The same blindness to the field scaled by 1 + 1e-9 (the same path, run faster).
  const test::scaled_field<matrix_sensing<Real>> faster(diagonal, 1 + dec("1e-9"));
  result = check_gunasekar2017_commuting(diagonal, to_loss_target(faster, alpha_start(diagonal, "0.5")));
  note("field scaled by 1 + 1e-9", result);
  BOOST_TEST((result.verdict == verdict::pass));
}

BOOST_AUTO_TEST_CASE(check_needs_its_hypotheses) {
  const auto short_run = [](const matrix_sensing<Real>& model, const std::vector<Real>& theta) {
    integrate_options<Real> o;
    o.method = method::taylor;
    o.tolerance = eps<Real>() * 10;
    o.t_end = Real(1);
    o.sample_times = {Real(0), o.t_end};
    return integrate_traced(model, theta, o);
  };
  const auto model = section_4_3(true);
  // Not commuting: A_2 with a coupling entry.
  const matrix_sensing<Real> coupled(
      {rotated({1, 1, 0}, false), test::rows({{"0", "0", "0"}, {"0", "1", "1"}, {"0", "1", "1"}})}, model.Y(),
      3);
  auto result = check_gunasekar2017_commuting(coupled, short_run(coupled, alpha_start(coupled, "0.5")));
  BOOST_TEST((result.verdict == verdict::not_applicable), result.detail);
  BOOST_TEST(
      result.detail.rfind("the measurements do not commute: ‖A_iA_j − A_jA_i‖_F = 1.414214e+00", 0) == 0,
      result.detail);
  // U0 = diag(α, 2α, α), and a rank-2 start U0 = α[I_2; 0] (r = 2 < d).
  matrix<Real> U0 = matrix<Real>::Zero(3, 3);
  U0(0, 0) = U0(2, 2) = dec("0.5"), U0(1, 1) = 1;
  result = check_gunasekar2017_commuting(model, short_run(model, model.pack(U0)));
  BOOST_TEST((result.verdict == verdict::not_applicable), result.detail);
  BOOST_TEST(result.detail.rfind("U(0)U(0)ᵀ is not α²I", 0) == 0, result.detail);
  const auto thin = section_4_3(true, 2);
  result = check_gunasekar2017_commuting(thin, short_run(thin, alpha_start(thin, "0.5")));
  BOOST_TEST((result.verdict == verdict::not_applicable), result.detail);
  BOOST_TEST(result.detail.find("numerical rank of U0U0ᵀ 2 of d = 3") != std::string::npos, result.detail);
  // Stopped on t_end; the logistic loss.
  result = check_gunasekar2017_commuting(model, short_run(model, alpha_start(model, "0.5")));
  BOOST_TEST((result.verdict == verdict::not_applicable), result.detail);
  BOOST_TEST(result.detail.find("stopped on t_end") != std::string::npos, result.detail);
  const auto logistic = section_4_3(true, 3, loss_kind::logistic);
  result = check_gunasekar2017_commuting(logistic, short_run(logistic, alpha_start(logistic, "0.5")));
  BOOST_TEST(result.detail == "the loss is logistic, not square");
  // α times an orthogonal matrix (U0 = αH) and a wider U0 = α[I | 0] (r = 4) meet the hypothesis.
  const auto run = to_loss_target(model, model.pack(matrix<Real>(householder_times_9() * dec("0.5") / 9)));
  BOOST_TEST((check_gunasekar2017_commuting(model, run).verdict == verdict::pass));
  const auto wide = section_4_3(true, 4);
  BOOST_TEST((check_gunasekar2017_commuting(wide, to_loss_target(wide, alpha_start(wide, "0.5"))).verdict ==
              verdict::pass));
}

BOOST_AUTO_TEST_CASE(a_failing_solver_is_an_error) {
  // y = (1, −1) has no interpolant with λ > 0; a trace that claims its loss target anyway makes Newton
  // fail, and the check throws rather than answering not_applicable.
  const matrix_sensing<Real> model({rotated({1, 1, 0}, true), rotated({0, 1, 1}, true)},
                                   test::rows({{"1"}, {"-1"}}), 3);
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = eps<Real>() * 10;
  o.t_end = Real(1);
  auto trace = integrate_traced(model, alpha_start(model, "0.5"), o);
  trace.reason = stop_reason::loss_below;
  BOOST_CHECK_THROW(check_gunasekar2017_commuting(model, trace), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(float64_run_passes_with_float64_allowances) {
  // The same check on double (instantiated beside Real): the rotated design at α = 1/2 to L = 1e-24
  // leaves ‖r‖ ≈ 1.4e-12, so X∞'s closed form is met to about 11 digits.
  using std::sqrt;
  const auto A_of = [](const matrix<Real>& A) {
    matrix<double> B(A.rows(), A.cols());
    for (Eigen::Index j = 0; j < A.rows(); ++j)
      for (Eigen::Index k = 0; k < A.cols(); ++k) B(j, k) = to_double(A(j, k));
    return B;
  };
  matrix<double> y(2, 1), U0 = matrix<double>::Identity(3, 3) / 2;
  y << 1, 1;
  const matrix_sensing<double> model({A_of(rotated({1, 1, 0}, true)), A_of(rotated({0, 1, 1}, true))}, y, 3);
  integrate_options<double> o;
  o.method = method::taylor;
  o.tolerance = 10 * eps<double>();
  o.t_end = parse_decimal<double>("1e6");
  o.loss_below = parse_decimal<double>("1e-24");
  const auto trace = integrate_traced(model, model.pack(U0), o);
  const auto result = check_gunasekar2017_commuting(model, trace);
  note("float64", result);
  BOOST_TEST((result.verdict == verdict::pass), result.detail);
  const matrix<Real> X_inf = closed_form_limit(dec("0.5"), true);
  const matrix<double> X_f = model.product(trace.final().theta.data());
  double error = 0;
  for (Eigen::Index j = 0; j < 3; ++j)
    for (Eigen::Index k = 0; k < 3; ++k)
      error = std::max(error, std::abs(X_f(j, k) - to_double(X_inf(j, k))));
  BOOST_TEST_MESSAGE("float64: max |X(t_f) − X∞| = " << error << ", " << trace.steps << " steps");
  BOOST_TEST(error < parse_decimal<double>("8e-10"), "max |X(t_f) − X∞| = " << error);
}
