#pragma once
// Matrices written as decimal strings, parsed at the working precision (constants in verify cases
// and tests: {{"1", "0.5"}, {"-0.3", "2"}}, never double literals).
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/matrix.hpp"

#include <initializer_list>

namespace gradflow {

/// The matrix whose rows are `entries` (every row as long as the first), each entry parse_decimal'd.
template <class Scalar>
matrix<Scalar> decimal_matrix(std::initializer_list<std::initializer_list<const char*>> entries) {
  matrix<Scalar> A(static_cast<Eigen::Index>(entries.size()),
                   static_cast<Eigen::Index>(entries.begin()->size()));
  Eigen::Index i = 0;
  for (const auto& row : entries) {
    Eigen::Index j = 0;
    for (const char* x : row) A(i, j++) = parse_decimal<Scalar>(x);
    ++i;
  }
  return A;
}

}  // namespace gradflow
