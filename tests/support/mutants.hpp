#pragma once
// Test-only wrong paths for the mutation tests (tests/test_mutations.cpp, proofs/README.md "Mutations"):
// each wrapper is a model with one plausible bug, integrated by the product's own driver, so the path
// it produces is what a buggy integrator would have written. Nothing here is reachable from the
// product: no fault switches live in include/ or src/.
#include "gradflow/integrate/integrate_impl.hpp"
#include "gradflow/integrate/time_change.hpp"
#include "gradflow/models/relu_shallow.hpp"
#include "gradflow/numeric/decimal.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace gradflow::test {

/// The field of `Model` multiplied by c = 1 + δ: θ̇ = −c∇L (a wrong field; the same path, retimed).
template <class Model>
class scaled_field {
 public:
  using scalar = Real;
  scaled_field(const Model& model, Real c) : m_model(model), m_c(std::move(c)) {}
  std::size_t dimension() const { return m_model.dimension(); }
  auto block_shapes() const { return m_model.block_shapes(); }
  Real loss(const Real* theta) const { return m_model.loss(theta); }
  void velocity(const Real* theta, Real* dtheta) const {
    m_model.velocity(theta, dtheta);
    for (std::size_t i = 0; i < dimension(); ++i) dtheta[i] *= m_c;
  }
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops,
                                               const std::vector<typename Ops::value>& blocks) const {
    auto out = m_model.velocity_of(ops, blocks);
    for (auto& v : out) v = ops.scale(m_c, v);
    return out;
  }

 private:
  Model m_model;
  Real m_c;
};

/// The graph jet of `Model` with every coefficient above order k0 dropped from the step polynomial,
/// while the step size is still chosen from the full series (a truncated series).
template <class Model>
class truncated_jet : public taylor::jet<Real> {
 public:
  truncated_jet(const Model& model, int order)
      : taylor::jet<Real>(taylor::record<Real>(model.inner()), order), m_k0(model.k0()) {}
  Real coefficient(int k, std::size_t i) const {
    return k <= m_k0 ? taylor::jet<Real>::coefficient(k, i) : Real(0);
  }
  /// The step control sees the true series (taylor/step_control.hpp asks the jet for its norms).
  Real coefficient_norm(int k) const {
    using std::abs;
    Real m(0);
    for (std::size_t i = 0; i < dimension(); ++i)
      m = std::max<Real>(m, abs(taylor::jet<Real>::coefficient(k, i)));
    return m;
  }

 private:
  int m_k0;
};

/// `Model` stepped by truncated_jet (orders above k0 left out of every step).
template <class Model>
class truncated_series {
 public:
  using taylor_jet = truncated_jet<truncated_series>;
  truncated_series(const Model& model, int k0) : m_model(model), m_k0(k0) {}
  const Model& inner() const { return m_model; }
  int k0() const { return m_k0; }
  std::size_t dimension() const { return m_model.dimension(); }
  auto block_shapes() const { return m_model.block_shapes(); }
  Real loss(const Real* theta) const { return m_model.loss(theta); }
  void velocity(const Real* theta, Real* dtheta) const { m_model.velocity(theta, dtheta); }

 private:
  Model m_model;
  int m_k0;
};

/// relu_shallow's jet by unit groups with its kink sources hidden from the driver: a step runs
/// through a kink on the old branch, and the branch switches only at the next step's start (the
/// jet decides branches by the signs at the step start): a kink switch delayed one step.
class blind_jet : public relu_jet<Real> {
 public:
  template <class Model>
  blind_jet(const Model& model, int order) : relu_jet<Real>(model.inner(), order) {}
  std::size_t kink_sources() const { return 0; }
};

/// relu_shallow stepped by blind_jet.
class delayed_kinks {
 public:
  using taylor_jet = blind_jet;
  explicit delayed_kinks(const relu_shallow<Real>& model) : m_model(model) {}
  const relu_shallow<Real>& inner() const { return m_model; }
  std::size_t dimension() const { return m_model.dimension(); }
  auto block_shapes() const { return m_model.block_shapes(); }
  Real loss(const Real* theta) const { return m_model.loss(theta); }
  void velocity(const Real* theta, Real* dtheta) const { m_model.velocity(theta, dtheta); }

 private:
  relu_shallow<Real> m_model;
};

/// The time-changed flow (integrate/time_change.hpp) with its clock rate dq/ds multiplied by c = 1 + δ:
/// the path θ is right, the times t written beside it are off (a wrong clock).
template <class Model>
class skewed_clock {
 public:
  skewed_clock(const Model& model, Real c) : m_flow(model), m_c(std::move(c)) {}
  const time_changed<Real, Model>& flow() const { return m_flow; }
  std::size_t dimension() const { return m_flow.dimension(); }
  auto block_shapes() const { return m_flow.block_shapes(); }
  Real loss(const Real* x) const { return m_flow.loss(x); }
  Real loss_slope(const Real* x, const Real* dx) const { return m_flow.loss_slope(x, dx); }
  void velocity(const Real* x, Real* dx) const {
    m_flow.velocity(x, dx);
    dx[dimension() - 1] *= m_c;
  }
  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops,
                                               const std::vector<typename Ops::value>& blocks) const {
    auto out = m_flow.velocity_of(ops, blocks);
    out.back() = ops.scale(m_c, out.back());
    return out;
  }

 private:
  time_changed<Real, Model> m_flow;
  Real m_c;
};

/// One wrong (or right) path: times and states, as another implementation would hand it over.
struct path_rows {
  std::vector<Real> t;
  std::vector<std::vector<Real>> theta;
};

/// The samples of a run_trace as rows.
inline path_rows rows_of(const run_trace<Real>& trace) {
  path_rows p;
  for (const auto& s : trace.samples) {
    p.t.push_back(s.t);
    p.theta.push_back(s.theta);
  }
  return p;
}

/// Column names `<matrix>_<row>_<col>` (1-based) of a state made of the named blocks, in state order
/// (each block column-major, as the models lay out θ and as trajectory.csv names them).
inline std::vector<std::string> state_columns(
    const std::vector<std::pair<Eigen::Index, Eigen::Index>>& shapes, const std::vector<std::string>& names) {
  std::vector<std::string> columns;
  for (std::size_t b = 0; b < shapes.size(); ++b)
    for (Eigen::Index col = 0; col < shapes[b].second; ++col)
      for (Eigen::Index row = 0; row < shapes[b].first; ++row)
        columns.push_back(names.at(b) + "_" + std::to_string(row + 1) + "_" + std::to_string(col + 1));
  return columns;
}

/// Writes DIR/trajectory.csv (t and the state columns, full working digits) and DIR/config.toml.
inline void write_path(const std::filesystem::path& dir, const std::string& config, const path_rows& p,
                       const std::vector<std::string>& columns) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "config.toml", std::ios::binary) << config;
  std::ofstream csv(dir / "trajectory.csv", std::ios::binary);
  csv << "t";
  for (const auto& c : columns) csv << ',' << c;
  csv << '\n';
  for (std::size_t k = 0; k < p.t.size(); ++k) {
    csv << to_decimal(p.t[k]);
    for (const auto& x : p.theta[k]) csv << ',' << to_decimal(x);
    csv << '\n';
  }
}

}  // namespace gradflow::test
