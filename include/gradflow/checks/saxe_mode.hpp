#pragma once
// Closed-form mode strength of a balanced deep linear network with whitened inputs
// (Saxe, McClelland, Ganguli 2014; THEOREMS.md §7.3; derivation in proofs/saxe2014.closed_form.md).
//
// Notation: depth L ≥ 2, mode singular value s ≥ 0, strength a = b^L ≥ 0 with every layer's factor b.
//   ḃ = b^{L−1}(s − b^L),  so  ȧ = L a^{2−2/L}(s − a).
// For s > 0, dt = db / (b^{L−1}(s − b^L)) = (1/s)[b^{1−L} + b/(s − b^L)] db, and with c = s^{1/L},
// z_k = c·e^{2πik/L} (the roots of b^L = s):
//   G(b) = (1/s)[F1(b) + F2(b)],  F1 = ln b (L = 2) or b^{2−L}/(2−L) (L ≥ 3),
//   F2(b) = −(1/L) Σ_k Re[z_k^{2−L} Log(b − z_k)]   (partial fractions of b/(s − b^L)),
// and t = G(b(t)) − G(b0). For s = 0: b^{2−2L} = b0^{2−2L} + (2L − 2)t. For L = 2 this is the
// logistic a(t) = s e^{2st} / (e^{2st} − 1 + s/a0).
#include "gradflow/numeric/precision.hpp"

#include <boost/math/constants/constants.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace gradflow {

namespace detail {

// G(b) for s > 0 (see the header comment); b ≠ c.
template <class Scalar>
Scalar saxe_time_potential(int L, const Scalar& s, const Scalar& b) {
  using std::abs;
  using std::atan2;
  using std::cos;
  using std::log;
  using std::pow;
  using std::sin;
  const Scalar c = pow(s, Scalar(1) / L);
  const Scalar two_pi = 2 * boost::math::constants::pi<Scalar>();
  const Scalar F1 = L == 2 ? Scalar(log(b)) : Scalar(pow(b, Scalar(2 - L)) / (2 - L));
  Scalar F2(0);
  for (int k = 0; k < L; ++k) {
    const Scalar phi = two_pi * k / L;
    // z^{2−L} = c^{2−L} e^{i(2−L)φ};  b − z = (b − c cos φ) − i c sin φ.
    const Scalar modulus = pow(c, Scalar(2 - L)), angle = (2 - L) * phi;
    const Scalar re = b - c * cos(phi), im = -c * sin(phi);
    const Scalar log_abs = (2 * k == L || k == 0) ? Scalar(log(abs(re))) : Scalar(log(re * re + im * im) / 2);
    const Scalar arg = (2 * k == L || k == 0) ? Scalar(0) : Scalar(atan2(im, re));
    F2 -= modulus * (cos(angle) * log_abs - sin(angle) * arg) / L;
  }
  return (F1 + F2) / s;
}

}  // namespace detail

/// a(t) of one mode: depth L ≥ 2, singular value s ≥ 0 of Σyx, initial strength a0 ≥ 0, time t ≥ 0.
/// Solved from the closed form t = G(b) − G(b0) by safeguarded Newton to working precision.
template <class Scalar>
Scalar saxe_mode_strength(int L, const Scalar& s, const Scalar& a0, const Scalar& t) {
  using std::abs;
  using std::pow;
  if (L < 2 || s < 0 || a0 < 0 || t < 0)
    throw std::invalid_argument("saxe_mode_strength needs L >= 2, s >= 0, a0 >= 0, t >= 0");
  if (a0 == 0 || t == 0) return a0;
  const Scalar b0 = pow(a0, Scalar(1) / L);
  if (s == 0) return pow(pow(b0, Scalar(2 - 2 * L)) + (2 * L - 2) * t, Scalar(L) / (2 - 2 * L));
  const Scalar c = pow(s, Scalar(1) / L);
  if (b0 == c) return a0;
  // b moves monotonically from b0 towards c; G(b) − G(b0) − t changes sign once on that interval.
  Scalar lo = std::min(b0, c), hi = std::max(b0, c);
  const Scalar G0 = detail::saxe_time_potential(L, s, b0);
  auto residual = [&](const Scalar& b) { return detail::saxe_time_potential(L, s, b) - G0 - t; };
  const bool rising = b0 < c;  // then the residual increases with b
  Scalar b = rising ? Scalar(b0 + (c - b0) / 2) : Scalar(c + (b0 - c) / 2);
  const Scalar tiny = 4 * eps<Scalar>() * c;
  for (int iteration = 0; iteration < 1000000; ++iteration) {  // bisection alone needs ≈ bits steps
    const Scalar f = residual(b);
    if (f == 0) break;
    if ((f > 0) == rising)
      hi = b;
    else
      lo = b;
    const Scalar slope = 1 / (pow(b, Scalar(L - 1)) * (s - pow(b, Scalar(L))));
    Scalar next = b - f / slope;
    if (!(next > lo && next < hi)) next = lo + (hi - lo) / 2;  // Newton left the bracket: bisect
    if (abs(next - b) <= tiny || hi - lo <= tiny) {
      b = next;
      break;
    }
    b = next;
  }
  return pow(b, Scalar(L));
}

}  // namespace gradflow
