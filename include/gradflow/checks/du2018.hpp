#pragma once
// du2018.relu_balance (proofs/du2018.relu_balance.md): for a shallow ReLU network whose first layer
// trains, ‖w_i‖² + b_i² − a_i² is constant along the flow for every unit i (Du, Hu, Lee 2018; ReLU is
// 1-homogeneous, so the identity d/dt(‖w_i‖² + b_i²) = d/dt a_i² holds on every piece, and in a
// Filippov sliding mode too: the held entry has z_ji = 0).
#include "gradflow/checks/check_result.hpp"
#include "gradflow/integrate/trace.hpp"
#include "gradflow/models/relu_shallow.hpp"
#include "gradflow/numeric/decimal.hpp"

#include <string>

namespace gradflow {

template <class Scalar>
check_result check_du2018_relu_balance(const relu_shallow<Scalar>& model, const run_trace<Scalar>& trace) {
  const std::string id = "du2018.relu_balance";
  if (model.training() != relu_training::all)
    return not_applicable(
        id,
        "only the output layer trains (model.train = \"output\"): the balance law needs the first layer trained");
  const matrix<Scalar> initial = model.invariants(trace.initial().theta.data())[0].value;
  Scalar drift(0), slope(0), scale(0);
  std::string where;
  for (const auto& s : trace.samples) {
    const matrix<Scalar> B = model.invariants(s.theta.data())[0].value;
    const Scalar d = max_abs_entry<Scalar>(matrix<Scalar>(B - initial));
    if (d > drift) drift = d, where = to_short_decimal(s.t);
    // ‖∇B_i‖₁ = 2(‖w_i‖₁ + |b_i| + |a_i|); B_i's size for its rounding.
    const auto p = model.unpack(s.theta.data());
    slope = std::max<Scalar>(
        slope, 2 * (p.W.cwiseAbs().rowwise().sum() + p.b.cwiseAbs() + p.a.cwiseAbs()).maxCoeff());
    scale = std::max<Scalar>(
        scale, Scalar(p.W.rowwise().squaredNorm().maxCoeff() + p.b.squaredNorm() + p.a.squaredNorm()));
  }
  // The balance is conserved from every state (on every piece and in sliding modes), so its drift is
  // Σ_steps ∇B·e_step, never amplified (trace.hpp).
  const Scalar bound = trace.conservation_allowance(slope, scale, model.d() + 2);
  return {
      id, drift <= bound ? verdict::pass : verdict::fail, to_decimal(drift), to_decimal(bound),
      "max over " + std::to_string(trace.samples.size()) +
          " samples and the units of |B_i(t) − B_i(0)|, B_i = ‖w_i‖² + b_i² − a_i²" +
          (where.empty() ? "" : "; largest at t = " + where) +
          "; bound (steps + 1)·step error·(1 + max|θ|)·max‖∇B_i‖₁ + rounding (proofs/README.md, Tolerances)"};
}

}  // namespace gradflow
