#pragma once
// min ½λᵀGλ − cᵀλ s.t. λ ≥ 0 for a symmetric positive semi-definite G, by the active-set method of
// Lawson & Hanson (1974, ch. 23) written for the quadratic form: the passive set P grows by the most
// violated multiplier and shrinks when the unconstrained minimiser on P leaves the orthant. Every
// subproblem G_PP z = c_P is solved by a complete orthogonal decomposition (G_PP may be singular).
// KKT at the result: λ ≥ 0, g = Gλ − c ≥ 0, λ_n g_n = 0. Non-negative least squares is the case
// G = MᵀM, c = Mᵀb (nnls()).
#include "gradflow/numeric/matrix.hpp"
#include "gradflow/numeric/precision.hpp"

#include <Eigen/QR>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace gradflow::solvers {

/// The minimiser λ ≥ 0 of ½λᵀGλ − cᵀλ; throws std::runtime_error when the problem is unbounded
/// below (c has a component along a null direction of G that the orthant allows).
template <class Scalar>
matrix<Scalar> nonnegative_qp(const matrix<Scalar>& G, const matrix<Scalar>& c) {
  using std::abs;
  const Eigen::Index n = G.rows();
  const Scalar scale = std::max<Scalar>(Scalar(1), G.cwiseAbs().maxCoeff()) *
                       std::max<Scalar>(Scalar(1), c.cwiseAbs().maxCoeff());
  const Scalar tol = Scalar(64 * (n + 1)) * eps<Scalar>() * scale;
  matrix<Scalar> lambda = matrix<Scalar>::Zero(n, 1);
  std::vector<bool> passive(static_cast<std::size_t>(n), false);
  const auto solve_on_passive = [&](matrix<Scalar>& z) {
    std::vector<Eigen::Index> P;
    for (Eigen::Index i = 0; i < n; ++i)
      if (passive[static_cast<std::size_t>(i)]) P.push_back(i);
    const auto m = static_cast<Eigen::Index>(P.size());
    matrix<Scalar> G_P(m, m), c_P(m, 1);
    for (Eigen::Index a = 0; a < m; ++a) {
      c_P(a) = c(P[a]);
      for (Eigen::Index b = 0; b < m; ++b) G_P(a, b) = G(P[a], P[b]);
    }
    const matrix<Scalar> z_P = Eigen::CompleteOrthogonalDecomposition<matrix<Scalar>>(G_P).solve(c_P);
    if ((G_P * z_P - c_P).cwiseAbs().maxCoeff() > tol * Scalar(1 << 10))
      throw std::runtime_error(
          "nonnegative_qp: unbounded below (c is not in the range of G on the active set)");
    z.setZero(n, 1);
    for (Eigen::Index a = 0; a < m; ++a) z(P[a]) = z_P(a);
  };
  for (int outer = 0; outer < 10 * (n + 1); ++outer) {
    const matrix<Scalar> g = G * lambda - c;
    Eigen::Index worst = -1;
    for (Eigen::Index i = 0; i < n; ++i)
      if (!passive[static_cast<std::size_t>(i)] && g(i) < -tol && (worst < 0 || g(i) < g(worst))) worst = i;
    if (worst < 0) return lambda;
    passive[static_cast<std::size_t>(worst)] = true;
    for (int inner = 0; inner <= n; ++inner) {
      matrix<Scalar> z;
      solve_on_passive(z);
      bool feasible = true;
      Scalar step(1);
      for (Eigen::Index i = 0; i < n; ++i)
        if (passive[static_cast<std::size_t>(i)] && z(i) <= 0) {
          feasible = false;
          const Scalar ratio = lambda(i) / (lambda(i) - z(i));
          if (ratio < step) step = ratio;
        }
      if (feasible) {
        lambda = z;
        break;
      }
      lambda += step * (z - lambda);
      for (Eigen::Index i = 0; i < n; ++i)
        if (passive[static_cast<std::size_t>(i)] && lambda(i) <= tol)
          passive[static_cast<std::size_t>(i)] = false, lambda(i) = 0;
    }
  }
  throw std::runtime_error("nonnegative_qp: no convergence (cycling)");
}

/// argmin_{x ≥ 0} ‖Mx − b‖₂ (Lawson–Hanson non-negative least squares).
template <class Scalar>
matrix<Scalar> nnls(const matrix<Scalar>& M, const matrix<Scalar>& b) {
  return nonnegative_qp<Scalar>(M.transpose() * M, M.transpose() * b);
}

}  // namespace gradflow::solvers
