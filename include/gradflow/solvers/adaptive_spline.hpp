#pragma once
// The spatially adaptive natural spline of the wide-ReLU limit for the Gaussian initialisation
// (THEOREMS.md §3.2, Remark 3 and Thm 2 a): with W ~ N(0, σ_w²), B ~ N(0, σ_b²) the curvature weight is
//   ζ(x) = 2σ_w³σ_b³ / (π (σ_b² + x²σ_w²)²) = k / (a² + x²)²,  a = σ_b/σ_w,  k = 2σ_b³/(π σ_w),
// and the limit (f(·, θ0) = 0, trained skip connection) is
//   g* = argmin ∫_{x_1}^{x_N} g''(x)² / ζ(x) dx  subject to g(x_j) = y_j.
// Euler–Lagrange: (g''/ζ)'' = 0 between knots and g''/ζ = 0 at the end knots, so g'' = ζ·m with m
// continuous and piecewise linear, m(x_1) = m(x_N) = 0:
//   g(x) = α + βx + Σ_{j=2}^{N−1} m_j G_j(x),  G_j(x) = ∫_{x_1}^{x} (x − s) ζ(s) φ_j(s) ds,
// φ_j the hat function of knot j. The N interpolation conditions fix α, β, m_2 … m_{N−1} (a dense N×N
// system, LU with partial pivoting). G_j is a closed form: on a piece where φ_j(s) = c_0 + c_1 s,
// (x − s)(c_0 + c_1 s) ζ(s) = k [x c_0 + (x c_1 − c_0) s − c_1 s²] / (a² + s²)², whose primitives are
//   I_0 = s/(2a²(a² + s²)) + atan(s/a)/(2a³),  I_1 = −1/(2(a² + s²)),  I_2 = −s/(2(a² + s²)) + atan(s/a)/(2a).
// Beyond the end knots g continues linearly (g'' = 0 there).
#include "gradflow/numeric/matrix.hpp"

#include <Eigen/LU>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace gradflow::solvers {

template <class Scalar>
class adaptive_spline {
 public:
  /// Knots x (strictly increasing, at least 2), values y, and the Gaussian scales σ_w, σ_b > 0;
  /// throws std::invalid_argument otherwise.
  adaptive_spline(std::vector<Scalar> x, std::vector<Scalar> y, const Scalar& sigma_w, const Scalar& sigma_b)
      : m_x(std::move(x)), m_a(sigma_b / sigma_w), m_k(2 * sigma_b * sigma_b * sigma_b / (pi() * sigma_w)) {
    using std::atan;
    const std::size_t n = m_x.size();
    if (n < 2 || y.size() != n)
      throw std::invalid_argument("adaptive_spline: needs at least 2 knots and one value per knot");
    if (!(sigma_w > 0) || !(sigma_b > 0))
      throw std::invalid_argument("adaptive_spline: sigma_w and sigma_b must be > 0");
    for (std::size_t j = 0; j + 1 < n; ++j)
      if (!(m_x[j] < m_x[j + 1]))
        throw std::invalid_argument("adaptive_spline: knots must be strictly increasing (knot " +
                                    std::to_string(j + 1) + ")");
    // Unknowns (α, β, m_2 … m_{N−1}); row i: g(x_i) = y_i.
    const Eigen::Index N = static_cast<Eigen::Index>(n);
    matrix<Scalar> A(N, N), rhs(N, 1);
    for (Eigen::Index i = 0; i < N; ++i) {
      A(i, 0) = 1;
      A(i, 1) = m_x[static_cast<std::size_t>(i)];
      for (Eigen::Index j = 1; j + 1 < N; ++j)
        A(i, j + 1) = G(static_cast<std::size_t>(j), m_x[static_cast<std::size_t>(i)]);
      rhs(i, 0) = y[static_cast<std::size_t>(i)];
    }
    const matrix<Scalar> c = A.partialPivLu().solve(rhs);
    m_alpha = c(0, 0);
    m_beta = c(1, 0);
    m_m.assign(n, Scalar(0));
    for (Eigen::Index j = 1; j + 1 < N; ++j) m_m[static_cast<std::size_t>(j)] = c(j + 1, 0);
  }

  /// g*(t) for any t (linear beyond the end knots).
  Scalar operator()(const Scalar& t) const {
    Scalar g = m_alpha + m_beta * t;
    for (std::size_t j = 1; j + 1 < m_x.size(); ++j) g += m_m[j] * G(j, t);
    return g;
  }

  /// ζ(t) = k/(a² + t²)².
  Scalar zeta(const Scalar& t) const { return m_k / ((m_a * m_a + t * t) * (m_a * m_a + t * t)); }
  /// m_j = g''(x_j)/ζ(x_j) at the knots (0 at both ends).
  const std::vector<Scalar>& weights() const { return m_m; }

 private:
  static Scalar pi() {
    using std::atan;
    return 4 * atan(Scalar(1));
  }
  // ∫ from l to r of (x − s)(c0 + c1 s) ζ(s) ds.
  Scalar piece(const Scalar& x, const Scalar& c0, const Scalar& c1, const Scalar& l, const Scalar& r) const {
    using std::atan;
    const Scalar a2 = m_a * m_a;
    const auto I0 = [&](const Scalar& s) {
      return Scalar(s / (2 * a2 * (a2 + s * s)) + atan(s / m_a) / (2 * a2 * m_a));
    };
    const auto I1 = [&](const Scalar& s) { return Scalar(-1 / (2 * (a2 + s * s))); };
    const auto I2 = [&](const Scalar& s) {
      return Scalar(-s / (2 * (a2 + s * s)) + atan(s / m_a) / (2 * m_a));
    };
    return m_k * (x * c0 * (I0(r) - I0(l)) + (x * c1 - c0) * (I1(r) - I1(l)) - c1 * (I2(r) - I2(l)));
  }
  // G_j(x) = ∫_{x_1}^{x} (x − s) ζ(s) φ_j(s) ds, φ_j rising on [x_{j−1}, x_j] and falling on [x_j, x_{j+1}].
  Scalar G(std::size_t j, const Scalar& x) const {
    Scalar sum(0);
    const Scalar &l = m_x[j - 1], &c = m_x[j], &r = m_x[j + 1];
    if (x > l) {  // rising: φ = (s − l)/(c − l)
      const Scalar h = c - l;
      sum += piece(x, -l / h, 1 / h, l, x < c ? x : c);
    }
    if (x > c) {  // falling: φ = (r − s)/(r − c)
      const Scalar h = r - c;
      sum += piece(x, r / h, -1 / h, c, x < r ? x : r);
    }
    return sum;
  }

  std::vector<Scalar> m_x, m_m;
  Scalar m_a, m_k, m_alpha{0}, m_beta{0};
};

}  // namespace gradflow::solvers
