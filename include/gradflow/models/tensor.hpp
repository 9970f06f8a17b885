#pragma once
// Orthogonally decomposable linear tensor network of depth L (Yun, Krishnan, Mobahi 2021;
// THEOREMS.md §2.2), with the factor families u_l^{(j)} taken as the standard basis.
//
// Notation: X ∈ ℝ^{N×d}, y ∈ ℝ^{N×1}, transform S ∈ ℝ^{d×d}, z_n = S x_n (Z = X Sᵀ);
//   layers v_1 … v_L ∈ ℝ^{d×1}, a_{l,j} = v_{l,j}, ρ = v_1 ∘ … ∘ v_L (ρ_j = Π_l a_{l,j});
//   prediction p = Zρ = ⟨S x_n, ρ⟩, loss L(p) (models/loss.hpp), g = −∇_ρ L = Zᵀ(−∂L/∂p);
//   gradient flow: v̇_l = (Π_{k≠l} v_k) ∘ g. L = 1 is the linear predictor ρ = v_1.
//   Conserved (any loss): a_{l,j}² − a_{1,j}² for every l, j (THEOREMS.md §2.2).
// The diagonal network's ρ_j = a_j^L has one sign branch per component; S = I, L = 1 is Soudry
// et al.'s linear model. State layout: θ = [v_1; …; v_L].
#include "gradflow/models/linear2.hpp"
#include "gradflow/models/loss.hpp"
#include "gradflow/numeric/matrix.hpp"

#include <cstddef>
#include <utility>
#include <vector>

namespace gradflow {

/// ⟨S x, v_1 ∘ … ∘ v_L⟩ with a square, exponential or logistic loss.
template <class Scalar>
class tensor {
  static_assert(is_supported_scalar_v<Scalar>, "gradflow: unsupported scalar; see numeric/real.hpp");

 public:
  /// Takes the data (y one column; ±1 labels for the classification losses), the depth L ≥ 1 and a
  /// d×d transform S (any square matrix; the theorems need it orthogonal and the checks test that).
  /// Throws std::invalid_argument otherwise.
  tensor(matrix<Scalar> X, matrix<Scalar> y, int depth, matrix<Scalar> S, loss_kind loss = loss_kind::square);

  std::size_t dimension() const { return static_cast<std::size_t>(m_depth * d()); }
  Eigen::Index N() const { return m_X.rows(); }
  Eigen::Index d() const { return m_X.cols(); }
  int depth() const { return m_depth; }
  loss_kind loss_type() const { return m_loss; }
  const matrix<Scalar>& X() const { return m_X; }
  const matrix<Scalar>& Y() const { return m_y; }
  const matrix<Scalar>& S() const { return m_S; }
  /// Z = X Sᵀ: row n is the transformed input S x_n.
  const matrix<Scalar>& Z() const { return m_Z; }

  /// Flat state from the layers v_1 … v_L (d×1 each); throws std::invalid_argument on wrong shapes.
  std::vector<Scalar> pack(const std::vector<matrix<Scalar>>& layers) const;
  /// v_l (1 ≤ l ≤ L) as a d×1 view.
  const_matrix_view<Scalar> v(const Scalar* theta, int l) const {
    return const_matrix_view<Scalar>(theta + (l - 1) * d(), d(), 1);
  }

  /// ρ = v_1 ∘ … ∘ v_L (d×1), the predictor in the transformed space.
  matrix<Scalar> product(const Scalar* theta) const;
  /// Sᵀρ (d×1), the same linear predictor in the input space (prediction Xβ).
  matrix<Scalar> input_predictor(const Scalar* theta) const { return m_S.transpose() * product(theta); }
  Scalar loss(const Scalar* theta) const;
  /// θ̇ = −∇L(θ) into dtheta (must not alias theta).
  void velocity(const Scalar* theta, Scalar* dtheta) const;

  std::vector<std::pair<Eigen::Index, Eigen::Index>> block_shapes() const {
    return std::vector<std::pair<Eigen::Index, Eigen::Index>>(static_cast<std::size_t>(m_depth), {d(), 1});
  }

  /// With `per_unit_loss`, −∇L/L (the time-changed field; models/loss.hpp).
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops, const std::vector<typename Ops::value>& blocks,
                                               bool per_unit_loss = false) const {
    const auto Z = ops.constant(m_Z);
    const auto p = ops.mul(Z, product_of(ops, blocks));
    const auto g = ops.mul(ops.transpose(Z), loss_negative_gradient_of(ops, m_loss, p, m_y, per_unit_loss));
    std::vector<typename Ops::value> out;
    for (int l = 0; l < m_depth; ++l) {
      auto f = g;
      for (int k = 0; k < m_depth; ++k)
        if (k != l) f = ops.hadamard(f, blocks[static_cast<std::size_t>(k)]);
      out.push_back(f);
    }
    return out;
  }

  /// The predictions Zρ (N×1) against an "ops" (for the time change's clock).
  template <class Ops>
  typename Ops::value predictions_of(Ops& ops, const std::vector<typename Ops::value>& blocks) const {
    return ops.mul(ops.constant(m_Z), product_of(ops, blocks));
  }

  /// "component_balance": column l − 1 holds a_{l,j}² − a_{1,j}² (l = 2 … L); none for L = 1.
  std::vector<named_invariant<Scalar>> invariants(const Scalar* theta) const;

 private:
  template <class Ops>
  static typename Ops::value product_of(Ops& ops, const std::vector<typename Ops::value>& blocks) {
    auto rho = blocks[0];
    for (std::size_t k = 1; k < blocks.size(); ++k) rho = ops.hadamard(rho, blocks[k]);
    return rho;
  }

  matrix<Scalar> m_X, m_y, m_S, m_Z;
  int m_depth;
  loss_kind m_loss;
};

extern template class tensor<double>;
extern template class tensor<Real>;

}  // namespace gradflow
