#pragma once
// The ℓ1 max-margin problem (yun2021.classification at depth L = 2; THEOREMS.md §2.2):
//   primal  min ‖ρ‖₁ s.t. Aρ ≥ 1,        dual  max 1ᵀλ s.t. ‖Aᵀλ‖_∞ ≤ 1, λ ≥ 0,
// a linear program solved through its dual by the tableau simplex method with Bland's rule (no
// cycling) from λ = 0, which is feasible. The primal solution is read off the final tableau (the
// reduced costs of the slacks of Aᵀλ ≤ 1 and −Aᵀλ ≤ 1 are ρ⁺ and ρ⁻) and verified: primal
// feasibility and equal objectives (strong duality) to a few eps. Nothing here looks at a flow.
#include "gradflow/numeric/matrix.hpp"
#include "gradflow/numeric/precision.hpp"

#include <stdexcept>
#include <vector>

namespace gradflow::solvers {

/// OPT = min ‖ρ‖₁ s.t. Aρ ≥ 1, a primal minimiser ρ (d×1) and a dual maximiser λ (N×1).
template <class Scalar>
struct l1_max_margin_result {
  Scalar value;
  matrix<Scalar> rho, lambda;
};

/// Solves the ℓ1 max-margin LP of the rows of A; throws std::runtime_error when the data are not
/// separable (the dual is unbounded) or the solution fails its verification.
template <class Scalar>
l1_max_margin_result<Scalar> l1_max_margin(const matrix<Scalar>& A) {
  using std::abs;
  const Eigen::Index N = A.rows(), d = A.cols(), m = 2 * d, n = N + m;
  const Scalar scale = std::max<Scalar>(Scalar(1), A.cwiseAbs().maxCoeff());
  const Scalar tol = Scalar(64 * (N + d)) * eps<Scalar>() * scale;
  // Rows 0..m−1: [Aᵀ; −Aᵀ] λ + s = 1; row m: the objective row (−1 under λ), value in the last column.
  matrix<Scalar> T = matrix<Scalar>::Zero(m + 1, n + 1);
  T.block(0, 0, d, N) = A.transpose();
  T.block(d, 0, d, N) = -A.transpose();
  T.block(0, N, m, m) = matrix<Scalar>::Identity(m, m);
  T.block(0, n, m, 1) = matrix<Scalar>::Ones(m, 1);
  T.block(m, 0, 1, N) = -matrix<Scalar>::Ones(1, N);
  std::vector<Eigen::Index> basis(static_cast<std::size_t>(m));
  for (Eigen::Index i = 0; i < m; ++i) basis[static_cast<std::size_t>(i)] = N + i;
  for (Eigen::Index iteration = 0;; ++iteration) {
    if (iteration > 1000 * (n + 1))
      throw std::runtime_error("l1_max_margin: the simplex method did not terminate");
    Eigen::Index enter = -1;
    for (Eigen::Index j = 0; j < n && enter < 0; ++j)
      if (T(m, j) < -tol) enter = j;
    if (enter < 0) break;
    Eigen::Index leave = -1;
    Scalar best(0);
    for (Eigen::Index i = 0; i < m; ++i) {
      if (!(T(i, enter) > tol)) continue;
      const Scalar ratio = T(i, n) / T(i, enter);
      if (leave < 0 || ratio < best ||
          (ratio == best && basis[static_cast<std::size_t>(i)] < basis[static_cast<std::size_t>(leave)]))
        leave = i, best = ratio;
    }
    if (leave < 0)
      throw std::runtime_error("data are not linearly separable (the ℓ1 max-margin dual is unbounded)");
    T.row(leave) /= T(leave, enter);
    for (Eigen::Index i = 0; i <= m; ++i)
      if (i != leave && T(i, enter) != 0) T.row(i) -= T(i, enter) * T.row(leave);
    basis[static_cast<std::size_t>(leave)] = enter;
  }
  l1_max_margin_result<Scalar> r{T(m, n), matrix<Scalar>::Zero(d, 1), matrix<Scalar>::Zero(N, 1)};
  for (Eigen::Index i = 0; i < m; ++i)
    if (basis[static_cast<std::size_t>(i)] < N) r.lambda(basis[static_cast<std::size_t>(i)]) = T(i, n);
  for (Eigen::Index j = 0; j < d; ++j) r.rho(j) = T(m, N + j) - T(m, N + d + j);
  // Verification: Aρ ≥ 1, ‖Aᵀλ‖_∞ ≤ 1, ‖ρ‖₁ = 1ᵀλ = OPT, all to the tolerance (relative to OPT).
  const Scalar check_tol = tol * std::max<Scalar>(Scalar(1), r.value);
  if ((A * r.rho).minCoeff() < 1 - check_tol ||
      (A.transpose() * r.lambda).cwiseAbs().maxCoeff() > 1 + check_tol ||
      abs(r.rho.cwiseAbs().sum() - r.value) > check_tol || abs(r.lambda.sum() - r.value) > check_tol)
    throw std::runtime_error("l1_max_margin: the simplex solution fails its optimality verification");
  return r;
}

}  // namespace gradflow::solvers
