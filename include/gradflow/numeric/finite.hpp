#pragma once
// Whether a state is finite: the drivers' test after every step (a NaN or ±inf ends the run).
#include <cmath>
#include <vector>

namespace gradflow {

/// True when every entry of θ is finite.
template <class Scalar>
bool is_finite_state(const std::vector<Scalar>& theta) {
  using std::isfinite;
  for (const Scalar& x : theta)
    if (!isfinite(x)) return false;
  return true;
}

}  // namespace gradflow
