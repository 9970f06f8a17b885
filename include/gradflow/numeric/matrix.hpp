#pragma once
// Dense matrices over gradflow's scalars (Eigen; NumTraits for Real come from Boost).
#include "gradflow/numeric/real.hpp"

#include <boost/multiprecision/eigen.hpp>
#include <Eigen/Core>

namespace gradflow {

/// Column-major dynamic matrix.
template <class Scalar>
using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

/// Read-only and writable views of a block of a flat state vector.
template <class Scalar>
using const_matrix_view = Eigen::Map<const matrix<Scalar>>;
template <class Scalar>
using matrix_view = Eigen::Map<matrix<Scalar>>;

/// Largest |A_ij| (0 for an empty matrix).
template <class Scalar>
Scalar max_abs_entry(const matrix<Scalar>& A) {
  return A.size() == 0 ? Scalar(0) : Scalar(A.cwiseAbs().maxCoeff());
}

}  // namespace gradflow
