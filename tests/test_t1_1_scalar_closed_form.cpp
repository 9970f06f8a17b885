// THEOREMS.md T1.1: scalar two-layer net L = ½(y − uv)². With p = uv and d = u² − v² (conserved),
//   ṗ = (y − p)√(d² + 4p²),  t(p) = F(p) − F(p0),
//   F(q) = (1/R) ln|(4yq + d² + R√(4q² + d²)) / (y − q)|,  R = √(4y² + d²).
// Oracle: p(t) by solving F(p) − F(p0) = t with safeguarded Newton at working precision (no ODE
// solver involved). gradflow's p(t) must agree to at least half the working digits.
#define BOOST_TEST_MODULE t1_1_scalar_closed_form
#include <boost/test/unit_test.hpp>

#include "gradflow/integrate/integrate.hpp"
#include "gradflow/models/linear2.hpp"
#include "support/working_precision.hpp"

using namespace gradflow;
using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

struct scalar_instance {
  Real y, u0, v0;
  Real p0() const { return u0 * v0; }
  Real d() const { return u0 * u0 - v0 * v0; }
  Real R() const { return sqrt(4 * y * y + d() * d()); }
  Real F(const Real& q) const {
    using std::abs;
    using std::log;
    return log(abs((4 * y * q + d() * d() + R() * sqrt(4 * q * q + d() * d())) / (y - q))) / R();
  }
  // dF/dq = 1/ṗ
  Real dF(const Real& q) const { return 1 / ((y - q) * sqrt(d() * d() + 4 * q * q)); }

  // p(t) for p0 < y: the root of F(p) − F(p0) − t in (p0, y), Newton kept inside a shrinking bracket.
  Real p_exact(const Real& t) const {
    using std::abs;
    Real lo = p0(), hi = y, p = (lo + hi) / 2;
    const Real target = F(p0()) + t;
    for (int i = 0; i < 2000; ++i) {
      const Real g = F(p) - target;
      (g < 0 ? lo : hi) = p;
      Real next = p - g / dF(p);
      if (!(next > lo && next < hi)) next = (lo + hi) / 2;
      if (abs(next - p) <= 4 * eps<Real>() * abs(p)) return next;
      p = next;
    }
    BOOST_FAIL("Newton on the closed form did not converge");
    return p;
  }
};

// p(t) = u(t)v(t) from gradflow for each time in `times`.
std::vector<Real> p_by_gradflow(const scalar_instance& s, method m, const std::vector<Real>& times) {
  matrix<Real> X(1, 1), Y(1, 1), U(1, 1), V(1, 1);
  X << 1;
  Y << s.y;
  U << s.u0;
  V << s.v0;
  const linear2<Real> model(X, Y, 1);
  std::vector<Real> theta = model.pack(U, V);
  integrate_options<Real> o;
  o.method = m;
  o.tolerance = test::eps_power(3, 5);
  o.t_end = times.back();
  o.sample_times = times;
  std::vector<Real> p;
  integrate_observer<Real> observer;
  observer.on_sample = [&](const Real&, std::span<const Real> th) { p.push_back(th[0] * th[1]); };
  integrate(model, theta, o, observer);
  return p;
}

// Built on call, after the fixture set the working precision (a namespace-scope Real would be
// created before it and carry Boost's default precision; integrate() refuses such values).
scalar_instance theorems_instance() {
  return {Real(2), parse_decimal<Real>("1.5"), parse_decimal<Real>("0.1")};
}
scalar_instance negative_imbalance() {
  return {Real(1), parse_decimal<Real>("0.3"), parse_decimal<Real>("0.8")};
}

}  // namespace

BOOST_AUTO_TEST_CASE(oracle_reproduces_published_values) {
  // THEOREMS.md T1.1 (mpmath, 40 digits, printed to 25 significant digits): checks the oracle itself.
  if (working_digits() < 30) return;
  const scalar_instance s = theorems_instance();
  BOOST_TEST(test::agreement_digits(s.p_exact(Real(1) / 4),
                                    parse_decimal<Real>("1.033237515703739353422746")) >= 24);
  BOOST_TEST(test::agreement_digits(s.p_exact(Real(1)), parse_decimal<Real>("1.952969105281830749648927")) >=
             24);
  BOOST_TEST(test::agreement_digits(s.p_exact(Real(3)), parse_decimal<Real>("1.999995009158513111262306")) >=
             24);
}

BOOST_AUTO_TEST_CASE(flow_matches_closed_form) {
  const std::vector<Real> times{Real(1) / 4, Real(1), Real(3)};
  const double wanted = working_digits() / 2.0;
  for (const scalar_instance& s : {theorems_instance(), negative_imbalance()}) {
    for (method m : {method::rk78, method::bulirsch_stoer}) {
      const std::vector<Real> p = p_by_gradflow(s, m, times);
      BOOST_REQUIRE(p.size() == times.size());
      for (std::size_t k = 0; k < times.size(); ++k) {
        const double digits = test::agreement_digits(p[k], s.p_exact(times[k]));
        BOOST_TEST_MESSAGE(method_name(m) << " t = " << times[k].str(4) << ": " << digits << " digits");
        BOOST_TEST(digits >= wanted, method_name(m)
                                         << " at t = " << times[k].str(4) << ": " << digits << " digits");
      }
    }
  }
}
