#pragma once
// The common eigenbasis of commuting symmetric matrices, and the exponential curve of the commuting
// matrix-sensing flow (checks/gunasekar2017.hpp; proofs/gunasekar2017.commuting.md).
//
// Notation: A_1, …, A_m ∈ ℝ^{d×d} symmetric with A_iA_j = A_jA_i, so A_i = Q diag(a_i) Qᵀ for one
//   orthogonal Q; 𝒜 is the m×d table a(i, j) = q_jᵀA_iq_j (row i: the eigenvalues of A_i, column j:
//   what the measurements see of the common eigenvector q_j).
// Method: Q diagonalises the combination C = Σ_i c_i A_i with c_i = √k_i for the squarefree integers
//   k = 1, 2, 3, 5, 6, 7, 10, … — linearly independent over ℚ, so for rational data C's eigenvalues
//   c·a_{·j} coincide only where the columns a_{·j} do, and on such an eigenspace every A_i is a
//   multiple of I (any orthonormal basis of it is a common eigenbasis). Eigen's SelfAdjointEigenSolver
//   does not build for Real (numeric/symmetric_eigenvalues.hpp), so the eigenvectors come from the
//   two-sided Jacobi SVD of the positive definite C + (‖C‖_F + 1)I, whose U holds them.
// A posteriori quality: with Q = Q_exact(I + K), K antisymmetric, (QᵀA_iQ)(j, k) = K_jk(a_ij − a_ik) to
//   first order, so for columns j ≠ k that differ (gap g_jk = max_i |a_ij − a_ik|, attained at i*)
//   |K_jk| = |(Qᵀ A_{i*} Q)(j, k)| / g_jk; `angle` is the largest such estimate (plus rounding), and
//   within a shared eigenspace every off-diagonal entry must be at rounding level.
#include "gradflow/numeric/matrix.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/solvers/mirror_interpolation.hpp"

#include <Eigen/SVD>

#include <stdexcept>
#include <string>
#include <vector>

namespace gradflow::solvers {

/// Q (orthogonal, columns q_j), the eigenvalue table 𝒜 (m×d) and the estimated basis error.
template <class Scalar>
struct common_basis {
  matrix<Scalar> Q, table;
  Scalar angle;    ///< estimate of max_jk |K_jk|, Q = Q_exact(I + K) (and of ‖QᵀQ − I‖_max)
  Scalar min_gap;  ///< smallest g_jk over the pairs of distinct columns (+∞ when there are none)
  Scalar tiny;     ///< rounding level of the entries of QᵀA_iQ: below it two columns count as equal
};

/// The curve λ = c·exp(s) of every eigenvalue of X = UUᵀ (c = α²; the commuting flow from U0U0ᵀ = α²I).
template <class Scalar>
componentwise_map<Scalar> exponential_map(const Scalar& c) {
  componentwise_map<Scalar> G;
  G.value = [c](Eigen::Index, const Scalar& s) {
    using std::exp;
    return Scalar(c * exp(s));
  };
  G.derivative = G.value;
  return G;
}

/// The common eigenbasis of the symmetric A_i (all d×d). Throws std::runtime_error when Q does not
/// diagonalise every A_i to rounding level (the A_i do not commute) or the basis error exceeds √eps.
template <class Scalar>
common_basis<Scalar> common_eigenbasis(const std::vector<matrix<Scalar>>& A) {
  using std::abs;
  using std::sqrt;
  const auto m = static_cast<Eigen::Index>(A.size());
  const Eigen::Index d = A.front().rows();
  matrix<Scalar> C = matrix<Scalar>::Zero(d, d);
  Scalar norm_max(0);
  for (Eigen::Index i = 0, k = 1; i < m; ++i, ++k) {
    const auto squarefree = [](int n) {
      for (int p = 2; p * p <= n; ++p)
        if (n % (p * p) == 0) return false;
      return true;
    };
    while (!squarefree(static_cast<int>(k))) ++k;
    C += sqrt(Scalar(k)) * A[static_cast<std::size_t>(i)];
    norm_max = std::max<Scalar>(norm_max, A[static_cast<std::size_t>(i)].norm());
  }
  const Scalar shift = C.norm() + 1;
  Eigen::JacobiSVD<matrix<Scalar>> svd(matrix<Scalar>(C + shift * matrix<Scalar>::Identity(d, d)),
                                       Eigen::ComputeFullU);
  common_basis<Scalar> b;
  b.Q = svd.matrixU();
  b.table.resize(m, d);
  std::vector<matrix<Scalar>> B;
  for (Eigen::Index i = 0; i < m; ++i) {
    B.push_back(b.Q.transpose() * A[static_cast<std::size_t>(i)] * b.Q);
    for (Eigen::Index j = 0; j < d; ++j) b.table(i, j) = B.back()(j, j);
  }
  // Each entry of QᵀA_iQ is a sum of d² products of size ≤ ‖A_i‖_F (Q orthonormal to rounding).
  b.tiny = Scalar(64 * (2 * d + 1)) * eps<Scalar>() * (norm_max + 1);
  b.angle = (b.Q.transpose() * b.Q - matrix<Scalar>::Identity(d, d)).cwiseAbs().maxCoeff();
  b.min_gap = unbounded<Scalar>();
  for (Eigen::Index j = 0; j < d; ++j)
    for (Eigen::Index k = j + 1; k < d; ++k) {
      Eigen::Index widest = 0;
      for (Eigen::Index i = 1; i < m; ++i)
        if (abs(b.table(i, j) - b.table(i, k)) > abs(b.table(widest, j) - b.table(widest, k))) widest = i;
      const Scalar gap = abs(b.table(widest, j) - b.table(widest, k));
      if (gap > b.tiny) {
        b.min_gap = std::min(b.min_gap, gap);
        b.angle = std::max<Scalar>(b.angle, (abs(B[static_cast<std::size_t>(widest)](j, k)) + b.tiny) / gap);
        continue;
      }
      for (Eigen::Index i = 0; i < m; ++i)
        if (!(abs(B[static_cast<std::size_t>(i)](j, k)) <= b.tiny))
          throw std::runtime_error("common_eigenbasis: on the shared eigenspace of q_" +
                                   std::to_string(j + 1) + " and q_" + std::to_string(k + 1) + ", A_" +
                                   std::to_string(i + 1) +
                                   " is not a multiple of I (the measurements do not commute?)");
    }
  if (!(b.angle <= sqrt(eps<Scalar>())))
    throw std::runtime_error(
        "common_eigenbasis: the basis error estimate " + std::to_string(static_cast<double>(b.angle)) +
        " exceeds √eps (nearly coincident eigenvalue columns, or the measurements do not commute)");
  return b;
}

}  // namespace gradflow::solvers
