#pragma once
// Deep linear network (Arora, Cohen, Hazan 2018; Saxe, McClelland, Ganguli 2014; THEOREMS.md §7).
//
// Notation (THEOREMS.md §7):
//   X ∈ ℝ^{N×n} inputs, Y ∈ ℝ^{N×m} targets, depth L ≥ 2, widths d_0 = n, d_1, …, d_L = m,
//   layers W_j ∈ ℝ^{d_j×d_{j−1}} (j = 1..L),  f(x) = W_L⋯W_1 x,  Θ = W_1ᵀ⋯W_Lᵀ ∈ ℝ^{n×m}
//   P_0 = X, P_j = P_{j−1}W_jᵀ (N×d_j, the activations of layer j),  R = Y − P_L,  L = ½‖R‖²_F
//   Q_L = R, Q_j = Q_{j+1}W_{j+1} (N×d_j, the residual pulled back to layer j)
//   gradient flow: Ẇ_j = Q_jᵀ P_{j−1}
//     (dL = −⟨R, P_{j−1} dW_jᵀ B_j⟩ with B_j = W_{j+1}ᵀ⋯W_Lᵀ, so ∇_{W_j}L = −B_j Rᵀ P_{j−1} = −Q_jᵀP_{j−1})
//   invariants: balance_j = W_{j+1}ᵀW_{j+1} − W_jW_jᵀ (d_j×d_j, j = 1..L−1) and W_1Φ2, the part of
//   W_1 acting on ker X (Φ2: orthonormal basis of ker X; Ẇ_1Φ2 = Q_1ᵀXΦ2 = 0).
// State layout: θ = [vec(W_1); …; vec(W_L)], column-major, viewed through Eigen::Map (no copies).
// Depth 2 is linear2 with W_1 = Uᵀ, W_2 = V.
#include "gradflow/models/linear2.hpp"
#include "gradflow/numeric/matrix.hpp"

#include <cstddef>
#include <utility>
#include <vector>

namespace gradflow {

/// Deep linear network L(W_1, …, W_L) = ½‖Y − X W_1ᵀ⋯W_Lᵀ‖²_F with its gradient flow and invariants.
template <class Scalar>
class linear_deep {
  static_assert(is_supported_scalar_v<Scalar>, "gradflow: unsupported scalar; see numeric/real.hpp");

 public:
  /// Takes the data and the widths (d_0, …, d_L); throws std::invalid_argument when X and Y disagree
  /// in rows, d_0 ≠ columns of X, d_L ≠ columns of Y, L < 2 or a width is < 1.
  linear_deep(matrix<Scalar> X, matrix<Scalar> Y, std::vector<Eigen::Index> widths);

  /// Number of layers L.
  int depth() const { return static_cast<int>(m_widths.size()) - 1; }
  /// Widths (d_0, …, d_L).
  const std::vector<Eigen::Index>& widths() const { return m_widths; }
  /// Number of parameters: Σ_j d_j d_{j−1}.
  std::size_t dimension() const { return static_cast<std::size_t>(m_offsets.back()); }

  Eigen::Index N() const { return m_X.rows(); }
  Eigen::Index n() const { return m_X.cols(); }
  Eigen::Index m() const { return m_Y.cols(); }
  const matrix<Scalar>& X() const { return m_X; }
  const matrix<Scalar>& Y() const { return m_Y; }
  /// Orthonormal basis Φ2 of ker X (n × (n − rank X)).
  const matrix<Scalar>& kernel_basis() const { return m_Phi2; }

  /// Flat state θ from W_1, …, W_L (W_j is d_j×d_{j−1}); throws std::invalid_argument on wrong shapes.
  std::vector<Scalar> pack(const std::vector<matrix<Scalar>>& W) const;
  /// View of layer W_j (j = 1..L) inside a flat state.
  const_matrix_view<Scalar> W(const Scalar* theta, int j) const {
    return const_matrix_view<Scalar>(theta + m_offsets[j - 1], m_widths[j], m_widths[j - 1]);
  }

  /// L(θ) = ½‖Y − X W_1ᵀ⋯W_Lᵀ‖²_F.
  Scalar loss(const Scalar* theta) const;
  /// θ̇ = −∇L(θ) written into dtheta (must not alias theta).
  void velocity(const Scalar* theta, Scalar* dtheta) const;

  /// Shapes of the state blocks, in state order: W_j (d_j×d_{j−1}), j = 1..L.
  std::vector<std::pair<Eigen::Index, Eigen::Index>> block_shapes() const;

  /// The vector field written once against an "ops" (taylor::recorder records it as a graph for the
  /// Taylor integrator, taylor::plain_ops evaluates it); velocity() is the same formula, hand-fused
  /// for odeint, and tests/test_linear_deep checks that the two agree.
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops,
                                               const std::vector<typename Ops::value>& blocks) const {
    const int L = depth();
    std::vector<typename Ops::value> P{ops.constant(m_X)};  // P_0 … P_L
    for (int j = 1; j <= L; ++j) P.push_back(ops.mul(P[j - 1], ops.transpose(blocks[j - 1])));
    auto Q = ops.sub(ops.constant(m_Y), P[L]);  // Q_L = R
    std::vector<typename Ops::value> dW(static_cast<std::size_t>(L));
    for (int j = L; j >= 1; --j) {
      if (j < L) Q = ops.mul(Q, blocks[j]);  // Q_j = Q_{j+1} W_{j+1}
      dW[j - 1] = ops.mul(ops.transpose(Q), P[j - 1]);
    }
    return dW;
  }
  /// Quantities conserved by the flow: "balance_j" = W_{j+1}ᵀW_{j+1} − W_jW_jᵀ for j = 1..L−1, and
  /// "kernel_component" W_1Φ2 when ker X ≠ {0}.
  std::vector<named_invariant<Scalar>> invariants(const Scalar* theta) const;
  /// End-to-end Θ = W_1ᵀ⋯W_Lᵀ (n×m), so that the prediction is X Θ (as linear2's U Vᵀ).
  matrix<Scalar> product(const Scalar* theta) const;
  /// Copies of the layers W_1, …, W_L (checks/deep_linear.hpp).
  std::vector<matrix<Scalar>> layers(const Scalar* theta) const;

 private:
  matrix<Scalar> m_X, m_Y, m_Phi2;
  std::vector<Eigen::Index> m_widths;   // d_0 … d_L
  std::vector<Eigen::Index> m_offsets;  // W_j starts at m_offsets[j − 1]; m_offsets[L] = dimension
  // Workspace reused by every velocity() call (a model object serves one integration at a time):
  // m_P[j] = P_j (N×d_j) for j = 1..L (P_0 is X), m_Q[j] = Q_j (N×d_j) for j = 1..L−1 (Q_L is R).
  mutable std::vector<matrix<Scalar>> m_P, m_Q;
  mutable matrix<Scalar> m_R;
};

extern template class linear_deep<double>;
extern template class linear_deep<Real>;

}  // namespace gradflow
