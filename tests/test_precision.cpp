// One working precision per process, and no value silently below it (Boost 1.74 keeps the MPFR
// default precision in a process-global; a Real made before it is set keeps the old precision).
#define BOOST_TEST_MODULE precision
#include <boost/test/unit_test.hpp>

#include "gradflow/integrate/integrate.hpp"
#include "gradflow/models/linear2.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "support/working_precision.hpp"

using namespace gradflow;

// No global fixture: the first case creates a Real before the precision is set.
BOOST_AUTO_TEST_CASE(value_made_before_setting_is_detected) {
  const Real early(1);  // Boost's default precision, not the working one
  const unsigned digits = test::requested_digits();
  set_working_digits(digits);
  BOOST_TEST(working_digits() == digits);
  BOOST_TEST(precision_bits(early) != working_bits());
  const std::vector<Real> values{early};
  BOOST_CHECK_THROW(require_working_precision(values, "early value"), std::logic_error);
  BOOST_TEST(has_working_precision(Real(1)));
}

BOOST_AUTO_TEST_CASE(second_different_precision_is_refused) {
  BOOST_CHECK_NO_THROW(set_working_digits(working_digits()));
  BOOST_CHECK_THROW(set_working_digits(working_digits() + 10), std::logic_error);
  BOOST_CHECK_THROW(set_working_digits(5), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(eps_is_the_unit_roundoff_of_the_working_bits) {
  const Real e = eps<Real>();
  BOOST_TEST(Real(1) + e != Real(1));
  BOOST_TEST(Real(1) + e / 2 == Real(1));  // ties round to even
  BOOST_TEST(working_bits() >= static_cast<long>(working_digits() * 3.32));
}

BOOST_AUTO_TEST_CASE(integration_keeps_working_precision) {
  matrix<Real> X(2, 2), Y(2, 1), U(2, 1), V(1, 1);
  X << parse_decimal<Real>("1"), parse_decimal<Real>("0.3"), parse_decimal<Real>("0"),
      parse_decimal<Real>("2");
  Y << 1, -1;
  U << parse_decimal<Real>("0.5"), parse_decimal<Real>("-0.2");
  V << parse_decimal<Real>("0.7");
  const linear2<Real> model(X, Y, 1);
  std::vector<Real> theta = model.pack(U, V);
  integrate_options<Real> o;
  o.tolerance = test::eps_power(1, 4);  // loose: this test is about precision, not accuracy
  o.t_end = 1;
  o.sample_times = {Real(0), Real(1) / 2, Real(1)};
  integrate_observer<Real> observer;
  std::size_t samples = 0;
  observer.on_sample = [&](const Real& t, std::span<const Real> th) {
    ++samples;
    BOOST_TEST(has_working_precision(t));
    for (const Real& x : th) BOOST_TEST(has_working_precision(x));
  };
  for (method m : {method::rk78, method::dopri5, method::bulirsch_stoer}) {
    std::vector<Real> state = theta;
    o.method = m;
    const auto summary = integrate(model, state, o, observer);
    BOOST_TEST((summary.reason == stop_reason::t_end));
    BOOST_TEST(has_working_precision(summary.t_final));
    BOOST_TEST(has_working_precision(model.loss(state.data())));
    for (const Real& x : state) BOOST_TEST(has_working_precision(x));
  }
  BOOST_TEST(samples == 9u);
}
