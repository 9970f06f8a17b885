#pragma once
// jin2023.zeta and jin2023.spline_limit (proofs/jin2023.*.md). zeta: the curvature weight of Jin & Montúfar's Prop. 14,
//   ζ(x) = ∫ |W|³ p_{W,B}(W, −Wx) dW = E(W² | C = x) p_C(x),  C = −B/W the breakpoint,
// against the initialiser's draws: for bins I_k, m_k = E[W² 1(C ∈ I_k)] = ∫_{I_k} ζ, estimated by
// the sample mean of w_i² 1(c_i ∈ I_k) with its standard error. Closed forms (THEOREMS.md §3.2 Thm 2):
//   W ~ N(0, σ_w²), B ~ N(0, σ_b²):   ζ(x) = 2σ_w³σ_b³ / (π(σ_b² + x²σ_w²)²)
//   W ~ U(−a_w, a_w), B ~ U(−a_b, a_b): ζ(x) = a_w³/(8a_b) for |x| ≤ a_b/a_w, a_b³/(8a_w x⁴) beyond.
//   W = ±σ_w (the sphere S⁰), B ~ U(−a_b, a_b): ζ(x) = σ_w³/(2a_b) for |x| < a_b/σ_w, 0 beyond (Thm 2 b).
#include "gradflow/checks/check_result.hpp"
#include "gradflow/models/relu_init.hpp"
#include "gradflow/models/relu_shallow.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/solvers/adaptive_spline.hpp"
#include "gradflow/solvers/natural_spline.hpp"
#include "gradflow/solvers/polyharmonic_spline.hpp"

#include <boost/math/constants/constants.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace gradflow {

/// ∫_0^x ζ for the law and scales of `o` (odd in x).
template <class Scalar>
Scalar zeta_integral(const relu_init_options<Scalar>& o, const Scalar& x) {
  using std::abs;
  using std::atan;
  const Scalar& sw = o.w_scale;
  const Scalar& sb = o.b_scale;
  if (o.law == relu_init_law::gaussian) {
    // ∫ dx/(a² + b²x²)² = x/(2a²(a² + b²x²)) + atan(bx/a)/(2a³b), a = σ_b, b = σ_w.
    const Scalar pi = boost::math::constants::pi<Scalar>();
    return 2 * sw * sw * sw * sb * sb * sb / pi *
           (x / (2 * sb * sb * (sb * sb + sw * sw * x * x)) + atan(sw * x / sb) / (2 * sb * sb * sb * sw));
  }
  const Scalar r = sb / sw, ax = abs(x), sign = x < 0 ? Scalar(-1) : Scalar(1);
  if (o.law == relu_init_law::sphere)  // W = ±σ_w: ζ = σ_w³/(2σ_b) on |x| < σ_b/σ_w, 0 beyond (Thm 2 b)
    return sign * sw * sw * sw / (2 * sb) * (ax < r ? ax : r);
  const Scalar inner = sw * sw * sw / (8 * sb) * (ax < r ? ax : r);
  if (ax <= r) return sign * inner;
  return sign * (inner + sb * sb * sb / (24 * sw) * (1 / (r * r * r) - 1 / (ax * ax * ax)));
}

/// jin2023.zeta: the breakpoints c_i = −b_i/w_i of `drawn` (n×1 W, b) against ζ of the law `claimed`
/// (d = 1) on `bins` equal bins of [−reach, reach]; pass when every bin's standardised deviation
/// |m̂_k − m_k|/se_k is at most `z_max`.
template <class Scalar>
check_result check_jin2023_zeta(const relu_parameters<Scalar>& drawn,
                                const relu_init_options<Scalar>& claimed, const Scalar& reach, int bins,
                                const Scalar& z_max) {
  using std::abs;
  using std::sqrt;
  const std::string id = "jin2023.zeta";
  if (drawn.W.cols() != 1)
    return not_applicable(
        id, "input dimension d = " + std::to_string(drawn.W.cols()) + ": the formula is for d = 1 (Thm 2)");
  const relu_parameters<Scalar>& p = drawn;
  const relu_init_options<Scalar>& o = claimed;
  const Eigen::Index n = p.W.rows();
  std::vector<Scalar> sum(static_cast<std::size_t>(bins), Scalar(0)), squares(sum);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (p.W(i, 0) == 0) continue;
    const Scalar c = -p.b(i) / p.W(i, 0);
    if (!(abs(c) < reach)) continue;
    const auto k = static_cast<std::size_t>(static_cast<double>((c + reach) / (2 * reach) * bins));
    const Scalar w2 = p.W(i, 0) * p.W(i, 0);
    sum[std::min(k, sum.size() - 1)] += w2;
    squares[std::min(k, sum.size() - 1)] += w2 * w2;
  }
  Scalar worst(0);
  std::string where;
  for (int k = 0; k < bins; ++k) {
    const Scalar lo = -reach + 2 * reach * k / bins, hi = -reach + 2 * reach * (k + 1) / bins;
    const Scalar expected = zeta_integral(o, hi) - zeta_integral(o, lo);
    const Scalar mean = sum[static_cast<std::size_t>(k)] / n;
    const Scalar variance = squares[static_cast<std::size_t>(k)] / n - mean * mean;
    if (!(variance >
          0)) {  // an empty bin: a failure only where the law puts mass the sample should have seen
      if (expected * n > 10) worst = Scalar(1) / 0, where = "an empty bin at " + to_short_decimal(lo);
      continue;
    }
    const Scalar z = abs(mean - expected) / sqrt(variance / n);
    if (z > worst) worst = z, where = "[" + to_short_decimal(lo) + ", " + to_short_decimal(hi) + ")";
  }
  return {id, worst <= z_max ? verdict::pass : verdict::fail, to_decimal(worst), to_decimal(z_max),
          "max over " + std::to_string(bins) + " bins of [−" + to_short_decimal(reach) + ", " +
              to_short_decimal(reach) + "] of |mean of w_i² 1(c_i ∈ bin) − ∫_bin ζ| / standard error, " +
              std::to_string(n) + " units drawn" + (where.empty() ? "" : "; largest in " + where)};
}

}  // namespace gradflow

namespace gradflow {

/// One width of a jin2023.spline_limit sweep: sup|f − g*| over the data interval, one per seed.
struct width_errors {
  long width = 0;
  std::vector<double> errors;
};

/// A one-input model's data sorted by input: knots x and values y.
template <class Scalar>
std::pair<std::vector<Scalar>, std::vector<Scalar>> sorted_data(const relu_shallow<Scalar>& model) {
  std::vector<std::pair<Scalar, Scalar>> data;
  for (Eigen::Index j = 0; j < model.N(); ++j) data.emplace_back(model.X()(j, 0), model.Y()(j, 0));
  std::sort(data.begin(), data.end(), [](const auto& p, const auto& q) { return p.first < q.first; });
  std::vector<Scalar> x, y;
  for (const auto& [u, v] : data) x.push_back(u), y.push_back(v);
  return {std::move(x), std::move(y)};
}

/// g*: the natural cubic spline interpolant of a one-input model's data (THEOREMS.md §3.2 Remark 3;
/// the limit for constant ζ, f(·, θ₀) = 0 and a trained skip connection). Throws
/// std::invalid_argument when two data points share an input.
template <class Scalar>
solvers::natural_spline<Scalar> natural_spline_of_data(const relu_shallow<Scalar>& model) {
  auto [x, y] = sorted_data(model);
  return solvers::natural_spline<Scalar>(std::move(x), std::move(y));
}

/// g* for the Gaussian initialisation W ~ N(0, σ_w²), B ~ N(0, σ_b²) (ζ of Thm 2 a): the adaptive spline.
template <class Scalar>
solvers::adaptive_spline<Scalar> adaptive_spline_of_data(const relu_shallow<Scalar>& model,
                                                         const Scalar& sigma_w, const Scalar& sigma_b) {
  auto [x, y] = sorted_data(model);
  return solvers::adaptive_spline<Scalar>(std::move(x), std::move(y), sigma_w, sigma_b);
}

/// sup over `points` equally spaced inputs of [x_min, x_max] of |f(x, θ) − g(x)|.
template <class Scalar, class Spline>
Scalar sup_distance(const relu_shallow<Scalar>& model, const Scalar* theta, const Spline& g, int points) {
  using std::abs;
  const Scalar lo = model.X().minCoeff(), hi = model.X().maxCoeff();
  matrix<Scalar> grid(points, 1);
  for (int k = 0; k < points; ++k) grid(k, 0) = lo + (hi - lo) * k / (points - 1);
  const matrix<Scalar> f = model.predict(theta, grid);
  Scalar sup(0);
  for (int k = 0; k < points; ++k) sup = std::max(sup, Scalar(abs(f(k, 0) - g(grid(k, 0)))));
  return sup;
}

/// g* for two inputs and the first layer uniform on the circle, B ~ U(−a_b, a_b) with a_b ≥ max ‖x_j‖
/// (Thm 7/8): the polyharmonic spline. Throws std::invalid_argument when the data lie on one line.
template <class Scalar>
solvers::polyharmonic_spline<Scalar> polyharmonic_spline_of_data(const relu_shallow<Scalar>& model) {
  return solvers::polyharmonic_spline<Scalar>(model.X(), model.Y());
}

/// Two inputs: sup over the `side` × `side` grid of the data's bounding box of |f(x, θ) − g(x)|, g taking a 1×2 row.
template <class Scalar, class Spline>
Scalar sup_distance_on_box(const relu_shallow<Scalar>& model, const Scalar* theta, const Spline& g,
                           int side) {
  using std::abs;
  const matrix<Scalar> lo = model.X().colwise().minCoeff(), hi = model.X().colwise().maxCoeff();
  matrix<Scalar> grid(side * side, 2);
  for (int k = 0; k < side; ++k)
    for (int l = 0; l < side; ++l) {
      grid(k * side + l, 0) = lo(0) + (hi(0) - lo(0)) * k / (side - 1);
      grid(k * side + l, 1) = lo(1) + (hi(1) - lo(1)) * l / (side - 1);
    }
  const matrix<Scalar> f = model.predict(theta, grid);
  Scalar sup(0);
  for (Eigen::Index r = 0; r < grid.rows(); ++r)
    sup = std::max(sup, Scalar(abs(f(r, 0) - g(matrix<Scalar>(grid.row(r))))));
  return sup;
}

/// sup over `points` equally spaced inputs of [x_min, x_max] of |f(x, θ) − g*(x)|, g* the natural spline.
template <class Scalar>
Scalar sup_distance_to_natural_spline(const relu_shallow<Scalar>& model, const Scalar* theta, int points) {
  return sup_distance(model, theta, natural_spline_of_data(model), points);
}

/// jin2023.spline_limit on a width sweep (widths increasing, at least two, each with at least two
/// seeds): the least-squares slope of log(error) against log(width) over all runs, with its standard
/// error se; the theorem's sup error O_p(n^{−1/2}) fails when slope > −½ + t_{0.975}(runs − 2)·se, the
/// one-sided 97.5% quantile of Student's t with the fit's degrees of freedom (proofs/jin2023.spline_limit.md).
inline check_result check_jin2023_spline_limit(const std::vector<width_errors>& sweep,
                                               const std::string& hypotheses_failed = "") {
  const std::string id = "jin2023.spline_limit";
  if (!hypotheses_failed.empty()) return not_applicable(id, hypotheses_failed);
  std::vector<std::pair<double, double>> points;
  std::string table;
  for (const auto& w : sweep) {
    double mean = 0, square = 0;
    for (const double e : w.errors)
      points.emplace_back(std::log(static_cast<double>(w.width)), std::log(e)), mean += e, square += e * e;
    mean /= static_cast<double>(w.errors.size());
    const double spread =
        std::sqrt(std::max(0.0, square / static_cast<double>(w.errors.size()) - mean * mean));
    char row[96];
    std::snprintf(row, sizeof row, "%sn = %ld: %.4g ± %.2g", table.empty() ? "" : "; ", w.width, mean,
                  spread);
    table += row;
  }
  if (sweep.size() < 2 || points.size() < 3)
    return not_applicable(id, "a sweep needs two widths or more and three runs or more");
  double mx = 0, my = 0;
  for (const auto& [u, v] : points) mx += u, my += v;
  mx /= static_cast<double>(points.size()), my /= static_cast<double>(points.size());
  double sxx = 0, sxy = 0;
  for (const auto& [u, v] : points) sxx += (u - mx) * (u - mx), sxy += (u - mx) * (v - my);
  const double slope = sxy / sxx;
  double residual = 0;
  for (const auto& [u, v] : points) residual += std::pow(v - my - slope * (u - mx), 2);
  // se estimated from the fit's own residuals has runs − 2 degrees of freedom: Student's t, not the
  // normal 2, is the honest multiplier (2 would be a 90–95% test at 4–6 runs, not 97.5%).
  const double dof = static_cast<double>(points.size() - 2);
  const double quantile = boost::math::quantile(boost::math::students_t_distribution<double>(dof), 0.975);
  const double se = std::sqrt(residual / dof / sxx), bound = -0.5 + quantile * se;
  char numbers[2][32];
  std::snprintf(numbers[0], sizeof numbers[0], "%.4g", slope);
  std::snprintf(numbers[1], sizeof numbers[1], "%.4g", bound);
  return {id, slope <= bound ? verdict::pass : verdict::fail, numbers[0], numbers[1],
          "least-squares slope of log sup|f − g*| against log n over " + std::to_string(points.size()) +
              " runs (se " + std::to_string(se).substr(0, 6) + "); the bound is −1/2 + t·se, t = " +
              std::to_string(quantile).substr(0, 5) + " (Student's t, 97.5%, " +
              std::to_string(points.size() - 2) + " degrees of freedom); mean ± std: " + table};
}

}  // namespace gradflow
