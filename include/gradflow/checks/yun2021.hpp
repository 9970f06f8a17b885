#pragma once
// yun2021.regression and yun2021.classification: limits of orthogonally decomposable linear tensor
// networks (THEOREMS.md §2.2; proofs/yun2021.*.md).
//
// Notation: ρ_j = Π_l a_{l,j}, Z = X Sᵀ, σ = −∂L/∂ρ = Zᵀ(−∂L/∂p), s_j(t) = ∫₀ᵗ σ_j, so s ∈ range(Zᵀ).
//   ȧ_{l,j} = (Π_{k≠l} a_{k,j}) σ_j ⇒ d(a_{l,j}²)/dt = 2ρ_jσ_j for every l (a_{l,j}² − a_{1,j}² conserved)
//   and ρ_j moves along a curve ρ_j = G_j(s_j) fixed by its start (derivations in proofs/yun2021.regression.md):
//     L = 1:  G(s) = ρ(0) + s
//     L = 2:  G(s) = (c₊² e^{2s} − c₋² e^{−2s})/4,  c± = a_{1,j}(0) ± a_{2,j}(0)
//     L ≥ 3, balanced component (|a_{l,j}(0)| = b for all l), σ₀ = sign ρ_j(0):
//             G(s) = σ₀ (b^{2−L} − (L − 2)σ₀ s)^{−L/(L−2)}   on σ₀ s < b^{2−L}/(L − 2)
//   A component with ρ ≡ 0 on its curve (c₊ = c₋ = 0, or b = 0) never moves and is dropped.
#include "gradflow/checks/mirror_limit.hpp"
#include "gradflow/models/tensor.hpp"
#include "gradflow/solvers/l1_max_margin.hpp"
#include "gradflow/solvers/nonnegative_qp.hpp"

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gradflow {

namespace detail {

// Largest |S Sᵀ − I| entry; the theorems need S orthogonal.
template <class Scalar>
Scalar orthogonality_defect(const matrix<Scalar>& S) {
  return max_abs_entry<Scalar>(S * S.transpose() - matrix<Scalar>::Identity(S.rows(), S.cols()));
}

// The curves G_j of a tensor network's start, with the moving components and s_j = G_j^{-1}(ρ_j)
// (`inverse`, indexed like the map); nullopt (and `why`) when a component of depth L ≥ 3 is not
// balanced (no closed form here).
template <class Scalar>
std::optional<solvers::componentwise_map<Scalar>> tensor_curves(
    const tensor<Scalar>& model, const Scalar* theta0, std::vector<Eigen::Index>& moving, std::string& why,
    std::function<Scalar(Eigen::Index, const Scalar&)>* inverse = nullptr) {
  using std::abs;
  using std::exp;
  using std::pow;
  const int L = model.depth();
  const Eigen::Index d = model.d();
  std::vector<Scalar> c_plus(d), c_minus(d), rho0(d), b(d), sign(d);
  moving.clear();
  for (Eigen::Index j = 0; j < d; ++j) {
    const auto a = [&](int l) -> const Scalar& { return theta0[(l - 1) * d + j]; };
    rho0[j] = Scalar(1);
    for (int l = 1; l <= L; ++l) rho0[j] *= a(l);
    if (L == 2) {
      c_plus[j] = a(1) + a(2), c_minus[j] = a(1) - a(2);
      if (c_plus[j] != 0 || c_minus[j] != 0) moving.push_back(j);
    } else if (L >= 3) {
      b[j] = abs(a(1));
      for (int l = 2; l <= L; ++l)
        if (abs(a(l)) != b[j]) {
          why = "component " + std::to_string(j + 1) +
                " starts unbalanced (|a_{l,j}(0)| differ) at depth L = " + std::to_string(L) +
                ": the limit's Q_j has a closed form here only for L ≤ 2 or balanced components";
          return std::nullopt;
        }
      sign[j] = rho0[j] < 0 ? Scalar(-1) : Scalar(1);
      if (b[j] != 0) moving.push_back(j);
    } else {
      moving.push_back(j);
    }
  }
  const auto at = [&](Eigen::Index k) { return moving[static_cast<std::size_t>(k)]; };
  solvers::componentwise_map<Scalar> G;
  using std::log;
  using std::sqrt;
  if (L == 1) {
    G.value = [=](Eigen::Index k, const Scalar& s) { return Scalar(rho0[at(k)] + s); };
    G.derivative = [](Eigen::Index, const Scalar&) { return Scalar(1); };
    if (inverse) *inverse = [=](Eigen::Index k, const Scalar& rho) { return Scalar(rho - rho0[at(k)]); };
  } else if (L == 2) {
    // u = e^{2s} solves c₊²u² − 4ρu − c₋² = 0 (the positive root; ρ < 0 only if c₊ = 0 there).
    if (inverse)
      *inverse = [=](Eigen::Index k, const Scalar& rho) {
        const Scalar &p = c_plus[at(k)], &m = c_minus[at(k)];
        if (p == 0) return Scalar(-log(-4 * rho / (m * m)) / 2);
        return Scalar(log((4 * rho + sqrt(16 * rho * rho + 4 * p * p * m * m)) / (2 * p * p)) / 2);
      };
    G.value = [=](Eigen::Index k, const Scalar& s) {
      const Scalar &p = c_plus[at(k)], &m = c_minus[at(k)];
      return Scalar((p * p * exp(2 * s) - m * m * exp(-2 * s)) / 4);
    };
    G.derivative = [=](Eigen::Index k, const Scalar& s) {
      const Scalar &p = c_plus[at(k)], &m = c_minus[at(k)];
      return Scalar((p * p * exp(2 * s) + m * m * exp(-2 * s)) / 2);
    };
  } else {
    const Scalar e = Scalar(-L) / (L - 2);
    if (inverse)
      *inverse = [=](Eigen::Index k, const Scalar& rho) {
        const Scalar& sg = sign[at(k)];
        return Scalar(sg * (pow(b[at(k)], Scalar(2 - L)) - pow(abs(rho), Scalar(2 - L) / L)) / (L - 2));
      };
    G.value = [=](Eigen::Index k, const Scalar& s) {
      const Scalar& sg = sign[at(k)];
      return Scalar(sg * pow(pow(b[at(k)], Scalar(2 - L)) - (L - 2) * sg * s, e));
    };
    G.derivative = [=](Eigen::Index k, const Scalar& s) {
      const Scalar& sg = sign[at(k)];
      return Scalar(L * pow(pow(b[at(k)], Scalar(2 - L)) - (L - 2) * sg * s, e - 1));
    };
    for (Eigen::Index k = 0; k < static_cast<Eigen::Index>(moving.size()); ++k) {
      const Scalar edge = pow(b[at(k)], Scalar(2 - L)) / (L - 2);
      G.lower.push_back(sign[at(k)] > 0 ? Scalar(-solvers::unbounded<Scalar>()) : Scalar(-edge));
      G.upper.push_back(sign[at(k)] > 0 ? edge : solvers::unbounded<Scalar>());
    }
  }
  return G;
}

}  // namespace detail

/// yun2021.regression: square loss, S orthogonal, run stopped at a loss target: ρ(t_f) against the
/// minimiser of Σ_j Q_j(ρ_j) s.t. X Sᵀ ρ = y (Q_j' = G_j^{-1}), and the conserved a_{l,j}² − a_{1,j}².
template <class Scalar>
check_result check_yun2021_regression(const tensor<Scalar>& model, const run_trace<Scalar>& trace) {
  using std::abs;
  const std::string id = "yun2021.regression";
  if (model.loss_type() != loss_kind::square)
    return not_applicable(id, "the loss is " + std::string(loss_name(model.loss_type())) + ", not square");
  const Scalar defect = detail::orthogonality_defect(model.S());
  if (defect > rounding_allowance(Scalar(1), 4 * model.d()))
    return not_applicable(id, "S is not orthogonal (max |SSᵀ − I| = " + to_short_decimal(defect) + ")");
  if (auto r = detail::require_loss_target(id, trace)) return *r;
  std::vector<Eigen::Index> moving;
  std::string why;
  const auto G = detail::tensor_curves(model, trace.initial().theta.data(), moving, why);
  if (!G) return not_applicable(id, why);

  // Conservation of a_{l,j}² − a_{1,j}² along the path, relative to the largest a².
  const auto I0 = model.invariants(trace.initial().theta.data());
  Scalar drift(0), a2_max(1);
  for (const auto& s : trace.samples) {
    for (const auto& x : s.theta) a2_max = std::max<Scalar>(a2_max, x * x);
    if (!I0.empty())
      drift = std::max<Scalar>(
          drift, max_abs_entry<Scalar>(model.invariants(s.theta.data())[0].value - I0[0].value));
  }
  const Scalar drift_bound = 4 * trace.state_allowance() * a2_max;
  if (drift > drift_bound)
    return {id, verdict::fail, to_decimal(drift), to_decimal(drift_bound),
            "a_{l,j}² − a_{1,j}² drifted by " + to_short_decimal(drift) + " along the path"};

  matrix<Scalar> Z(model.N(), static_cast<Eigen::Index>(moving.size()));
  const matrix<Scalar> rho = model.product(trace.final().theta.data());
  matrix<Scalar> rho_moving(Z.cols(), 1);
  for (Eigen::Index k = 0; k < Z.cols(); ++k) {
    Z.col(k) = model.Z().col(moving[static_cast<std::size_t>(k)]);
    rho_moving(k) = rho(moving[static_cast<std::size_t>(k)]);
  }
  using std::pow;
  const Scalar allowance =
      trace.state_allowance() * Scalar(model.depth()) * pow(a2_max, Scalar(model.depth()) / 2) +
      rounding_allowance(pow(a2_max, Scalar(model.depth()) / 2), 4 * model.d());
  auto result = detail::compare_with_limit(
      id, Z, model.Y(), *G, rho_moving, allowance,
      "L = " + std::to_string(model.depth()) + ", " + std::to_string(moving.size()) + " moving components");
  if (result.verdict != verdict::not_applicable)
    result.detail += "; conservation drift " + to_short_decimal(drift);
  return result;
}

namespace detail {

// Scaled KKT residual of min ‖ρ‖_{2/L}^{2/L} s.t. Aρ ≥ 1 at ρ̄ (min_n a_nᵀρ̄ = 1), with p = 2/L < 1
// (L ≥ 3; L = 2 is judged by the ℓ1 LP's optimality gap instead, see l1_optimality_gap):
//   R(ρ̄)² = min_{λ ≥ 0} (‖p|ρ̄|^p − ρ̄∘(Aᵀλ)‖² + ‖λ∘(Aρ̄ − 1)‖²) / ‖p|ρ̄|^p‖².
// The first term is the stationarity p·sign(ρ_j)|ρ_j|^{p−1} = (Aᵀλ)_j multiplied by ρ_j (continuous
// where ℓ_p is singular), the second complementary slackness. For p < 1 the subdifferential of
// |ρ_j|^p at ρ_j = 0 is all of ℝ, so zero components impose no dual-feasibility condition and R = 0
// exactly at KKT points. For p = 1 it is [−1, 1]: R cannot see |(Aᵀλ)_j| > 1 at ρ_j = 0, which is
// why L = 2 uses the LP instead.
template <class Scalar>
Scalar scaled_kkt_residual(const matrix<Scalar>& A, const matrix<Scalar>& rho_bar, int L) {
  using std::abs;
  using std::pow;
  using std::sqrt;
  const Scalar p = Scalar(2) / L;
  const Eigen::Index d = rho_bar.rows(), N = A.rows();
  const matrix<Scalar> slack = A * rho_bar - matrix<Scalar>::Ones(N, 1);
  matrix<Scalar> target = matrix<Scalar>::Zero(d + N, 1), M(d + N, N);
  for (Eigen::Index j = 0; j < d; ++j) target(j) = p * pow(abs(rho_bar(j)), p);
  M.topRows(d) = rho_bar.asDiagonal() * A.transpose();
  M.bottomRows(N) = slack.asDiagonal();
  const matrix<Scalar> lambda = solvers::nnls(M, target);
  return sqrt((target - M * lambda).squaredNorm() / target.squaredNorm());
}

// L = 2: the relative optimality gap ‖ρ̄‖₁/OPT − 1 ≥ 0 of the feasible ρ̄ = ρ/γ for the convex
// problem min ‖ρ‖₁ s.t. Aρ ≥ 1 (OPT by the simplex method, solvers/l1_max_margin.hpp). It is zero
// exactly at the minimisers, which for a convex problem are its only KKT points, so it includes the
// dual feasibility |(Aᵀλ)_j| ≤ 1 at zero components that the weighted residual misses.
template <class Scalar>
Scalar l1_optimality_gap(const solvers::l1_max_margin_result<Scalar>& lp, const matrix<Scalar>& rho_bar) {
  return rho_bar.cwiseAbs().sum() / lp.value - 1;
}

}  // namespace detail

/// yun2021.classification: exponential loss, S orthogonal, L ≥ 2, separable data (γ_f > 0), run
/// stopped at a loss target, every component of a depth L ≥ 3 network balanced. Asserted: an identity
/// of the flow at the final state, not the theorem's limit: s(t) = G^{-1}(ρ(t)) = Aᵀν(t) with ν ≥ 0
/// (the exponential loss's integrated weights ν_n = ∫e^{−margin_n}), the mechanism of the theorem
/// (proofs/yun2021.classification.md); it does not see t. Reported, not asserted (the theorem has no
/// rate): the distance to the limit — for L = 2 the ℓ1 LP's optimality gap of ρ/γ and the distance of
/// ρ/‖ρ‖ to the LP's minimiser; for L ≥ 3 the scaled KKT residual R of ρ/γ.
template <class Scalar>
check_result check_yun2021_classification(const tensor<Scalar>& model, const run_trace<Scalar>& trace) {
  using std::abs;
  using std::sqrt;
  const std::string id = "yun2021.classification";
  if (model.loss_type() != loss_kind::exponential)
    return not_applicable(id,
                          "the loss is " + std::string(loss_name(model.loss_type())) + ", not exponential");
  if (model.depth() < 2)
    return not_applicable(id, "depth L = 1 is the linear predictor: see soudry2018.direction");
  const Scalar defect = detail::orthogonality_defect(model.S());
  if (defect > rounding_allowance(Scalar(1), 4 * model.d()))
    return not_applicable(id, "S is not orthogonal (max |SSᵀ − I| = " + to_short_decimal(defect) + ")");
  if (auto r = detail::require_loss_target(id, trace)) return *r;
  const matrix<Scalar> A = model.Y().asDiagonal() * model.Z();
  const matrix<Scalar> rho = model.product(trace.final().theta.data());
  const Scalar gamma = (A * rho).minCoeff();
  if (!(gamma > 0))
    return not_applicable(id, "the final margin γ = " + to_short_decimal(gamma) + " is not positive");
  std::vector<Eigen::Index> moving;
  std::string why;
  std::function<Scalar(Eigen::Index, const Scalar&)> inverse;
  const auto G = detail::tensor_curves(model, trace.initial().theta.data(), moving, why, &inverse);
  if (!G) return not_applicable(id, why);

  // s on the moving components and the cone test: min_{ν ≥ 0} ‖A_Mᵀν − s‖ (A_M: moving columns).
  const auto m = static_cast<Eigen::Index>(moving.size());
  matrix<Scalar> s(m, 1), A_M(A.rows(), m);
  Scalar allowance(0), a_max(1);
  for (const auto& x : trace.final().theta) a_max = std::max<Scalar>(a_max, abs(x));
  using std::pow;
  const Scalar state_error = trace.state_allowance() * a_max;  // absolute error of every factor a_{l,j}
  for (Eigen::Index k = 0; k < m; ++k) {
    const Eigen::Index j = moving[static_cast<std::size_t>(k)];
    s(k) = inverse(k, rho(j));
    A_M.col(k) = A.col(j);
    // δρ_j ≤ L·|a|^{L−1}·δa moves s_j by δρ_j / G_j'(s_j).
    allowance +=
        Scalar(model.depth()) * pow(a_max, Scalar(model.depth() - 1)) * state_error / G->derivative(k, s(k));
  }
  allowance += rounding_allowance(Scalar(sqrt(s.squaredNorm())), 16 * (model.N() + m));
  const matrix<Scalar> nu = solvers::nnls(matrix<Scalar>(A_M.transpose()), s);
  const Scalar miss = sqrt((A_M.transpose() * nu - s).squaredNorm());
  std::string reported;
  if (model.depth() == 2) {
    solvers::l1_max_margin_result<Scalar> lp;
    try {
      lp = solvers::l1_max_margin(A);
    } catch (const std::exception& e) {
      throw std::runtime_error(id + ": the ℓ1 max-margin LP failed on data the run separates (" +
                               std::string(e.what()) + ")");
    }
    const Scalar gap = detail::l1_optimality_gap(lp, matrix<Scalar>(rho / gamma));
    const Scalar distance =
        sqrt((rho / sqrt(rho.squaredNorm()) - lp.rho / sqrt(lp.rho.squaredNorm())).squaredNorm());
    reported = "ℓ1 optimality gap ‖ρ/γ‖₁/OPT − 1 = " + to_short_decimal(gap) +
               " (OPT = min ‖ρ‖₁ s.t. Aρ ≥ 1 = " + to_short_decimal(lp.value) +
               " by the simplex method), ‖ρ/‖ρ‖ − ρ̂/‖ρ̂‖‖ = " + to_short_decimal(distance) +
               " to the LP's minimiser ρ̂";
  } else {
    reported = "scaled KKT residual of ρ/γ for min ‖ρ‖_{2/L} s.t. margins ≥ 1 (L = " +
               std::to_string(model.depth()) + ") is " +
               to_short_decimal(detail::scaled_kkt_residual(A, matrix<Scalar>(rho / gamma), model.depth()));
  }
  return {
      id, miss <= allowance ? verdict::pass : verdict::fail, to_decimal(miss), to_decimal(allowance),
      "asserted (an identity of the flow at t_f): distance of s = G^{-1}(ρ(t_f)) to the cone {Aᵀν : ν ≥ 0} over " +
          std::to_string(m) +
          " moving components (ν_n = ∫e^{−margin_n}); reported, not asserted (no rate): " + reported +
          " at γ = " + to_short_decimal(gamma)};
}

}  // namespace gradflow
