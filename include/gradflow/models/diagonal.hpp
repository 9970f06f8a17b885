#pragma once
// Diagonal linear network of depth D (Woodworth et al. 2020; THEOREMS.md §4.1–4.2).
//
// Notation: X ∈ ℝ^{N×d}, y ∈ ℝ^{N×1}; w₊, w₋ ∈ ℝ^{d×1}; β = w₊^{∘D} − w₋^{∘D} (elementwise powers);
//   prediction p = Xβ, loss L(p) (models/loss.hpp: square ½‖p − y‖², exponential, logistic),
//   g = −∇_β L = Xᵀ(−∂L/∂p) (= −Xᵀr with r = Xβ − y for the square loss);
//   gradient flow: ẇ₊ = D w₊^{∘(D−1)} ∘ g,  ẇ₋ = −D w₋^{∘(D−1)} ∘ g.
//   Conserved: w₊ ∘ w₋ for D = 2, w₊^{∘(2−D)} + w₋^{∘(2−D)} for D ≥ 3 (THEOREMS.md §10).
// State layout: θ = [w₊; w₋].
#include "gradflow/models/linear2.hpp"
#include "gradflow/models/loss.hpp"
#include "gradflow/numeric/matrix.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace gradflow {

/// Diagonal network β = w₊^D − w₋^D with a square, exponential or logistic loss of the predictions Xβ.
template <class Scalar>
class diagonal {
  static_assert(is_supported_scalar_v<Scalar>, "gradflow: unsupported scalar; see numeric/real.hpp");

 public:
  /// Takes the data (y one column; ±1 labels for the classification losses) and the depth D ≥ 2;
  /// throws std::invalid_argument otherwise.
  diagonal(matrix<Scalar> X, matrix<Scalar> y, int depth, loss_kind loss = loss_kind::square);

  std::size_t dimension() const { return static_cast<std::size_t>(2 * d()); }
  Eigen::Index N() const { return m_X.rows(); }
  Eigen::Index d() const { return m_X.cols(); }
  int depth() const { return m_depth; }
  loss_kind loss_type() const { return m_loss; }
  const matrix<Scalar>& X() const { return m_X; }
  const matrix<Scalar>& Y() const { return m_y; }

  /// Flat state from w₊ and w₋ (d×1 each); throws std::invalid_argument on wrong shapes.
  std::vector<Scalar> pack(const matrix<Scalar>& w_plus, const matrix<Scalar>& w_minus) const;
  const_matrix_view<Scalar> w_plus(const Scalar* theta) const {
    return const_matrix_view<Scalar>(theta, d(), 1);
  }
  const_matrix_view<Scalar> w_minus(const Scalar* theta) const {
    return const_matrix_view<Scalar>(theta + d(), d(), 1);
  }

  /// β = w₊^D − w₋^D (d×1): the end-to-end linear predictor (prediction Xβ).
  matrix<Scalar> product(const Scalar* theta) const;
  Scalar loss(const Scalar* theta) const;
  /// θ̇ = −∇L(θ) into dtheta (must not alias theta).
  void velocity(const Scalar* theta, Scalar* dtheta) const;

  std::vector<std::pair<Eigen::Index, Eigen::Index>> block_shapes() const { return {{d(), 1}, {d(), 1}}; }

  /// The vector field against an "ops" (see linear2::velocity_of); powers are products, so negative
  /// weights are fine.
  /// With `per_unit_loss`, −∇L/L (the time-changed field; models/loss.hpp).
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops, const std::vector<typename Ops::value>& blocks,
                                               bool per_unit_loss = false) const {
    const auto P_plus = power_of(ops, blocks[0], m_depth - 1),
               P_minus = power_of(ops, blocks[1], m_depth - 1);
    const auto beta = ops.sub(ops.hadamard(P_plus, blocks[0]), ops.hadamard(P_minus, blocks[1]));
    const auto X = ops.constant(m_X);
    const auto g = ops.mul(ops.transpose(X),
                           loss_negative_gradient_of(ops, m_loss, ops.mul(X, beta), m_y, per_unit_loss));
    return {ops.scale(Scalar(m_depth), ops.hadamard(P_plus, g)),
            ops.scale(Scalar(-m_depth), ops.hadamard(P_minus, g))};
  }

  /// The predictions Xβ (N×1) against an "ops" (for the time change's clock).
  template <class Ops>
  typename Ops::value predictions_of(Ops& ops, const std::vector<typename Ops::value>& blocks) const {
    const auto P_plus = power_of(ops, blocks[0], m_depth - 1),
               P_minus = power_of(ops, blocks[1], m_depth - 1);
    const auto beta = ops.sub(ops.hadamard(P_plus, blocks[0]), ops.hadamard(P_minus, blocks[1]));
    return ops.mul(ops.constant(m_X), beta);
  }

  /// "conserved_product" w₊∘w₋ (D = 2) or "conserved_power_sum" w₊^(2−D) + w₋^(2−D) (D ≥ 3).
  std::vector<named_invariant<Scalar>> invariants(const Scalar* theta) const;

 private:
  template <class Ops>
  static typename Ops::value power_of(Ops& ops, const typename Ops::value& w, int k) {
    auto p = w;
    for (int i = 1; i < k; ++i) p = ops.hadamard(p, w);
    return p;
  }

  matrix<Scalar> m_X, m_y;
  int m_depth;
  loss_kind m_loss;
};

extern template class diagonal<double>;
extern template class diagonal<Real>;

}  // namespace gradflow
