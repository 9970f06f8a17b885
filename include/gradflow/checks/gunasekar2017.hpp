#pragma once
// gunasekar2017.commuting: matrix sensing with commuting measurements from U0U0ᵀ = α²I stays on
// X(t) = Q diag(α² exp(𝒜ᵀν(t))) Qᵀ and its limit is the interpolant X∞ = Q diag(α² exp(𝒜ᵀν∞)) Qᵀ,
// 𝒜(X∞) = y (Gunasekar et al. 2017; THEOREMS.md §9.3; proofs/gunasekar2017.commuting.md).
//
// Notation: A_i = Q diag(a_i) Qᵀ, 𝒜 the m×d table a(i, j) (solvers/common_eigenbasis.hpp), W = QᵀU,
//   B = WWᵀ = QᵀXQ, λ_j = B_jj; ρ_jk = B_jk/√(λ_jλ_k) (j ≠ k) and μ_j = ln(λ_j/α²), μ's kernel part
//   Φ2ᵀμ (Φ2 spans ker 𝒜). With M = Σ_i r_iA_i diagonal in Q, Ḃ = −2(D_MB + BD_M) from every state, so
//   ρ_jk and Φ2ᵀμ are conserved by the flow from every state, and U0U0ᵀ = α²I makes both 0: branch 1
//   judges them (and the basis-free commutators ‖XA_i − A_iX‖_F) at every sample against the
//   integration allowance; branch 2 judges X(t_f) against X∞ from Newton on ν (independent of the run).
#include "gradflow/checks/mirror_limit.hpp"
#include "gradflow/models/matrix_sensing.hpp"
#include "gradflow/numeric/rank_split.hpp"
#include "gradflow/numeric/symmetric_eigenvalues.hpp"
#include "gradflow/solvers/common_eigenbasis.hpp"

#include <string>
#include <vector>

namespace gradflow {

namespace detail {

// Eigenvalues above √eps·λ_max·d count (as in numeric/rank_split.hpp).
template <class Scalar>
Eigen::Index numerical_rank(const matrix<Scalar>& X) {
  using std::sqrt;
  const auto values = symmetric_eigenvalues<Scalar>(X);
  const Scalar threshold = sqrt(eps<Scalar>()) * std::max<Scalar>(values(0), Scalar(0)) * Scalar(X.rows());
  Eigen::Index k = 0;
  while (k < values.size() && values(k) > threshold) ++k;
  return k;
}

// The worst of a family of (measured, allowance) pairs, by ratio, and where it occurred.
template <class Scalar>
struct worst_ratio {
  Scalar measured{0}, allowance{0}, t{0};
  std::string where;
  bool violated = false;
  void offer(const Scalar& value, const Scalar& bound, const Scalar& time, const std::string& at) {
    // Negated comparison: a NaN (a state off the curves' domain, λ_j ≤ 0) fails too.
    if (!(value <= bound)) violated = true;
    if (where.empty() || value * allowance >= measured * bound || !(value == value))
      measured = value, allowance = bound, t = time, where = at;
  }
  std::string text(const std::string& name) const {
    return name + " = " + to_short_decimal(measured) + " (allowance " + to_short_decimal(allowance) + ", " +
           where + ", t = " + to_short_decimal(t) + ")";
  }
};

}  // namespace detail

/// gunasekar2017.commuting: square loss, commuting A_i, U0U0ᵀ = α²I, run stopped at a loss target.
template <class Scalar>
check_result check_gunasekar2017_commuting(const matrix_sensing<Scalar>& model,
                                           const run_trace<Scalar>& trace) {
  using std::abs;
  using std::log;
  using std::log10;
  using std::sqrt;
  const std::string id = "gunasekar2017.commuting";
  const auto& A = model.A();
  const Eigen::Index d = model.d(), r = model.r(), m = model.m();
  const matrix<Scalar> I = matrix<Scalar>::Identity(d, d);
  if (model.loss_type() != loss_kind::square)
    return not_applicable(id, "the loss is " + std::string(loss_name(model.loss_type())) + ", not square");

  // Hypothesis: A_iA_j = A_jA_i to the rounding of decimal data (a stored A_i is within eps·‖A_i‖_F
  // of the exact one, so a commuting family keeps ‖[A_i, A_j]‖_F at rounding level).
  Scalar norm_A(0);
  for (const auto& Ai : A) norm_A = std::max<Scalar>(norm_A, Ai.norm());
  detail::worst_ratio<Scalar> commutator;
  for (std::size_t i = 0; i < A.size(); ++i)
    for (std::size_t j = i + 1; j < A.size(); ++j)
      commutator.offer(matrix<Scalar>(A[i] * A[j] - A[j] * A[i]).norm(),
                       rounding_allowance(Scalar(A[i].norm() * A[j].norm()), 2 * d), Scalar(0),
                       "(i, j) = (" + std::to_string(i + 1) + ", " + std::to_string(j + 1) + ")");
  if (commutator.violated)
    return not_applicable(id, "the measurements do not commute: ‖A_iA_j − A_jA_i‖_F = " +
                                  to_short_decimal(commutator.measured) + " at " + commutator.where +
                                  " (rounding allowance " + to_short_decimal(commutator.allowance) + ")");

  // Hypothesis: U0U0ᵀ = α²I, α² = tr(X0)/d, each entry of X0 a sum of r rounded products of size ≤ α².
  const matrix<Scalar> X0 = model.product(trace.initial().theta.data());
  const Scalar alpha2 = X0.trace() / Scalar(d);
  const Scalar start_dev = matrix<Scalar>(X0 - alpha2 * I).norm();
  const Scalar start_allow = Scalar(d) * rounding_allowance(Scalar(abs(alpha2)), r);
  if (!(alpha2 > 0) || !(start_dev <= start_allow))
    return not_applicable(
        id, "U(0)U(0)ᵀ is not α²I: ‖U0U0ᵀ − (tr(U0U0ᵀ)/d)I‖_F = " + to_short_decimal(start_dev) +
                " (allowance " + to_short_decimal(start_allow) + "; numerical rank of U0U0ᵀ " +
                std::to_string(detail::numerical_rank(X0)) + " of d = " + std::to_string(d) + ")");
  if (auto result = detail::require_loss_target(id, trace)) return *result;

  // The basis and the limit come from the data alone; on a run that met every hypothesis and its loss
  // target they must exist, so a failing solver is an error of the check, never a missing hypothesis.
  solvers::common_basis<Scalar> basis;
  std::optional<solvers::mirror_solution<Scalar>> limit;
  try {
    basis = solvers::common_eigenbasis(A);
    limit = solvers::mirror_interpolation(basis.table, model.Y(), solvers::exponential_map(alpha2));
  } catch (const std::exception& e) {
    throw std::runtime_error(id + ": a solver failed on a run that reached its loss target (" +
                             std::string(e.what()) + ")");
  }
  const auto& Q = basis.Q;
  const auto split = split_by_rank(basis.table);
  const Scalar rho0 = 2 * start_allow / alpha2;  // |ρ_jk(0)| and |μ_j(0)|: the start's rounding, conserved

  // State error δ (Frobenius) of every sample: the integration's, plus the drift the data's rounding
  // drives (a field error ≤ 2‖r‖₁·eps‖A‖_F·‖U‖_F; ‖r‖₂ = √(2L) never increases, so the left Riemann
  // sum of the samples bounds ∫‖r‖₂dt).
  Scalar residual_integral(0), U_max(0);
  for (std::size_t k = 0; k < trace.samples.size(); ++k) {
    const auto& s = trace.samples[k];
    U_max = std::max<Scalar>(U_max, model.U(s.theta.data()).norm());
    if (k + 1 < trace.samples.size())
      residual_integral += (trace.samples[k + 1].t - s.t) * sqrt(Scalar(2 * model.loss(s.theta.data())));
  }
  const Scalar delta =
      trace.state_error() + 2 * sqrt(Scalar(m)) * eps<Scalar>() * norm_A * U_max * residual_integral;

  detail::worst_ratio<Scalar> off_diagonal, commutes, kernel;
  for (const auto& s : trace.samples) {
    const auto U = model.U(s.theta.data());
    const matrix<Scalar> X = U * U.transpose(), W = Q.transpose() * U, B = W * W.transpose();
    const Scalar nU = U.norm(), nX = X.norm();
    const Scalar lambda_max = B.diagonal().maxCoeff(), lambda_min = B.diagonal().minCoeff();
    const Scalar e_X = (2 * nU + delta) * delta;  // ‖X − X_exact‖_F
    for (Eigen::Index j = 0; j < d; ++j)
      for (Eigen::Index k = j + 1; k < d; ++k) {
        const Scalar root = sqrt(Scalar(B(j, j) * B(k, k)));
        const Scalar allow = rho0 + delta * (1 / sqrt(B(j, j)) + 1 / sqrt(B(k, k))) + delta * delta / root +
                             2 * basis.angle * abs(B(j, j) - B(k, k)) / root +
                             rounding_allowance(Scalar(nU * nU / root), d + r);
        off_diagonal.offer(Scalar(abs(B(j, k)) / root), allow, s.t,
                           "(j, k) = (" + std::to_string(j + 1) + ", " + std::to_string(k + 1) + ")");
      }
    // ‖[X, A_i]‖_F ≤ 2‖A_i‖_F·‖X − X_exact‖_F + the start's off-diagonal part (≤ d·λ_max·ρ0, in every basis).
    for (Eigen::Index i = 0; i < m; ++i) {
      const auto& Ai = A[static_cast<std::size_t>(i)];
      commutes.offer(matrix<Scalar>(X * Ai - Ai * X).norm(),
                     2 * Ai.norm() * (e_X + Scalar(d) * lambda_max * rho0) +
                         rounding_allowance(Scalar(nX * Ai.norm()), 2 * d),
                     s.t, "i = " + std::to_string(i + 1));
    }
    if (split.Phi2.cols() == 0) continue;
    matrix<Scalar> mu(d, 1);
    Scalar per_entry(0);
    for (Eigen::Index j = 0; j < d; ++j) {
      mu(j) = log(B(j, j) / alpha2);
      // |δμ_j| ≤ 2·|δλ_j|/λ_j (ln near 1) with |δλ_j| ≤ (2√λ_j + δ)δ, the basis error (second order)
      // and rounding; the kernel basis Φ2 itself is off by ≈ tiny/σ_min(𝒜) (rank_split's SVD).
      per_entry =
          std::max<Scalar>(per_entry, 2 * (rho0 + (2 * sqrt(B(j, j)) + delta) * delta / B(j, j)) +
                                          2 * Scalar(d) * basis.angle * basis.angle * lambda_max / B(j, j) +
                                          rounding_allowance(Scalar(nU * nU / B(j, j) + abs(mu(j))), d + r));
    }
    // (𝒜 = 0 has no σ_min; then Φ2 = I exactly and μ itself must vanish.)
    const Scalar basis_error =
        split.rank() == 0 ? Scalar(0) : Scalar(2 * basis.tiny / split.sigma(split.rank() - 1) * mu.norm());
    kernel.offer(matrix<Scalar>(split.Phi2.transpose() * mu).norm(),
                 Scalar(sqrt(Scalar(d)) * per_entry + basis_error), s.t,
                 "λ_min = " + to_short_decimal(lambda_min));
  }

  // Branch 2: the exact X(t_f) is the interpolant of y + r on the curve family, so
  // ‖X(t_f) − X∞‖_F ≤ ‖J‖_F‖r‖ + O(‖r‖²) (×2 below); plus the state error, the residual's own error
  // through J, the start's rounding carried by X = E X0 E (‖E‖² = λ_max/α²), Q's error and rounding.
  const auto& final_theta = trace.final().theta;
  const matrix<Scalar> X_f = model.product(final_theta.data());
  const matrix<Scalar> X_inf = Q * limit->beta.asDiagonal() * Q.transpose();
  const Scalar r_f = sqrt((model.predictions(final_theta.data()) - model.Y()).squaredNorm());
  const Scalar J = sqrt(limit->sensitivity.squaredNorm()), beta_max = limit->beta.maxCoeff();
  const Scalar e_X = (2 * model.U(final_theta.data()).norm() + delta) * delta;
  const Scalar distance = matrix<Scalar>(X_f - X_inf).norm();
  const Scalar bound = 2 * J * r_f + e_X * (1 + 2 * J * sqrt(Scalar(m)) * norm_A) +
                       beta_max / alpha2 * start_allow + 2 * Scalar(d) * basis.angle * beta_max +
                       rounding_allowance(Scalar(X_inf.norm()), d * d);
  std::string limit_detail = "‖X(t_f) − X∞‖_F = " + to_short_decimal(distance) +
                             " vs 2‖dX∞/dy‖_F‖r(t_f)‖ + allowance = " + to_short_decimal(bound) +
                             " (α² = " + to_short_decimal(alpha2) +
                             "; X∞ by Newton on ν in the common eigenbasis, " +
                             std::to_string(limit->iterations) + " iterations";
  if (distance > 0)
    limit_detail += "; " + to_short_decimal(Scalar(-log10(distance / X_inf.norm()))) + " digits";
  limit_detail += ")";

  const Eigen::Index rank_0 = detail::numerical_rank(X0), rank_f = detail::numerical_rank(X_f);
  const auto spectrum_f = symmetric_eigenvalues<Scalar>(X_f);
  const std::string rank_detail =
      "numerical rank of X: " + std::to_string(rank_0) + " at t = 0, " + std::to_string(rank_f) +
      " at t_f (λ_min(X(t_f)) = " + to_short_decimal(Scalar(spectrum_f(d - 1))) + ", reported, not asserted)";
  const std::string path_detail =
      off_diagonal.text("max|ρ_jk|") + "; " + commutes.text("max‖XA_i − A_iX‖_F") + "; " +
      (split.Phi2.cols() == 0 ? std::string("ker 𝒜 = {0}: every μ lies in range 𝒜ᵀ (no mirror branch)")
                              : kernel.text("max‖Φ2ᵀln(λ/α²)‖"));
  const std::string tail =
      "; limit: " + limit_detail + "; along the path: " + path_detail + "; " + rank_detail;
  if (off_diagonal.violated)
    return {id, verdict::fail, to_decimal(off_diagonal.measured), to_decimal(off_diagonal.allowance),
            "X(t) left the common eigenbasis of the A_i (off-diagonal ρ_jk in Q)" + tail};
  if (commutes.violated)
    return {id, verdict::fail, to_decimal(commutes.measured), to_decimal(commutes.allowance),
            "X(t) does not commute with the measurements" + tail};
  if (!(distance <= bound))
    return {id, verdict::fail, to_decimal(distance), to_decimal(bound),
            "X(t_f) is not the interpolant X∞" + tail};
  if (kernel.violated)
    return {id, verdict::fail, to_decimal(kernel.measured), to_decimal(kernel.allowance),
            "the mirror coordinate ln(λ/α²) left range 𝒜ᵀ (X(t) is off the curve family of X∞)" + tail};
  return {id, verdict::pass, to_decimal(distance), to_decimal(bound),
          limit_detail + "; along the path: " + path_detail + "; " + rank_detail};
}

}  // namespace gradflow
