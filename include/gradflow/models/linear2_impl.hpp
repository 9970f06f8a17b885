#pragma once
// Definitions of linear2<Scalar>; included only by src/instantiate/*.cpp.
#include "gradflow/models/linear2.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/numeric/rank_split.hpp"

#include <stdexcept>

namespace gradflow {

template <class Scalar>
linear2<Scalar>::linear2(matrix<Scalar> X, matrix<Scalar> Y, Eigen::Index h)
    : m_X(std::move(X)), m_Y(std::move(Y)), m_h(h) {
  if (m_X.rows() != m_Y.rows())
    throw std::invalid_argument("linear2: X has " + std::to_string(m_X.rows()) + " rows but Y has " +
                                std::to_string(m_Y.rows()) + "; both need one row per sample");
  if (h < 1) throw std::invalid_argument("linear2: width h = " + std::to_string(h) + " violates h >= 1");
  m_Phi2 = split_by_rank(m_X).Phi2;
  m_XU.resize(N(), m_h);
  m_R.resize(N(), m());
  m_RV.resize(N(), m_h);
}

template <class Scalar>
std::vector<Scalar> linear2<Scalar>::pack(const matrix<Scalar>& U, const matrix<Scalar>& V) const {
  if (U.rows() != n() || U.cols() != m_h || V.rows() != m() || V.cols() != m_h)
    throw std::invalid_argument("linear2::pack: U must be n×h and V m×h");
  std::vector<Scalar> theta(dimension());
  matrix_view<Scalar>(theta.data(), n(), m_h) = U;
  matrix_view<Scalar>(theta.data() + n() * m_h, m(), m_h) = V;
  return theta;
}

template <class Scalar>
const_matrix_view<Scalar> linear2<Scalar>::U(const Scalar* theta) const {
  return const_matrix_view<Scalar>(theta, n(), m_h);
}

template <class Scalar>
const_matrix_view<Scalar> linear2<Scalar>::V(const Scalar* theta) const {
  return const_matrix_view<Scalar>(theta + n() * m_h, m(), m_h);
}

template <class Scalar>
Scalar linear2<Scalar>::loss(const Scalar* theta) const {
  m_XU.noalias() = m_X * U(theta);
  m_R = m_Y;
  m_R.noalias() -= m_XU * V(theta).transpose();
  return m_R.squaredNorm() / 2;
}

template <class Scalar>
void linear2<Scalar>::velocity(const Scalar* theta, Scalar* dtheta) const {
  // R = Y − (XU)Vᵀ;  U̇ = Xᵀ(RV);  V̇ = Rᵀ(XU).  Products ordered so every one is at most N·max(n,m)·h.
  m_XU.noalias() = m_X * U(theta);
  m_R = m_Y;
  m_R.noalias() -= m_XU * V(theta).transpose();
  m_RV.noalias() = m_R * V(theta);
  matrix_view<Scalar>(dtheta, n(), m_h).noalias() = m_X.transpose() * m_RV;
  matrix_view<Scalar>(dtheta + n() * m_h, m(), m_h).noalias() = m_R.transpose() * m_XU;
}

template <class Scalar>
std::vector<named_invariant<Scalar>> linear2<Scalar>::invariants(const Scalar* theta) const {
  std::vector<named_invariant<Scalar>> out;
  out.push_back({"imbalance", U(theta).transpose() * U(theta) - V(theta).transpose() * V(theta)});
  if (m_Phi2.cols() > 0) out.push_back({"kernel_component", m_Phi2.transpose() * U(theta)});
  return out;
}

template <class Scalar>
matrix<Scalar> linear2<Scalar>::product(const Scalar* theta) const {
  return U(theta) * V(theta).transpose();
}

}  // namespace gradflow
