#pragma once
// Decimal strings in and out: inputs are parsed correctly rounded at the working precision, outputs
// carry every digit needed to read the same value back (round trip).
#include "gradflow/numeric/real.hpp"

#include <string>
#include <string_view>

namespace gradflow {

/// True when `text` is a finite decimal number: [+-]digits[.digits][(e|E)[+-]digits] (no nan/inf, no spaces).
bool is_decimal(std::string_view text);

/// Parses a decimal string, correctly rounded to the scalar's precision.
/// Throws std::invalid_argument when the text is not decimal or the value overflows the scalar.
template <class Scalar>
Scalar parse_decimal(std::string_view text);

template <>
double parse_decimal<double>(std::string_view text);
template <>
Real parse_decimal<Real>(std::string_view text);

/// Decimal string that reads back to exactly `x` (17 significant digits for double; for Real,
/// ceil(bits * log10 2) + 1 digits, MPFR's round-trip count).
std::string to_decimal(double x);
std::string to_decimal(const Real& x);

/// Six significant digits, any exponent ("3.22061e-33"): for messages and check details only.
std::string to_short_decimal(double x);
std::string to_short_decimal(const Real& x);

/// log10|x| as a double (-inf for 0): a convenience for progress and float64 columns.
double log10_as_double(double x);
double log10_as_double(const Real& x);

/// Nearest double (a convenience column; never used for further computation).
inline double to_double(double x) { return x; }
double to_double(const Real& x);

}  // namespace gradflow
