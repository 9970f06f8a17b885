#pragma once
// Boost.Odeint / Boost.Multiprecision compatibility, in this one file.
//
// Boost.Multiprecision's number<> defines `value_type` as itself (for complex support, Boost ≥ 1.68),
// and odeint's detail::extract_value_type walks the `value_type` chain until a type has none: on a
// multiprecision number it never ends, and every adaptive stepper's error checker fails to compile
// ("invalid use of incomplete type extract_value_type<number<…>>"). Upstream fixed the walk in
// Boost 1.85 (boostorg/odeint#63). For older Boost we stop the walk at gradflow's Real with a full
// specialisation (a partial one for every number<> is ambiguous with odeint's enable_if
// specialisation). tests/odeint_shim proves the shim is needed (a target that omits it must fail to
// compile) and sufficient (every stepper gradflow uses compiles and integrates with it).
#include "gradflow/numeric/real.hpp"

#include <boost/numeric/odeint/algebra/detail/extract_value_type.hpp>
#include <boost/version.hpp>

#if BOOST_VERSION < 108500
namespace boost::numeric::odeint::detail {
template <>
struct extract_value_type<gradflow::Real, void> {
  using type = gradflow::Real;
};
}  // namespace boost::numeric::odeint::detail
#endif
