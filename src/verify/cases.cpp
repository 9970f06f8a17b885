// The instances of `gradflow verify` (proofs/README.md lists which check each one exercises).
// Every number enters as an integer or a decimal string, parsed at the case's working precision.
#include "gradflow/models/linear2.hpp"
#include "gradflow/verify/cases.hpp"

#include "case_support.hpp"

#include "gradflow/checks/catalogue.hpp"
#include "gradflow/run/model_entry.hpp"
#include "gradflow/checks/path_defect.hpp"
#include "gradflow/checks/deep_linear.hpp"
#include "gradflow/checks/min2021.hpp"
#include "gradflow/checks/min2021_width.hpp"
#include "gradflow/integrate/trace.hpp"
#include "gradflow/models/linear_deep.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/gaussian.hpp"
#include "gradflow/numeric/orthogonal_transform.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/numeric/rank_split.hpp"

#include <algorithm>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <tuple>

namespace gradflow {

namespace {

using namespace verify_support;

// THEOREMS.md T1.5: X = [[1,0,0],[0,2,0]], Y = (1,1)ᵀ, h = 2; u31, u32 the start's component in ker X.
linear2<Real> t1_5_model() {
  return linear2<Real>(rows({{"1", "0", "0"}, {"0", "2", "0"}}), rows({{"1"}, {"1"}}), 2);
}
std::vector<Real> t1_5_start(const linear2<Real>& model, const char* u31 = "0", const char* u32 = "0") {
  return model.pack(rows({{"1", "0.5"}, {"0.2", "-0.3"}, {u31, u32}}), rows({{"0.1", "0.2"}}));
}

// THEOREMS.md T1.1: scalar L = ½(y − uv)², y = 2.
linear2<Real> scalar_model() { return linear2<Real>(rows({{"1"}}), rows({{"2"}}), 1); }

// A generic under-determined instance: X 3×5 (rank 3), Y 3×2, width 4, seeded Gaussian data.
struct random_instance {
  linear2<Real> model;
  std::vector<Real> theta;
};
random_instance random_linear2(std::uint64_t seed) {
  gaussian_stream<Real> g(seed);
  const matrix<Real> X = g.matrix_of(3, 5, Real(1)), Y = g.matrix_of(3, 2, Real(1));
  linear2<Real> model(X, Y, 4);
  const matrix<Real> U0 = g.matrix_of(5, 4, Real(1) / 2), V0 = g.matrix_of(2, 4, Real(1) / 2);
  auto theta = model.pack(U0, V0);
  return {std::move(model), std::move(theta)};
}

// Prop. 10 with U2(0) ≠ 0: X 3×5 (rank 3, ker X of dimension 2), Y 3×2, width 6; in the orthonormal
// hidden basis q_1..q_6 (the rows of the 6×6 DCT), U1(0) and V(0) use q_1..q_5 and U2(0) = g·q_6ᵀ, so
// VU2ᵀ = 0 and U1U2ᵀ = 0 (to rounding) while U2(0) ≠ 0 and every unit moves.
random_instance invariant_set_linear2(std::uint64_t seed) {
  gaussian_stream<Real> g(seed);
  const matrix<Real> X = g.matrix_of(3, 5, Real(1)), Y = g.matrix_of(3, 2, Real(1));
  linear2<Real> model(X, Y, 6);
  const auto split = split_by_rank(X);
  const matrix<Real> Q = orthogonal_transform<Real>("dct", 6);
  const matrix<Real> U1 = g.matrix_of(3, 5, Real(1) / 2) * Q.topRows(5),
                     V = g.matrix_of(2, 5, Real(1) / 2) * Q.topRows(5);
  const matrix<Real> U2 = g.matrix_of(2, 1, Real(1) / 2) * Q.bottomRows(1);
  auto theta = model.pack(split.Phi1 * U1 + split.Phi2 * U2, V);
  return {std::move(model), std::move(theta)};
}

// Whitened inputs X = I, Σyx = diag(3, 1), width 3; balanced start diagonal in the modes.
linear2<Real> whitened_linear2() {
  return linear2<Real>(matrix<Real>::Identity(2, 2), rows({{"3", "0"}, {"0", "1"}}), 3);
}
std::vector<Real> spectral_linear2_start(const linear2<Real>& model) {
  return model.pack(rows({{"0.1", "0", "0"}, {"0", "0.2", "0"}}),
                    rows({{"0.1", "0", "0"}, {"0", "0.2", "0"}}));
}

// Depth 3, whitened X = I (3×3), Σyx = diag(2, 1.5, 0.5) up to the row order of Y, hidden widths 4 and
// 3, every layer carrying the same factors b = (0.3, 0.2, 0.1) (balanced and diagonal in the modes).
linear_deep<Real> whitened_deep3() {
  return linear_deep<Real>(matrix<Real>::Identity(3, 3),
                           rows({{"2", "0", "0"}, {"0", "1.5", "0"}, {"0", "0", "0.5"}}), {3, 4, 3, 3});
}
std::vector<Real> spectral_deep3_start(const linear_deep<Real>& model) {
  return model.pack({rows({{"0.3", "0", "0"}, {"0", "0.2", "0"}, {"0", "0", "0.1"}, {"0", "0", "0"}}),
                     rows({{"0.3", "0", "0", "0"}, {"0", "0.2", "0", "0"}, {"0", "0", "0.1", "0"}}),
                     rows({{"0.3", "0", "0"}, {"0", "0.2", "0"}, {"0", "0", "0.1"}})});
}

// Depth 4 with rectangular layers (5 → 4 → 3 → 4 → 2) and an unbalanced seeded start.
struct deep_instance {
  linear_deep<Real> model;
  std::vector<Real> theta;
};
deep_instance random_deep4(std::uint64_t seed) {
  gaussian_stream<Real> g(seed);
  const std::vector<Eigen::Index> d{5, 4, 3, 4, 2};
  linear_deep<Real> model(g.matrix_of(6, 5, Real(1)), g.matrix_of(6, 2, Real(1)), d);
  std::vector<matrix<Real>> W;
  for (std::size_t j = 1; j < d.size(); ++j) W.push_back(g.matrix_of(d[j], d[j - 1], Real(1) / 2));
  auto theta = model.pack(W);
  return {std::move(model), std::move(theta)};
}

// E2-style instance (THEOREMS.md §1.7) at reduced size: N = 10 samples, n = 30 inputs, m = 1, every
// singular value of X equal to 1 (X = WΦ1ᵀ from the SVD of a Gaussian matrix), Θ* ~ N(0, I/n), noise
// 0.01, width h = 30, U(0) = σ_U·G, V(0) = σ_V·G'; `balanced` replaces the start by the balanced one
// with the same product Θ(0): U = Θ(0)M^{-1/4}e1ᵀ, V = M^{1/4}e1ᵀ, M = ‖Φ1ᵀΘ(0)‖².
random_instance e2_instance(const char* sigma_U, const char* sigma_V, bool balanced = false) {
  using std::pow;
  using std::sqrt;
  const Eigen::Index N = 10, n = 30, h = 30;
  gaussian_stream<Real> g(2021);
  const auto split = split_by_rank(g.matrix_of(N, n, Real(1)));
  const matrix<Real> X = split.W * split.Phi1.transpose();
  const matrix<Real> Y = X * g.matrix_of(n, 1, Real(1 / sqrt(Real(n)))) + g.matrix_of(N, 1, dec("0.01"));
  linear2<Real> model(X, Y, h);
  matrix<Real> U0 = g.matrix_of(n, h, dec(sigma_U)), V0 = g.matrix_of(1, h, dec(sigma_V));
  if (balanced) {
    const matrix<Real> theta0 = U0 * V0.transpose();
    const Real M = (split.Phi1.transpose() * theta0).squaredNorm();
    U0.setZero(), V0.setZero();
    U0.col(0) = theta0 * pow(M, Real(-1) / 4);
    V0(0, 0) = pow(M, Real(1) / 4);
  }
  auto theta = model.pack(U0, V0);
  return {std::move(model), std::move(theta)};
}

// Appends the time the flow took to reach its loss target (E2 compares these across initialisations).
check_result with_time(check_result r, const run_trace<Real>& trace) {
  r.detail += "; reached the loss target at t = " + to_short_decimal(trace.final().t);
  return r;
}

}  // namespace

// The linear models' instances (linear2 and linear_deep: min2021.*, arora2018.*, saxe2014.*), listed by
// the linear2 entry (src/models/linear2.cpp).
std::vector<verify_case> linear_cases() {
  using S = verify_suite;
  std::vector<verify_case> c;
  constexpr auto pass = verdict::pass, not_applicable = verdict::not_applicable;
  auto add = [&](const char* id, const char* instance, unsigned digits, S suite, verdict expected,
                 std::function<check_result()> run) {
    c.push_back({id, instance, digits, suite, expected, std::move(run)});
  };
  add("min2021.imbalance", "T1.5, taylor to L = 1e-40", 60, S::quick, pass, [] {
    const auto model = t1_5_model();
    return check_min2021_imbalance(model, flow(model, t1_5_start(model), {.loss_below = "1e-40"}));
  });
  add("min2021.imbalance", "random 3×5, h = 4, rk78 to t = 5", 40, S::quick, pass, [] {
    const auto x = random_linear2(1);
    return check_min2021_imbalance(x.model, flow(x.model, x.theta, {.method = method::rk78, .t_end = "5"}));
  });
  add("min2021.rate", "T1.1 scalar (bound is an equality)", 50, S::quick, pass, [] {
    const auto model = scalar_model();
    return check_min2021_rate(model,
                              flow(model, model.pack(rows({{"1.5"}}), rows({{"0.1"}})), {.t_end = "3"}));
  });
  add("min2021.rate", "T1.5, taylor to L = 1e-40", 60, S::quick, pass, [] {
    const auto model = t1_5_model();
    return check_min2021_rate(model, flow(model, t1_5_start(model), {.loss_below = "1e-40"}));
  });
  add("min2021.rate", "random 3×5, h = 4, taylor to t = 5", 40, S::quick, pass, [] {
    const auto x = random_linear2(2);
    return check_min2021_rate(x.model, flow(x.model, x.theta, {.t_end = "5"}));
  });
  add("min2021.exp_bound", "T1.5, taylor to L = 1e-40", 60, S::quick, pass, [] {
    const auto model = t1_5_model();
    return check_min2021_exp_bound(model, flow(model, t1_5_start(model), {.loss_below = "1e-40"}));
  });
  add("min2021.exp_bound", "T1.1 scalar, u = v = 0 (c(0) = 0: not applicable)", 30, S::quick, not_applicable,
      [] {
        const auto model = scalar_model();
        return check_min2021_exp_bound(model,
                                       flow(model, model.pack(rows({{"0"}}), rows({{"0"}})), {.t_end = "1"}));
      });
  add("min2021.minnorm", "T1.5 (invariant set), taylor to L = 1e-70", 90, S::quick, pass, [] {
    const auto model = t1_5_model();
    return check_min2021_minnorm(model, flow(model, t1_5_start(model), {.loss_below = "1e-70"}));
  });
  add("min2021.minnorm", "random 3×5, h = 6, U2(0) ≠ 0 inside the invariant set, taylor to L = 1e-60", 80,
      S::quick, pass, [] {
        const auto x = invariant_set_linear2(7);
        return check_min2021_minnorm(x.model, flow(x.model, x.theta, {.loss_below = "1e-60"}));
      });
  add("min2021.minnorm", "T1.2, U2(0) = (0.3, −0.1) (outside: not applicable)", 60, S::quick, not_applicable,
      [] {
        const auto model = t1_5_model();
        return check_min2021_minnorm(model,
                                     flow(model, t1_5_start(model, "0.3", "-0.1"), {.loss_below = "1e-40"}));
      });
  add("min2021.kernel_identity", "T1.2, U2(0) = (0.3, −0.1), taylor to L = 1e-70", 90, S::quick, pass, [] {
    const auto model = t1_5_model();
    return check_min2021_kernel_identity(
        model, flow(model, t1_5_start(model, "0.3", "-0.1"), {.loss_below = "1e-70"}));
  });
  add("min2021.kernel_identity", "random 3×5, h = 4, taylor to L = 1e-60", 80, S::quick, pass, [] {
    const auto x = random_linear2(3);
    return check_min2021_kernel_identity(x.model, flow(x.model, x.theta, {.loss_below = "1e-60"}));
  });
  add("min2021.width", "E3-style sweep: N = 10, n = 40, h = 32…512, 3 seeds", 30, S::quick, pass, [] {
    width_sweep_options o;
    o.widths = {32, 64, 128, 256, 512};
    o.seeds = 3;
    return check_min2021_width<Real>(o);
  });
  add("min2021.width", "E3-style sweep: N = 20, n = 100, h = 125…4000, 5 seeds", 30, S::full, pass, [] {
    width_sweep_options o;
    o.N = 20;
    o.n = 100;
    o.widths = {125, 250, 500, 1000, 2000, 4000};
    o.seeds = 5;
    return check_min2021_width<Real>(o);
  });
  for (const auto& [label, sU, sV, balanced] :
       {std::tuple{"E2 (reduced: N = 10, n = 30, h = 30), σ_U = σ_V = 0.1", "0.1", "0.1", false},
        std::tuple{"E2, σ_U = 0.5, σ_V = 0.02", "0.5", "0.02", false},
        std::tuple{"E2, σ_U = 0.05, σ_V = 0.2", "0.05", "0.2", false},
        std::tuple{"E2, balanced start with the product of σ_U = σ_V = 0.1", "0.1", "0.1", true}}) {
    const char *u = sU, *v = sV;
    const bool b = balanced;
    add("min2021.rate", label, 30, S::full, pass, [=] {
      const auto x = e2_instance(u, v, b);
      const auto trace = flow(x.model, x.theta, {.loss_below = "1e-20"});
      return with_time(check_min2021_rate(x.model, trace), trace);
    });
    add("min2021.exp_bound", label, 30, S::full, pass, [=] {
      const auto x = e2_instance(u, v, b);
      const auto trace = flow(x.model, x.theta, {.loss_below = "1e-20"});
      return with_time(check_min2021_exp_bound(x.model, trace), trace);
    });
  }
  add("arora2018.balanced", "depth 4, layers 5→4→3→4→2, unbalanced start, taylor to t = 3", 50, S::quick,
      pass, [] {
        const auto x = random_deep4(4);
        return check_arora2018_balanced(x.model, flow(x.model, x.theta, {.t_end = "3"}));
      });
  add("arora2018.balanced", "depth 4, rk78 to t = 3", 40, S::quick, pass, [] {
    const auto x = random_deep4(5);
    return check_arora2018_balanced(x.model, flow(x.model, x.theta, {.method = method::rk78, .t_end = "3"}));
  });
  add("saxe2014.closed_form", "two-layer, X = I, Σyx = diag(3, 1), h = 3", 50, S::quick, pass, [] {
    const auto model = whitened_linear2();
    return check_saxe2014_closed_form(model, flow(model, spectral_linear2_start(model), {.t_end = "6"}));
  });
  add("saxe2014.closed_form", "depth 3, X = I, Σyx = diag(2, 1.5, 0.5), widths 3→4→3→3", 50, S::quick, pass,
      [] {
        const auto model = whitened_deep3();
        return check_saxe2014_closed_form(model, flow(model, spectral_deep3_start(model), {.t_end = "12"}));
      });
  add("saxe2014.closed_form", "depth 4 random start (not balanced: not applicable)", 30, S::quick,
      not_applicable, [] {
        const auto x = random_deep4(6);
        return check_saxe2014_closed_form(x.model, flow(x.model, x.theta, {.t_end = "1"}));
      });
  return c;
}

namespace {

// The model-free check's instances (flow.path_defect), then every model entry's.
std::vector<verify_case> all_cases() {
  using S = verify_suite;
  std::vector<verify_case> c;
  constexpr auto pass = verdict::pass;
  auto add = [&](const char* id, const char* instance, unsigned digits, S suite, verdict expected,
                 std::function<check_result()> run) {
    c.push_back({id, instance, digits, suite, expected, std::move(run)});
  };
  add("flow.path_defect", "T1.5, rk78 to t = 8 (41 samples), re-integrated at 50 digits", 30, S::quick, pass,
      [] {
        // The path at 30 digits; the model rebuilt from its decimal inputs and the path re-read at 50.
        const auto low = flow(t1_5_model(), t1_5_start(t1_5_model()), {.method = method::rk78, .t_end = "8"});
        const std::string rounding = to_decimal(eps<Real>());
        working_precision_scope above(50);
        const run_trace<Real> path = trace_at_working_precision(low);
        const path_claim<Real> claim{path.tolerance, dec(rounding.c_str()), dec("1e-40"), {}, false, {}};
        return check_path_defect(t1_5_model(), path, claim);
      });
  for (const model_entry* e : model_entries())
    if (e->verify_cases)
      for (auto& extra : e->verify_cases()) c.push_back(std::move(extra));
  return c;
}

}  // namespace

std::vector<verify_case> verify_cases(verify_suite suite) {
  std::vector<verify_case> out;
  for (auto& c : all_cases())
    if (suite == verify_suite::full || c.suite == verify_suite::quick) out.push_back(std::move(c));
  auto rank = [](const std::string& id) {
    const auto& catalogue = check_catalogue();
    return std::find_if(catalogue.begin(), catalogue.end(), [&](const auto& e) { return e.id == id; }) -
           catalogue.begin();
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const verify_case& a, const verify_case& b) { return rank(a.id) < rank(b.id); });
  return out;
}

verify_row run_verify_case(const verify_case& c) {
  const auto start = std::chrono::steady_clock::now();
  verify_row row{c.id, c.instance, c.digits, {}, 0, c.expected};
  try {
    working_precision_scope scope(c.digits);
    row.result = c.run();
  } catch (const std::exception& e) {
    row.result = {c.id, verdict::fail, "", "", std::string("the instance failed to run: ") + e.what()};
  }
  row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return row;
}

}  // namespace gradflow
