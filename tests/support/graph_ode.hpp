#pragma once
// A test ODE x' = f(x) for a column x, with f written once against any "ops" (recorded for the
// Taylor integrator, plain for the odeint methods and the velocity).
#include "gradflow/numeric/matrix.hpp"
#include "gradflow/taylor/graph.hpp"

#include <utility>
#include <vector>

namespace gradflow::test {

template <class F>
struct graph_ode {
  F f;
  Eigen::Index rows;
  std::size_t dimension() const { return static_cast<std::size_t>(rows); }
  std::vector<std::pair<Eigen::Index, Eigen::Index>> block_shapes() const { return {{rows, 1}}; }
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops, const std::vector<typename Ops::value>& x) const {
    return {f(ops, x[0])};
  }
  void velocity(const Real* x, Real* dx) const {
    taylor::plain_ops<Real> ops;
    const matrix<Real> v = f(ops, matrix<Real>(const_matrix_view<Real>(x, rows, 1)));
    for (Eigen::Index i = 0; i < rows; ++i) dx[i] = v(i, 0);
  }
  Real loss(const Real*) const { return Real(0); }
};

}  // namespace gradflow::test
