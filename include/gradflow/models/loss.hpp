#pragma once
// The losses of the predictor models (diagonal, tensor), as functions of the predictions p ∈ ℝ^N
// and the targets y (THEOREMS.md §5.2, §6.1):
//   square       L = ½ Σ_n (p_n − y_n)²          −∂L/∂p = y − p
//   exponential  L = Σ_n e^{−m_n}                −∂L/∂p = y ∘ e^{−m}           (m = y ∘ p, the margins)
//   logistic     L = Σ_n ln(1 + e^{−m_n})        −∂L/∂p = y ∘ e^{−m} / (1 + e^{−m})
// For the classification losses y_n = ±1. MPFR's exponent range (about 10^(±3·10^8)) holds e^{−m}
// at every margin a run can reach, so e^{−m} is formed directly; the logistic loss uses log1p, and
// loss_value() factors out the largest term (log-sum-exp) so that its double version does not
// underflow to 0 before the sum does.
#include "gradflow/numeric/matrix.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace gradflow {

/// model.loss
enum class loss_kind { square, exponential, logistic };

/// "square", "exponential" or "logistic".
inline std::string_view loss_name(loss_kind k) {
  switch (k) {
    case loss_kind::square:
      return "square";
    case loss_kind::exponential:
      return "exponential";
    case loss_kind::logistic:
      return "logistic";
  }
  return "unknown";
}

/// The loss named `name`, or nullopt.
inline std::optional<loss_kind> parse_loss(std::string_view name) {
  for (loss_kind k : {loss_kind::square, loss_kind::exponential, loss_kind::logistic})
    if (loss_name(k) == name) return k;
  return std::nullopt;
}

/// True for the margin-based losses (labels ±1).
inline bool is_classification(loss_kind k) { return k != loss_kind::square; }

/// L(p) for predictions p (N×1) and targets y (N×1).
template <class Scalar>
Scalar loss_value(loss_kind kind, const matrix<Scalar>& p, const matrix<Scalar>& y) {
  using std::exp;
  using std::log1p;
  if (kind == loss_kind::square) return (p - y).squaredNorm() / 2;
  const matrix<Scalar> m = y.cwiseProduct(p);
  if (kind == loss_kind::logistic) {
    Scalar L(0);
    for (Eigen::Index n = 0; n < m.size(); ++n)
      L += m(n) >= 0 ? Scalar(log1p(exp(-m(n)))) : Scalar(log1p(exp(m(n))) - m(n));
    return L;
  }
  const Scalar gamma = m.minCoeff();
  Scalar sum(0);
  for (Eigen::Index n = 0; n < m.size(); ++n) sum += exp(gamma - m(n));
  return exp(-gamma) * sum;
}

/// −∂L/∂p (N×1).
template <class Scalar>
matrix<Scalar> loss_negative_gradient(loss_kind kind, const matrix<Scalar>& p, const matrix<Scalar>& y) {
  using std::exp;
  if (kind == loss_kind::square) return y - p;
  matrix<Scalar> g(p.rows(), 1);
  for (Eigen::Index n = 0; n < p.rows(); ++n) {
    const Scalar e = exp(-y(n) * p(n));
    g(n) = kind == loss_kind::exponential ? Scalar(y(n) * e) : Scalar(y(n) / (1 + 1 / e));
  }
  return g;
}

/// L as a 1×1 value against an "ops".
template <class Ops>
typename Ops::value loss_of(Ops& ops, loss_kind kind, const typename Ops::value& p,
                            const matrix<typename Ops::scalar>& y);

/// The clock rate e^{−q}/L of the time change (integrate/time_change.hpp) as a 1×1 value, q = ln(1 + t)
/// 1×1. For the exponential loss 1/Σ_n e^{q − m_n}, whose exponents change as slowly as the margins'
/// differences from ln t: the product of the series e^{−q} and 1/L would cancel e^{(|q'| + |L'/L|)h}
/// in every coefficient (measured: 14 of 100 digits of t lost on THEOREMS.md §6.4's instance).
/// The logistic loss uses that product (its ln(1 + e^{−m}) has no such factorisation in the ops).
template <class Ops>
typename Ops::value clock_rate_of(Ops& ops, loss_kind kind, const typename Ops::value& p,
                                  const matrix<typename Ops::scalar>& y, const typename Ops::value& q) {
  using Scalar = typename Ops::scalar;
  if (kind == loss_kind::exponential) {
    const auto exponents = ops.sub(ops.mul(ops.constant(matrix<Scalar>::Ones(y.rows(), 1)), q),
                                   ops.hadamard(ops.constant(y), p));
    return ops.pow(ops.mul(ops.constant(matrix<Scalar>::Ones(1, y.rows())), ops.exp(exponents)), Scalar(-1));
  }
  return ops.hadamard(ops.exp(ops.scale(Scalar(-1), q)), ops.pow(loss_of(ops, kind, p, y), Scalar(-1)));
}

/// −∂L/∂p against an "ops" (taylor/graph.hpp): p is an N×1 value, y the targets. With
/// `per_unit_loss`, −(∂L/∂p)/L instead (the time-changed field, integrate/time_change.hpp): for the
/// exponential loss the softmax y_n / Σ_k e^{m_n − m_k}, whose Taylor coefficients stay as small as
/// the margins' differences — the quotient e^{−m}/Σe^{−m} of two series would cancel e^{|m'|h} in
/// every coefficient (measured: 8 of 60 digits lost on THEOREMS.md §5.3's instance).
template <class Ops>
typename Ops::value loss_negative_gradient_of(Ops& ops, loss_kind kind, const typename Ops::value& p,
                                              const matrix<typename Ops::scalar>& y,
                                              bool per_unit_loss = false) {
  using Scalar = typename Ops::scalar;
  const auto N = y.rows();
  if (per_unit_loss && kind == loss_kind::exponential) {
    const auto m = ops.hadamard(ops.constant(y), p);
    const auto ones_row = ops.constant(matrix<Scalar>::Ones(1, N)),
               ones_col = ops.constant(matrix<Scalar>::Ones(N, 1));
    const auto differences =
        ops.sub(ops.mul(m, ones_row), ops.mul(ones_col, ops.transpose(m)));  // (n, k): m_n − m_k
    return ops.hadamard(ops.constant(y), ops.pow(ops.mul(ops.exp(differences), ones_col), Scalar(-1)));
  }
  if (per_unit_loss) {
    const auto inverse_loss = ops.pow(loss_of(ops, kind, p, y), Scalar(-1));
    const auto broadcast = ops.mul(ops.constant(matrix<Scalar>::Ones(N, 1)), inverse_loss);
    return ops.hadamard(loss_negative_gradient_of(ops, kind, p, y), broadcast);
  }
  if (kind == loss_kind::square) return ops.sub(ops.constant(y), p);
  const auto Y = ops.constant(y);
  const auto e = ops.exp(ops.scale(Scalar(-1), ops.hadamard(Y, p)));
  if (kind == loss_kind::exponential) return ops.hadamard(Y, e);
  const auto one_plus_e = ops.add(ops.constant(matrix<Scalar>::Ones(y.rows(), 1)), e);
  return ops.hadamard(Y, ops.hadamard(e, ops.pow(one_plus_e, Scalar(-1))));
}

template <class Ops>
typename Ops::value loss_of(Ops& ops, loss_kind kind, const typename Ops::value& p,
                            const matrix<typename Ops::scalar>& y) {
  using Scalar = typename Ops::scalar;
  const auto ones_row = ops.constant(matrix<Scalar>::Ones(1, y.rows()));
  if (kind == loss_kind::square) {
    const auto r = ops.sub(p, ops.constant(y));
    return ops.scale(Scalar(1) / 2, ops.mul(ops.transpose(r), r));
  }
  const auto e = ops.exp(ops.scale(Scalar(-1), ops.hadamard(ops.constant(y), p)));
  return ops.mul(ones_row, kind == loss_kind::exponential ? e : ops.log1p(e));
}

}  // namespace gradflow
