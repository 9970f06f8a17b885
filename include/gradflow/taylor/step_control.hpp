#pragma once
// Order and step size of the adaptive Taylor method (Jorba & Zou 2005, as in heyoka):
//   order p = ⌈−½ ln ε⌉ + 1,
//   ρ_k = (1/‖x_k‖∞)^(1/k)          when ‖x_0‖∞ ≤ 1 (absolute error control),
//   ρ_k = (‖x_0‖∞/‖x_k‖∞)^(1/k)     otherwise (relative),
//   h = min(ρ_{p−1}, ρ_p) · e^(−2) · e^(−0.7/(p−1)).
// The truncation error of the order-p polynomial is then about (h/ρ)^p ≈ e^(−2p) ≤ ε, so no step
// is ever rejected.
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/taylor/jet.hpp"

#include <cmath>
#include <optional>

namespace gradflow::taylor::detail {

/// p = ⌈−½ ln ε⌉ + 1 for the tolerance ε (0 < ε < 1).
template <class Scalar>
int order_for(const Scalar& tolerance) {
  const double ln_eps = log10_as_double(tolerance) * std::log(10.0);
  return static_cast<int>(std::ceil(-ln_eps / 2)) + 1;
}

/// max_i |x_k,i|
template <class Jet>
auto coefficient_norm(const Jet& J, int k) {
  using std::abs;
  using Scalar = std::decay_t<decltype(J.coefficient(k, 0))>;
  if constexpr (requires { J.coefficient_norm(k); }) {
    return Scalar(J.coefficient_norm(k));  // the jet knows a cheaper way
  } else {
    Scalar m(0);
    for (std::size_t i = 0; i < J.dimension(); ++i) {
      Scalar c = abs(J.coefficient(k, i));
      if (c > m) m = std::move(c);
    }
    return m;
  }
}

/// Step size from the last two coefficients; nullopt when both vanish (x is at an equilibrium to
/// the order computed, so any step is exact).
template <class Jet, class Scalar = std::decay_t<decltype(std::declval<Jet>().coefficient(0, 0))>>
std::optional<Scalar> step_size(const Jet& J) {
  using std::exp;
  using std::pow;
  const int p = J.order();
  const Scalar norm0 = coefficient_norm(J, 0);
  std::optional<Scalar> rho;
  for (int k : {p - 1, p}) {
    const Scalar norm_k = coefficient_norm(J, k);
    if (norm_k == 0) continue;
    const Scalar base = norm0 > 1 ? Scalar(norm0 / norm_k) : Scalar(1 / norm_k);
    const Scalar rho_k = pow(base, Scalar(1) / k);
    if (!rho || rho_k < *rho) rho = rho_k;
  }
  if (!rho) return std::nullopt;
  return *rho * exp(Scalar(-2) - Scalar(7) / (10 * (p - 1)));
}

}  // namespace gradflow::taylor::detail
