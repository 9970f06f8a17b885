#pragma once
// relu_shallow without its grouped jet (models/relu_jet.hpp): the Taylor driver then falls back to
// the jet of the recorded graph (velocity_of), an independent way to the same series — the baseline
// of tests/test_relu_jet.cpp and bench/relu_cost.cpp.
#include "gradflow/models/relu_shallow.hpp"

#include <utility>
#include <vector>

namespace gradflow::test {

template <class Scalar>
struct relu_graph_only {
  using taylor_events = relu_sliding<relu_graph_only>;  // the same events, on this model
  relu_shallow<Scalar> net;
  std::size_t dimension() const { return net.dimension(); }
  Scalar loss(const Scalar* theta) const { return net.loss(theta); }
  void velocity(const Scalar* theta, Scalar* dtheta) const { net.velocity(theta, dtheta); }
  auto block_shapes() const { return net.block_shapes(); }
  template <class Ops>
  auto velocity_of(Ops& ops, const std::vector<typename Ops::value>& blocks) const {
    return net.velocity_of(ops, blocks);
  }
  relu_graph_only with_sliding(const std::vector<std::pair<std::size_t, Eigen::Index>>& entries) const {
    return {net.with_sliding(entries)};
  }
  bool ignores_kink(std::size_t source, Eigen::Index entry) const { return net.ignores_kink(source, entry); }
  std::pair<relu_graph_only, std::pair<Eigen::Index, bool>> leave_sliding(std::size_t source) const {
    auto [next, exit] = net.leave_sliding(source);
    return {{std::move(next)}, exit};
  }
};

}  // namespace gradflow::test
