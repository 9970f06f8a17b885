#include "gradflow/numeric/decimal.hpp"

#include "gradflow/numeric/precision.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <stdexcept>

namespace gradflow {

bool is_decimal(std::string_view text) {
  static const std::regex pattern(R"([+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)");
  return std::regex_match(text.begin(), text.end(), pattern);
}

namespace {
void require_decimal(std::string_view text) {
  if (!is_decimal(text))
    throw std::invalid_argument("\"" + std::string(text) + "\" is not a finite decimal number");
}
}  // namespace

template <>
double parse_decimal<double>(std::string_view text) {
  require_decimal(text);
  const std::string s(text);
  errno = 0;
  // NOTE: glibc's strtod rounds correctly to nearest, so the decimal string is the value's definition.
  const double x = std::strtod(s.c_str(), nullptr);
  if (errno == ERANGE || !std::isfinite(x))
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
  if (!mpfr_number_p(x.backend().data()))
    throw std::invalid_argument("\"" + s + "\" is outside the MPFR exponent range");
  return x;
}

std::string to_decimal(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

std::string to_decimal(const Real& x) {
  const auto digits = static_cast<std::streamsize>(mpfr_get_str_ndigits(10, mpfr_get_prec(x.backend().data())));
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
