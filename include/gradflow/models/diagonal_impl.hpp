#pragma once
// Definitions of diagonal<Scalar>; included only by src/instantiate/*.cpp.
#include "gradflow/models/diagonal.hpp"

#include <stdexcept>
#include <string>

namespace gradflow {

template <class Scalar>
diagonal<Scalar>::diagonal(matrix<Scalar> X, matrix<Scalar> y, int depth, loss_kind loss)
    : m_X(std::move(X)), m_y(std::move(y)), m_depth(depth), m_loss(loss) {
  if (m_X.rows() != m_y.rows() || m_y.cols() != 1)
    throw std::invalid_argument("diagonal: y must be a column with one row per row of X (X is " +
                                std::to_string(m_X.rows()) + "×" + std::to_string(m_X.cols()) + ", y is " +
                                std::to_string(m_y.rows()) + "×" + std::to_string(m_y.cols()) + ")");
  if (depth < 2)
    throw std::invalid_argument("diagonal: depth D = " + std::to_string(depth) + " violates D >= 2");
  if (is_classification(loss))
    for (Eigen::Index n = 0; n < m_y.rows(); ++n)
      if (m_y(n, 0) != 1 && m_y(n, 0) != -1)
        throw std::invalid_argument("diagonal: y[" + std::to_string(n) +
                                    "] = " + to_short_decimal(m_y(n, 0)) +
                                    " violates y in {-1, 1} for loss = " + std::string(loss_name(loss)));
}

template <class Scalar>
std::vector<Scalar> diagonal<Scalar>::pack(const matrix<Scalar>& w_plus,
                                           const matrix<Scalar>& w_minus) const {
  if (w_plus.rows() != d() || w_plus.cols() != 1 || w_minus.rows() != d() || w_minus.cols() != 1)
    throw std::invalid_argument("diagonal::pack: w₊ and w₋ must be d×1");
  std::vector<Scalar> theta(dimension());
  for (Eigen::Index i = 0; i < d(); ++i) theta[i] = w_plus(i, 0), theta[d() + i] = w_minus(i, 0);
  return theta;
}

template <class Scalar>
matrix<Scalar> diagonal<Scalar>::product(const Scalar* theta) const {
  using std::pow;
  matrix<Scalar> beta(d(), 1);
  for (Eigen::Index i = 0; i < d(); ++i) {
    Scalar p = theta[i], q = theta[d() + i];
    for (int k = 1; k < m_depth; ++k) p *= theta[i], q *= theta[d() + i];
    beta(i, 0) = p - q;
  }
  return beta;
}

template <class Scalar>
Scalar diagonal<Scalar>::loss(const Scalar* theta) const {
  return loss_value(m_loss, matrix<Scalar>(m_X * product(theta)), m_y);
}

template <class Scalar>
void diagonal<Scalar>::velocity(const Scalar* theta, Scalar* dtheta) const {
  const matrix<Scalar> g =
      m_X.transpose() * loss_negative_gradient(m_loss, matrix<Scalar>(m_X * product(theta)), m_y);
  for (Eigen::Index i = 0; i < d(); ++i) {
    Scalar p = m_depth * g(i, 0), q = -m_depth * g(i, 0);
    for (int k = 1; k < m_depth; ++k) p *= theta[i], q *= theta[d() + i];
    dtheta[i] = p;
    dtheta[d() + i] = q;
  }
}

template <class Scalar>
std::vector<named_invariant<Scalar>> diagonal<Scalar>::invariants(const Scalar* theta) const {
  using std::pow;
  matrix<Scalar> I(d(), 1);
  for (Eigen::Index i = 0; i < d(); ++i)
    I(i, 0) = m_depth == 2
                  ? Scalar(theta[i] * theta[d() + i])
                  : Scalar(pow(theta[i], Scalar(2 - m_depth)) + pow(theta[d() + i], Scalar(2 - m_depth)));
  return {{m_depth == 2 ? "conserved_product" : "conserved_power_sum", I}};
}

}  // namespace gradflow
