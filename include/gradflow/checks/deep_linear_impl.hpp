#pragma once
// Definitions of the deep-linear checks; included only by src/instantiate/checks_*.cpp.
//
// Notation (THEOREMS.md §7): layers W_j (d_j × d_{j−1}), j = 1..L; W_e = W_L⋯W_1 = product(θ)ᵀ (m×n);
// Σyx = YᵀX = P diag(s) Qᵀ; mode strength a_α = p_αᵀ W_e q_α.
#include "gradflow/checks/deep_linear.hpp"
#include "gradflow/checks/saxe_mode.hpp"
#include "gradflow/numeric/decimal.hpp"

#include <Eigen/SVD>

#include <algorithm>
#include <optional>
#include <string>

namespace gradflow {

namespace detail {

// max_j max|W_{j+1}ᵀW_{j+1} − W_jW_jᵀ − (same at the reference)|, with the j of the largest entry.
template <class Scalar>
std::pair<Scalar, std::size_t> balance_deviation(const std::vector<matrix<Scalar>>& W,
                                                 const std::vector<matrix<Scalar>>* reference) {
  Scalar worst(0);
  std::size_t where = 0;
  for (std::size_t j = 0; j + 1 < W.size(); ++j) {
    matrix<Scalar> B = W[j + 1].transpose() * W[j + 1] - W[j] * W[j].transpose();
    if (reference)
      B -= (*reference)[j + 1].transpose() * (*reference)[j + 1] -
           (*reference)[j] * (*reference)[j].transpose();
    const Scalar d = max_abs_entry<Scalar>(B);
    if (d > worst) worst = d, where = j + 1;
  }
  return {worst, where};
}

// Each entry of W_{j+1}ᵀW_{j+1} − W_jW_jᵀ sums d_{j+1} + d_{j−1} products of state entries.
template <class Scalar>
Eigen::Index widest_pair(const std::vector<matrix<Scalar>>& W) {
  Eigen::Index widest = 0;
  for (std::size_t j = 0; j + 1 < W.size(); ++j) widest = std::max(widest, W[j + 1].rows() + W[j].cols());
  return widest;
}

}  // namespace detail

template <class Scalar, class Model>
check_result check_arora2018_balanced(const Model& model, const run_trace<Scalar>& trace) {
  const auto initial = model.layers(trace.initial().theta.data());
  Scalar drift(0), slope(0), scale(0);
  std::string where;
  for (const auto& s : trace.samples) {
    const auto W = model.layers(s.theta.data());
    const auto [d, j] = detail::balance_deviation(W, &initial);
    if (d > drift) drift = d, where = "j = " + std::to_string(j) + " at t = " + to_short_decimal(s.t);
    // ‖∇(B_j)_ab‖₁ = c_a + c_b + ρ_a + ρ_b, c the column sums of |W_{j+1}|, ρ the row sums of |W_j|.
    for (std::size_t k = 0; k + 1 < W.size(); ++k) {
      slope = std::max<Scalar>(
          slope,
          2 * (W[k + 1].cwiseAbs().colwise().sum().transpose() + W[k].cwiseAbs().rowwise().sum()).maxCoeff());
      scale = std::max(scale, Scalar(W[k + 1].squaredNorm() + W[k].squaredNorm()));
    }
  }
  // As min2021.imbalance: the drift is Σ_steps ∇B_j·e_step, never amplified (trace.hpp).
  const Scalar bound = trace.conservation_allowance(slope, scale, detail::widest_pair(initial));
  return {
      "arora2018.balanced", drift <= bound ? verdict::pass : verdict::fail, to_decimal(drift),
      to_decimal(bound),
      "max over " + std::to_string(trace.samples.size()) + " samples and j = 1.." +
          std::to_string(initial.size() - 1) + " of max|B_j(t) − B_j(0)|, B_j = W_{j+1}ᵀW_{j+1} − W_jW_jᵀ" +
          (where.empty() ? "" : "; largest: " + where) +
          "; bound (steps + 1)·step error·(1 + max|θ|)·max‖∇B_j‖₁ + rounding (proofs/README.md, Tolerances)"};
}

template <class Scalar, class Model>
check_result check_saxe2014_closed_form(const Model& model, const run_trace<Scalar>& trace) {
  using std::pow;
  using std::sqrt;
  const std::string id = "saxe2014.closed_form";
  const matrix<Scalar>& X = model.X();
  const matrix<Scalar>& Y = model.Y();
  const Eigen::Index n = X.cols(), m = Y.cols(), k = std::min(m, n);
  const Scalar size = 1 + trace.max_abs_state();

  // Hypotheses, each up to the rounding of decimal inputs at working precision.
  const Scalar X_max = max_abs_entry<Scalar>(X);
  const Scalar white =
      max_abs_entry<Scalar>(matrix<Scalar>(X.transpose() * X - matrix<Scalar>::Identity(n, n)));
  if (white > rounding_allowance(Scalar(1 + X_max * X_max), X.rows()))
    return not_applicable(id, "inputs not whitened: max|XᵀX − I| = " + to_short_decimal(white));
  const auto W0 = model.layers(trace.initial().theta.data());
  const int L = static_cast<int>(W0.size());
  const auto [unbalanced, j] = detail::balance_deviation<Scalar>(W0, nullptr);
  if (unbalanced > rounding_allowance(Scalar(size * size), detail::widest_pair(W0)))
    return not_applicable(id, "not balanced at t = 0: max|W_{j+1}ᵀW_{j+1} − W_jW_jᵀ| = " +
                                  to_short_decimal(unbalanced) + " at j = " + std::to_string(j));
  Eigen::JacobiSVD<matrix<Scalar>> svd(matrix<Scalar>(Y.transpose() * X),
                                       Eigen::ComputeFullU | Eigen::ComputeFullV);
  const auto& s = svd.singularValues();
  const matrix<Scalar>& P = svd.matrixU();
  const matrix<Scalar>& Q = svd.matrixV();
  // The singular vectors of Σyx carry an error ≈ ‖δΣyx‖/gap (Wedin's theorem), δΣyx its rounding. A gap
  // below √eps·s_1 leaves them fewer than half the working digits: the modes are then not determined.
  // Above it the error enters the bound (mode_rounding below).
  Scalar gap = s(0);
  for (Eigen::Index a = 0; a + 1 < k; ++a) {
    if (s(a) - s(a + 1) <= sqrt(eps<Scalar>()) * s(0))
      return not_applicable(id, "Σyx = YᵀX has a repeated singular value " + to_short_decimal(Scalar(s(a))) +
                                    ": its modes are not determined");
    gap = std::min<Scalar>(gap, Scalar(s(a) - s(a + 1)));
  }
  if (m != n && s(k - 1) > 0)
    gap = std::min<Scalar>(gap, Scalar(s(k - 1)));  // separation from the zero singular values
  auto modes = [&](const std::vector<Scalar>& a) {
    matrix<Scalar> M = matrix<Scalar>::Zero(m, n);
    for (Eigen::Index i = 0; i < k; ++i) M += a[i] * P.col(i) * Q.col(i).transpose();
    return M;
  };
  const matrix<Scalar> We0 = model.product(trace.initial().theta.data()).transpose();
  std::vector<Scalar> a0(k);
  for (Eigen::Index i = 0; i < k; ++i) a0[i] = P.col(i).dot(We0 * Q.col(i));
  const Scalar tolerance0 = rounding_allowance(Scalar(pow(size, Scalar(L))), m + n + L);
  const Scalar coupled = max_abs_entry<Scalar>(matrix<Scalar>(We0 - modes(a0)));
  if (coupled > tolerance0)
    return not_applicable(id, "W_e(0) is not diagonal in the singular vectors of Σyx: off-mode part " +
                                  to_short_decimal(coupled));
  for (Eigen::Index i = 0; i < k; ++i) {
    if (a0[i] < -tolerance0)
      return not_applicable(
          id, "mode " + std::to_string(i + 1) + " starts with negative strength " + to_short_decimal(a0[i]));
    a0[i] = std::max<Scalar>(a0[i], Scalar(0));
  }

  Scalar worst(0), worst_t(0);
  for (const auto& sample : trace.samples) {
    std::vector<Scalar> a(k);
    for (Eigen::Index i = 0; i < k; ++i) a[i] = saxe_mode_strength(L, Scalar(s(i)), a0[i], sample.t);
    const Scalar d = matrix<Scalar>(model.product(sample.theta.data()).transpose() - modes(a)).norm();
    if (d > worst) worst = d, worst_t = sample.t;
  }
  // W_e is a product of L layers: a state error δ per entry moves it by about L·size^{L−1}·δ per
  // entry, summed over the widest layer; the closed form itself is solved to working precision.
  Eigen::Index widest = 0;
  for (const auto& W : W0) widest = std::max({widest, W.rows(), W.cols()});
  // Wedin: p_α, q_α off by ≤ 64(N + 1)·eps·‖Y‖‖X‖/gap each, so Σ_α a_α p_αq_αᵀ by 2√k·max a·that.
  Scalar a_max(0);
  for (const auto& x : a0) a_max = std::max(a_max, x);
  for (Eigen::Index i = 0; i < k; ++i) a_max = std::max<Scalar>(a_max, Scalar(s(i)));
  const Scalar mode_rounding =
      2 * sqrt(Scalar(k)) * a_max * rounding_allowance(Scalar(Y.norm() * X.norm() / gap), X.rows());
  const Scalar bound =
      trace.state_allowance() * Scalar(L * widest) * pow(size, Scalar(L)) * sqrt(Scalar(m * n)) + tolerance0 +
      mode_rounding;
  std::string strengths;
  for (Eigen::Index i = 0; i < k; ++i) strengths += (i ? ", " : "") + to_short_decimal(Scalar(s(i)));
  return {id, worst <= bound ? verdict::pass : verdict::fail, to_decimal(worst), to_decimal(bound),
          "max over " + std::to_string(trace.samples.size()) +
              " samples of ‖W_e(t) − Σ_α a_α(t) p_α q_αᵀ‖_F (largest at t = " + to_short_decimal(worst_t) +
              "), a_α from the depth-" + std::to_string(L) +
              " closed form; singular values of Σyx: " + strengths};
}

}  // namespace gradflow
