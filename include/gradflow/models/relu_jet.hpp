#pragma once
// The Taylor jet of relu_shallow by unit groups: the same series as the jet of its recorded graph
// (velocity_of), at a cost per step that does not grow with the width.
//
// Within one Taylor step every unit keeps its activity pattern (which data points it is active on, and
// the point it slides on, if any), and the flow of a unit θ_i = (a_i, w_i, b_i) ∈ ℝ^D, D = d + 2, is
// linear with a matrix shared by its group g (the units with the same pattern):
//   θ̇_i = s M_g θ_i,  M_g = e_a u_gᵀ + u_g e_aᵀ (the second term only when the first layer trains),
//   u_g = C_g r,  C_g = Σ_k m_gk P_k e_kᵀ + Σ_{j∈J} P_j κ_g,j (the last sum for units sliding on the
// points J, one or two), with P_k = (0, x_k, 1), r = y − f, the mask m_gk = 1[unit active on x_k] (0 at
// the sliding points) and κ_g = −K_JJ⁻¹ K_J,· diag(m_g), K = X Xᵀ + 𝟙𝟙ᵀ, so that κ_g r = (λ_j r_j)_{j∈J}
// are the Filippov weights' parts (relu_shallow::filippov_rows). Hence θ_i(t0 + τ) = Φ_g(τ) θ_i(t0) with Φ̇_g = s M_g Φ_g, Φ_g(0) = I, and the network
// enters the field only through each group's second moment S_g = Σ_{i∈g} θ_i θ_iᵀ:
//   f_k = s Σ_g m_gk e_aᵀ S_g P_k + c (+ ⟨u, x_k⟩ + v),   Ṡ_g = s (M_g S_g + S_g M_gᵀ).
// The jet integrates (Φ_g, S_g, c, u, v) with the graph jet (about 24 scalar series products per group
// and order, against 2N + d + 1 per unit for the network's own graph) and gives unit i's coefficients
// as Φ_g,k θ_i(t0), its pre-activations' as P_jᵀ Φ_g,k θ_i(t0) — to the state's order, so that a step
// landing on a kink leaves z_ji zero to rounding (a graph node's series stops one order short). The groups are formed again at every
// step start (the branches follow the signs of z_ji, or the driver's hints after a kink); a group
// inactive on every data point and not sliding is frozen (u_g = 0, Φ_g = I) and left out.
#include "gradflow/models/relu_shallow.hpp"
#include "gradflow/taylor/jet.hpp"

#include <optional>
#include <tuple>
#include <utility>
#include <vector>

namespace gradflow {

template <class Scalar>
class relu_jet {
 public:
  /// The jet of `model`'s flow (with its sliding entries) at the given order.
  relu_jet(const relu_shallow<Scalar>& model, int order);

  int order() const { return m_order; }
  /// Entries of the network's state (relu_shallow::dimension()).
  std::size_t dimension() const { return m_flat.size(); }
  /// Forms the groups at x0 and computes the series to the jet's order.
  void compute(const Scalar* x0);
  /// Coefficient k of state entry i (after compute()).
  Scalar coefficient(int k, std::size_t i) const;
  /// The step polynomial and its derivative at τ, for every state entry.
  void evaluate(const Scalar& tau, std::vector<Scalar>& x) const;
  void evaluate_derivative(const Scalar& tau, std::vector<Scalar>& dx) const;
  /// max_i |coefficient k of entry i| (the step-size control's norm), by group products.
  Scalar coefficient_norm(int k) const;
  /// Number of unit groups at the last compute().
  std::size_t groups() const { return m_keys.size(); }

  // Kink sources numbered as in relu_shallow's graph: 0 is Z (entry j + N·i), 2m + 1 and 2m + 2 are
  // λ and 1 − λ of the m-th sliding entry. The interface of taylor::jet (see taylor/kinks.hpp).
  std::size_t kink_sources() const {
    return m_model.training() == relu_training::all ? 1 + 2 * m_model.sliding().size()
                                                    : 0;  // Z is constant otherwise
  }
  Eigen::Index kink_size(std::size_t s) const;
  void kink_series(std::size_t s, Eigen::Index i, std::vector<Scalar>& a) const;
  bool stays_on_branch(std::size_t s, Eigen::Index i, const Scalar& h) const;
  bool active(std::size_t s, Eigen::Index i) const;
  bool landed(std::size_t s, Eigen::Index i) const;
  void set_branch(std::size_t s, Eigen::Index i, bool active);

 private:
  Eigen::Index D() const { return m_model.d() + 2; }
  // Entry (m, l) of Φ_g in the inner state (S_g follows it); g must not be frozen.
  std::size_t phi_index(std::size_t g, Eigen::Index m, Eigen::Index l) const {
    return static_cast<std::size_t>(m_slot[g]) * static_cast<std::size_t>(2 * D() * D()) +
           static_cast<std::size_t>(m + D() * l);
  }
  std::size_t rest_index() const { return 2 * static_cast<std::size_t>(D() * D()) * m_live; }
  void form_groups();
  void record_groups();
  void unit_values(const std::vector<Scalar>& inner, bool derivative, std::vector<Scalar>& x) const;
  const matrix<Scalar>& bounds(std::size_t g, const Scalar& h) const;

  // The units of one group, their parameters at the step start and the group's series.
  struct block {
    std::vector<Eigen::Index> units;
    matrix<Scalar> theta0, abs_theta0;       // n_g×D
    std::vector<matrix<Scalar>> phi, phi_t;  // Φ_g,k and its transpose, k = 0 … order
    std::vector<matrix<Scalar>> z_rows;      // P Φ_g,k (N×D), k = 1 … order
    mutable matrix<Scalar> bound;            // n_g×N: Σ_l |θ_il| Σ_k |(P Φ_g,k)_jl| h^k for the cached h
    mutable matrix<Scalar> values;           // n_g×D scratch
  };

  relu_shallow<Scalar> m_model;
  int m_order;
  std::vector<std::pair<Eigen::Index, Eigen::Index>>
      m_flat;                  // state entry → (unit, component of θ) or (−1, entry after Φ, S)
  matrix<Scalar> m_P, m_P_wb;  // N×D rows P_jᵀ = (0, x_j, 1); N×(D − 1) without the zero column
  matrix<Scalar> m_Z0;         // N×n pre-activations at the step start
  std::vector<unsigned char> m_branch, m_landed;  // per entry of Z
  std::vector<std::pair<Eigen::Index, bool>> m_hints;
  std::vector<std::tuple<std::size_t, Eigen::Index, bool>> m_inner_hints;
  std::vector<std::vector<unsigned char>>
      m_keys;  // per group: the mask over the data, then 1 + each sliding point (two bytes, 0: none)
  std::vector<std::size_t> m_group, m_row;   // per unit: its group and its row in the group's block
  std::vector<std::size_t> m_sliding_group;  // per sliding entry
  std::vector<std::vector<Eigen::Index>>
      m_sliding_points;  // per unit: the points it slides on (fixed with the model)
  // Per group: its place among the inner system's groups, or −1 for a frozen group (inactive on every
  // data point and not sliding: u_g = 0, so Φ_g = I and the group leaves the inner system).
  std::vector<int> m_slot;
  std::size_t m_live = 0;
  std::vector<block> m_blocks;
  std::optional<taylor::jet<Scalar>> m_inner;  // of (Φ_g, S_g, c, u, v)
  mutable std::optional<Scalar> m_bound_h;
  mutable Real m_tmp;
};

extern template class relu_jet<double>;
extern template class relu_jet<Real>;

}  // namespace gradflow
