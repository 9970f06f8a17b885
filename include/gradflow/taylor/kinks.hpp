#pragma once
// Kink events of piecewise-smooth fields (relu/heaviside in the graph): within one Taylor step every
// kink-source entry a(τ) = Σ_k a_k τ^k (k < order for a graph node; k ≤ order where the jet knows the
// entry as a function of the state polynomial, as a model's own jet may do, so that the landing leaves
// the entry at rounding, not at the truncation error) must stay on the branch the step was computed with
// (a > 0 active, a ≤ 0 inactive). first_kink() finds the earliest τ in (0, h] where one leaves it:
//   1. exclusion (the jet's stays_on_branch()): e.g. |a_0| > Σ_{k≥1} |a_k| h^k with a_0 on the
//      branch's side — no root in [0, h];
//   2. otherwise the signs at τ_m = m h / 16 (m = 1 … 16) bracket the first change of side, and
//      Newton on the polynomial, kept inside the bracket, finds it to 4 eps (relative).
// The samples start at τ_1, not 0: an entry just landed on (a_0 = 0 up to the landing's error, on
// either side) is not an event again unless it is on the wrong side at τ_1; then it turns back at
// once and the kink is reported at τ = 0 (the model's events decide: taylor/events.hpp, at_once).
// Two changes of side between neighbouring samples are not seen
// (the operand would have to touch zero twice within h/16 of the step).
#include "gradflow/numeric/precision.hpp"
#include "gradflow/taylor/jet.hpp"

#include <optional>
#include <utility>
#include <vector>

namespace gradflow::taylor::detail {

/// Where a step must end: τ and every entry (source, index) that changes side there (to 8 eps).
template <class Scalar>
struct kink {
  Scalar tau;
  std::vector<std::pair<std::size_t, Eigen::Index>> entries;
};

/// The first kink in (0, h], skipping the entries for which ignored(source, entry) holds.
template <class Scalar, class Jet, class Ignored>
std::optional<kink<Scalar>> first_kink(const Jet& J, const Scalar& h, const Ignored& ignored) {
  using std::abs;
  std::optional<kink<Scalar>> first;
  const Scalar same(8 * eps<Scalar>() * h);
  std::vector<Scalar> series;
  for (std::size_t s = 0; s < J.kink_sources(); ++s) {
    const Eigen::Index size = J.kink_size(s);
    for (Eigen::Index i = 0; i < size; ++i) {
      if (ignored(s, i) || J.stays_on_branch(s, i, h)) continue;
      J.kink_series(s, i, series);
      const int degree = static_cast<int>(series.size()) - 1;
      const auto a = [&](int k) -> const Scalar& { return series[static_cast<std::size_t>(k)]; };
      const bool on = J.active(s, i);
      const auto agrees = [on](const Scalar& value) { return (value > 0) == on; };
      const auto at = [&](const Scalar& tau) {
        Scalar v = a(degree);
        for (int k = degree - 1; k >= 0; --k) v = v * tau + a(k);
        return v;
      };
      const auto slope = [&](const Scalar& tau) {
        Scalar v = degree * a(degree);
        for (int k = degree - 1; k >= 1; --k) v = v * tau + k * a(k);
        return v;
      };
      Scalar lo(0), hi(0);
      bool found = false;
      for (int m = 1; m <= 16 && !found; ++m) {
        lo = hi;
        hi = h * m / 16;
        found = !agrees(at(hi));
      }
      if (!found || (first && lo > first->tau + same)) continue;
      // An entry just landed on (its operand is zero up to the landing's error, on either side) that
      // is on the wrong side already at τ_1 turns back at once: τ = 0, whatever root that residue
      // puts in between. (Every other entry starts on its side: its branch is the sign of a_0.)
      const bool at_once = lo == 0 && J.landed(s, i);
      Scalar tau =
          at_once ? Scalar(0)
                  : Scalar((lo + hi) / 2);  // Newton on the polynomial, kept inside the shrinking bracket
      for (int iteration = 0; iteration < 400 && !at_once; ++iteration) {
        const Scalar value = at(tau), d = slope(tau);
        (agrees(value) ? lo : hi) = tau;
        Scalar next = d != 0 ? Scalar(tau - value / d) : Scalar((lo + hi) / 2);
        if (!(next > lo && next < hi)) next = (lo + hi) / 2;
        const bool converged = abs(next - tau) <= 4 * eps<Scalar>() * abs(next);
        tau = next;
        if (converged) break;
      }
      if (!first || tau < first->tau - same)
        first = kink<Scalar>{tau, {{s, i}}};
      else if (abs(tau - first->tau) <= same)
        first->entries.emplace_back(s, i);
    }
  }
  return first;
}

}  // namespace gradflow::taylor::detail
