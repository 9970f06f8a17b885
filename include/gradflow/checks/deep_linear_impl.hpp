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
    if (reference) B -= (*reference)[j + 1].transpose() * (*reference)[j + 1] - (*reference)[j] * (*reference)[j].transpose();
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
  Scalar drift(0);
  std::string where;
  for (const auto& s : trace.samples) {
    const auto [d, j] = detail::balance_deviation(model.layers(s.theta.data()), &initial);
    if (d > drift) drift = d, where = "j = " + std::to_string(j) + " at t = " + to_short_decimal(s.t);
  }
  const Scalar size = 1 + trace.max_abs_state();
  const Scalar bound = trace.state_allowance() * size * size * Scalar(2 * detail::widest_pair(initial));
  return {"arora2018.balanced", drift <= bound ? verdict::pass : verdict::fail, to_decimal(drift), to_decimal(bound),
          "max over " + std::to_string(trace.samples.size()) + " samples and j = 1.." + std::to_string(initial.size() - 1) +
              " of max|B_j(t) − B_j(0)|, B_j = W_{j+1}ᵀW_{j+1} − W_jW_jᵀ" + (where.empty() ? "" : "; largest: " + where) +
              "; bound 32·max(d_{j+1} + d_{j−1})·(steps + 1)·max(tolerance, eps)·(1 + max|θ|)²"};
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
  const Scalar white = max_abs_entry<Scalar>(matrix<Scalar>(X.transpose() * X - matrix<Scalar>::Identity(n, n)));
  if (white > rounding_allowance(Scalar(1 + X_max * X_max), X.rows()))
    return not_applicable(id, "inputs not whitened: max|XᵀX − I| = " + to_short_decimal(white));
  const auto W0 = model.layers(trace.initial().theta.data());
  const int L = static_cast<int>(W0.size());
  const auto [unbalanced, j] = detail::balance_deviation<Scalar>(W0, nullptr);
  if (unbalanced > rounding_allowance(Scalar(size * size), detail::widest_pair(W0)))
    return not_applicable(id, "not balanced at t = 0: max|W_{j+1}ᵀW_{j+1} − W_jW_jᵀ| = " + to_short_decimal(unbalanced) +
                                  " at j = " + std::to_string(j));
  Eigen::JacobiSVD<matrix<Scalar>> svd(matrix<Scalar>(Y.transpose() * X), Eigen::ComputeFullU | Eigen::ComputeFullV);
  const auto& s = svd.singularValues();
  const matrix<Scalar>& P = svd.matrixU();
  const matrix<Scalar>& Q = svd.matrixV();
  for (Eigen::Index a = 0; a + 1 < k; ++a)
    if (s(a) - s(a + 1) <= sqrt(eps<Scalar>()) * s(0))
      return not_applicable(id, "Σyx = YᵀX has a repeated singular value " + to_short_decimal(Scalar(s(a))) +
                                    ": its modes are not determined");
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
    return not_applicable(id, "W_e(0) is not diagonal in the singular vectors of Σyx: off-mode part " + to_short_decimal(coupled));
  for (Eigen::Index i = 0; i < k; ++i) {
    if (a0[i] < -tolerance0)
      return not_applicable(id, "mode " + std::to_string(i + 1) + " starts with negative strength " + to_short_decimal(a0[i]));
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
  const Scalar bound = trace.state_allowance() * Scalar(L * widest) * pow(size, Scalar(L)) * sqrt(Scalar(m * n)) + tolerance0;
  std::string strengths;
  for (Eigen::Index i = 0; i < k; ++i) strengths += (i ? ", " : "") + to_short_decimal(Scalar(s(i)));
  return {id, worst <= bound ? verdict::pass : verdict::fail, to_decimal(worst), to_decimal(bound),
          "max over " + std::to_string(trace.samples.size()) + " samples of ‖W_e(t) − Σ_α a_α(t) p_α q_αᵀ‖_F (largest at t = " +
              to_short_decimal(worst_t) + "), a_α from the depth-" + std::to_string(L) +
              " closed form; singular values of Σyx: " + strengths};
}

}  // namespace gradflow
