#pragma once
// Definitions of linear_deep<Scalar>; included only by src/instantiate/*.cpp.
#include "gradflow/models/linear_deep.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/numeric/rank_split.hpp"

#include <stdexcept>
#include <string>

namespace gradflow {

template <class Scalar>
linear_deep<Scalar>::linear_deep(matrix<Scalar> X, matrix<Scalar> Y, std::vector<Eigen::Index> widths)
    : m_X(std::move(X)), m_Y(std::move(Y)), m_widths(std::move(widths)) {
  if (m_X.rows() != m_Y.rows())
    throw std::invalid_argument("linear_deep: X has " + std::to_string(m_X.rows()) + " rows but Y has " +
                                std::to_string(m_Y.rows()) + "; both need one row per sample");
  if (m_widths.size() < 3)
    throw std::invalid_argument("linear_deep: " + std::to_string(m_widths.size()) +
                                " widths (d_0, …, d_L) give depth L < 2; linear_deep needs L >= 2");
  if (m_widths.front() != n() || m_widths.back() != m())
    throw std::invalid_argument("linear_deep: widths must start with n = " + std::to_string(n()) +
                                " (columns of X) and end with m = " + std::to_string(m()) +
                                " (columns of Y)");
  m_offsets.push_back(0);
  for (std::size_t j = 1; j < m_widths.size(); ++j) {
    if (m_widths[j] < 1)
      throw std::invalid_argument("linear_deep: width d_" + std::to_string(j) + " = " +
                                  std::to_string(m_widths[j]) + " violates d_j >= 1");
    m_offsets.push_back(m_offsets.back() + m_widths[j] * m_widths[j - 1]);
  }
  m_Phi2 = split_by_rank(m_X).Phi2;
  m_P.resize(m_widths.size());
  m_Q.resize(m_widths.size());
  for (int j = 1; j <= depth(); ++j) {
    m_P[j].resize(N(), m_widths[j]);
    if (j < depth()) m_Q[j].resize(N(), m_widths[j]);
  }
  m_R.resize(N(), m());
}

template <class Scalar>
std::vector<Scalar> linear_deep<Scalar>::pack(const std::vector<matrix<Scalar>>& W) const {
  if (static_cast<int>(W.size()) != depth())
    throw std::invalid_argument("linear_deep::pack: " + std::to_string(W.size()) +
                                " layers given for depth " + std::to_string(depth()));
  std::vector<Scalar> theta(dimension());
  for (int j = 1; j <= depth(); ++j) {
    const matrix<Scalar>& Wj = W[j - 1];
    if (Wj.rows() != m_widths[j] || Wj.cols() != m_widths[j - 1])
      throw std::invalid_argument("linear_deep::pack: W_" + std::to_string(j) + " must be d_" +
                                  std::to_string(j) + "×d_" + std::to_string(j - 1) + " = " +
                                  std::to_string(m_widths[j]) + "×" + std::to_string(m_widths[j - 1]));
    matrix_view<Scalar>(theta.data() + m_offsets[j - 1], Wj.rows(), Wj.cols()) = Wj;
  }
  return theta;
}

template <class Scalar>
std::vector<std::pair<Eigen::Index, Eigen::Index>> linear_deep<Scalar>::block_shapes() const {
  std::vector<std::pair<Eigen::Index, Eigen::Index>> shapes;
  for (int j = 1; j <= depth(); ++j) shapes.emplace_back(m_widths[j], m_widths[j - 1]);
  return shapes;
}

template <class Scalar>
Scalar linear_deep<Scalar>::loss(const Scalar* theta) const {
  m_P[1].noalias() = m_X * W(theta, 1).transpose();
  for (int j = 2; j <= depth(); ++j) m_P[j].noalias() = m_P[j - 1] * W(theta, j).transpose();
  m_R = m_Y - m_P[depth()];
  return m_R.squaredNorm() / 2;
}

template <class Scalar>
void linear_deep<Scalar>::velocity(const Scalar* theta, Scalar* dtheta) const {
  // Forward: P_j = P_{j−1}W_jᵀ, R = Y − P_L. Backward: Q_L = R, Q_j = Q_{j+1}W_{j+1}, Ẇ_j = Q_jᵀP_{j−1}.
  // Every product is N·d_j·d_{j±1}: the data are never multiplied into a d×d chain product.
  const int L = depth();
  m_P[1].noalias() = m_X * W(theta, 1).transpose();
  for (int j = 2; j <= L; ++j) m_P[j].noalias() = m_P[j - 1] * W(theta, j).transpose();
  m_R = m_Y - m_P[L];
  const matrix<Scalar>* Q = &m_R;
  for (int j = L; j >= 1; --j) {
    if (j < L) {
      m_Q[j].noalias() = *Q * W(theta, j + 1);
      Q = &m_Q[j];
    }
    const matrix<Scalar>& P_prev = j == 1 ? m_X : m_P[j - 1];
    matrix_view<Scalar>(dtheta + m_offsets[j - 1], m_widths[j], m_widths[j - 1]).noalias() =
        Q->transpose() * P_prev;
  }
}

template <class Scalar>
std::vector<named_invariant<Scalar>> linear_deep<Scalar>::invariants(const Scalar* theta) const {
  std::vector<named_invariant<Scalar>> out;
  for (int j = 1; j < depth(); ++j)
    out.push_back({"balance_" + std::to_string(j),
                   W(theta, j + 1).transpose() * W(theta, j + 1) - W(theta, j) * W(theta, j).transpose()});
  if (m_Phi2.cols() > 0) out.push_back({"kernel_component", W(theta, 1) * m_Phi2});
  return out;
}

template <class Scalar>
matrix<Scalar> linear_deep<Scalar>::product(const Scalar* theta) const {
  matrix<Scalar> Theta = W(theta, 1).transpose();
  for (int j = 2; j <= depth(); ++j) Theta = (Theta * W(theta, j).transpose()).eval();
  return Theta;
}

template <class Scalar>
std::vector<matrix<Scalar>> linear_deep<Scalar>::layers(const Scalar* theta) const {
  std::vector<matrix<Scalar>> out;
  for (int j = 1; j <= depth(); ++j) out.emplace_back(W(theta, j));
  return out;
}

}  // namespace gradflow
