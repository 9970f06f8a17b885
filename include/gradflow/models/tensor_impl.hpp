#pragma once
// Definitions of tensor<Scalar>; included only by src/instantiate/*.cpp.
#include "gradflow/models/tensor.hpp"
#include "gradflow/numeric/decimal.hpp"

#include <stdexcept>
#include <string>

namespace gradflow {

template <class Scalar>
tensor<Scalar>::tensor(matrix<Scalar> X, matrix<Scalar> y, int depth, matrix<Scalar> S, loss_kind loss)
    : m_X(std::move(X)), m_y(std::move(y)), m_S(std::move(S)), m_depth(depth), m_loss(loss) {
  if (m_X.rows() != m_y.rows() || m_y.cols() != 1)
    throw std::invalid_argument("tensor: y must be a column with one row per row of X (X is " +
                                std::to_string(m_X.rows()) + "×" + std::to_string(m_X.cols()) + ", y is " +
                                std::to_string(m_y.rows()) + "×" + std::to_string(m_y.cols()) + ")");
  if (depth < 1)
    throw std::invalid_argument("tensor: depth L = " + std::to_string(depth) + " violates L >= 1");
  if (m_S.rows() != d() || m_S.cols() != d())
    throw std::invalid_argument("tensor: S is " + std::to_string(m_S.rows()) + "×" +
                                std::to_string(m_S.cols()) +
                                " but must be d×d with d = " + std::to_string(d()));
  if (is_classification(loss))
    for (Eigen::Index n = 0; n < m_y.rows(); ++n)
      if (m_y(n, 0) != 1 && m_y(n, 0) != -1)
        throw std::invalid_argument("tensor: y[" + std::to_string(n) + "] = " + to_short_decimal(m_y(n, 0)) +
                                    " violates y in {-1, 1} for loss = " + std::string(loss_name(loss)));
  m_Z = m_X * m_S.transpose();
}

template <class Scalar>
std::vector<Scalar> tensor<Scalar>::pack(const std::vector<matrix<Scalar>>& layers) const {
  if (layers.size() != static_cast<std::size_t>(m_depth))
    throw std::invalid_argument("tensor::pack: " + std::to_string(layers.size()) +
                                " layers given, L = " + std::to_string(m_depth));
  std::vector<Scalar> theta;
  for (const auto& v : layers) {
    if (v.rows() != d() || v.cols() != 1)
      throw std::invalid_argument("tensor::pack: every layer must be d×1");
    for (Eigen::Index j = 0; j < d(); ++j) theta.push_back(v(j, 0));
  }
  return theta;
}

template <class Scalar>
matrix<Scalar> tensor<Scalar>::product(const Scalar* theta) const {
  matrix<Scalar> rho = v(theta, 1);
  for (int l = 2; l <= m_depth; ++l) rho = rho.cwiseProduct(v(theta, l));
  return rho;
}

template <class Scalar>
Scalar tensor<Scalar>::loss(const Scalar* theta) const {
  return loss_value(m_loss, matrix<Scalar>(m_Z * product(theta)), m_y);
}

template <class Scalar>
void tensor<Scalar>::velocity(const Scalar* theta, Scalar* dtheta) const {
  const matrix<Scalar> g =
      m_Z.transpose() * loss_negative_gradient(m_loss, matrix<Scalar>(m_Z * product(theta)), m_y);
  for (int l = 1; l <= m_depth; ++l)
    for (Eigen::Index j = 0; j < d(); ++j) {
      Scalar f = g(j, 0);
      for (int k = 1; k <= m_depth; ++k)
        if (k != l) f *= theta[(k - 1) * d() + j];
      dtheta[(l - 1) * d() + j] = f;
    }
}

template <class Scalar>
std::vector<named_invariant<Scalar>> tensor<Scalar>::invariants(const Scalar* theta) const {
  if (m_depth < 2) return {};
  matrix<Scalar> I(d(), m_depth - 1);
  for (int l = 2; l <= m_depth; ++l)
    for (Eigen::Index j = 0; j < d(); ++j) {
      const Scalar& a = theta[(l - 1) * d() + j];
      I(j, l - 2) = a * a - theta[j] * theta[j];
    }
  return {{"component_balance", I}};
}

}  // namespace gradflow
