#pragma once
// Definitions of matrix_sensing<Scalar>; included only by src/instantiate/*.cpp.
#include "gradflow/models/matrix_sensing.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/symmetric_eigenvalues.hpp"

#include <stdexcept>
#include <string>

namespace gradflow {

namespace detail {

inline std::string sensing_shape_text(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + "×" + std::to_string(cols);
}

}  // namespace detail

template <class Scalar>
matrix_sensing<Scalar>::matrix_sensing(std::vector<matrix<Scalar>> A, matrix<Scalar> y, Eigen::Index r,
                                       loss_kind loss)
    : m_A(std::move(A)), m_y(std::move(y)), m_r(r), m_loss(loss) {
  using detail::sensing_shape_text;
  if (m_A.empty())
    throw std::invalid_argument("matrix_sensing: no measurement matrices given; at least one A_i is needed");
  const Eigen::Index n = m_A.front().rows();
  for (std::size_t i = 0; i < m_A.size(); ++i) {
    const auto& Ai = m_A[i];
    const std::string name = "A_" + std::to_string(i + 1);
    if (Ai.rows() != Ai.cols() || Ai.rows() == 0)
      throw std::invalid_argument("matrix_sensing: " + name + " is " +
                                  sensing_shape_text(Ai.rows(), Ai.cols()) +
                                  ", violates A_i square d×d with d >= 1");
    if (Ai.rows() != n)
      throw std::invalid_argument("matrix_sensing: " + name + " is " +
                                  sensing_shape_text(Ai.rows(), Ai.cols()) + " but A_1 is " +
                                  sensing_shape_text(n, n) + ", violates every A_i d×d with the same d");
    for (Eigen::Index j = 0; j < n; ++j)
      for (Eigen::Index k = j + 1; k < n; ++k)
        if (Ai(j, k) != Ai(k, j))
          throw std::invalid_argument("matrix_sensing: " + name + "(" + std::to_string(j + 1) + ", " +
                                      std::to_string(k + 1) + ") = " + to_short_decimal(Ai(j, k)) + " but " +
                                      name + "(" + std::to_string(k + 1) + ", " + std::to_string(j + 1) +
                                      ") = " + to_short_decimal(Ai(k, j)) +
                                      ", violates A_i symmetric (entry (j, k) equal to (k, j))");
  }
  if (m_y.rows() != m() || m_y.cols() != 1)
    throw std::invalid_argument("matrix_sensing: y is " + sensing_shape_text(m_y.rows(), m_y.cols()) +
                                " with " + std::to_string(m()) + " measurement matrices, violates y m×1");
  if (m_r < 1) throw std::invalid_argument("matrix_sensing: r = " + std::to_string(m_r) + " violates r >= 1");
  if (is_classification(loss))
    for (Eigen::Index i = 0; i < m(); ++i)
      if (m_y(i, 0) != 1 && m_y(i, 0) != -1)
        throw std::invalid_argument("matrix_sensing: y[" + std::to_string(i) +
                                    "] = " + to_short_decimal(m_y(i, 0)) +
                                    " violates y in {-1, 1} for loss = " + std::string(loss_name(loss)));
  m_stacked.resize(m() * n, n);
  m_E = matrix<Scalar>::Zero(m() * n, n);
  m_S = matrix<Scalar>::Zero(m(), m() * n);
  for (Eigen::Index i = 0; i < m(); ++i) {
    m_stacked.block(i * n, 0, n, n) = m_A[static_cast<std::size_t>(i)];
    for (Eigen::Index j = 0; j < n; ++j) m_E(i * n + j, j) = 1, m_S(i, i * n + j) = 1;
  }
}

template <class Scalar>
std::vector<Scalar> matrix_sensing<Scalar>::pack(const matrix<Scalar>& U) const {
  if (U.rows() != d() || U.cols() != m_r)
    throw std::invalid_argument("matrix_sensing::pack: U is " +
                                detail::sensing_shape_text(U.rows(), U.cols()) +
                                ", violates U d×r = " + detail::sensing_shape_text(d(), m_r));
  return std::vector<Scalar>(U.data(), U.data() + U.size());
}

template <class Scalar>
matrix<Scalar> matrix_sensing<Scalar>::product(const Scalar* theta) const {
  const auto u = U(theta);
  return u * u.transpose();
}

template <class Scalar>
matrix<Scalar> matrix_sensing<Scalar>::predictions(const Scalar* theta) const {
  const matrix<Scalar> X = product(theta);
  matrix<Scalar> p(m(), 1);
  for (Eigen::Index i = 0; i < m(); ++i) p(i) = m_A[static_cast<std::size_t>(i)].cwiseProduct(X).sum();
  return p;
}

template <class Scalar>
Scalar matrix_sensing<Scalar>::loss(const Scalar* theta) const {
  return loss_value(m_loss, predictions(theta), m_y);
}

template <class Scalar>
void matrix_sensing<Scalar>::velocity(const Scalar* theta, Scalar* dtheta) const {
  const matrix<Scalar> g = loss_negative_gradient(m_loss, predictions(theta), m_y);
  matrix<Scalar> M = matrix<Scalar>::Zero(d(), d());
  for (Eigen::Index i = 0; i < m(); ++i) M += g(i) * m_A[static_cast<std::size_t>(i)];
  matrix_view<Scalar>(dtheta, d(), m_r) = Scalar(2) * M * U(theta);
}

template <class Scalar>
Eigen::Matrix<Scalar, Eigen::Dynamic, 1> matrix_sensing<Scalar>::spectrum(const Scalar* theta) const {
  return symmetric_eigenvalues<Scalar>(product(theta));
}

}  // namespace gradflow
