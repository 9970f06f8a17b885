#pragma once
// Definitions of relu_shallow<Scalar>; included only by src/instantiate/*.cpp.
#include "gradflow/models/relu_shallow.hpp"
#include "gradflow/taylor/kernels.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace gradflow {

namespace detail {

inline std::string shape_text(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + "×" + std::to_string(cols);
}

template <class Scalar>
void require_shape(const matrix<Scalar>& M, Eigen::Index rows, Eigen::Index cols, const char* name) {
  if (M.rows() != rows || M.cols() != cols)
    throw std::invalid_argument(std::string("relu_shallow: ") + name + " is " +
                                shape_text(M.rows(), M.cols()) + ", must be " + shape_text(rows, cols));
}

}  // namespace detail

template <class Scalar>
relu_shallow<Scalar>::relu_shallow(matrix<Scalar> X, matrix<Scalar> y, Eigen::Index width,
                                   Scalar output_scale, bool skip, relu_training training,
                                   const relu_parameters<Scalar>& fixed)
    : m_X(std::move(X)),
      m_y(std::move(y)),
      m_width(width),
      m_scale(std::move(output_scale)),
      m_skip(skip),
      m_training(training) {
  if (d() != 1 && d() != 2)
    throw std::invalid_argument("relu_shallow: input dimension d = " + std::to_string(d()) +
                                " violates d in {1, 2}");
  detail::require_shape(m_y, N(), 1, "y");
  if (width < 1)
    throw std::invalid_argument("relu_shallow: width = " + std::to_string(width) + " violates width >= 1");
  if (!(m_scale > 0)) throw std::invalid_argument("relu_shallow: output scale must be > 0");
  if (training == relu_training::output) {
    detail::require_shape(fixed.W, width, d(), "W (fixed)");
    detail::require_shape(fixed.b, width, 1, "b (fixed)");
    m_fixed.W = fixed.W;
    m_fixed.b = fixed.b;
  }
}

template <class Scalar>
std::vector<std::pair<Eigen::Index, Eigen::Index>> relu_shallow<Scalar>::block_shapes() const {
  std::vector<std::pair<Eigen::Index, Eigen::Index>> shapes;
  if (m_training == relu_training::all) shapes.insert(shapes.end(), {{m_width, d()}, {m_width, 1}});
  shapes.insert(shapes.end(), {{m_width, 1}, {1, 1}});
  if (m_skip) shapes.insert(shapes.end(), {{d(), 1}, {1, 1}});
  return shapes;
}

template <class Scalar>
std::size_t relu_shallow<Scalar>::dimension() const {
  std::size_t n = 0;
  for (const auto& [rows, cols] : block_shapes()) n += static_cast<std::size_t>(rows * cols);
  return n;
}

template <class Scalar>
std::vector<Scalar> relu_shallow<Scalar>::pack(const relu_parameters<Scalar>& p) const {
  std::vector<const matrix<Scalar>*> blocks;
  if (m_training == relu_training::all) blocks.insert(blocks.end(), {&p.W, &p.b});
  blocks.insert(blocks.end(), {&p.a, &p.c});
  if (m_skip) blocks.insert(blocks.end(), {&p.u, &p.v});
  const auto shapes = block_shapes();
  static const char* const names_all[] = {"W", "b", "a", "c", "u", "v"};
  const std::size_t first_name = m_training == relu_training::all ? 0 : 2;
  std::vector<Scalar> theta;
  theta.reserve(dimension());
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    detail::require_shape(*blocks[k], shapes[k].first, shapes[k].second, names_all[first_name + k]);
    theta.insert(theta.end(), blocks[k]->data(), blocks[k]->data() + blocks[k]->size());
  }
  return theta;
}

template <class Scalar>
relu_parameters<Scalar> relu_shallow<Scalar>::unpack(const Scalar* theta) const {
  relu_parameters<Scalar> p;
  const auto take = [&](Eigen::Index rows, Eigen::Index cols) {
    matrix<Scalar> M = const_matrix_view<Scalar>(theta, rows, cols);
    theta += rows * cols;
    return M;
  };
  if (m_training == relu_training::all) {
    p.W = take(m_width, d());
    p.b = take(m_width, 1);
  } else {
    p.W = m_fixed.W;
    p.b = m_fixed.b;
  }
  p.a = take(m_width, 1);
  p.c = take(1, 1);
  if (m_skip) {
    p.u = take(d(), 1);
    p.v = take(1, 1);
  }
  return p;
}

// Products by the in-place kernels of taylor/kernels.hpp: Eigen's would make an MPFR temporary per
// term, and the Taylor driver evaluates the loss of wide networks at every step.
template <class Scalar>
matrix<Scalar> relu_shallow<Scalar>::predict(const Scalar* theta, const matrix<Scalar>& points) const {
  detail::require_shape(points, points.rows(), d(), "points");
  const relu_parameters<Scalar> p = unpack(theta);
  const Eigen::Index M = points.rows();
  matrix<Scalar> inputs(M, d() + 1), wb_t(d() + 1, m_width);
  inputs << points, matrix<Scalar>::Ones(M, 1);
  wb_t << p.W.transpose(), p.b.transpose();
  matrix<Scalar> H = matrix<Scalar>::Zero(M, m_width), f = matrix<Scalar>::Zero(M, 1);
  Real tmp;
  taylor::detail::multiply_add(H, inputs, wb_t, tmp);  // Z
  for (Eigen::Index e = 0; e < H.size(); ++e)
    if (!(H.data()[e] > 0)) H.data()[e] = 0;
  taylor::detail::multiply_add(f, H, p.a, tmp);
  taylor::detail::assign_scaled(f, m_scale, f);
  f.array() += p.c(0);
  if (m_skip) f += points * p.u + matrix<Scalar>::Constant(M, 1, p.v(0));
  return f;
}

template <class Scalar>
Scalar relu_shallow<Scalar>::loss(const Scalar* theta) const {
  const matrix<Scalar> r = m_y - predict(theta, m_X);
  return r.squaredNorm() / 2;
}

template <class Scalar>
void relu_shallow<Scalar>::velocity(const Scalar* theta, Scalar* dtheta) const {
  taylor::plain_ops<Scalar> ops;
  std::vector<matrix<Scalar>> blocks;
  for (const auto& [rows, cols] : block_shapes()) {
    blocks.emplace_back(const_matrix_view<Scalar>(theta, rows, cols));
    theta += rows * cols;
  }
  for (const matrix<Scalar>& v : velocity_of(ops, blocks))
    dtheta = std::copy(v.data(), v.data() + v.size(), dtheta);
}

template <class Scalar>
std::vector<named_invariant<Scalar>> relu_shallow<Scalar>::invariants(const Scalar* theta) const {
  if (m_training != relu_training::all) return {};
  const relu_parameters<Scalar> p = unpack(theta);
  const matrix<Scalar> balance = p.W.rowwise().squaredNorm() + p.b.cwiseProduct(p.b) - p.a.cwiseProduct(p.a);
  return {{"unit_balance", balance}};
}

template <class Scalar>
std::vector<Eigen::Index> relu_shallow<Scalar>::sliding_points(Eigen::Index i) const {
  std::vector<Eigen::Index> J;
  for (const Eigen::Index e : m_sliding)
    if (e / N() == i) J.push_back(e % N());
  std::sort(J.begin(), J.end());
  return J;
}

template <class Scalar>
matrix<Scalar> relu_shallow<Scalar>::filippov_rows(const std::vector<Eigen::Index>& J) const {
  const matrix<Scalar> K = m_X * m_X.transpose() + matrix<Scalar>::Ones(N(), N());
  const Eigen::Index size = static_cast<Eigen::Index>(J.size());
  matrix<Scalar> K_J(size, N()), inverse(size, size);
  for (Eigen::Index a = 0; a < size; ++a) K_J.row(a) = K.row(J[static_cast<std::size_t>(a)]);
  const auto G = [&](Eigen::Index a, Eigen::Index b) -> const Scalar& {
    return K(J[static_cast<std::size_t>(a)], J[static_cast<std::size_t>(b)]);
  };
  if (size == 1) {
    inverse(0, 0) = 1 / G(0, 0);
  } else {  // 2×2: regular for two distinct inputs (the vectors (x_j, 1) are independent)
    const Scalar det = G(0, 0) * G(1, 1) - G(0, 1) * G(1, 0);
    inverse << G(1, 1) / det, -G(0, 1) / det, -G(1, 0) / det, G(0, 0) / det;
  }
  return -inverse * K_J;
}

template <class Scalar>
relu_shallow<Scalar> relu_shallow<Scalar>::with_sliding(
    const std::vector<std::pair<std::size_t, Eigen::Index>>& entries) const {
  relu_shallow<Scalar> next = *this;
  for (const auto& [source, e] : entries) {
    if (source != 0)
      throw std::logic_error("relu_shallow::with_sliding: only entries of Z (kink source 0) slide");
    next.m_sliding.push_back(e);
    const std::vector<Eigen::Index> J = next.sliding_points(e / N());
    const auto points = [&] {
      std::string list;
      for (const Eigen::Index j : J) list += (list.empty() ? "" : ", ") + std::to_string(j + 1);
      return list;
    };
    if (J.size() > 2)
      throw std::invalid_argument("relu_shallow: unit " + std::to_string(e / N() + 1) + " would slide on " +
                                  std::to_string(J.size()) + " data points at once (points " + points() +
                                  "), which is not integrated");
    if (J.size() == 2 && m_X.row(J[0]) == m_X.row(J[1]))
      throw std::invalid_argument("relu_shallow: unit " + std::to_string(e / N() + 1) +
                                  " would slide on two data points with the same input (points " + points() +
                                  ")");
  }
  return next;
}

template <class Scalar>
bool relu_shallow<Scalar>::ignores_kink(std::size_t source, Eigen::Index entry) const {
  return source == 0 && std::find(m_sliding.begin(), m_sliding.end(), entry) != m_sliding.end();
}

template <class Scalar>
std::pair<relu_shallow<Scalar>, std::pair<Eigen::Index, bool>> relu_shallow<Scalar>::leave_sliding(
    std::size_t source) const {
  if (source == 0 || (source - 1) / 2 >= m_sliding.size())
    throw std::logic_error("relu_shallow::leave_sliding: not a sliding weight's source");
  const std::size_t m = (source - 1) / 2;
  relu_shallow<Scalar> next = *this;
  const Eigen::Index e = m_sliding[m];
  next.m_sliding.erase(next.m_sliding.begin() + static_cast<std::ptrdiff_t>(m));
  return {next, {e, (source - 1) % 2 == 1}};  // source 2m + 2 is 1 − λ: λ reached 1, the active side
}

}  // namespace gradflow
