#pragma once
// The polyharmonic spline of the wide-ReLU limit with the first layer uniform on the sphere (THEOREMS.md
// §3.2, Thm 7/8: W uniform on S^{d−1}, B ~ U(−a_b, a_b), a_b ≥ max ‖x_j‖, f(·, θ0) = 0):
//   h(x) = Σ_j λ_j ‖x − x_j‖³ + ⟨u, x⟩ + v,
//   Σ_j λ_j ‖x_i − x_j‖³ + ⟨u, x_i⟩ + v = y_i (i = 1 … N),  Σ_j λ_j = 0,  Σ_j λ_j x_j = 0,
// the minimiser of ∫ |(−Δ)^{(d+3)/4} h|² subject to h(x_j) = y_j. A dense (N + d + 1)² system, LU with
// partial pivoting; it is regular when the data are unisolvent for affine functions (not all on one
// hyperplane). In one dimension ‖x − x_j‖³ = |x − x_j|³ and h is the natural cubic spline.
#include "gradflow/numeric/matrix.hpp"

#include <Eigen/LU>

#include <stdexcept>
#include <string>

namespace gradflow::solvers {

template <class Scalar>
class polyharmonic_spline {
 public:
  /// Data X (N×d, distinct rows, not all on one hyperplane) and values y (N×1); throws
  /// std::invalid_argument when the system is singular or the shapes disagree.
  polyharmonic_spline(matrix<Scalar> X, const matrix<Scalar>& y) : m_X(std::move(X)) {
    using std::abs;
    const Eigen::Index N = m_X.rows(), d = m_X.cols(), size = N + d + 1;
    if (y.rows() != N || y.cols() != 1 || N < d + 1)
      throw std::invalid_argument("polyharmonic_spline: needs N ≥ d + 1 points and one value per point");
    matrix<Scalar> A = matrix<Scalar>::Zero(size, size), rhs = matrix<Scalar>::Zero(size, 1);
    for (Eigen::Index i = 0; i < N; ++i) {
      for (Eigen::Index j = 0; j < N; ++j) A(i, j) = cube_of_distance(m_X.row(i), j);
      for (Eigen::Index k = 0; k < d; ++k) A(i, N + k) = A(N + k, i) = m_X(i, k);
      A(i, N + d) = A(N + d, i) = 1;
      rhs(i) = y(i);
    }
    const Eigen::PartialPivLU<matrix<Scalar>> lu(A);
    const matrix<Scalar> c = lu.solve(rhs);
    if (!((A * c - rhs).cwiseAbs().maxCoeff() <= Scalar(1) / 1000 * (1 + y.cwiseAbs().maxCoeff())))
      throw std::invalid_argument(
          "polyharmonic_spline: singular system (the points lie on one hyperplane, or repeat)");
    m_lambda = c.topRows(N);
    m_u = c.middleRows(N, d);
    m_v = c(N + d);
  }

  /// h at the point x (1×d).
  Scalar operator()(const matrix<Scalar>& x) const {
    Scalar h = m_v;
    for (Eigen::Index k = 0; k < m_X.cols(); ++k) h += m_u(k) * x(0, k);
    for (Eigen::Index j = 0; j < m_X.rows(); ++j) h += m_lambda(j) * cube_of_distance(x, j);
    return h;
  }

  const matrix<Scalar>& lambda() const { return m_lambda; }  ///< N×1
  const matrix<Scalar>& u() const { return m_u; }            ///< d×1
  const Scalar& v() const { return m_v; }

 private:
  template <class Row>
  Scalar cube_of_distance(const Row& x, Eigen::Index j) const {
    using std::sqrt;
    Scalar r2(0);
    for (Eigen::Index k = 0; k < m_X.cols(); ++k) r2 += (x(0, k) - m_X(j, k)) * (x(0, k) - m_X(j, k));
    const Scalar r = sqrt(r2);
    return r * r2;
  }

  matrix<Scalar> m_X, m_lambda, m_u;
  Scalar m_v{0};
};

}  // namespace gradflow::solvers
