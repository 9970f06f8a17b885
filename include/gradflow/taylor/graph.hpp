#pragma once
// A model's vector field as a graph of matrix operations, recorded once from the model's own
// definition (velocity_of(ops, …)) and then evaluated either plainly or in Taylor mode.
//
// Nodes are matrices. Operations: input (a block of the state), constant (data), add, sub,
// mul (matrix product), transpose, and the elementwise hadamard (a∘b), scale (c·a for a constant
// scalar c), exp, log, log1p (ln(1 + a), exact for tiny a) and pow (a^α for a constant α; sqrt is pow ½),
// and the piecewise relu (max(a, 0)) and heaviside (1 where a > 0, else 0). Each node knows whether it is
// constant in t, so Taylor mode can skip the Cauchy sum where one factor is constant. In Taylor mode
// relu and heaviside follow the branch their operand (a "kink source") has at the start of the step:
// the series are those of one smooth piece, and the driver ends a step where an operand entry
// changes sign (integrate/taylor_drive.hpp).
#include "gradflow/numeric/matrix.hpp"

#include <stdexcept>
#include <vector>

namespace gradflow::taylor {

/// Kind of a graph node.
enum class op {
  input,
  constant,
  add,
  sub,
  mul,
  transpose,
  hadamard,
  scale,
  exp,
  log,
  log1p,
  pow,
  relu,
  heaviside
};

/// One node: its operation, operands (node indices, −1 when unused) and shape.
struct node {
  op kind;
  int a = -1, b = -1;
  Eigen::Index rows = 0, cols = 0;
  bool is_constant = false;  ///< independent of t (only constants feed it)
};

/// Recorded graph; `inputs` are the state blocks in state order, `outputs` their time derivatives.
template <class Scalar>
struct graph {
  std::vector<node> nodes;
  std::vector<matrix<Scalar>> constants;  ///< value of each constant node (1×1 c or α for scale/pow), by node
  std::vector<int> inputs, outputs;
};

/// The "ops" a model's velocity_of() is written against, in recording mode: values are node ids.
template <class Scalar>
class recorder {
 public:
  using value = int;
  using scalar = Scalar;

  /// A new state block of the given shape (call in state order).
  value input(Eigen::Index rows, Eigen::Index cols) {
    const int id = push({op::input, -1, -1, rows, cols, false});
    m_graph.inputs.push_back(id);
    return id;
  }
  value constant(const matrix<Scalar>& M) {
    const int id = push({op::constant, -1, -1, M.rows(), M.cols(), true});
    m_graph.constants[static_cast<std::size_t>(id)] = M;
    return id;
  }
  value add(value a, value b) { return elementwise(op::add, a, b); }
  value sub(value a, value b) { return elementwise(op::sub, a, b); }
  value mul(value a, value b) {
    if (shape(a).cols != shape(b).rows)
      throw std::logic_error("taylor::recorder::mul: inner dimensions differ");
    return push({op::mul, a, b, shape(a).rows, shape(b).cols, shape(a).is_constant && shape(b).is_constant});
  }
  value transpose(value a) {
    return push({op::transpose, a, -1, shape(a).cols, shape(a).rows, shape(a).is_constant});
  }
  value hadamard(value a, value b) { return elementwise(op::hadamard, a, b); }
  value scale(const Scalar& c, value a) { return with_parameter(op::scale, a, c); }
  value exp(value a) { return unary(op::exp, a); }
  value log(value a) { return unary(op::log, a); }
  value log1p(value a) { return unary(op::log1p, a); }
  value pow(value a, const Scalar& alpha) { return with_parameter(op::pow, a, alpha); }
  value sqrt(value a) { return pow(a, Scalar(1) / 2); }
  value relu(value a) { return unary(op::relu, a); }
  value heaviside(value a) { return unary(op::heaviside, a); }

  /// The finished graph; `outputs` are the derivatives of the inputs, in the same order.
  graph<Scalar> finish(std::vector<value> outputs) {
    if (outputs.size() != m_graph.inputs.size())
      throw std::logic_error("taylor::recorder::finish: one output per input needed");
    for (std::size_t i = 0; i < outputs.size(); ++i) {
      const node& in = shape(m_graph.inputs[i]);
      const node& out = shape(outputs[i]);
      if (in.rows != out.rows || in.cols != out.cols)
        throw std::logic_error("taylor::recorder::finish: output shape differs from its input's");
    }
    m_graph.outputs = std::move(outputs);
    return std::move(m_graph);
  }

 private:
  const node& shape(value id) const { return m_graph.nodes.at(static_cast<std::size_t>(id)); }
  value elementwise(op kind, value a, value b) {
    if (shape(a).rows != shape(b).rows || shape(a).cols != shape(b).cols)
      throw std::logic_error("taylor::recorder: operands of add/sub differ in shape");
    return push({kind, a, b, shape(a).rows, shape(a).cols, shape(a).is_constant && shape(b).is_constant});
  }
  value unary(op kind, value a) {
    return push({kind, a, -1, shape(a).rows, shape(a).cols, shape(a).is_constant});
  }
  value with_parameter(op kind, value a, const Scalar& parameter) {
    const int id = unary(kind, a);
    m_graph.constants[static_cast<std::size_t>(id)] = matrix<Scalar>::Constant(1, 1, parameter);
    return id;
  }
  int push(node n) {
    m_graph.nodes.push_back(n);
    m_graph.constants.emplace_back();
    return static_cast<int>(m_graph.nodes.size() - 1);
  }
  graph<Scalar> m_graph;
};

/// The same "ops" in plain mode: values are matrices (used to cross-check a recorded graph).
template <class Scalar>
struct plain_ops {
  using value = matrix<Scalar>;
  using scalar = Scalar;
  value constant(const matrix<Scalar>& M) const { return M; }
  value add(const value& a, const value& b) const { return a + b; }
  value sub(const value& a, const value& b) const { return a - b; }
  value mul(const value& a, const value& b) const { return a * b; }
  value transpose(const value& a) const { return a.transpose(); }
  value hadamard(const value& a, const value& b) const { return a.cwiseProduct(b); }
  value scale(const Scalar& c, const value& a) const { return c * a; }
  value exp(const value& a) const {
    return a.unaryExpr([](const Scalar& x) {
      using std::exp;
      return Scalar(exp(x));
    });
  }
  value log(const value& a) const {
    return a.unaryExpr([](const Scalar& x) {
      using std::log;
      return Scalar(log(x));
    });
  }
  value log1p(const value& a) const {
    return a.unaryExpr([](const Scalar& x) {
      using std::log1p;
      return Scalar(log1p(x));
    });
  }
  value pow(const value& a, const Scalar& alpha) const {
    return a.unaryExpr([&](const Scalar& x) {
      using std::pow;
      return Scalar(pow(x, alpha));
    });
  }
  value sqrt(const value& a) const { return pow(a, Scalar(1) / 2); }
  value relu(const value& a) const {
    return a.unaryExpr([](const Scalar& x) { return x > 0 ? x : Scalar(0); });
  }
  value heaviside(const value& a) const {
    return a.unaryExpr([](const Scalar& x) { return x > 0 ? Scalar(1) : Scalar(0); });
  }
};

}  // namespace gradflow::taylor

namespace gradflow::taylor {

/// Records a model's velocity_of() as a graph (inputs in the model's block order).
template <class Scalar, class Model>
graph<Scalar> record(const Model& model) {
  recorder<Scalar> r;
  std::vector<int> blocks;
  for (const auto& [rows, cols] : model.block_shapes()) blocks.push_back(r.input(rows, cols));
  return r.finish(model.velocity_of(r, blocks));
}

}  // namespace gradflow::taylor
