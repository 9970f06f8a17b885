#pragma once
// Short names for decimal constants at the test's working precision.
#include "gradflow/numeric/decimal_matrix.hpp"

#include <initializer_list>

namespace gradflow::test {

inline Real dec(const char* text) { return parse_decimal<Real>(text); }

inline matrix<Real> rows(std::initializer_list<std::initializer_list<const char*>> entries) {
  return decimal_matrix<Real>(entries);
}

}  // namespace gradflow::test
