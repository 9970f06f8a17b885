#include "gradflow/numeric/precision.hpp"

#include <stdexcept>
#include <string>

namespace gradflow {

namespace {
unsigned g_working_digits = 0;
}

void set_working_digits(unsigned digits) {
  if (digits < min_working_digits || digits > max_working_digits)
    throw std::invalid_argument("precision.digits = " + std::to_string(digits) + " violates " +
                                std::to_string(min_working_digits) +
                                " <= digits <= " + std::to_string(max_working_digits));
  if (g_working_digits != 0 && g_working_digits != digits)
    throw std::logic_error("gradflow: working precision already set to " + std::to_string(g_working_digits) +
                           " digits; one precision per process");
  g_working_digits = digits;
  Real::default_precision(digits);
}

working_precision_scope::working_precision_scope(unsigned digits) : m_saved_digits(g_working_digits) {
  g_working_digits = 0;
  try {
    set_working_digits(digits);
  } catch (...) {
    g_working_digits = m_saved_digits;
    throw;
  }
}

working_precision_scope::~working_precision_scope() {
  g_working_digits = m_saved_digits;
  if (m_saved_digits) Real::default_precision(m_saved_digits);
}

unsigned working_digits() { return g_working_digits; }

long working_bits() {
  return static_cast<long>(boost::multiprecision::detail::digits10_2_2(Real::default_precision()));
}

long working_bits_for(unsigned digits) {
  return static_cast<long>(boost::multiprecision::detail::digits10_2_2(digits));
}

long precision_bits(const Real& x) { return static_cast<long>(mpfr_get_prec(x.backend().data())); }

bool has_working_precision(const Real& x) { return precision_bits(x) == working_bits(); }

template <>
Real eps<Real>() {
  Real one(1);
  return ldexp(one, static_cast<int>(1 - working_bits()));
}

}  // namespace gradflow
