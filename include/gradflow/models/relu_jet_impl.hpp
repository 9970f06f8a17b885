#pragma once
// Definitions of relu_jet<Scalar>; included only by src/instantiate/*.cpp.
#include "gradflow/models/relu_jet.hpp"
#include "gradflow/taylor/dense_output.hpp"

#include <algorithm>
#include <map>

namespace gradflow {

template <class Scalar>
relu_jet<Scalar>::relu_jet(const relu_shallow<Scalar>& model, int order) : m_model(model), m_order(order) {
  const Eigen::Index n = m_model.width(), d = m_model.d();
  if (m_model.training() == relu_training::all) {
    for (Eigen::Index l = 0; l < d; ++l)
      for (Eigen::Index i = 0; i < n; ++i) m_flat.emplace_back(i, 1 + l);
    for (Eigen::Index i = 0; i < n; ++i) m_flat.emplace_back(i, d + 1);
  }
  for (Eigen::Index i = 0; i < n; ++i) m_flat.emplace_back(i, 0);
  const Eigen::Index rest = m_model.skip() ? d + 2 : 1;  // c (u, v)
  for (Eigen::Index e = 0; e < rest; ++e) m_flat.emplace_back(-1, e);
  m_branch.assign(static_cast<std::size_t>(m_model.N() * n), 0);
  m_landed = m_branch;
}

template <class Scalar>
void relu_jet<Scalar>::compute(const Scalar* x0) {
  const Eigen::Index n = m_model.width(), N = m_model.N(), d = m_model.d();
  const relu_parameters<Scalar> p = m_model.unpack(x0);
  m_theta0.resize(n, D());
  m_theta0.col(0) = p.a;
  m_theta0.middleCols(1, d) = p.W;
  m_theta0.col(d + 1) = p.b;
  m_abs_theta0 = m_theta0.cwiseAbs();
  m_Z0 = m_model.X() * p.W.transpose() + matrix<Scalar>::Ones(N, 1) * p.b.transpose();
  for (Eigen::Index e = 0; e < N * n; ++e) m_branch[static_cast<std::size_t>(e)] = m_Z0(e) > 0;
  std::fill(m_landed.begin(), m_landed.end(), 0);
  for (const auto& [e, on] : m_hints) m_branch[static_cast<std::size_t>(e)] = on, m_landed[static_cast<std::size_t>(e)] = 1;
  m_hints.clear();
  form_groups();
  for (const auto& [s, i, on] : m_inner_hints) m_inner->set_branch(s, i, on);
  m_inner_hints.clear();

  const std::size_t G = m_keys.size(), block = static_cast<std::size_t>(D() * D());
  m_inner_x.assign(2 * block * G + static_cast<std::size_t>(m_model.skip() ? d + 2 : 1), Scalar(0));
  for (std::size_t g = 0; g < G; ++g)
    for (Eigen::Index m = 0; m < D(); ++m) m_inner_x[phi_index(g, m, m)] = 1;
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::size_t base = phi_index(m_group[static_cast<std::size_t>(i)], 0, 0) + block;  // S_g
    for (Eigen::Index l = 0; l < D(); ++l)
      for (Eigen::Index m = 0; m < D(); ++m) m_inner_x[base + static_cast<std::size_t>(m + D() * l)] += m_theta0(i, m) * m_theta0(i, l);
  }
  std::size_t next = 2 * block * G;
  m_inner_x[next++] = p.c(0);
  if (m_model.skip()) {
    for (Eigen::Index l = 0; l < d; ++l) m_inner_x[next++] = p.u(l);
    m_inner_x[next++] = p.v(0);
  }
  m_inner->compute(m_inner_x.data());

  matrix<Scalar> P(N, D()), phi(D(), D());  // rows P_jᵀ = (0, x_j, 1)
  P.col(0).setZero();
  P.middleCols(1, d) = m_model.X();
  P.col(d + 1).setOnes();
  m_z_rows.assign(G, {});
  for (std::size_t g = 0; g < G; ++g)
    for (int k = 1; k <= m_order; ++k) {
      for (Eigen::Index l = 0; l < D(); ++l)
        for (Eigen::Index m = 0; m < D(); ++m) phi(m, l) = m_inner->coefficient(k, phi_index(g, m, l));
      m_z_rows[g].push_back(P * phi);
    }
  m_bound_h.reset();
}

// The groups at the step start: units with the same mask and sliding point share Φ_g and S_g. The inner
// graph is recorded again only when the set of groups (or a sliding entry's group) changed.
template <class Scalar>
void relu_jet<Scalar>::form_groups() {
  const Eigen::Index n = m_model.width(), N = m_model.N();
  std::vector<Eigen::Index> sliding_point(static_cast<std::size_t>(n), -1);
  for (const Eigen::Index e : m_model.sliding()) sliding_point[static_cast<std::size_t>(e / N)] = e % N;
  std::vector<std::vector<unsigned char>> unit_keys(static_cast<std::size_t>(n));
  std::map<std::vector<unsigned char>, std::size_t> index;
  for (Eigen::Index i = 0; i < n; ++i) {
    auto& key = unit_keys[static_cast<std::size_t>(i)];
    key.assign(m_branch.begin() + i * N, m_branch.begin() + (i + 1) * N);
    const Eigen::Index j = sliding_point[static_cast<std::size_t>(i)];
    if (j >= 0) key[static_cast<std::size_t>(j)] = 0;
    key.push_back(static_cast<unsigned char>(j + 1));
    index.emplace(key, 0);
  }
  std::vector<std::vector<unsigned char>> keys;
  for (auto& [key, g] : index) g = keys.size(), keys.push_back(key);
  m_group.resize(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) m_group[static_cast<std::size_t>(i)] = index[unit_keys[static_cast<std::size_t>(i)]];
  std::vector<std::size_t> sliding_group;
  for (const Eigen::Index e : m_model.sliding()) sliding_group.push_back(m_group[static_cast<std::size_t>(e / N)]);
  if (m_inner && keys == m_keys && sliding_group == m_sliding_group) return;
  m_keys = std::move(keys);
  m_sliding_group = std::move(sliding_group);
  record_groups();
}

template <class Scalar>
void relu_jet<Scalar>::record_groups() {
  const Eigen::Index N = m_model.N(), d = m_model.d();
  const matrix<Scalar>& X = m_model.X();
  const Scalar& s = m_model.output_scale();
  const bool first_layer = m_model.training() == relu_training::all;
  taylor::recorder<Scalar> r;
  std::vector<int> Phi, S;
  for (std::size_t g = 0; g < m_keys.size(); ++g) Phi.push_back(r.input(D(), D())), S.push_back(r.input(D(), D()));
  const int c = r.input(1, 1);
  const int u = m_model.skip() ? r.input(d, 1) : -1, v = m_model.skip() ? r.input(1, 1) : -1;

  matrix<Scalar> P(D(), N), e_row = matrix<Scalar>::Zero(1, D());  // columns P_k = (0, x_k, 1)
  P.row(0).setZero();
  P.middleRows(1, d) = X.transpose();
  P.row(d + 1).setOnes();
  e_row(0) = 1;
  const int ea_row = r.constant(e_row), ea_col = r.constant(e_row.transpose()), ones_row = r.constant(matrix<Scalar>::Ones(1, N)),
            ones_col = r.constant(matrix<Scalar>::Ones(N, 1));
  const matrix<Scalar> K = X * X.transpose() + matrix<Scalar>::Ones(N, N);
  std::vector<matrix<Scalar>> C, kappa;  // per group: C_g (D×N), κ_gᵀ (1×N, empty without sliding)
  int f = r.mul(c, ones_row);
  for (std::size_t g = 0; g < m_keys.size(); ++g) {
    const auto& key = m_keys[g];
    matrix<Scalar> masked = P;
    for (Eigen::Index k = 0; k < N; ++k)
      if (!key[static_cast<std::size_t>(k)]) masked.col(k).setZero();
    f = r.add(f, r.scale(s, r.mul(r.mul(ea_row, S[g]), r.constant(masked))));
    C.push_back(masked);
    kappa.emplace_back();
    if (const Eigen::Index j = key.back() - 1; j >= 0) {
      kappa[g] = matrix<Scalar>::Zero(1, N);
      for (Eigen::Index k = 0; k < N; ++k)
        if (key[static_cast<std::size_t>(k)]) kappa[g](k) = -K(j, k) / K(j, j);
      C[g] += P.col(j) * kappa[g];
    }
  }
  if (m_model.skip()) f = r.add(f, r.add(r.mul(r.transpose(u), r.constant(X.transpose())), r.mul(v, ones_row)));
  const int res = r.sub(r.constant(m_model.Y().transpose()), f), res_col = r.transpose(res);  // r = y − f

  std::vector<int> out;
  for (std::size_t g = 0; g < m_keys.size(); ++g) {
    const int ug = r.mul(r.constant(C[g]), res_col);
    const auto M_times = [&](int A) {  // M_g A = e_a (u_gᵀ A) + u_g (e_aᵀ A)
      int t = r.mul(ea_col, r.mul(r.transpose(ug), A));
      return first_layer ? r.add(t, r.mul(ug, r.mul(ea_row, A))) : t;
    };
    out.push_back(r.scale(s, M_times(Phi[g])));
    const int T = M_times(S[g]);
    out.push_back(r.scale(s, r.add(T, r.transpose(T))));
  }
  out.push_back(r.mul(res, ones_col));
  if (m_model.skip()) {
    out.push_back(r.mul(r.constant(X.transpose()), res_col));
    out.push_back(r.mul(res, ones_col));
  }
  // λ = κ_gᵀ r / r_j per sliding entry; heaviside(λ), heaviside(1 − λ) are its kink sources (in order).
  const int one = r.constant(matrix<Scalar>::Ones(1, 1));
  for (std::size_t m = 0; m < m_model.sliding().size(); ++m) {
    const std::size_t g = m_sliding_group[m];
    matrix<Scalar> point = matrix<Scalar>::Zero(N, 1);
    point(m_model.sliding()[m] % N) = 1;
    const int lambda = r.hadamard(r.mul(r.constant(kappa[g]), res_col), r.pow(r.mul(res, r.constant(point)), Scalar(-1)));
    r.heaviside(lambda);
    r.heaviside(r.sub(one, lambda));
  }
  m_inner.emplace(r.finish(std::move(out)), m_order);
}

template <class Scalar>
Scalar relu_jet<Scalar>::coefficient(int k, std::size_t i) const {
  const auto [unit, m] = m_flat[i];
  if (unit < 0) return m_inner->coefficient(k, 2 * static_cast<std::size_t>(D() * D()) * m_keys.size() + static_cast<std::size_t>(m));
  if (k == 0) return m_theta0(unit, m);
  const std::size_t g = m_group[static_cast<std::size_t>(unit)];
  Scalar sum(0);
  for (Eigen::Index l = 0; l < D(); ++l) sum += m_inner->coefficient(k, phi_index(g, m, l)) * m_theta0(unit, l);
  return sum;
}

template <class Scalar>
void relu_jet<Scalar>::evaluate(const Scalar& tau, std::vector<Scalar>& x) const {
  std::vector<Scalar>& y = m_inner_x;
  taylor::detail::evaluate_polynomial(*m_inner, tau, y);
  const std::size_t rest = 2 * static_cast<std::size_t>(D() * D()) * m_keys.size();
  for (std::size_t i = 0; i < m_flat.size(); ++i) {
    const auto [unit, m] = m_flat[i];
    if (unit < 0) {
      x[i] = y[rest + static_cast<std::size_t>(m)];
      continue;
    }
    const std::size_t g = m_group[static_cast<std::size_t>(unit)];
    Scalar sum(0);
    for (Eigen::Index l = 0; l < D(); ++l) sum += y[phi_index(g, m, l)] * m_theta0(unit, l);
    x[i] = sum;
  }
}

template <class Scalar>
void relu_jet<Scalar>::evaluate_derivative(const Scalar& tau, std::vector<Scalar>& dx) const {
  std::vector<Scalar>& y = m_inner_x;
  taylor::detail::evaluate_derivative(*m_inner, tau, y);
  const std::size_t rest = 2 * static_cast<std::size_t>(D() * D()) * m_keys.size();
  for (std::size_t i = 0; i < m_flat.size(); ++i) {
    const auto [unit, m] = m_flat[i];
    if (unit < 0) {
      dx[i] = y[rest + static_cast<std::size_t>(m)];
      continue;
    }
    const std::size_t g = m_group[static_cast<std::size_t>(unit)];
    Scalar sum(0);
    for (Eigen::Index l = 0; l < D(); ++l) sum += y[phi_index(g, m, l)] * m_theta0(unit, l);
    dx[i] = sum;
  }
}

template <class Scalar>
Eigen::Index relu_jet<Scalar>::kink_size(std::size_t s) const {
  return s == 0 ? Eigen::Index(m_branch.size()) : m_inner->kink_size(s - 1);
}

template <class Scalar>
void relu_jet<Scalar>::kink_series(std::size_t s, Eigen::Index e, std::vector<Scalar>& a) const {
  if (s > 0) return m_inner->kink_series(s - 1, e, a);
  const Eigen::Index N = m_model.N(), i = e / N, j = e % N;
  const auto& rows = m_z_rows[m_group[static_cast<std::size_t>(i)]];
  a.resize(static_cast<std::size_t>(m_order) + 1);  // to the state's order: z_ji(τ) = P_jᵀ θ_i(τ) exactly
  a[0] = m_Z0(e);
  for (int k = 1; k <= m_order; ++k) {
    Scalar sum(0);
    for (Eigen::Index l = 0; l < D(); ++l) sum += rows[static_cast<std::size_t>(k - 1)](j, l) * m_theta0(i, l);
    a[static_cast<std::size_t>(k)] = sum;
  }
}

// |z_ji(τ) − z_ji(0)| ≤ Σ_l |θ_il| Σ_k |(Pᵀ Φ_g,k)_jl| h^k: one bound table per group and h.
template <class Scalar>
const matrix<Scalar>& relu_jet<Scalar>::bounds(std::size_t g, const Scalar& h) const {
  using std::abs;
  if (!m_bound_h || *m_bound_h != h) {
    m_bounds.assign(m_keys.size(), matrix<Scalar>::Zero(m_model.N(), D()));
    for (std::size_t group = 0; group < m_keys.size(); ++group) {
      Scalar power(1);
      for (const matrix<Scalar>& row : m_z_rows[group]) {
        power *= h;
        m_bounds[group] += row.cwiseAbs() * power;
      }
    }
    m_bound_h = h;
  }
  return m_bounds[g];
}

template <class Scalar>
bool relu_jet<Scalar>::stays_on_branch(std::size_t s, Eigen::Index e, const Scalar& h) const {
  using std::abs;
  if (s > 0) return m_inner->stays_on_branch(s - 1, e, h);
  const Scalar& z0 = m_Z0(e);
  if ((z0 > 0) != active(0, e)) return false;
  const Eigen::Index N = m_model.N(), i = e / N, j = e % N;
  const matrix<Scalar>& B = bounds(m_group[static_cast<std::size_t>(i)], h);
  Scalar bound(0);
  for (Eigen::Index l = 0; l < D(); ++l) bound += m_abs_theta0(i, l) * B(j, l);
  return abs(z0) > bound;
}

template <class Scalar>
bool relu_jet<Scalar>::active(std::size_t s, Eigen::Index e) const {
  return s == 0 ? m_branch[static_cast<std::size_t>(e)] != 0 : m_inner->active(s - 1, e);
}

template <class Scalar>
bool relu_jet<Scalar>::landed(std::size_t s, Eigen::Index e) const {
  return s == 0 ? m_landed[static_cast<std::size_t>(e)] != 0 : m_inner->landed(s - 1, e);
}

template <class Scalar>
void relu_jet<Scalar>::set_branch(std::size_t s, Eigen::Index e, bool on) {
  if (s == 0) m_hints.emplace_back(e, on);
  else m_inner_hints.emplace_back(s - 1, e, on);
}

}  // namespace gradflow
