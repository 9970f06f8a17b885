#pragma once
// Definitions of jet<Scalar>; included only by src/instantiate/*.cpp.
#include "gradflow/taylor/jet.hpp"

namespace gradflow::taylor {

template <class Scalar>
jet<Scalar>::jet(graph<Scalar> g, int order) : m_graph(std::move(g)), m_order(order) {
  if (order < 1) throw std::invalid_argument("taylor::jet: order = " + std::to_string(order) + " violates order >= 1");
  m_c.resize(m_graph.nodes.size());
  for (std::size_t n = 0; n < m_graph.nodes.size(); ++n) {
    const node& v = m_graph.nodes[n];
    if (v.kind == op::constant) {
      m_c[n].push_back(m_graph.constants[n]);
    } else if (v.is_constant) {  // e.g. Xᵀ: computed here once, at order 0 only
      m_c[n].push_back(matrix<Scalar>::Zero(v.rows, v.cols));
      evaluate(static_cast<int>(n), 0);
    } else {
      m_c[n].assign(static_cast<std::size_t>(order) + 1, matrix<Scalar>::Zero(v.rows, v.cols));
    }
  }
  for (std::size_t in = 0; in < m_graph.inputs.size(); ++in) {
    const node& v = m_graph.nodes[static_cast<std::size_t>(m_graph.inputs[in])];
    for (Eigen::Index off = 0; off < v.rows * v.cols; ++off) m_flat.emplace_back(static_cast<int>(in), off);
  }
  m_dimension = m_flat.size();
}

template <class Scalar>
const matrix<Scalar>& jet<Scalar>::value(int node_id, int k) const {
  const auto& c = m_c[static_cast<std::size_t>(node_id)];
  return c[static_cast<std::size_t>(k)];
}

template <class Scalar>
void jet<Scalar>::evaluate(int n, int k) {
  const node& v = m_graph.nodes[static_cast<std::size_t>(n)];
  matrix<Scalar>& out = m_c[static_cast<std::size_t>(n)][static_cast<std::size_t>(k)];
  const auto is_const = [&](int id) { return m_graph.nodes[static_cast<std::size_t>(id)].is_constant; };
  switch (v.kind) {
    case op::input:
    case op::constant:
      return;
    case op::add:
    case op::sub: {
      const int sign = v.kind == op::add ? 1 : -1;
      // A constant operand contributes to coefficient 0 only.
      if (k > 0 && is_const(v.a)) detail::assign_signed(out, value(v.b, k), sign);
      else if (k > 0 && is_const(v.b)) detail::assign_signed(out, value(v.a, k), 1);
      else detail::assign_sum(out, value(v.a, k), value(v.b, k), sign);
      return;
    }
    case op::transpose:
      detail::assign_transpose(out, value(v.a, k));
      return;
    case op::mul:
      detail::set_zero(out);
      if (is_const(v.a)) detail::multiply_add(out, value(v.a, 0), value(v.b, k), m_tmp);
      else if (is_const(v.b)) detail::multiply_add(out, value(v.a, k), value(v.b, 0), m_tmp);
      else
        for (int j = 0; j <= k; ++j) detail::multiply_add(out, value(v.a, j), value(v.b, k - j), m_tmp);
      return;
  }
}

template <class Scalar>
void jet<Scalar>::compute(const Scalar* x0) {
  const std::size_t n_inputs = m_graph.inputs.size();
  for (std::size_t i = 0; i < m_dimension; ++i) {
    const auto [in, off] = m_flat[i];
    m_c[static_cast<std::size_t>(m_graph.inputs[static_cast<std::size_t>(in)])][0].data()[off] = x0[i];
  }
  // x_{k+1} needs the nodes at order k only, so nodes are evaluated up to order − 1.
  for (int k = 0; k < m_order; ++k) {
    for (std::size_t n = 0; n < m_graph.nodes.size(); ++n)
      if (!m_graph.nodes[n].is_constant) evaluate(static_cast<int>(n), k);
    for (std::size_t in = 0; in < n_inputs; ++in)
      detail::assign_divided(m_c[static_cast<std::size_t>(m_graph.inputs[in])][static_cast<std::size_t>(k) + 1],
                             value(m_graph.outputs[in], k), static_cast<unsigned long>(k) + 1);
  }
}

template <class Scalar>
const Scalar& jet<Scalar>::coefficient(int k, std::size_t i) const {
  const auto [in, off] = m_flat[i];
  return value(m_graph.inputs[static_cast<std::size_t>(in)], k).data()[off];
}

template <class Scalar>
void jet<Scalar>::velocity(Scalar* out) const {
  std::size_t i = 0;
  for (const int id : m_graph.outputs) {
    const matrix<Scalar>& f = value(id, 0);
    for (Eigen::Index off = 0; off < f.size(); ++off) out[i++] = f.data()[off];
  }
}

}  // namespace gradflow::taylor
