#pragma once
// The ℓ2 max-margin (hard-margin SVM without bias) problem of Soudry et al. 2018 (THEOREMS.md §6.2):
//   ŵ = argmin ½‖w‖² s.t. Aw ≥ 1      (rows a_n = y_n z_n),
// solved through its dual  min ½λᵀ(AAᵀ)λ − 1ᵀλ, λ ≥ 0, ŵ = Aᵀλ, by the active-set method of
// solvers/nonnegative_qp.hpp, then verified: primal feasibility, dual feasibility and
// complementary slackness to a few eps. And the refined offset w̃ of Thm 4 (GF version, App. A.1):
//   e^{−a_nᵀw̃} = λ_n on the support set S, i.e. A_S w̃ = −log λ_S.
#include "gradflow/numeric/matrix.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/solvers/nonnegative_qp.hpp"

#include <Eigen/QR>

#include <optional>
#include <stdexcept>
#include <vector>

namespace gradflow::solvers {

/// ŵ, its multipliers λ (N×1) and the support set {n : λ_n > 0}.
template <class Scalar>
struct max_margin_l2_result {
  matrix<Scalar> w, lambda;
  std::vector<Eigen::Index> support;
};

/// The hard-margin SVM of the rows of A; throws std::runtime_error "data are not linearly
/// separable" when Aw ≥ 1 has no solution.
template <class Scalar>
max_margin_l2_result<Scalar> max_margin_l2(const matrix<Scalar>& A) {
  using std::abs;
  matrix<Scalar> lambda;
  try {
    lambda = nonnegative_qp<Scalar>(A * A.transpose(), matrix<Scalar>::Ones(A.rows(), 1));
  } catch (const std::runtime_error&) {
    throw std::runtime_error("data are not linearly separable (the SVM dual is unbounded)");
  }
  max_margin_l2_result<Scalar> r{A.transpose() * lambda, lambda, {}};
  const matrix<Scalar> margins = A * r.w;
  const Scalar tol = Scalar(1024 * (A.rows() + A.cols())) * eps<Scalar>() *
                     std::max<Scalar>(Scalar(1), r.w.cwiseAbs().maxCoeff()) *
                     std::max<Scalar>(Scalar(1), A.cwiseAbs().maxCoeff());
  for (Eigen::Index n = 0; n < A.rows(); ++n) {
    if (margins(n) < 1 - tol)
      throw std::runtime_error("data are not linearly separable (margin below 1 at the dual optimum)");
    if (lambda(n) > 0) {
      if (abs(margins(n) - 1) > tol)
        throw std::runtime_error("max_margin_l2: complementary slackness violated");
      r.support.push_back(n);
    }
  }
  return r;
}

/// w̃ with A_S w̃ = −log λ_S (Thm 4, GF version), or nullopt when Thm 4 does not determine it here:
/// rank(A_S) < rank(A) or rank(A) < d (a component of w(0) outside span(Aᵀ) would persist).
template <class Scalar>
std::optional<matrix<Scalar>> refined_offset(const matrix<Scalar>& A,
                                             const max_margin_l2_result<Scalar>& svm) {
  using std::log;
  const auto m = static_cast<Eigen::Index>(svm.support.size());
  matrix<Scalar> A_S(m, A.cols()), rhs(m, 1);
  for (Eigen::Index k = 0; k < m; ++k) {
    A_S.row(k) = A.row(svm.support[static_cast<std::size_t>(k)]);
    rhs(k) = -log(svm.lambda(svm.support[static_cast<std::size_t>(k)]));
  }
  Eigen::ColPivHouseholderQR<matrix<Scalar>> full(A), on_support(A_S);
  const Scalar threshold = Scalar(64 * (A.rows() + A.cols())) * eps<Scalar>();
  full.setThreshold(threshold);
  on_support.setThreshold(threshold);
  if (full.rank() < A.cols() || on_support.rank() < full.rank()) return std::nullopt;
  const matrix<Scalar> w_tilde = Eigen::CompleteOrthogonalDecomposition<matrix<Scalar>>(A_S).solve(rhs);
  if ((A_S * w_tilde - rhs).cwiseAbs().maxCoeff() >
      Scalar(1 << 10) * threshold * std::max<Scalar>(Scalar(1), rhs.cwiseAbs().maxCoeff()))
    return std::nullopt;
  return w_tilde;
}

}  // namespace gradflow::solvers
