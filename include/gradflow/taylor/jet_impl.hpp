#pragma once
// Definitions of jet<Scalar>; included only by src/instantiate/*.cpp.
#include "gradflow/taylor/jet.hpp"

#include <algorithm>

namespace gradflow::taylor {

template <class Scalar>
jet<Scalar>::jet(graph<Scalar> g, int order) : m_graph(std::move(g)), m_order(order) {
  if (order < 1)
    throw std::invalid_argument("taylor::jet: order = " + std::to_string(order) + " violates order >= 1");
  m_c.resize(m_graph.nodes.size());
  m_source_of_node.assign(m_graph.nodes.size(), -1);
  for (const node& v : m_graph.nodes) {
    if ((v.kind != op::relu && v.kind != op::heaviside) || v.is_constant) continue;
    int& source = m_source_of_node[static_cast<std::size_t>(v.a)];
    if (source >= 0) continue;
    source = static_cast<int>(m_kink_sources.size());
    m_kink_sources.push_back(v.a);
    const node& operand = m_graph.nodes[static_cast<std::size_t>(v.a)];
    m_branch.emplace_back(static_cast<std::size_t>(operand.rows * operand.cols), 0);
    m_landed.emplace_back(static_cast<std::size_t>(operand.rows * operand.cols), 0);
  }
  m_step_constant.assign(m_graph.nodes.size(), 0);
  for (std::size_t n = 0; n < m_graph.nodes.size(); ++n) {
    const node& v = m_graph.nodes[n];
    const auto flat = [&](int id) { return m_step_constant[static_cast<std::size_t>(id)] != 0; };
    switch (v.kind) {
      case op::heaviside:
        m_step_constant[n] = 1;
        break;
      case op::add:
      case op::sub:
      case op::mul:
      case op::hadamard:
        m_step_constant[n] = flat(v.a) && flat(v.b);
        break;
      case op::transpose:
      case op::scale:
        m_step_constant[n] = flat(v.a);
        break;
      default:
        m_step_constant[n] = v.is_constant;
    }
    if (v.is_constant) m_step_constant[n] = 1;
  }
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
  const auto is_const = [&](int id) {
    return is_step_constant(id);
  };                                   // one term suffices (see m_step_constant)
  if (k > 0 && is_step_constant(n)) {  // a flat node's higher coefficients vanish
    detail::set_zero(out);
    return;
  }
  switch (v.kind) {
    case op::input:
    case op::constant:
      return;
    case op::add:
    case op::sub: {
      const int sign = v.kind == op::add ? 1 : -1;
      // A constant operand contributes to coefficient 0 only.
      if (k > 0 && is_const(v.a))
        detail::assign_signed(out, value(v.b, k), sign);
      else if (k > 0 && is_const(v.b))
        detail::assign_signed(out, value(v.a, k), 1);
      else
        detail::assign_sum(out, value(v.a, k), value(v.b, k), sign);
      return;
    }
    case op::transpose:
      detail::assign_transpose(out, value(v.a, k));
      return;
    case op::scale:
      detail::assign_scaled(out, m_graph.constants[static_cast<std::size_t>(n)](0, 0), value(v.a, k));
      return;
    case op::hadamard:
    case op::exp:
    case op::log:
    case op::log1p:
    case op::pow:
    case op::relu:
    case op::heaviside:
      evaluate_elementwise(v, n, k, out);
      return;
    case op::mul:
      detail::set_zero(out);
      if (is_const(v.a))
        detail::multiply_add(out, value(v.a, 0), value(v.b, k), m_tmp);
      else if (is_const(v.b))
        detail::multiply_add(out, value(v.a, k), value(v.b, 0), m_tmp);
      else
        for (int j = 0; j <= k; ++j) detail::multiply_add(out, value(v.a, j), value(v.b, k - j), m_tmp);
      return;
  }
}

// Elementwise recurrences (Griewank & Walther, ch. 13; Jorba & Zou 2005), entry by entry, for
// v = f(a) with a(τ) = Σ a_j τ^j:
//   v = a∘b   v_k = Σ_{j=0..k} a_j b_{k−j}            v = c·a   v_k = c a_k
//   v = e^a   v_k = (1/k) Σ_{j=1..k} j a_j v_{k−j}
//   v = ln a  v_k = (a_k − (1/k) Σ_{j=1..k−1} j v_j a_{k−j}) / a_0
//   v = ln(1 + a): the same with a_0 replaced by 1 + a_0, and v_0 = log1p(a_0) (exact for tiny a_0)
//   v = a^α   v_k = (1/(k a_0)) Σ_{j=0..k−1} (α(k − j) − j) a_{k−j} v_j
//   v = relu(a)       v_k = a_k on the active branch, else 0
//   v = heaviside(a)  v_0 = 1 on the active branch, else 0; v_k = 0 for k ≥ 1
// (the branch of each entry of a varying operand is fixed for the step: compute() decides it).
// (order 0 is the function itself). These run on Real's operators, with temporaries: they are
// not in a matrix-product model's hot loop; an in-place version comes when a model needs them at speed.
template <class Scalar>
void jet<Scalar>::evaluate_elementwise(const node& v, int n, int k, matrix<Scalar>& out) {
  using std::exp;
  using std::log;
  using std::log1p;
  using std::pow;
  const auto& c = m_c[static_cast<std::size_t>(n)];
  const Scalar parameter =
      v.kind == op::pow ? Scalar(m_graph.constants[static_cast<std::size_t>(n)](0, 0)) : Scalar(0);
  const auto a = [&](int j) -> const matrix<Scalar>& { return value(v.a, j); };
  const bool a_const = is_step_constant(v.a);
  const auto a_at = [&](int j, Eigen::Index i) -> Scalar {
    return a_const && j > 0 ? Scalar(0) : Scalar(a(j).data()[i]);
  };
  for (Eigen::Index i = 0; i < out.size(); ++i) {
    Scalar r(0);
    switch (v.kind) {
      case op::hadamard: {
        const bool b_const = is_step_constant(v.b);
        for (int j = 0; j <= k; ++j) {
          if ((a_const && j > 0) || (b_const && k - j > 0)) continue;
          r += a(j).data()[i] * value(v.b, k - j).data()[i];
        }
        break;
      }
      case op::exp:
        if (k == 0)
          r = exp(a_at(0, i));
        else {
          for (int j = 1; j <= k; ++j) r += j * a_at(j, i) * c[static_cast<std::size_t>(k - j)].data()[i];
          r /= k;
        }
        break;
      case op::log:
      case op::log1p:
        if (k == 0)
          r = v.kind == op::log ? Scalar(log(a_at(0, i))) : Scalar(log1p(a_at(0, i)));
        else {
          for (int j = 1; j < k; ++j) r += j * c[static_cast<std::size_t>(j)].data()[i] * a_at(k - j, i);
          r = (a_at(k, i) - r / k) / (v.kind == op::log ? a_at(0, i) : Scalar(1 + a_at(0, i)));
        }
        break;
      case op::pow:
        if (k == 0)
          r = pow(a_at(0, i), parameter);
        else {
          for (int j = 0; j < k; ++j)
            r += (parameter * (k - j) - j) * a_at(k - j, i) * c[static_cast<std::size_t>(j)].data()[i];
          r /= k * a_at(0, i);
        }
        break;
      case op::relu:
      case op::heaviside: {
        const int source = m_source_of_node[static_cast<std::size_t>(v.a)];
        const bool on = source < 0
                            ? a_at(0, i) > 0
                            : m_branch[static_cast<std::size_t>(source)][static_cast<std::size_t>(i)] != 0;
        if (on) r = v.kind == op::relu ? a_at(k, i) : Scalar(k == 0 ? 1 : 0);
        break;
      }
      default:
        break;
    }
    out.data()[i] = r;
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
    for (std::size_t n = 0; n < m_graph.nodes.size(); ++n) {
      if (m_graph.nodes[n].is_constant) continue;
      evaluate(static_cast<int>(n), k);
      if (k == 0 && m_source_of_node[n] >= 0) decide_branches(static_cast<std::size_t>(m_source_of_node[n]));
    }
    for (std::size_t in = 0; in < n_inputs; ++in)
      detail::assign_divided(
          m_c[static_cast<std::size_t>(m_graph.inputs[in])][static_cast<std::size_t>(k) + 1],
          value(m_graph.outputs[in], k), static_cast<unsigned long>(k) + 1);
  }
  m_hints.clear();
}

// A kink source's branches at the step start: the sign of the operand, unless the driver said
// otherwise (an entry it has just landed on, whose operand is zero up to rounding).
template <class Scalar>
void jet<Scalar>::decide_branches(std::size_t source) {
  const matrix<Scalar>& a0 = value(m_kink_sources[source], 0);
  auto& branch = m_branch[source];
  for (Eigen::Index i = 0; i < a0.size(); ++i) branch[static_cast<std::size_t>(i)] = a0.data()[i] > 0;
  auto& landed = m_landed[source];
  std::fill(landed.begin(), landed.end(), 0);
  for (const branch_hint& h : m_hints)
    if (h.source == source)
      branch[static_cast<std::size_t>(h.entry)] = h.active, landed[static_cast<std::size_t>(h.entry)] = 1;
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
