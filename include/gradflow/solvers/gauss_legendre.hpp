#pragma once
// Adaptive Gauss–Legendre quadrature at the working precision, for the checks that need an integral
// computed independently of the flow (moroshko2020.transition's clock t(τ) = ∫₀^τ e^{γ(u)} du).
//
// Notation: the n-point rule on [−1, 1] has nodes x_i (roots of the Legendre polynomial P_n, found by
//   Newton from cos(π(i − ¼)/(n + ½))) and weights w_i = 2/((1 − x_i²)P_n'(x_i)²). A panel [a, b] is
//   accepted when the rule on it and the sum of the rules on its halves agree to `rel_tol` of the
//   latter (the integrands here are positive, so the relative test is meaningful); otherwise it is
//   bisected. rel_tol must sit above the rule's rounding (≈ n·eps for an n-term sum), or no panel
//   passes. The rule is exact for polynomials of degree 2n − 1; on an entire integrand its error
//   falls geometrically with the panel length, so the halves' sum is far more accurate than the test.
#include "gradflow/numeric/matrix.hpp"
#include "gradflow/numeric/precision.hpp"

#include <boost/math/constants/constants.hpp>

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gradflow::solvers {

/// The n-point Gauss–Legendre rule on [−1, 1] at the working precision.
template <class Scalar>
struct gauss_legendre_rule {
  std::vector<Scalar> nodes, weights;

  explicit gauss_legendre_rule(int n) {
    using std::abs;
    using std::cos;
    const Scalar pi = boost::math::constants::pi<Scalar>();
    for (int i = 1; i <= n; ++i) {
      Scalar x = cos(pi * (4 * i - 1) / (4 * n + 2)), derivative(0);
      for (int iteration = 0; iteration < 100; ++iteration) {
        // P_n(x) and P_n'(x) by the three-term recurrence.
        Scalar p0(1), p1 = x;
        for (int k = 2; k <= n; ++k) {
          const Scalar p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
          p0 = p1, p1 = p2;
        }
        derivative = n * (x * p1 - p0) / (x * x - 1);
        const Scalar step = p1 / derivative;
        x -= step;
        if (abs(step) <= 4 * eps<Scalar>()) break;
      }
      nodes.push_back(x);
      weights.push_back(Scalar(2) / ((1 - x * x) * derivative * derivative));
    }
  }

  /// ∫_a^b f by this rule alone.
  Scalar apply(const std::function<Scalar(const Scalar&)>& f, const Scalar& a, const Scalar& b) const {
    const Scalar half = (b - a) / 2, mid = (a + b) / 2;
    Scalar sum(0);
    for (std::size_t i = 0; i < nodes.size(); ++i) sum += weights[i] * f(mid + half * nodes[i]);
    return sum * half;
  }
};

/// ∫_a^b f (f > 0 on [a, b]) to about rel_tol relative, by bisection of panels; throws
/// std::runtime_error when f is not finite on a panel or a panel needs more than `max_depth`
/// bisections (rel_tol must sit above f's own relative rounding).
template <class Scalar>
Scalar integrate_positive(const gauss_legendre_rule<Scalar>& rule,
                          const std::function<Scalar(const Scalar&)>& f, const Scalar& a, const Scalar& b,
                          const Scalar& rel_tol, int max_depth = 48) {
  using std::abs;
  struct panel {
    Scalar a, b, whole;
    int depth;
  };
  std::vector<panel> todo{{a, b, rule.apply(f, a, b), 0}};
  Scalar total(0);
  while (!todo.empty()) {
    const panel p = todo.back();
    todo.pop_back();
    const Scalar mid = (p.a + p.b) / 2;
    const Scalar left = rule.apply(f, p.a, mid), right = rule.apply(f, mid, p.b);
    if (abs(left + right - p.whole) <= rel_tol * abs(left + right)) {
      total += left + right;
      continue;
    }
    if (!(abs(left + right) >= 0))
      throw std::runtime_error("integrate_positive: the integrand is not finite on the panel");
    if (p.depth >= max_depth)
      throw std::runtime_error("integrate_positive: no convergence after " + std::to_string(max_depth) +
                               " bisections (rel_tol below the integrand's rounding?)");
    todo.push_back({p.a, mid, left, p.depth + 1});
    todo.push_back({mid, p.b, right, p.depth + 1});
  }
  return total;
}

}  // namespace gradflow::solvers
