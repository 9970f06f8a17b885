// Decimal strings in and out: exact parsing at working precision and round-trip printing.
// Oracles: integer ratios computed in Real (correct rounding of the same exact value must agree
// bit for bit) and reading back what was printed.
#define BOOST_TEST_MODULE decimal
#include <boost/test/unit_test.hpp>

#include "gradflow/numeric/decimal.hpp"
#include "support/working_precision.hpp"

#include <cmath>
#include <limits>
#include <regex>
#include <string>
#include <vector>

using gradflow::Real;
using namespace gradflow;

using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

BOOST_AUTO_TEST_CASE(accepts_only_finite_decimals) {
  for (const char* good : {"1", "-0.5", ".5", "5.", "+3E+7", "1e-100", "0", "123456789012345678901234567890"})
    BOOST_TEST(is_decimal(good), good);
  for (const char* bad :
       {"", " 1", "1 ", "nan", "NaN", "inf", "-inf", "1e", "0x10", "1.2.3", "--1", "e5", ".", "1,5", "½"})
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
  const Real values[] = {Real(1) / 3, Real(2) / 7 * pow(Real(10), -50), sqrt(Real(2)), -pow(Real(3), 200),
                         Real(0)};
  for (const Real& x : values) {
    const std::string text = to_decimal(x);
    BOOST_TEST(parse_decimal<Real>(text) == x, text);
  }
  for (double x : {0.1, 1.0 / 3, -2.5e-300, 6.02214076e23})
    BOOST_TEST(parse_decimal<double>(to_decimal(x)) == x);
}

BOOST_AUTO_TEST_CASE(printing_carries_every_working_digit) {
  // 1/3 printed must show at least `digits` significant threes ("3.333…e-01").
  std::string text = to_decimal(Real(1) / 3);
  text.erase(1, 1);
  BOOST_TEST(text.rfind(std::string(working_digits(), '3'), 0) == 0u, text);
}

BOOST_AUTO_TEST_CASE(the_scanner_accepts_what_the_old_regex_accepted) {
  // Oracle: the std::regex the scanner replaced, on every string of length <= 5 over the characters
  // that matter (short strings: the regex's recursion is harmless there).
  const std::regex old(R"([+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)");
  const std::string alphabet = "07.eE+- x";
  std::vector<std::string> corpus{""};
  for (std::size_t from = 0, length = 1; length <= 5; ++length) {
    const std::size_t to = corpus.size();
    for (std::size_t k = from; k < to; ++k)
      for (char ch : alphabet) corpus.push_back(corpus[k] + ch);
    from = to;
  }
  std::size_t accepted = 0, disagreements = 0;
  for (const std::string& s : corpus) {
    const bool expected = std::regex_match(s, old);
    accepted += expected;
    if (is_decimal(s) != expected && ++disagreements <= 10)
      BOOST_TEST(is_decimal(s) == expected, "\"" + s + "\"");
  }
  BOOST_TEST(disagreements == 0u);
  BOOST_TEST(corpus.size() == 66430u);  // 1 + 9 + … + 9^5
  BOOST_TEST(accepted > 100u);          // 834: both answers are well exercised
}

BOOST_AUTO_TEST_CASE(long_decimals_are_scanned_in_linear_time) {
  // Issue 16.4: the regex crashed (SIGSEGV, stack overflow) at about 30 000 characters.
  const std::string digits(1000000, '7');
  BOOST_TEST(is_decimal("-" + digits + "." + digits + "e-12"));
  BOOST_TEST(!is_decimal(digits + "." + digits + "e"));
  BOOST_TEST(!is_decimal(digits + "x" + digits));
}

BOOST_AUTO_TEST_CASE(round_trip_at_100000_digits) {
  // The largest precision.digits: printing and reading back give the same bits (oracle: the value).
  const working_precision_scope scope(100000);
  using std::sqrt;
  const Real x = sqrt(Real(2)) / 3;
  const std::string text = to_decimal(x);
  BOOST_TEST(text.size() > 100000u);
  const Real y = parse_decimal<Real>(text);
  BOOST_TEST((y == x));
  BOOST_TEST(has_working_precision(y));
}

BOOST_AUTO_TEST_CASE(underflow_is_refused_like_overflow) {
  // Issue 16.9: 1e-400000000 was read as 0 in a matrix; a nonzero decimal is never silently zeroed.
  BOOST_CHECK_THROW(parse_decimal<Real>("1e-400000000"), std::invalid_argument);
  BOOST_CHECK_THROW(parse_decimal<Real>("1e+400000000"), std::invalid_argument);
  BOOST_CHECK_THROW(parse_decimal<double>("1e-400"), std::invalid_argument);
  try {
    parse_decimal<Real>("-3e-400000000");
  } catch (const std::invalid_argument& e) {
    BOOST_TEST(std::string(e.what()) == "\"-3e-400000000\" is outside the MPFR exponent range");
  }
  // Zeros stay zeros, whatever their exponent.
  BOOST_TEST(parse_decimal<Real>("-0e-400000000") == 0);
  BOOST_TEST(parse_decimal<double>("0.000e-999") == 0);
}

BOOST_AUTO_TEST_CASE(float64_subnormals_are_accepted) {
  // Issue 16.9: subnormals were refused as "outside the float64 range" (glibc sets ERANGE for them).
  // Oracle: the subnormal values themselves, from numeric_limits and exact halving.
  BOOST_TEST(parse_decimal<double>("4.9406564584124654e-324") == std::numeric_limits<double>::denorm_min());
  BOOST_TEST(parse_decimal<double>("-4.9406564584124654e-323") ==
             -10 * std::numeric_limits<double>::denorm_min());
  BOOST_TEST(parse_decimal<double>("2.2250738585072009e-308") ==
             std::nextafter(std::numeric_limits<double>::min(), 0.0));
  BOOST_TEST(parse_decimal<double>(to_decimal(std::numeric_limits<double>::denorm_min() * 3)) ==
             std::numeric_limits<double>::denorm_min() * 3);
  BOOST_CHECK_THROW(parse_decimal<double>("2e-324"), std::invalid_argument);  // rounds to 0
}
