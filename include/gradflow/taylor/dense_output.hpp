#pragma once
// Dense output of a Taylor step: the step polynomial and its derivative at any τ in [0, h]. A jet
// that knows a cheaper way (a model's own jet, e.g. one polynomial per group of units) provides
// evaluate(τ, x) and evaluate_derivative(τ, dx) itself.
#include "gradflow/taylor/jet.hpp"

#include <vector>

namespace gradflow::taylor::detail {

/// x(τ) = Σ_k x_k τ^k by Horner's rule.
template <class Jet, class Scalar>
void evaluate_polynomial(const Jet& J, const Scalar& tau, std::vector<Scalar>& x) {
  if constexpr (requires { J.evaluate(tau, x); }) {
    J.evaluate(tau, x);
  } else {
    for (std::size_t i = 0; i < J.dimension(); ++i) {
      Scalar v = J.coefficient(J.order(), i);
      for (int k = J.order() - 1; k >= 0; --k) v = v * tau + J.coefficient(k, i);
      x[i] = v;
    }
  }
}

/// x'(τ) = Σ_k k x_k τ^(k−1).
template <class Jet, class Scalar>
void evaluate_derivative(const Jet& J, const Scalar& tau, std::vector<Scalar>& dx) {
  if constexpr (requires { J.evaluate_derivative(tau, dx); }) {
    J.evaluate_derivative(tau, dx);
  } else {
    for (std::size_t i = 0; i < J.dimension(); ++i) {
      Scalar v = J.order() * J.coefficient(J.order(), i);
      for (int k = J.order() - 1; k >= 1; --k) v = v * tau + k * J.coefficient(k, i);
      dx[i] = v;
    }
  }
}

}  // namespace gradflow::taylor::detail
