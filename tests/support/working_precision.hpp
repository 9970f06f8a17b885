#pragma once
// Sets the working precision of a test process from its command line: `test -- --digits=D`
// (ctest registers every numerical suite at two or more precisions).
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/precision.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <string>

namespace gradflow::test {

/// Digits requested on the command line (default 50).
inline unsigned requested_digits() {
  const auto& suite = boost::unit_test::framework::master_test_suite();
  for (int i = 1; i < suite.argc; ++i) {
    const std::string arg = suite.argv[i];
    if (arg.rfind("--digits=", 0) == 0) return static_cast<unsigned>(std::stoul(arg.substr(9)));
  }
  return 50;
}

/// Global fixture: one working precision per process, set before any test creates a Real.
struct working_precision_from_args {
  working_precision_from_args() { set_working_digits(requested_digits()); }
};

/// eps^(num/den) at the working precision, e.g. fractional_eps(1, 2) = √eps.
inline Real eps_power(int num, int den) {
  using std::pow;
  return pow(eps<Real>(), Real(num) / den);
}

/// Agreement in decimal digits (log relative error, LRE): −log10(|a − b| / |b|), capped at the precision.
inline double agreement_digits(const Real& a, const Real& b) {
  using std::abs;
  const Real diff = abs(a - b);
  if (diff == 0) return static_cast<double>(working_digits());
  return -log10_as_double(Real(diff / abs(b)));
}

}  // namespace gradflow::test
