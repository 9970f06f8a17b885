#pragma once
// Two-layer linear network (Min, Tarmoun, Vidal, Mallada 2021; THEOREMS.md §1).
//
// Notation (proofs/ and THEOREMS.md §1.1):
//   X ∈ ℝ^{N×n} inputs, Y ∈ ℝ^{N×m} targets, U ∈ ℝ^{n×h}, V ∈ ℝ^{m×h}, Θ = U Vᵀ ∈ ℝ^{n×m}
//   f(x) = V Uᵀ x,  L = ½‖Y − X U Vᵀ‖²_F,  R = Y − X U Vᵀ (residual)
//   gradient flow: U̇ = Xᵀ R V,  V̇ = Rᵀ X U
//   invariants: D = UᵀU − VᵀV (imbalance, h×h) and Φ2ᵀU, the component of U in ker X
//   (Φ2: orthonormal basis of ker X, from an SVD of X at working precision).
// State layout: θ = [vec(U); vec(V)], column-major, viewed through Eigen::Map (no copies).
#include "gradflow/numeric/matrix.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace gradflow {

/// Named matrix-valued quantity that gradient flow keeps constant.
template <class Scalar>
struct named_invariant {
  std::string name;
  matrix<Scalar> value;
};

/// Two-layer linear network L(U, V) = ½‖Y − X U Vᵀ‖²_F with its gradient flow and invariants.
template <class Scalar>
class linear2 {
  static_assert(is_supported_scalar_v<Scalar>, "gradflow: unsupported scalar; see numeric/real.hpp");

 public:
  /// Takes the data and the width h; throws std::invalid_argument when X and Y disagree in rows.
  linear2(matrix<Scalar> X, matrix<Scalar> Y, Eigen::Index h);

  /// Number of parameters: (n + m) h.
  std::size_t dimension() const { return static_cast<std::size_t>((n() + m()) * m_h); }

  Eigen::Index N() const { return m_X.rows(); }
  Eigen::Index n() const { return m_X.cols(); }
  Eigen::Index m() const { return m_Y.cols(); }
  Eigen::Index h() const { return m_h; }
  const matrix<Scalar>& X() const { return m_X; }
  const matrix<Scalar>& Y() const { return m_Y; }
  /// Orthonormal basis Φ2 of ker X (n × (n − rank X)).
  const matrix<Scalar>& kernel_basis() const { return m_Phi2; }

  /// Flat state θ from U (n×h) and V (m×h); throws std::invalid_argument on wrong shapes.
  std::vector<Scalar> pack(const matrix<Scalar>& U, const matrix<Scalar>& V) const;
  /// Views of U and V inside a flat state.
  const_matrix_view<Scalar> U(const Scalar* theta) const;
  const_matrix_view<Scalar> V(const Scalar* theta) const;

  /// L(θ) = ½‖Y − X U Vᵀ‖²_F.
  Scalar loss(const Scalar* theta) const;
  /// θ̇ = −∇L(θ) written into dtheta (must not alias theta).
  void velocity(const Scalar* theta, Scalar* dtheta) const;

  /// Shapes of the state blocks, in state order: U (n×h), V (m×h).
  std::vector<std::pair<Eigen::Index, Eigen::Index>> block_shapes() const { return {{n(), m_h}, {m(), m_h}}; }

  /// The vector field written once against an "ops" (taylor::recorder records it as a graph for the
  /// Taylor integrator, taylor::plain_ops evaluates it); velocity() is the same formula, hand-fused
  /// for odeint, and tests/test_taylor_jet checks that the two agree.
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops,
                                               const std::vector<typename Ops::value>& blocks) const {
    const auto& U = blocks[0];
    const auto& V = blocks[1];
    const auto X = ops.constant(m_X);
    const auto XU = ops.mul(X, U);
    const auto R = ops.sub(ops.constant(m_Y), ops.mul(XU, ops.transpose(V)));
    return {ops.mul(ops.transpose(X), ops.mul(R, V)), ops.mul(ops.transpose(R), XU)};
  }
  /// Quantities conserved by the flow: "imbalance" UᵀU − VᵀV, and "kernel_component" Φ2ᵀU when ker X ≠ {0}.
  std::vector<named_invariant<Scalar>> invariants(const Scalar* theta) const;
  /// Θ = U Vᵀ (n×m).
  matrix<Scalar> product(const Scalar* theta) const;
  /// The network as layers W_1 = Uᵀ (h×n), W_2 = V (m×h), so that f(x) = W_2 W_1 x (checks/deep_linear.hpp).
  std::vector<matrix<Scalar>> layers(const Scalar* theta) const { return {U(theta).transpose(), V(theta)}; }

 private:
  matrix<Scalar> m_X, m_Y, m_Phi2;
  Eigen::Index m_h;
  // Workspace reused by every velocity() call (a model object serves one integration at a time).
  mutable matrix<Scalar> m_XU, m_R, m_RV;
};

extern template class linear2<double>;
extern template class linear2<Real>;

}  // namespace gradflow
