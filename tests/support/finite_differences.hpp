#pragma once
// The gradient check shared by the model suites (Ceres' gradient_checker pattern: return the error).
#include "gradflow/numeric/precision.hpp"

#include <vector>

namespace gradflow::test {

/// max_k |v_k − (−∂L/∂θ_k)| / max_k |v_k|, the derivative by central differences of step eps^(1/3)
/// (truncation O(δ²) and cancellation O(eps/δ) both O(eps^(2/3))).
template <class Model>
Real fd_relative_error(const Model& model, const std::vector<Real>& theta, const std::vector<Real>& v) {
  using std::abs;
  using std::cbrt;
  using std::max;
  const Real delta = cbrt(eps<Real>());
  Real worst(0), scale(0);
  for (std::size_t k = 0; k < theta.size(); ++k) {
    std::vector<Real> plus = theta, minus = theta;
    plus[k] += delta;
    minus[k] -= delta;
    const Real fd = -(model.loss(plus.data()) - model.loss(minus.data())) / (2 * delta);
    worst = max(worst, abs(v[k] - fd));
    scale = max(scale, abs(v[k]));
  }
  return worst / scale;
}

}  // namespace gradflow::test
