#pragma once
// The natural cubic spline interpolant (THEOREMS.md §3.2 Remark 3, test instance T3.1): the
// minimiser of ∫ g''² subject to g(x_j) = y_j, i.e. the wide-ReLU limit g* of Jin & Montúfar when
// the curvature weight ζ is constant. Second derivatives M_j at the knots solve the tridiagonal system
//   h_{j−1} M_{j−1} + 2(h_{j−1} + h_j) M_j + h_j M_{j+1} = 6 (Δ_j − Δ_{j−1}),  M_0 = M_n = 0,
// with h_j = x_{j+1} − x_j and Δ_j = (y_{j+1} − y_j)/h_j (Thomas algorithm: diagonally dominant).
// Beyond the end knots g continues linearly (g'' = 0 there).
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace gradflow::solvers {

template <class Scalar>
class natural_spline {
 public:
  /// Knots x (strictly increasing, at least 2) and values y; throws std::invalid_argument otherwise.
  natural_spline(std::vector<Scalar> x, std::vector<Scalar> y)
      : m_x(std::move(x)), m_y(std::move(y)), m_M(m_x.size(), Scalar(0)) {
    const std::size_t n = m_x.size();
    if (n < 2 || m_y.size() != n)
      throw std::invalid_argument("natural_spline: needs at least 2 knots and one value per knot");
    for (std::size_t j = 0; j + 1 < n; ++j)
      if (!(m_x[j] < m_x[j + 1]))
        throw std::invalid_argument("natural_spline: knots must be strictly increasing (knot " +
                                    std::to_string(j + 1) + ")");
    // Forward elimination on rows 1 … n−2, then back substitution.
    std::vector<Scalar> diagonal(n), rhs(n);
    for (std::size_t j = 1; j + 1 < n; ++j) {
      diagonal[j] = 2 * (h(j - 1) + h(j));
      rhs[j] = 6 * (slope(j) - slope(j - 1));
      if (j > 1) {
        const Scalar factor = h(j - 1) / diagonal[j - 1];
        diagonal[j] -= factor * h(j - 1);
        rhs[j] -= factor * rhs[j - 1];
      }
    }
    for (std::size_t j = n - 2; j >= 1; --j)
      m_M[j] = (rhs[j] - (j + 2 < n ? h(j) * m_M[j + 1] : Scalar(0))) / diagonal[j];
  }

  const std::vector<Scalar>& knots() const { return m_x; }
  /// g'' at the knots (0 at both ends).
  const std::vector<Scalar>& second_derivatives() const { return m_M; }

  /// g(t) for any t (linear beyond the end knots).
  Scalar operator()(const Scalar& t) const {
    const std::size_t n = m_x.size();
    if (t <= m_x[0]) return m_y[0] + (t - m_x[0]) * (slope(0) - h(0) * (2 * m_M[0] + m_M[1]) / 6);
    if (t >= m_x[n - 1])
      return m_y[n - 1] + (t - m_x[n - 1]) * (slope(n - 2) + h(n - 2) * (m_M[n - 2] + 2 * m_M[n - 1]) / 6);
    std::size_t j = 0;
    while (t > m_x[j + 1]) ++j;
    const Scalar a = m_x[j + 1] - t, b = t - m_x[j], H = h(j);
    return (m_M[j] * a * a * a + m_M[j + 1] * b * b * b) / (6 * H) + (m_y[j] / H - m_M[j] * H / 6) * a +
           (m_y[j + 1] / H - m_M[j + 1] * H / 6) * b;
  }

  /// ∫ g''² over [x_0, x_n] (g'' is linear on each interval).
  Scalar energy() const {
    Scalar e(0);
    for (std::size_t j = 0; j + 1 < m_x.size(); ++j)
      e += h(j) * (m_M[j] * m_M[j] + m_M[j] * m_M[j + 1] + m_M[j + 1] * m_M[j + 1]) / 3;
    return e;
  }

 private:
  Scalar h(std::size_t j) const { return m_x[j + 1] - m_x[j]; }
  Scalar slope(std::size_t j) const { return (m_y[j + 1] - m_y[j]) / h(j); }

  std::vector<Scalar> m_x, m_y, m_M;
};

}  // namespace gradflow::solvers
