#pragma once
// The path-preserving time change of ARCHITECTURE.md §4 for flows whose time to a target loss is
// astronomically large (exponential/logistic losses: t ≈ 1/ε at loss ε, 10^996 at 1e-1000).
//
// Notation: θ̇ = −∇L(θ) in the physical time t; new parameter s with dt/ds = 1/L(θ), so
//   dθ/ds = −∇L(θ)/L(θ)            (bounded for the exponential loss: a softmax-weighted gradient)
//   dq/ds = e^{−q}/L(θ),  q = ln(1 + t)   (the clock, carried as one extra state component).
// The path θ(·) is the same; only its parametrisation changes. The clock is carried as ln(1 + t)
// rather than t because t(s) grows like e^s while ln(1 + t) grows like s, so the step control
// (relative to the state's size) resolves it like the weights; t = expm1(q) and log10 t are then
// exact to the working precision relative to q.
//
// A template over the model (any with a loss of models/loss.hpp); the instantiations for the models
// that use it are declared with integrate()'s (integrate.hpp) and made in src/instantiate/*.cpp.
#include "gradflow/integrate/trace.hpp"
#include "gradflow/models/loss.hpp"
#include "gradflow/numeric/matrix.hpp"

#include <span>
#include <utility>
#include <vector>

namespace gradflow {

/// A model seen in the time s (dt/ds = 1/L): state [θ; ln(1 + t)]. Model needs predictions_of(ops, blocks),
/// velocity_of(ops, blocks, per_unit_loss), loss_type() and Y().
template <class Scalar, class Model>
class time_changed {
 public:
  explicit time_changed(const Model& model) : m_model(&model) {}

  const Model& model() const { return *m_model; }
  std::size_t dimension() const { return m_model->dimension() + 1; }
  std::vector<std::pair<Eigen::Index, Eigen::Index>> block_shapes() const {
    auto shapes = m_model->block_shapes();
    shapes.emplace_back(1, 1);
    return shapes;
  }

  /// [θ; 0]: the start t = 0.
  std::vector<Scalar> augment(std::vector<Scalar> theta) const {
    theta.emplace_back(0);
    return theta;
  }
  /// Physical time t = expm1(q) of an augmented state.
  Scalar time(const Scalar* x) const {
    using std::expm1;
    return expm1(x[m_model->dimension()]);
  }

  Scalar loss(const Scalar* x) const { return m_model->loss(x); }
  void velocity(const Scalar* x, Scalar* dx) const {
    using std::exp;
    const std::size_t n = m_model->dimension();
    m_model->velocity(x, dx);
    const Scalar L = m_model->loss(x);
    for (std::size_t i = 0; i < n; ++i) dx[i] /= L;
    dx[n] = exp(-x[n]) / L;
  }
  /// dL/ds at x given dx = dx/ds (the loss event's Newton slope): ∇L·dθ/ds = −L·(θ̇ · dθ/ds).
  Scalar loss_slope(const Scalar* x, const Scalar* dx) const {
    std::vector<Scalar> v(m_model->dimension());
    m_model->velocity(x, v.data());
    Scalar slope(0);
    for (std::size_t i = 0; i < v.size(); ++i) slope -= v[i] * dx[i];
    return slope;
  }

  template <class Ops>
  std::vector<typename Ops::value> velocity_of(Ops& ops,
                                               const std::vector<typename Ops::value>& blocks) const {
    const std::vector<typename Ops::value> inner(blocks.begin(), blocks.end() - 1);
    auto out = m_model->velocity_of(ops, inner, true);
    out.push_back(clock_rate_of(ops, m_model->loss_type(), m_model->predictions_of(ops, inner), m_model->Y(),
                                blocks.back()));
    return out;
  }

  auto invariants(const Scalar* x) const { return m_model->invariants(x); }

  /// The path in physical time: t = expm1(q), θ without the clock, θ̇ = −∇L(θ).
  run_trace<Scalar> physical(const run_trace<Scalar>& trace) const {
    run_trace<Scalar> out = trace;
    const std::size_t n = m_model->dimension();
    for (auto& s : out.samples) {
      const Scalar t = time(s.theta.data());
      s = sample_at(*m_model, t, std::span<const Scalar>(s.theta.data(), n));
    }
    return out;
  }

 private:
  const Model* m_model;
};

/// Integrates `model` in s (dt/ds = 1/L) from θ(0) until options.loss_below (options.t_end bounds s;
/// sample_losses as usual) and returns the path in physical time; `summary` gets the physical t_final.
template <class Scalar, class Model>
run_trace<Scalar> integrate_time_changed(const Model& model, const std::vector<Scalar>& theta,
                                         const integrate_options<Scalar>& options,
                                         integration_summary<Scalar>& summary) {
  const time_changed<Scalar, Model> flow(model);
  std::vector<Scalar> x = flow.augment(theta);
  const run_trace<Scalar> trace = integrate_traced(flow, x, options, integrate_observer<Scalar>{}, summary);
  summary.t_final = flow.time(x.data());
  return flow.physical(trace);
}

}  // namespace gradflow
