#pragma once
// The compact SVD of a data matrix split at its numerical rank: X = W diag(σ) Φ1ᵀ, ker X = span Φ2
// (Min et al. notation, THEOREMS.md §1.1: Σx^{1/2} = diag(σ)).
#include "gradflow/numeric/matrix.hpp"
#include "gradflow/numeric/precision.hpp"

#include <Eigen/SVD>

#include <algorithm>

namespace gradflow {

/// X = W diag(sigma) Phi1ᵀ with r = rank X columns in W (N×r) and Phi1 (n×r); Phi2 (n×(n−r)) is an
/// orthonormal basis of ker X.
template <class Scalar>
struct rank_split {
  matrix<Scalar> W, Phi1, Phi2;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> sigma;  ///< nonzero singular values, decreasing
  Eigen::Index rank() const { return sigma.size(); }
};

/// Splits X at its numerical rank: singular values above sqrt(eps)·σ_max·max(N, n) count. Data
/// enter as decimal strings rounded at working precision, so an exactly rank-deficient X has
/// singular values of order eps·σ_max, far below this threshold.
template <class Scalar>
rank_split<Scalar> split_by_rank(const matrix<Scalar>& X) {
  using std::sqrt;
  rank_split<Scalar> s;
  if (X.rows() == 0 || X.cols() == 0) {
    s.W.resize(X.rows(), 0);
    s.Phi1.resize(X.cols(), 0);
    s.Phi2 = matrix<Scalar>::Identity(X.cols(), X.cols());
    return s;
  }
  Eigen::JacobiSVD<matrix<Scalar>> svd(X, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const auto& values = svd.singularValues();
  const Scalar threshold = sqrt(eps<Scalar>()) * Scalar(values(0)) * Scalar(std::max(X.rows(), X.cols()));
  Eigen::Index r = 0;
  while (r < values.size() && values(r) > threshold) ++r;
  s.sigma = values.head(r);
  s.W = svd.matrixU().leftCols(r);
  s.Phi1 = svd.matrixV().leftCols(r);
  s.Phi2 = svd.matrixV().rightCols(X.cols() - r);
  return s;
}

}  // namespace gradflow
