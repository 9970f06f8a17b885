#pragma once
// Symmetric matrix sensing with a factorised parameter (Gunasekar et al. 2017; THEOREMS.md §9.3;
// proofs/gunasekar2017.commuting.md).
//
// Notation: A_1, …, A_m ∈ ℝ^{d×d} symmetric measurements, y ∈ ℝ^{m×1}; U ∈ ℝ^{d×r}, X = UUᵀ;
//   predictions p_i = ⟨A_i, X⟩ = tr(UᵀA_iU), loss L(p) (models/loss.hpp; square: ½‖p − y‖²),
//   g = −∂L/∂p (= −r, r = p − y, for the square loss), 𝒜*(g) = Σ_i g_i A_i;
//   gradient flow: U̇ = 2𝒜*(g)U (square loss: U̇ = −2𝒜*(r)U), since ∂⟨A, UUᵀ⟩/∂U = 2AU for A = Aᵀ.
//   Graph form (taylor/graph.hpp has no reshape): with the constants 𝔸 = [A_1; …; A_m] (md×d),
//   E = 1_m ⊗ I_d (md×d) and S = I_m ⊗ 1_dᵀ (m×md), W = 𝔸U (block i: A_iU),
//   p = S(W ∘ EU)1_r and 𝒜*(g)U = Eᵀ((Sᵀg)1_rᵀ ∘ W): two Cauchy products of md×r series per order,
//   every other product has a constant factor.
// State layout: θ = vec(U), column-major.
#include "gradflow/models/linear2.hpp"
#include "gradflow/models/loss.hpp"
#include "gradflow/numeric/matrix.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace gradflow {

/// Matrix sensing L(⟨A_i, UUᵀ⟩) with symmetric measurements A_i and a d×r factor U.
template <class Scalar>
class matrix_sensing {
  static_assert(is_supported_scalar_v<Scalar>, "gradflow: unsupported scalar; see numeric/real.hpp");

 public:
  /// Takes the measurements (non-empty, each d×d with the same d, exactly symmetric), the targets
  /// (m×1; ±1 for the classification losses) and the rank r ≥ 1 of the factor; throws
  /// std::invalid_argument naming the rule otherwise.
  matrix_sensing(std::vector<matrix<Scalar>> A, matrix<Scalar> y, Eigen::Index r,
                 loss_kind loss = loss_kind::square);

  std::size_t dimension() const { return static_cast<std::size_t>(d() * m_r); }
  /// Number of measurements m.
  Eigen::Index m() const { return static_cast<Eigen::Index>(m_A.size()); }
  Eigen::Index d() const { return m_A.front().rows(); }
  Eigen::Index r() const { return m_r; }
  loss_kind loss_type() const { return m_loss; }
  const std::vector<matrix<Scalar>>& A() const { return m_A; }
  const matrix<Scalar>& Y() const { return m_y; }

  /// Flat state from U (d×r); throws std::invalid_argument on a wrong shape.
  std::vector<Scalar> pack(const matrix<Scalar>& U) const;
  const_matrix_view<Scalar> U(const Scalar* theta) const {
    return const_matrix_view<Scalar>(theta, d(), m_r);
  }

  /// X = UUᵀ (d×d).
  matrix<Scalar> product(const Scalar* theta) const;
  /// p_i = ⟨A_i, UUᵀ⟩ (m×1).
  matrix<Scalar> predictions(const Scalar* theta) const;
  Scalar loss(const Scalar* theta) const;
  /// θ̇ = −∇L(θ) into dtheta (must not alias theta).
  void velocity(const Scalar* theta, Scalar* dtheta) const;
  /// Eigenvalues of X = UUᵀ, decreasing (d×1; trajectory columns).
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> spectrum(const Scalar* theta) const;

  std::vector<std::pair<Eigen::Index, Eigen::Index>> block_shapes() const { return {{d(), m_r}}; }

  /// The vector field against an "ops" (see linear2::velocity_of), in the graph form of the header
  /// comment. With `per_unit_loss`, −∇L/L (the time-changed field; models/loss.hpp).
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops, const std::vector<typename Ops::value>& blocks,
                                               bool per_unit_loss = false) const {
    const auto& U = blocks[0];
    const auto W = ops.mul(ops.constant(m_stacked), U);
    const auto p = predictions_from(ops, U, W);
    const auto g = loss_negative_gradient_of(ops, m_loss, p, m_y, per_unit_loss);
    const auto G =
        ops.mul(ops.mul(ops.constant(m_S.transpose()), g), ops.constant(matrix<Scalar>::Ones(1, m_r)));
    return {ops.scale(Scalar(2), ops.mul(ops.constant(m_E.transpose()), ops.hadamard(G, W)))};
  }

  /// The predictions p (m×1) against an "ops" (for the time change's clock).
  template <class Ops>
  typename Ops::value predictions_of(Ops& ops, const std::vector<typename Ops::value>& blocks) const {
    return predictions_from(ops, blocks[0], ops.mul(ops.constant(m_stacked), blocks[0]));
  }

  /// None: the flow's conserved quantities here depend on the data's structure (checks/gunasekar2017.hpp).
  std::vector<named_invariant<Scalar>> invariants(const Scalar*) const { return {}; }

 private:
  template <class Ops>
  typename Ops::value predictions_from(Ops& ops, const typename Ops::value& U,
                                       const typename Ops::value& W) const {
    const auto EU = ops.mul(ops.constant(m_E), U);
    return ops.mul(ops.mul(ops.constant(m_S), ops.hadamard(W, EU)),
                   ops.constant(matrix<Scalar>::Ones(m_r, 1)));
  }

  std::vector<matrix<Scalar>> m_A;
  matrix<Scalar> m_y, m_stacked, m_E, m_S;  // 𝔸, E, S of the header comment
  Eigen::Index m_r;
  loss_kind m_loss;
};

extern template class matrix_sensing<double>;
extern template class matrix_sensing<Real>;

}  // namespace gradflow
