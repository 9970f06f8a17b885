#include "gradflow/numeric/decimal.hpp"

#include "gradflow/numeric/precision.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace gradflow {

// NOTE: a hand scanner, linear in the length and without recursion: std::regex (GCC 12's executor)
// recursed once per character and overflowed the stack at about 30 000 characters, shorter than the
// outputs of a run at 30 000 digits. It accepts exactly [+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?
// (tests/test_decimal.cpp compares it with that regex on a corpus).
bool is_decimal(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
    return i - from;
  };
  if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
  const std::size_t before = digits();
  std::size_t after = 0;
  if (i < n && text[i] == '.') {
    ++i;
    after = digits();
  }
  if (before == 0 && after == 0) return false;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == n;
}

namespace {
void require_decimal(std::string_view text) {
  if (!is_decimal(text))
    throw std::invalid_argument("\"" + std::string(text) + "\" is not a finite decimal number");
}

// True when the significand has a nonzero digit (the exponent's digits do not count).
bool is_nonzero(std::string_view text) {
  const auto e = text.find_first_of("eE");
  return text.substr(0, e).find_first_of("123456789") != std::string_view::npos;
}
}  // namespace

template <>
double parse_decimal<double>(std::string_view text) {
  require_decimal(text);
  const std::string s(text);
  errno = 0;
  // NOTE: glibc's strtod rounds correctly to nearest, so the decimal string is the value's definition.
  const double x = std::strtod(s.c_str(), nullptr);
  // NOTE: glibc sets ERANGE for subnormal results too; those are float64 numbers, correctly rounded,
  // and accepted. Refused: overflow, and a nonzero decimal that rounds to 0 (as for MPFR below).
  if (!std::isfinite(x) || (x == 0 && is_nonzero(s)) || (errno == ERANGE && std::fabs(x) > 1))
    throw std::invalid_argument("\"" + s + "\" is outside the float64 range");
  return x;
}

template <>
Real parse_decimal<Real>(std::string_view text) {
  require_decimal(text);
  const std::string s(text);
  Real x;  // working precision
  // NOTE: mpfr_set_str rounds correctly to nearest at the target's precision (MPFR manual, 5.2).
  mpfr_set_str(x.backend().data(), s.c_str(), 10, MPFR_RNDN);
  // A nonzero decimal read as 0 underflowed: refused like an overflow rather than silently zeroed.
  if (!mpfr_number_p(x.backend().data()) || (mpfr_zero_p(x.backend().data()) && is_nonzero(s)))
    throw std::invalid_argument("\"" + s + "\" is outside the MPFR exponent range");
  return x;
}

std::string to_decimal(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

std::string to_decimal(const Real& x) {
  const auto digits =
      static_cast<std::streamsize>(mpfr_get_str_ndigits(10, mpfr_get_prec(x.backend().data())));
  return x.str(digits, std::ios_base::scientific);
}

std::string to_short_decimal(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.6g", x);
  return buffer;
}

std::string to_short_decimal(const Real& x) {
  if (x == 0) return "0";
  return x.str(6, std::ios_base::scientific);
}

double log10_as_double(double x) { return std::log10(std::fabs(x)); }

double log10_as_double(const Real& x) {
  if (x == 0) return -std::numeric_limits<double>::infinity();
  using std::abs;
  return log10(abs(x)).convert_to<double>();
}

double to_double(const Real& x) { return x.convert_to<double>(); }

}  // namespace gradflow
