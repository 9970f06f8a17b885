#pragma once
// Working precision: decimal digits chosen per run, converted to bits once.
//
// Boost 1.74 keeps the MPFR default precision in one process-global variable, and a Real takes the
// default precision when it is created. gradflow therefore sets the precision exactly once per
// process, before any Real that carries data exists, and refuses a second, different setting.
#include "gradflow/numeric/real.hpp"

#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace gradflow {

/// Smallest and largest accepted `precision.digits`.
inline constexpr unsigned min_working_digits = 10;
inline constexpr unsigned max_working_digits = 100000;

/// Sets the precision of every Real created from now on; throws std::logic_error on a second,
/// different call (one precision per process) and std::invalid_argument outside the accepted range.
void set_working_digits(unsigned digits);

/// Runs a block at another working precision (gradflow verify runs each instance at its own digits),
/// restoring the previous one on exit. No Real created inside may be used after the scope ends.
class working_precision_scope {
 public:
  explicit working_precision_scope(unsigned digits);
  ~working_precision_scope();
  working_precision_scope(const working_precision_scope&) = delete;
  working_precision_scope& operator=(const working_precision_scope&) = delete;

 private:
  unsigned m_saved_digits;
};

/// Decimal digits of the working precision (0 when never set).
unsigned working_digits();

/// Bits of the working precision (the MPFR precision of every Real a run creates).
long working_bits();

/// Bits of a working precision of `digits` decimal digits.
long working_bits_for(unsigned digits);

/// Bits carried by one Real.
long precision_bits(const Real& x);

/// True when x carries exactly the working precision.
bool has_working_precision(const Real& x);

/// Machine epsilon of the scalar at the working precision: 2^(1 - bits).
template <class Scalar>
Scalar eps();

template <>
inline double eps<double>() {
  return std::numeric_limits<double>::epsilon();
}

template <>
Real eps<Real>();

}  // namespace gradflow

namespace gradflow {

/// Throws std::logic_error when a Real in `values` carries a precision other than the working one
/// (a value created before set_working_digits, or copied from one); `what` names the values.
template <class Range>
void require_working_precision(const Range& values, const char* what) {
  using value_type = std::decay_t<decltype(*std::begin(values))>;
  if constexpr (std::is_same_v<value_type, Real>) {
    for (const Real& x : values)
      if (!has_working_precision(x))
        throw std::logic_error(std::string("gradflow: ") + what + " carries " +
                               std::to_string(precision_bits(x)) + " bits, working precision is " +
                               std::to_string(working_bits()) + " bits");
  }
}

}  // namespace gradflow
