#pragma once
// Taylor coefficients of the solution of x' = f(x) through x0, with f recorded as a matrix graph.
//
// Notation: x(t0 + τ) = Σ_k x_k τ^k. For every node v of the graph, v(t0 + τ) = Σ_k v_k τ^k, and
//   (v = a ± b)  v_k = a_k ± b_k          (v = aᵀ)  v_k = (a_k)ᵀ
//   (v = a·b)    v_k = Σ_{j=0..k} a_j b_{k−j}   (a single product when a or b is constant)
//   elementwise hadamard, scale, exp, log, pow, relu, heaviside: see evaluate_elementwise() in jet_impl.hpp
//   (x' = f)     x_{k+1} = f_k / (k + 1)
// so order p costs, per full product node, Σ_k (k + 1) = (p + 1)(p + 2)/2 matrix products.
// All coefficient storage is allocated once, in the constructor.
#include "gradflow/taylor/graph.hpp"
#include "gradflow/taylor/kernels.hpp"

#include <vector>

namespace gradflow::taylor {

/// Taylor-mode evaluator of one recorded graph at a fixed order.
template <class Scalar>
class jet {
 public:
  /// Preallocates the coefficients 0..order of every node.
  jet(graph<Scalar> g, int order);

  int order() const { return m_order; }
  /// Number of state entries (the inputs' sizes added).
  std::size_t dimension() const { return m_dimension; }

  /// Computes x_0 = x0, …, x_order.
  void compute(const Scalar* x0);

  /// Coefficient k of state entry i (flat, inputs in order, each column-major).
  const Scalar& coefficient(int k, std::size_t i) const;

  /// f(x0): the graph evaluated at order 0 (valid after compute(), which needs order >= 1).
  void velocity(Scalar* out) const;

  /// Kink sources: the operands of relu/heaviside nodes that vary in t, in graph order.
  std::size_t kink_sources() const { return m_kink_sources.size(); }
  /// Coefficient k (0 ≤ k < order) of kink source s, after compute().
  const matrix<Scalar>& kink_operand(std::size_t s, int k) const { return value(m_kink_sources[s], k); }
  /// Number of entries of kink source s.
  Eigen::Index kink_size(std::size_t s) const { return kink_operand(s, 0).size(); }
  /// Coefficients 0 … order − 1 of entry i of kink source s, into a.
  void kink_series(std::size_t s, Eigen::Index i, std::vector<Scalar>& a) const {
    a.resize(static_cast<std::size_t>(m_order));
    for (int k = 0; k < m_order; ++k) a[static_cast<std::size_t>(k)] = kink_operand(s, k).data()[i];
  }
  /// Exclusion: entry i of source s starts on its branch's side with |a_0| > Σ_{k≥1} |a_k| h^k, so it
  /// cannot change side in [0, h].
  bool stays_on_branch(std::size_t s, Eigen::Index i, const Scalar& h) const {
    using std::abs;
    const Scalar& a0 = kink_operand(s, 0).data()[i];
    if ((a0 > 0) != active(s, i)) return false;
    Scalar bound(0), power(1);
    for (int k = 1; k < m_order; ++k) power *= h, bound += abs(kink_operand(s, k).data()[i]) * power;
    return abs(a0) > bound;
  }
  /// The branch entry i of source s follows in the last compute(): true where the relu is the identity.
  bool active(std::size_t s, Eigen::Index i) const { return m_branch[s][static_cast<std::size_t>(i)] != 0; }
  /// Whether entry i of source s had its branch set by set_branch() for the last compute() (the
  /// driver landed on it: its operand is zero up to the landing's error).
  bool landed(std::size_t s, Eigen::Index i) const { return m_landed[s][static_cast<std::size_t>(i)] != 0; }
  /// Overrides the branch of entry i of source s for the next compute() only (the driver sets the
  /// new side after landing on a kink, where the operand is zero to working precision).
  void set_branch(std::size_t s, Eigen::Index i, bool active) { m_hints.push_back({s, i, active}); }

 private:
  const matrix<Scalar>& value(int node, int k) const;
  void evaluate(int node, int k);
  void evaluate_elementwise(const node& v, int n, int k, matrix<Scalar>& out);
  void decide_branches(std::size_t source);
  bool is_step_constant(int id) const { return m_step_constant[static_cast<std::size_t>(id)] != 0; }

  graph<Scalar> m_graph;
  int m_order;
  std::size_t m_dimension = 0;
  std::vector<std::vector<matrix<Scalar>>> m_c;      // m_c[node][k]; constants hold k = 0 only
  std::vector<std::pair<int, Eigen::Index>> m_flat;  // flat index i → (input number, offset)
  struct branch_hint {
    std::size_t source;
    Eigen::Index entry;
    bool active;
  };
  std::vector<int> m_kink_sources, m_source_of_node;  // node ids; node id → source index or −1
  std::vector<std::vector<unsigned char>> m_branch;   // per source, per entry: 1 = active
  std::vector<std::vector<unsigned char>> m_landed;   // per source, per entry: 1 = set by set_branch()
  std::vector<branch_hint> m_hints;
  // Per node: its coefficients beyond order 0 vanish on every step (constants, heaviside, and what
  // elementwise and product operations make of them only), so a product with it is one term.
  std::vector<unsigned char> m_step_constant;
  Real m_tmp;
};

extern template class jet<double>;
extern template class jet<Real>;

}  // namespace gradflow::taylor
