#pragma once
// jin2023.zeta (proofs/jin2023.zeta.md): the curvature weight of Jin & Montúfar's Prop. 14,
//   ζ(x) = ∫ |W|³ p_{W,B}(W, −Wx) dW = E(W² | C = x) p_C(x),  C = −B/W the breakpoint,
// against the initialiser's draws: for bins I_k, m_k = E[W² 1(C ∈ I_k)] = ∫_{I_k} ζ, estimated by
// the sample mean of w_i² 1(c_i ∈ I_k) with its standard error. Closed forms (THEOREMS.md §3.2 Thm 2):
//   W ~ N(0, σ_w²), B ~ N(0, σ_b²):   ζ(x) = 2σ_w³σ_b³ / (π(σ_b² + x²σ_w²)²)
//   W ~ U(−a_w, a_w), B ~ U(−a_b, a_b): ζ(x) = a_w³/(8a_b) for |x| ≤ a_b/a_w, a_b³/(8a_w x⁴) beyond.
#include "gradflow/checks/check_result.hpp"
#include "gradflow/models/relu_init.hpp"
#include "gradflow/numeric/decimal.hpp"

#include <boost/math/constants/constants.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace gradflow {

/// ∫_0^x ζ for the law and scales of `o` (odd in x).
template <class Scalar>
Scalar zeta_integral(const relu_init_options<Scalar>& o, const Scalar& x) {
  using std::abs;
  using std::atan;
  const Scalar& sw = o.w_scale;
  const Scalar& sb = o.b_scale;
  if (o.law == relu_init_law::gaussian) {
    // ∫ dx/(a² + b²x²)² = x/(2a²(a² + b²x²)) + atan(bx/a)/(2a³b), a = σ_b, b = σ_w.
    const Scalar pi = boost::math::constants::pi<Scalar>();
    return 2 * sw * sw * sw * sb * sb * sb / pi *
           (x / (2 * sb * sb * (sb * sb + sw * sw * x * x)) + atan(sw * x / sb) / (2 * sb * sb * sb * sw));
  }
  const Scalar r = sb / sw, ax = abs(x), sign = x < 0 ? Scalar(-1) : Scalar(1);
  const Scalar inner = sw * sw * sw / (8 * sb) * (ax < r ? ax : r);
  if (ax <= r) return sign * inner;
  return sign * (inner + sb * sb * sb / (24 * sw) * (1 / (r * r * r) - 1 / (ax * ax * ax)));
}

/// jin2023.zeta: the breakpoints c_i = −b_i/w_i of `drawn` (n×1 W, b) against ζ of the law `claimed`
/// (d = 1) on `bins` equal bins of [−reach, reach]; pass when every bin's standardised deviation
/// |m̂_k − m_k|/se_k is at most `z_max`.
template <class Scalar>
check_result check_jin2023_zeta(const relu_parameters<Scalar>& drawn, const relu_init_options<Scalar>& claimed, const Scalar& reach,
                                int bins, const Scalar& z_max) {
  using std::abs;
  using std::sqrt;
  const std::string id = "jin2023.zeta";
  if (drawn.W.cols() != 1)
    return not_applicable(id, "input dimension d = " + std::to_string(drawn.W.cols()) + ": the formula is for d = 1 (Thm 2)");
  const relu_parameters<Scalar>& p = drawn;
  const relu_init_options<Scalar>& o = claimed;
  const Eigen::Index n = p.W.rows();
  std::vector<Scalar> sum(static_cast<std::size_t>(bins), Scalar(0)), squares(sum);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (p.W(i, 0) == 0) continue;
    const Scalar c = -p.b(i) / p.W(i, 0);
    if (!(abs(c) < reach)) continue;
    const auto k = static_cast<std::size_t>(static_cast<double>((c + reach) / (2 * reach) * bins));
    const Scalar w2 = p.W(i, 0) * p.W(i, 0);
    sum[std::min(k, sum.size() - 1)] += w2;
    squares[std::min(k, sum.size() - 1)] += w2 * w2;
  }
  Scalar worst(0);
  std::string where;
  for (int k = 0; k < bins; ++k) {
    const Scalar lo = -reach + 2 * reach * k / bins, hi = -reach + 2 * reach * (k + 1) / bins;
    const Scalar expected = zeta_integral(o, hi) - zeta_integral(o, lo);
    const Scalar mean = sum[static_cast<std::size_t>(k)] / n;
    const Scalar variance = squares[static_cast<std::size_t>(k)] / n - mean * mean;
    if (!(variance > 0)) {  // an empty bin: a failure only where the law puts mass the sample should have seen
      if (expected * n > 10) worst = Scalar(1) / 0, where = "an empty bin at " + to_short_decimal(lo);
      continue;
    }
    const Scalar z = abs(mean - expected) / sqrt(variance / n);
    if (z > worst) worst = z, where = "[" + to_short_decimal(lo) + ", " + to_short_decimal(hi) + ")";
  }
  return {id, worst <= z_max ? verdict::pass : verdict::fail, to_decimal(worst), to_decimal(z_max),
          "max over " + std::to_string(bins) + " bins of [−" + to_short_decimal(reach) + ", " + to_short_decimal(reach) +
              "] of |mean of w_i² 1(c_i ∈ bin) − ∫_bin ζ| / standard error, " + std::to_string(n) + " units drawn" +
              (where.empty() ? "" : "; largest in " + where)};
}

}  // namespace gradflow
