// linear_deep (THEOREMS.md §7): the deep linear network W_L⋯W_1 x.
//  * velocity θ̇ = −∇L against central finite differences (depths 2, 3, 4, rectangular layers) and
//    against the same formula evaluated through velocity_of() (plain ops and the recorded graph);
//  * depth 2 is linear2 with W_1 = Uᵀ, W_2 = V: same field, same loss and product after integrating;
//  * arora2018.balanced: balance_j = W_{j+1}ᵀW_{j+1} − W_jW_jᵀ and kernel_component = W_1Φ2 conserved
//    under taylor (tolerance 10·eps) and rk78 (tolerance eps^(3/8));
//  * T7.3 (Saxe 2014): depth-2 scalar u = v = 0.01, y = 2 against the 25 published digits and the
//    logistic formula;
//  * T7.1 (Arora 2018): depth-3 balanced scalar chain against the implicit closed form t(p), derived
//    below by partial fractions and pinned against an independent mpmath quadrature.
#define BOOST_TEST_MODULE linear_deep
#include <boost/test/unit_test.hpp>

#include "gradflow/integrate/integrate.hpp"
#include "gradflow/models/linear2.hpp"
#include "gradflow/models/linear_deep.hpp"
#include "gradflow/taylor/graph.hpp"
#include "gradflow/taylor/jet.hpp"
#include "support/instances.hpp"
#include "support/finite_differences.hpp"
#include "support/working_precision.hpp"

using namespace gradflow;
using gradflow::test::agreement_digits;
using gradflow::test::eps_power;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

using gradflow::test::fd_relative_error;

namespace {

Real dec(const char* text) { return parse_decimal<Real>(text); }

// X (N×d_0) and Y (N×d_L) from deterministic_matrix; N = 5 samples, so X has full column rank here.
linear_deep<Real> deep_model(const std::vector<Eigen::Index>& widths, int seed, Eigen::Index N = 5) {
  return linear_deep<Real>(test::deterministic_matrix(N, widths.front(), seed),
                           test::deterministic_matrix(N, widths.back(), seed + 1), widths);
}

// Layers W_j = deterministic_matrix(d_j, d_{j−1}) / scale.
std::vector<Real> deep_start(const linear_deep<Real>& model, int seed, int scale = 1) {
  std::vector<matrix<Real>> W;
  for (int j = 1; j <= model.depth(); ++j)
    W.push_back(test::deterministic_matrix(model.widths()[j], model.widths()[j - 1], seed + j) / scale);
  return model.pack(W);
}

Real max_abs(const std::vector<Real>& v) {
  using std::abs;
  Real m(0);
  for (const auto& x : v) m = std::max<Real>(m, abs(x));
  return m;
}

const std::vector<std::vector<Eigen::Index>> fd_widths{{3, 4, 2}, {3, 4, 5, 2}, {3, 2, 4, 3, 2}};

}  // namespace

BOOST_AUTO_TEST_CASE(shapes_are_validated) {
  BOOST_CHECK_THROW(deep_model({3, 2}, 1), std::invalid_argument);     // depth 1
  BOOST_CHECK_THROW(deep_model({3, 0, 2}, 1), std::invalid_argument);  // zero width
  BOOST_CHECK_THROW(
      linear_deep<Real>(test::deterministic_matrix(5, 3, 1), test::deterministic_matrix(4, 2, 2), {3, 4, 2}),
      std::invalid_argument);  // N differs
  BOOST_CHECK_THROW(
      linear_deep<Real>(test::deterministic_matrix(5, 3, 1), test::deterministic_matrix(5, 2, 2), {3, 4, 3}),
      std::invalid_argument);  // d_L ≠ m
  const auto model = deep_model({3, 4, 2}, 1);
  BOOST_TEST(model.dimension() == 3u * 4u + 4u * 2u);
  BOOST_CHECK_THROW(model.pack({test::deterministic_matrix(4, 3, 1)}), std::invalid_argument);
  BOOST_CHECK_THROW(model.pack({test::deterministic_matrix(4, 3, 1), test::deterministic_matrix(4, 2, 1)}),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(velocity_matches_central_differences) {
  for (const auto& widths : fd_widths) {
    const auto model = deep_model(widths, 3);
    const std::vector<Real> theta = deep_start(model, 7);
    std::vector<Real> v(theta.size());
    model.velocity(theta.data(), v.data());
    const Real err = fd_relative_error(model, theta, v);
    BOOST_TEST_MESSAGE("depth " << model.depth() << ": max relative FD error " << err.str(5) << " at "
                                << working_digits() << " digits");
    BOOST_TEST(err < eps_power(1, 2), "depth " << model.depth() << ": " << err.str(5));
    // The same comparison sees a sign error in the last layer.
    for (std::size_t k = theta.size() - 4; k < theta.size(); ++k) v[k] = -v[k];
    BOOST_TEST(fd_relative_error(model, theta, v) > Real(1) / 1000);
  }
}

BOOST_AUTO_TEST_CASE(loss_matches_per_sample_prediction) {
  const auto model = deep_model({3, 2, 4, 3, 2}, 5);
  const std::vector<Real> theta = deep_start(model, 11);
  Real expected(0);
  for (Eigen::Index s = 0; s < model.N(); ++s) {
    matrix<Real> f = model.X().row(s).transpose();  // f = W_L⋯W_1 x
    for (int j = 1; j <= model.depth(); ++j) f = (model.W(theta.data(), j) * f).eval();
    for (Eigen::Index i = 0; i < model.m(); ++i) {
      const Real r = model.Y()(s, i) - f(i, 0);
      expected += r * r / 2;
    }
  }
  using std::abs;
  BOOST_TEST(abs(model.loss(theta.data()) - expected) <= 256 * eps<Real>() * expected);
  // product() is the end-to-end map in linear2's convention: prediction X·Θ.
  const matrix<Real> residual = model.Y() - model.X() * model.product(theta.data());
  BOOST_TEST(abs(residual.squaredNorm() / 2 - expected) <= 256 * eps<Real>() * expected);
}

BOOST_AUTO_TEST_CASE(velocity_of_matches_velocity) {
  for (const auto& widths : fd_widths) {
    const auto model = deep_model(widths, 13);
    const std::vector<Real> theta = deep_start(model, 17);
    const std::size_t dim = theta.size();
    std::vector<Real> f(dim), f_graph(dim);
    model.velocity(theta.data(), f.data());
    const Real scale = max_abs(f);
    // Plain evaluation of the formula the Taylor integrator records.
    taylor::plain_ops<Real> ops;
    const auto blocks = model.layers(theta.data());
    const auto dW = model.velocity_of(ops, blocks);
    BOOST_REQUIRE(static_cast<int>(dW.size()) == model.depth());
    std::vector<Real> f_plain;
    for (const auto& D : dW) f_plain.insert(f_plain.end(), D.data(), D.data() + D.size());
    BOOST_REQUIRE(f_plain.size() == dim);
    // The recorded graph at order 0 and its first Taylor coefficient.
    taylor::jet<Real> J(taylor::record<Real>(model), 1);
    J.compute(theta.data());
    J.velocity(f_graph.data());
    for (std::size_t i = 0; i < dim; ++i) {
      BOOST_TEST(abs(f_plain[i] - f[i]) <= 64 * eps<Real>() * scale, "i = " << i);
      BOOST_TEST(abs(f_graph[i] - f[i]) <= 64 * eps<Real>() * scale, "i = " << i);
      BOOST_TEST(abs(J.coefficient(1, i) - f[i]) <= 64 * eps<Real>() * scale, "i = " << i);
    }
  }
}

BOOST_AUTO_TEST_CASE(depth_two_is_linear2) {
  // Same data; W_1 = Uᵀ, W_2 = V. X is 2×3 (ker X ≠ {0}), width 2.
  const linear2<Real> shallow = test::t1_5_model<Real>();
  const std::vector<Real> theta2 = test::t1_5_start(shallow, "0.25", "-0.125");
  const linear_deep<Real> deep(shallow.X(), shallow.Y(), {3, 2, 1});
  std::vector<Real> theta = deep.pack(shallow.layers(theta2.data()));
  BOOST_TEST(deep.loss(theta.data()) == shallow.loss(theta2.data()));
  // −balance_1 = UᵀU − VᵀV = imbalance, and W_1Φ2 = (Φ2ᵀU)ᵀ.
  const auto inv = deep.invariants(theta.data()), inv2 = shallow.invariants(theta2.data());
  BOOST_REQUIRE(inv.size() == 2u);
  BOOST_TEST(inv[0].name == "balance_1");
  BOOST_TEST(inv[1].name == "kernel_component");
  BOOST_TEST(max_abs_entry<Real>(inv[0].value + inv2[0].value) <= 16 * eps<Real>());
  BOOST_TEST(max_abs_entry<Real>(matrix<Real>(inv[1].value - inv2[1].value.transpose())) <= 16 * eps<Real>());

  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = 10 * eps<Real>();
  o.t_end = 3;
  std::vector<Real> theta_shallow = theta2;
  const auto s_deep = integrate(deep, theta, o, {});
  const auto s_shallow = integrate(shallow, theta_shallow, o, {});
  const Real L = deep.loss(theta.data()), L2 = shallow.loss(theta_shallow.data());
  const matrix<Real> P = deep.product(theta.data()), P2 = shallow.product(theta_shallow.data());
  const Real bound = 1000 * eps<Real>() * (s_deep.steps + s_shallow.steps);
  BOOST_TEST_MESSAGE("depth 2 vs linear2 at t = 3: loss agrees to "
                     << agreement_digits(L, L2) << " digits, product to "
                     << max_abs_entry<Real>(matrix<Real>(P - P2)).str(3) << " (" << s_deep.steps
                     << " steps)");
  using std::abs;
  BOOST_TEST(abs(L - L2) <= bound * L2);
  BOOST_TEST(max_abs_entry<Real>(matrix<Real>(P - P2)) <= bound * max_abs_entry<Real>(P2));
}

namespace {

struct drift_result {
  std::vector<std::string> names;
  std::vector<Real> max_drift;  // per invariant, over every accepted step
  Real max_state{0};            // max |θ_i| over every accepted step
  std::int64_t steps = 0;
};

drift_result conservation_run(const linear_deep<Real>& model, std::vector<Real> theta, method m,
                              const Real& tol) {
  const auto initial = model.invariants(theta.data());
  drift_result r;
  for (const auto& inv : initial) r.names.push_back(inv.name);
  r.max_drift.assign(initial.size(), Real(0));
  r.max_state = max_abs(theta);
  integrate_options<Real> o;
  o.method = m;
  o.tolerance = tol;
  o.t_end = 2;
  integrate_observer<Real> observer;
  observer.on_step = [&](const Real&, std::span<const Real> th, std::int64_t) {
    const auto now = model.invariants(th.data());
    for (std::size_t k = 0; k < now.size(); ++k)
      r.max_drift[k] =
          std::max<Real>(r.max_drift[k], max_abs_entry<Real>(matrix<Real>(now[k].value - initial[k].value)));
    for (const auto& x : th) r.max_state = std::max<Real>(r.max_state, abs(x));
    return true;
  };
  r.steps = integrate(model, theta, o, observer).steps;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(balance_and_kernel_component_conserved) {
  // Depth 3, widths 3 → 4 → 3 → 2, X of T1.5 (rank 2 < n = 3), unbalanced start.
  const matrix<Real> X = test::t1_5_model<Real>().X();
  const linear_deep<Real> model(X, test::deterministic_matrix(2, 2, 4), {3, 4, 3, 2});
  const std::vector<Real> theta = deep_start(model, 19, 2);
  BOOST_REQUIRE(model.invariants(theta.data()).size() == 3u);  // balance_1, balance_2, kernel_component
  // Each accepted step moves θ by a local error below tol·(1 + |θ|); a quadratic invariant then moves
  // by at most about 2·max|θ|·d·tol per step (d ≤ 4 summands per entry): bounds 1e3·eps·(1 + max|θ|²)
  // per Taylor step (tolerance 10·eps) and 16·tol·(1 + max|θ|²) per rk78 step.
  const std::pair<method, Real> cases[] = {{method::taylor, 10 * eps<Real>()},
                                           {method::rk78, eps_power(3, 8)}};
  for (const auto& [m, tol] : cases) {
    const drift_result r = conservation_run(model, theta, m, tol);
    const Real per_step = m == method::taylor ? Real(1000 * eps<Real>()) : Real(16 * tol);
    const Real bound = per_step * (1 + r.max_state * r.max_state) * r.steps;
    for (std::size_t k = 0; k < r.max_drift.size(); ++k) {
      BOOST_TEST_MESSAGE(method_name(m)
                         << " " << r.names[k] << ": drift " << r.max_drift[k].str(3) << ", bound "
                         << bound.str(3) << ", " << r.steps << " steps, max|θ| " << r.max_state.str(3));
      BOOST_TEST(r.max_drift[k] <= bound, method_name(m) << " " << r.names[k] << ": drift "
                                                         << r.max_drift[k].str(3) << " > " << bound.str(3));
    }
  }
}

BOOST_AUTO_TEST_CASE(drift_measure_sees_a_quantity_that_is_not_conserved) {
  // W_1W_1ᵀ alone changes by O(1) on the same kind of run: the measure above is not blind.
  const linear_deep<Real> model(test::t1_5_model<Real>().X(), test::deterministic_matrix(2, 2, 4),
                                {3, 4, 3, 2});
  std::vector<Real> theta = deep_start(model, 19, 2);
  const matrix<Real> G0 = model.W(theta.data(), 1) * model.W(theta.data(), 1).transpose();
  integrate_options<Real> o;
  o.tolerance = eps_power(1, 4);
  o.t_end = 2;
  integrate(model, theta, o, {});
  const matrix<Real> G = model.W(theta.data(), 1) * model.W(theta.data(), 1).transpose();
  BOOST_TEST(max_abs_entry<Real>(matrix<Real>(G - G0)) > Real(1) / 10);
}

namespace {

// A scalar chain (n = m = N = 1, every width 1): X = 1, Y = y, w_j(0) = a0. Returns p(t) = w_L⋯w_1
// at each of `times` (method taylor, tolerance 10·eps) and checks that the balance stays 0.
std::vector<Real> scalar_chain(int L, const Real& y, const Real& a0, const std::vector<Real>& times) {
  matrix<Real> X(1, 1), Y(1, 1);
  X << 1;
  Y << y;
  const linear_deep<Real> model(X, Y, std::vector<Eigen::Index>(static_cast<std::size_t>(L) + 1, 1));
  std::vector<Real> theta =
      model.pack(std::vector<matrix<Real>>(static_cast<std::size_t>(L), matrix<Real>::Constant(1, 1, a0)));
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = 10 * eps<Real>();
  o.t_end = times.back();
  o.sample_times = times;
  std::vector<Real> p;
  Real max_balance(0);
  integrate_observer<Real> observer;
  observer.on_sample = [&](const Real&, std::span<const Real> th) {
    p.push_back(model.product(th.data())(0, 0));
    for (const auto& inv : model.invariants(th.data()))
      max_balance = std::max(max_balance, max_abs_entry(inv.value));
  };
  integrate(model, theta, o, observer);
  // Balanced start: w_{j+1}² − w_j² ≡ 0, kept to round-off (T7.1).
  BOOST_TEST(max_balance <= 1000 * eps<Real>() * y, "balance drift " << max_balance.str(3));
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(t7_3_depth_two_scalar_is_the_logistic_curve) {
  // THEOREMS.md §7.3 T7.3: u = v = 0.01, y = 2, p = uv: ṗ = 2p(y − p), p(0) = 1e-4,
  // p(t) = s e^{2st} / (e^{2st} − 1 + s/p0) with s = y = 2. Digits from mpmath (25 printed).
  const Real y(2), a0 = dec("0.01"), p0 = a0 * a0;
  const char* t_texts[] = {"0.1", "1", "1.7", "2", "3", "12.5"};
  std::vector<Real> times;
  for (const char* t : t_texts) times.push_back(dec(t));
  const std::vector<Real> p = scalar_chain(2, y, a0, times);
  BOOST_REQUIRE(p.size() == times.size());
  const double d1 = agreement_digits(p[1], dec("0.005445222311194462645902019"));
  const double d2 = agreement_digits(p[3], dec("0.2594398117457546322076847"));
  BOOST_TEST_MESSAGE("T7.3 at " << working_digits() << " digits: p(1) agrees to " << d1 << " digits, p(2) to "
                                << d2);
  BOOST_TEST(d1 >= 24.0);
  BOOST_TEST(d2 >= 24.0);
  using std::exp;
  for (std::size_t k = 0; k < times.size(); ++k) {
    const Real e = exp(2 * y * times[k]);
    const Real logistic = y * e / (e - 1 + y / p0);
    const double d = agreement_digits(p[k], logistic);
    BOOST_TEST_MESSAGE("T7.3 logistic at t = " << t_texts[k] << ": " << d << " digits");
    BOOST_TEST(d >= working_digits() - 5.0, "t = " << t_texts[k] << ": " << d << " digits");
  }
}

namespace {

// T7.1 oracle: depth-3 balanced chain, ṗ = 3 p^{4/3}(y − p) for 0 < p < y, so
//   t(p) = ∫_{p0}^{p} dq / (3 q^{4/3}(y − q)).
// With q = b³ (dq = 3b² db) and c = y^{1/3}:  t = ∫_{b0}^{b} db / (b²(c³ − b³)), and
//   1/(b²(c³ − b³)) = 1/(c³b²) + 1/(3c⁴(c − b)) + (b − c)/(3c⁴(b² + cb + c²))
// (the 1/b term vanishes: 1/(b²c³(1 − b³/c³)) = 1/(c³b²) + b/c⁶ + …; the residue at b = c is
// 1/(c²·3c²); the quadratic part is what is left). Writing b − c = ½(2b + c) − (3/2)c,
//   F(b) = −1/(c³b) + [−ln|c − b| + ½ ln(b² + cb + c²) − √3 atan((2b + c)/(√3 c))] / (3c⁴),
//   t(p) = F(p^{1/3}) − F(p0^{1/3}).
// Checked before use with mpmath (60 digits) for y = 2, p0 = 1/8: it equals mpmath.quad of the
// integrand to 1e-59 at p = 0.2, 0.5, 1, 1.5, 1.9, 1.999, and t(p(t)) = t along mpmath.odefun's
// solution; the test below also pins t(1) to that quadrature.
struct arora_chain {
  Real y, p0;
  Real F(const Real& b) const {
    using std::atan;
    using std::cbrt;
    using std::log;
    using std::sqrt;
    const Real c = cbrt(y), c3 = c * c * c, c4 = c3 * c, r3 = sqrt(Real(3));
    return -1 / (c3 * b) +
           (-log(abs(c - b)) + log(b * b + c * b + c * c) / 2 - r3 * atan((2 * b + c) / (r3 * c))) / (3 * c4);
  }
  Real t_of(const Real& p) const {
    using std::cbrt;
    return F(cbrt(p)) - F(cbrt(p0));
  }
  // dt/dp = 1/ṗ
  Real dt(const Real& p) const {
    using std::cbrt;
    const Real b = cbrt(p);
    return 1 / (3 * p * b * (y - p));
  }
  // p(t) for p0 < p < y: the root of t_of(p) − t, Newton kept inside a shrinking bracket.
  Real p_of(const Real& t) const {
    using std::abs;
    Real lo = p0, hi = y, p = (lo + hi) / 2;
    for (int i = 0; i < 2000; ++i) {
      const Real g = t_of(p) - t;
      (g < 0 ? lo : hi) = p;
      Real next = p - g / dt(p);
      if (!(next > lo && next < hi)) next = (lo + hi) / 2;
      if (abs(next - p) <= 4 * eps<Real>() * abs(p)) return next;
      p = next;
    }
    BOOST_FAIL("Newton on the T7.1 closed form did not converge");
    return p;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(t7_1_closed_form_is_the_quadrature) {
  // Independent of gradflow's integrators: t(1) against mpmath.quad (60 digits, 44 printed), and
  // dt/dp = 1/(3p^{4/3}(y − p)) by central differences.
  const arora_chain chain{Real(2), Real(1) / 8};
  const double d =
      agreement_digits(chain.t_of(Real(1)), dec("0.63051456265124283886497907694404266683626631"));
  BOOST_TEST_MESSAGE("T7.1 closed form t(1) vs mpmath quadrature: " << d << " digits");
  BOOST_TEST(d >= std::min(working_digits() - 3.0, 43.0));
  const Real k = eps_power(1, 3);
  for (const char* p_text : {"0.2", "1", "1.9"}) {
    const Real p = dec(p_text);
    const Real slope = (chain.t_of(Real(p + k)) - chain.t_of(Real(p - k))) / (2 * k);
    BOOST_TEST(agreement_digits(slope, chain.dt(p)) > working_digits() * 2 / 3.0 - 4, "p = " << p_text);
  }
}

BOOST_AUTO_TEST_CASE(t7_1_depth_three_balanced_chain) {
  // THEOREMS.md §7.1 T7.1: w_j(0) = a0 = 1/2, y = 2, p0 = 1/8; ṗ = 3p^{4/3}(y − p).
  const arora_chain chain{Real(2), Real(1) / 8};
  const char* t_texts[] = {"0.25", "0.5", "0.75", "1", "1.5"};
  std::vector<Real> times;
  for (const char* t : t_texts) times.push_back(dec(t));
  const std::vector<Real> p = scalar_chain(3, chain.y, Real(1) / 2, times);
  BOOST_REQUIRE(p.size() == times.size());
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double d = agreement_digits(p[k], chain.p_of(times[k]));
    BOOST_TEST_MESSAGE("T7.1 at t = " << t_texts[k] << ": p = " << p[k].str(12) << ", " << d << " digits");
    BOOST_TEST(d >= working_digits() - 6.0, "t = " << t_texts[k] << ": " << d << " digits");
  }
}
