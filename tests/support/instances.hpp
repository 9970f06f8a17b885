#pragma once
// Test instances shared by several suites. Every number enters from an integer or a decimal string.
#include "gradflow/models/linear2.hpp"
#include "gradflow/numeric/decimal.hpp"

namespace gradflow::test {

/// Deterministic, unstructured entries (k mod 19 − 9)/7 with k mixing the seed and the indices.
inline matrix<Real> deterministic_matrix(Eigen::Index rows, Eigen::Index cols, int seed) {
  matrix<Real> A(rows, cols);
  for (Eigen::Index i = 0; i < rows; ++i)
    for (Eigen::Index j = 0; j < cols; ++j)
      A(i, j) = Real(static_cast<int>((seed * 37 + i * 11 + j * 23 + i * j * 7) % 19) - 9) / 7;
  return A;
}

/// THEOREMS.md T1.5: X = [[1,0,0],[0,2,0]], Y = (1,1)ᵀ, width 2 (r = 2 < n = 3, L* = 0).
template <class Scalar>
linear2<Scalar> t1_5_model() {
  matrix<Scalar> X(2, 3), Y(2, 1);
  X << 1, 0, 0, 0, 2, 0;
  Y << 1, 1;
  return linear2<Scalar>(X, Y, 2);
}

/// T1.5's start U(0) = [[1, 0.5], [0.2, −0.3], [u31, u32]], V(0) = [0.1, 0.2]; the published instance
/// has the third row (the component in ker X) zero.
template <class Scalar>
std::vector<Scalar> t1_5_start(const linear2<Scalar>& model, const char* u31 = "0", const char* u32 = "0") {
  matrix<Scalar> U(3, 2), V(1, 2);
  U << 1, parse_decimal<Scalar>("0.5"), parse_decimal<Scalar>("0.2"), parse_decimal<Scalar>("-0.3"),
      parse_decimal<Scalar>(u31), parse_decimal<Scalar>(u32);
  V << parse_decimal<Scalar>("0.1"), parse_decimal<Scalar>("0.2");
  return model.pack(U, V);
}

}  // namespace gradflow::test
