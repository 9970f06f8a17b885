#pragma once
// The closed set of scalars gradflow computes with.
#include <boost/multiprecision/mpfr.hpp>

#include <type_traits>

namespace gradflow {

/// MPFR float with runtime precision (set once per process, see precision.hpp); no expression templates.
using Real = boost::multiprecision::number<boost::multiprecision::mpfr_float_backend<0>,
                                           boost::multiprecision::et_off>;

/// True for the scalars gradflow is instantiated for: `double` (float64 comparison runs) and `Real`.
template <class T>
inline constexpr bool is_supported_scalar_v = std::is_same_v<T, double> || std::is_same_v<T, Real>;

}  // namespace gradflow
