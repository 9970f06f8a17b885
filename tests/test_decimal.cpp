// Decimal strings in and out: exact parsing at working precision and round-trip printing.
// Oracles: integer ratios computed in Real (correct rounding of the same exact value must agree
// bit for bit) and reading back what was printed.
#define BOOST_TEST_MODULE decimal
#include <boost/test/unit_test.hpp>

#include "gradflow/numeric/decimal.hpp"
#include "support/working_precision.hpp"

using gradflow::Real;
using namespace gradflow;

using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

BOOST_AUTO_TEST_CASE(accepts_only_finite_decimals) {
  for (const char* good : {"1", "-0.5", ".5", "5.", "+3E+7", "1e-100", "0", "123456789012345678901234567890"})
    BOOST_TEST(is_decimal(good), good);
  for (const char* bad : {"", " 1", "1 ", "nan", "NaN", "inf", "-inf", "1e", "0x10", "1.2.3", "--1", "e5", ".", "1,5", "½"})
    BOOST_TEST(!is_decimal(bad), bad);
  BOOST_CHECK_THROW(parse_decimal<Real>("abc"), std::invalid_argument);
  BOOST_CHECK_THROW(parse_decimal<double>("nan"), std::invalid_argument);
  BOOST_CHECK_THROW(parse_decimal<double>("1e400"), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(parses_correctly_rounded_at_working_precision) {
  // 1/10, 2/3 and -7/10^50 are exact rationals; division by an integer rounds correctly in MPFR,
  // and so does mpfr_set_str: both must give the same bits.
  BOOST_TEST(parse_decimal<Real>("0.1") == Real(1) / 10);
  BOOST_TEST(parse_decimal<Real>("-7e-50") == Real(-7) / pow(Real(10), 50));
  BOOST_TEST(parse_decimal<Real>("0.5") == Real(1) / 2);
  BOOST_TEST(has_working_precision(parse_decimal<Real>("0.1")));
  // A double literal would carry only 53 bits: the difference is visible at working precision.
  BOOST_TEST(parse_decimal<Real>("0.1") != Real(0.1));
  BOOST_TEST(parse_decimal<double>("0.1") == 0.1);
}

BOOST_AUTO_TEST_CASE(printing_round_trips) {
  using std::sqrt;
  const Real values[] = {Real(1) / 3, Real(2) / 7 * pow(Real(10), -50), sqrt(Real(2)), -pow(Real(3), 200), Real(0)};
  for (const Real& x : values) {
    const std::string text = to_decimal(x);
    BOOST_TEST(parse_decimal<Real>(text) == x, text);
  }
  for (double x : {0.1, 1.0 / 3, -2.5e-300, 6.02214076e23}) BOOST_TEST(parse_decimal<double>(to_decimal(x)) == x);
}

BOOST_AUTO_TEST_CASE(printing_carries_every_working_digit) {
  // 1/3 printed must show at least `digits` significant threes ("3.333…e-01").
  std::string text = to_decimal(Real(1) / 3);
  text.erase(1, 1);
  BOOST_TEST(text.rfind(std::string(working_digits(), '3'), 0) == 0u, text);
}
