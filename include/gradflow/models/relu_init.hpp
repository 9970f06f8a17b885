#pragma once
// Seeded initialisation of a relu_shallow network (Jin & Montúfar 2023, THEOREMS.md §3.1), the same
// on every machine and, up to rounding, at every precision:
//   generator  std::mt19937_64 (fully specified by the C++ standard) seeded with `seed`;
//   uniform    u = (k₁ + k₂ 2^−64) 2^−64 ∈ [0, 1) from two 64-bit draws, formed at the working
//              precision (exact from 128 bits on);
//   gaussian   Box–Muller √(−2 ln(1 − u₁)) cos(2π u₂), with MPFR's correctly rounded functions.
// First layer: w_i ~ U(−σ_w, σ_w) or N(0, σ_w²), b_i ~ U(−σ_b, σ_b) or N(0, σ_b²) (d = 2: each
// component of w_i); output weights a_i = ξ_i/√n with ξ_i from the same law at scale 1; c = u = v = 0.
//   sphere     w_i uniform on the sphere of radius σ_w (d = 1: ±σ_w, sign from u < ½; d = 2:
//              σ_w (cos 2πu, sin 2πu)), b_i ~ U(−σ_b, σ_b), ξ_i ~ U(−1, 1) (Thm 2 b, Thm 7/8).
// Anti-symmetrical initialisation (ASI): n units are drawn and copied with a negated output weight,
// 2n units in all, and the output scale is √2/2, so f(·, θ₀) = 0 (to rounding).
#include "gradflow/models/relu_shallow.hpp"
#include "gradflow/numeric/precision.hpp"

#include <boost/math/constants/constants.hpp>

#include <cmath>
#include <cstdint>
#include <random>
#include <utility>

namespace gradflow {

enum class relu_init_law { uniform, gaussian, sphere };

template <class Scalar>
struct relu_init_options {
  relu_init_law law = relu_init_law::uniform;
  Scalar w_scale{1},
      b_scale{2};  ///< half-widths (uniform) or standard deviations (gaussian); sphere: radius, half-width
  Eigen::Index width = 10;  ///< units drawn (the network has 2·width with asi)
  Eigen::Index d = 1;
  bool asi = true, skip = false;
  std::uint64_t seed = 1;
};

/// Draws of the documented laws from one std::mt19937_64 stream.
template <class Scalar>
class seeded_draws {
 public:
  explicit seeded_draws(std::uint64_t seed) : m_engine(seed) {}
  /// u ∈ [0, 1).
  Scalar uniform() {
    const Scalar two64 = pow2(64);
    const Scalar k1(static_cast<unsigned long long>(m_engine())),
        k2(static_cast<unsigned long long>(m_engine()));
    return (k1 + k2 / two64) / two64;
  }
  /// U(−scale, scale) or N(0, scale²).
  Scalar draw(relu_init_law law, const Scalar& scale) {
    using std::cos;
    using std::log;
    using std::sqrt;
    if (law == relu_init_law::uniform) return scale * (2 * uniform() - 1);
    const Scalar u1 = uniform(), u2 = uniform();
    return scale * sqrt(-2 * log(1 - u1)) * cos(2 * boost::math::constants::pi<Scalar>() * u2);
  }

 private:
  static Scalar pow2(int k) {
    Scalar p(1);
    for (int i = 0; i < k; ++i) p *= 2;
    return p;
  }
  std::mt19937_64 m_engine;
};

/// The parameters and output scale of the network the options describe.
template <class Scalar>
std::pair<relu_parameters<Scalar>, Scalar> initial_parameters(const relu_init_options<Scalar>& o) {
  using std::sqrt;
  seeded_draws<Scalar> draws(o.seed);
  const Eigen::Index n = o.width, units = o.asi ? 2 * n : n;
  relu_parameters<Scalar> p;
  p.W.resize(units, o.d);
  p.b.resize(units, 1);
  p.a.resize(units, 1);
  const Scalar root_n = sqrt(Scalar(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    if (o.law == relu_init_law::sphere) {
      using std::cos;
      using std::sin;
      if (o.d == 1) {
        p.W(i, 0) = draws.uniform() < Scalar(1) / 2 ? Scalar(-o.w_scale) : o.w_scale;
      } else {
        const Scalar angle = 2 * boost::math::constants::pi<Scalar>() * draws.uniform();
        p.W(i, 0) = o.w_scale * cos(angle);
        p.W(i, 1) = o.w_scale * sin(angle);
      }
      p.b(i) = draws.draw(relu_init_law::uniform, o.b_scale);
      p.a(i) = draws.draw(relu_init_law::uniform, Scalar(1)) / root_n;
      continue;
    }
    for (Eigen::Index k = 0; k < o.d; ++k) p.W(i, k) = draws.draw(o.law, o.w_scale);
    p.b(i) = draws.draw(o.law, o.b_scale);
    p.a(i) = draws.draw(o.law, Scalar(1)) / root_n;
  }
  if (o.asi) {
    p.W.bottomRows(n) = p.W.topRows(n);
    p.b.bottomRows(n) = p.b.topRows(n);
    p.a.bottomRows(n) = -p.a.topRows(n);
  }
  p.c = matrix<Scalar>::Zero(1, 1);
  if (o.skip) p.u = matrix<Scalar>::Zero(o.d, 1), p.v = matrix<Scalar>::Zero(1, 1);
  return {p, o.asi ? Scalar(sqrt(Scalar(2)) / 2) : Scalar(1)};
}

}  // namespace gradflow
