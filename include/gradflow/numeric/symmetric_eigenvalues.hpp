#pragma once
// Eigenvalues of a symmetric matrix at working precision.
//
// Eigen's SelfAdjointEigenSolver needs NumTraits<Real>::infinity(), which Boost 1.74's Eigen support
// does not provide. A shift makes the matrix positive definite, where eigenvalues and singular values
// coincide, and Eigen's two-sided Jacobi SVD works at any precision: λ_i(D) = σ_i(D + cI) − c with
// c = ‖D‖_F + 1 ≥ ρ(D) + 1. The absolute error is of order eps·c, which is what the checks need.
#include "gradflow/numeric/matrix.hpp"

#include <Eigen/SVD>

namespace gradflow {

/// Eigenvalues of the symmetric matrix D, decreasing.
template <class Scalar>
Eigen::Matrix<Scalar, Eigen::Dynamic, 1> symmetric_eigenvalues(const matrix<Scalar>& D) {
  const Scalar c = D.norm() + 1;
  const matrix<Scalar> shifted = D + c * matrix<Scalar>::Identity(D.rows(), D.cols());
  Eigen::JacobiSVD<matrix<Scalar>> svd(shifted);
  return svd.singularValues().array() - c;
}

}  // namespace gradflow
