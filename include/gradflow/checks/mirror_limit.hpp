#pragma once
// The shared core of the implicit-bias limit checks (woodworth2020.*, yun2021.regression,
// moroshko2020.transition): componentwise "mirror" maps and the comparison of a run's final
// predictor with the independent solution of the interpolation problem.
//
// Notation (THEOREMS.md §2.2, §4.1–4.2, §5.2; proofs/woodworth2020.q_alpha.md):
//   predictor β (d×1), design Z (N×d), targets y; every model here moves component j along a fixed
//   curve β_j = G_j(s_j) with s ∈ range(Zᵀ) (s = Zᵀν, ν the integrated residual), G_j increasing.
//   If the flow interpolates, its limit is the unique β* = G(Zᵀν*) with Zβ* = y, i.e. the minimiser
//   of Σ_j Q_j(β_j) s.t. Zβ = y with Q_j' = G_j^{-1}. The solver (solvers/mirror_interpolation.hpp)
//   finds ν* by Newton's method without looking at the flow.
//   A run stopped at residual r = Zβ_f − y sits at β_f = β*(y + r) on the same curve family, so
//   ‖β_f − β*‖ ≤ ‖J‖_F‖r‖ + O(‖r‖²), J = dβ*/dy = diag(G')Zᵀ(Z diag(G') Zᵀ)^{-1}; the check allows
//   2‖J‖_F‖r‖ plus the integration allowance.
#include "gradflow/checks/check_result.hpp"
#include "gradflow/integrate/trace.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/solvers/mirror_interpolation.hpp"

#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

namespace gradflow::detail {

/// Compares the final predictor with the interpolation limit; `allowance` covers the integration.
template <class Scalar>
check_result compare_with_limit(std::string id, const matrix<Scalar>& Z, const matrix<Scalar>& y,
                                const solvers::componentwise_map<Scalar>& G, const matrix<Scalar>& beta_final,
                                const Scalar& allowance, const std::string& what) {
  using std::sqrt;
  // The run reached its loss target on these curves, so an interpolant on them is expected: a solver
  // that fails here is an error of the check (exit 1 with the message), never a missing hypothesis.
  std::optional<solvers::mirror_solution<Scalar>> limit;
  try {
    limit = solvers::mirror_interpolation(Z, y, G);
  } catch (const std::exception& e) {
    throw std::runtime_error(id +
                             ": the interpolation solver failed on a run that reached its loss target (" +
                             std::string(e.what()) + ")");
  }
  const matrix<Scalar> r = Z * beta_final - y;
  const Scalar distance = sqrt((beta_final - limit->beta).squaredNorm());
  const Scalar bound = 2 * sqrt(limit->sensitivity.squaredNorm()) * sqrt(r.squaredNorm()) + allowance;
  const bool ok = distance <= bound;
  using std::log10;
  const Scalar scale = sqrt(limit->beta.squaredNorm());
  std::string detail = "‖β(t_f) − β*‖₂ = " + to_short_decimal(distance) +
                       " vs 2‖dβ*/dy‖_F‖r(t_f)‖ + allowance = " + to_short_decimal(bound) + " (" + what +
                       "; β* by Newton on the dual, " + std::to_string(limit->iterations) + " iterations";
  if (distance > 0 && scale > 0)
    detail += "; " + to_short_decimal(Scalar(-log10(distance / scale))) + " digits";
  detail += ")";
  return {std::move(id), ok ? verdict::pass : verdict::fail, to_decimal(distance), to_decimal(bound), detail};
}

/// The run must have reached its loss target for a limit to be judged.
template <class Scalar>
std::optional<check_result> require_loss_target(const std::string& id, const run_trace<Scalar>& trace) {
  if (trace.reason != stop_reason::loss_below)
    return not_applicable(id, "the run stopped on " + std::string(stop_reason_name(trace.reason)) +
                                  ", not on stop.loss_below: the limit is judged only at a loss target");
  return std::nullopt;
}

}  // namespace gradflow::detail
