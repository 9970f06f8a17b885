#pragma once
// The interpolation limit of the flows whose predictor moves along fixed componentwise curves
// β_j = G_j(s_j), s ∈ range(Zᵀ) (diagonal and tensor networks; checks/mirror_limit.hpp):
//   find ν ∈ ℝ^N with F(ν) = Z G(Zᵀν) − y = 0;  β* = G(Zᵀν*) = argmin Σ_j Q_j(β_j) s.t. Zβ = y, Q_j' = G_j^{-1}.
// F is the gradient of the strictly convex dual Φ(ν) = Σ_j ψ_j((Zᵀν)_j) − yᵀν (ψ_j' = G_j), with the
// Jacobian Z diag(G') Zᵀ, positive definite when Z has full row rank: damped Newton from ν = 0
// (s = 0 is the start of every curve), halving the step until Zᵀν stays in the curves' domains and
// ‖F‖ decreases. Sensitivity of the solution to the targets: dβ*/dy = diag(G')Zᵀ(Z diag(G')Zᵀ)^{-1}.
#include "gradflow/numeric/matrix.hpp"
#include "gradflow/numeric/precision.hpp"

#include <Eigen/LU>

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace gradflow::solvers {

/// +∞ in the scalar (an unbounded end of a curve's domain).
template <class Scalar>
Scalar unbounded() {
  return std::numeric_limits<Scalar>::infinity();
}

/// The curves G_j (value and derivative at s) and, when bounded, their open domains (lower_j, upper_j).
template <class Scalar>
struct componentwise_map {
  std::function<Scalar(Eigen::Index, const Scalar&)> value, derivative;
  std::vector<Scalar> lower, upper;  ///< empty: every s is allowed; one entry: the same for every j

  bool contains(Eigen::Index j, const Scalar& s) const {
    if (lower.empty()) return true;
    const std::size_t k = lower.size() == 1 ? 0 : static_cast<std::size_t>(j);
    return s > lower[k] && s < upper[k];
  }
};

/// The solution, its dual variable, dβ*/dy (d×N) and how Newton went.
template <class Scalar>
struct mirror_solution {
  matrix<Scalar> beta, nu, sensitivity;
  int iterations = 0;
  Scalar residual;  ///< ‖Zβ* − y‖∞
};

/// Depth-2 diagonal network started at α𝟙 (THEOREMS.md §4.1): G(s) = 2c·sinh s with c = α².
template <class Scalar>
componentwise_map<Scalar> depth_two_map(const Scalar& c) {
  componentwise_map<Scalar> G;
  G.value = [c](Eigen::Index, const Scalar& s) {
    using std::sinh;
    return Scalar(2 * c * sinh(s));
  };
  G.derivative = [c](Eigen::Index, const Scalar& s) {
    using std::cosh;
    return Scalar(2 * c * cosh(s));
  };
  return G;
}

/// Depth-D diagonal network (D ≥ 3) started at α𝟙 (THEOREMS.md §4.2): G(s) = α^D h_D(s),
/// h_D(s) = (1 − s)^{−D/(D−2)} − (1 + s)^{−D/(D−2)} on (−1, 1).
template <class Scalar>
componentwise_map<Scalar> depth_d_map(int D, const Scalar& alpha) {
  using std::pow;
  if (D < 3) throw std::invalid_argument("depth_d_map: D = " + std::to_string(D) + " violates D >= 3");
  const Scalar scale = pow(alpha, Scalar(D)), e = Scalar(D) / (D - 2);
  componentwise_map<Scalar> G;
  G.value = [=](Eigen::Index, const Scalar& s) { return Scalar(scale * (pow(1 - s, -e) - pow(1 + s, -e))); };
  G.derivative = [=](Eigen::Index, const Scalar& s) {
    return Scalar(scale * e * (pow(1 - s, -e - 1) + pow(1 + s, -e - 1)));
  };
  G.lower = {Scalar(-1)};
  G.upper = {Scalar(1)};
  return G;
}

/// The curves of a depth-D diagonal network started at α𝟙: depth_two_map(α²) or depth_d_map(D, α).
template <class Scalar>
componentwise_map<Scalar> diagonal_network_map(int D, const Scalar& alpha) {
  return D == 2 ? depth_two_map(Scalar(alpha * alpha)) : depth_d_map(D, alpha);
}

/// Solves Z G(Zᵀν) = y (Z: N×d with full row rank, y: N×1). Throws std::runtime_error naming the
/// residual when Newton cannot reach a few eps (no interpolant on the curves, or Z rank-deficient).
template <class Scalar>
mirror_solution<Scalar> mirror_interpolation(const matrix<Scalar>& Z, const matrix<Scalar>& y,
                                             componentwise_map<Scalar> G) {
  using std::abs;
  const Eigen::Index N = Z.rows(), d = Z.cols();
  const auto beta_at = [&](const matrix<Scalar>& s) {
    matrix<Scalar> b(d, 1);
    for (Eigen::Index j = 0; j < d; ++j) b(j) = G.value(j, s(j));
    return b;
  };
  const auto inside = [&](const matrix<Scalar>& s) {
    for (Eigen::Index j = 0; j < d; ++j)
      if (!G.contains(j, s(j))) return false;
    return true;
  };
  const auto norm = [](const matrix<Scalar>& v) { return v.cwiseAbs().maxCoeff(); };
  mirror_solution<Scalar> r;
  r.nu = matrix<Scalar>::Zero(N, 1);
  matrix<Scalar> s = Z.transpose() * r.nu, beta = beta_at(s), F = Z * beta - y;
  const auto tolerance = [&] {
    return Scalar(16 * (d + 1)) * eps<Scalar>() * (norm(y) + Z.cwiseAbs().maxCoeff() * norm(beta));
  };
  const auto jacobian = [&](matrix<Scalar>& Gp) {
    Gp.resize(d, 1);
    for (Eigen::Index j = 0; j < d; ++j) Gp(j) = G.derivative(j, s(j));
    return matrix<Scalar>(Z * Gp.asDiagonal() * Z.transpose());
  };
  matrix<Scalar> Gp;
  int polish = 0;
  for (r.iterations = 0; r.iterations < 500; ++r.iterations) {
    if (norm(F) <= tolerance() && ++polish > 2)
      break;  // two more steps once converged: quadratic convergence
    const Eigen::PartialPivLU<matrix<Scalar>> lu(jacobian(Gp));
    const matrix<Scalar> step = -lu.solve(F);
    Scalar t(1);
    bool moved = false;
    for (int halving = 0; halving < 200; ++halving, t /= 2) {
      const matrix<Scalar> nu = r.nu + t * step, s_new = Z.transpose() * nu;
      if (!inside(s_new)) continue;
      const matrix<Scalar> beta_new = beta_at(s_new), F_new = Z * beta_new - y;
      if (!(norm(F_new) < norm(F)) && !(polish > 0 && norm(F_new) <= tolerance())) continue;
      r.nu = nu, s = s_new, beta = beta_new, F = F_new, moved = true;
      break;
    }
    if (!moved) break;
  }
  r.residual = norm(F);
  if (!(r.residual <= Scalar(64) * tolerance()))
    throw std::runtime_error("mirror_interpolation: Newton stopped at residual ‖Zβ − y‖∞ = " +
                             std::to_string(static_cast<double>(r.residual)) + " after " +
                             std::to_string(r.iterations) + " iterations (no interpolant on the curves?)");
  r.beta = beta;
  const matrix<Scalar> J = jacobian(Gp);
  r.sensitivity = Gp.asDiagonal() * Z.transpose() * Eigen::PartialPivLU<matrix<Scalar>>(J).inverse();
  return r;
}

}  // namespace gradflow::solvers
