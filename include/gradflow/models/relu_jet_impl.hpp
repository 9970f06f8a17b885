#pragma once
// Definitions of relu_jet<Scalar>; included only by src/instantiate/*.cpp. The per-unit work (O(n) per
// step: pre-activations, moments, coefficients, step ends, kink bounds) is done as products of each
// group's block with its small matrices, by the in-place kernels of taylor/kernels.hpp.
#include "gradflow/models/relu_jet.hpp"
#include "gradflow/taylor/dense_output.hpp"
#include "gradflow/taylor/kernels.hpp"

#include <algorithm>
#include <map>

namespace gradflow {

template <class Scalar>
relu_jet<Scalar>::relu_jet(const relu_shallow<Scalar>& model, int order) : m_model(model), m_order(order) {
  const Eigen::Index n = m_model.width(), d = m_model.d(), N = m_model.N();
  if (m_model.training() == relu_training::all) {
    for (Eigen::Index l = 0; l < d; ++l)
      for (Eigen::Index i = 0; i < n; ++i) m_flat.emplace_back(i, 1 + l);
    for (Eigen::Index i = 0; i < n; ++i) m_flat.emplace_back(i, d + 1);
  }
  for (Eigen::Index i = 0; i < n; ++i) m_flat.emplace_back(i, 0);
  const Eigen::Index rest = m_model.skip() ? d + 2 : 1;  // c (u, v)
  for (Eigen::Index e = 0; e < rest; ++e) m_flat.emplace_back(-1, e);
  m_P_wb.resize(N, d + 1);
  m_P_wb << m_model.X(), matrix<Scalar>::Ones(N, 1);
  m_P.resize(N, D());
  m_P << matrix<Scalar>::Zero(N, 1), m_P_wb;
  m_branch.assign(static_cast<std::size_t>(N * n), 0);
  m_landed = m_branch;
  m_sliding_points.resize(static_cast<std::size_t>(n));
  for (const Eigen::Index e : m_model.sliding())
    m_sliding_points[static_cast<std::size_t>(e / N)] = m_model.sliding_points(e / N);
}

template <class Scalar>
void relu_jet<Scalar>::compute(const Scalar* x0) {
  const Eigen::Index n = m_model.width(), N = m_model.N(), d = m_model.d();
  const relu_parameters<Scalar> p = m_model.unpack(x0);
  matrix<Scalar> wb_t(d + 1, n);  // [W b]ᵀ
  wb_t << p.W.transpose(), p.b.transpose();
  m_Z0 = matrix<Scalar>::Zero(N, n);
  taylor::detail::multiply_add(m_Z0, m_P_wb, wb_t, m_tmp);
  for (Eigen::Index e = 0; e < N * n; ++e) m_branch[static_cast<std::size_t>(e)] = m_Z0(e) > 0;
  std::fill(m_landed.begin(), m_landed.end(), 0);
  for (const auto& [e, on] : m_hints)
    m_branch[static_cast<std::size_t>(e)] = on, m_landed[static_cast<std::size_t>(e)] = 1;
  m_hints.clear();
  form_groups();
  for (const auto& [s, i, on] : m_inner_hints) m_inner->set_branch(s, i, on);
  m_inner_hints.clear();

  const std::size_t block_size = static_cast<std::size_t>(D() * D());
  std::vector<Scalar> x(rest_index() + static_cast<std::size_t>(m_model.skip() ? d + 2 : 1),
                        Scalar(0));  // Φ_g = I, S_g, c, u, v
  for (std::size_t g = 0; g < m_blocks.size(); ++g) {
    block& B = m_blocks[g];
    const Eigen::Index rows = static_cast<Eigen::Index>(B.units.size());
    B.theta0.resize(rows, D());
    for (Eigen::Index r = 0; r < rows; ++r) {
      const Eigen::Index i = B.units[static_cast<std::size_t>(r)];
      B.theta0(r, 0) = p.a(i);
      for (Eigen::Index l = 0; l < d; ++l) B.theta0(r, 1 + l) = p.W(i, l);
      B.theta0(r, d + 1) = p.b(i);
    }
    B.abs_theta0 = B.theta0.cwiseAbs();
    if (m_slot[g] < 0) continue;
    matrix<Scalar> theta0_t(D(), rows), S = matrix<Scalar>::Zero(D(), D());
    taylor::detail::assign_transpose(theta0_t, B.theta0);
    taylor::detail::multiply_add(S, theta0_t, B.theta0, m_tmp);  // S_g = Σ_i θ_i θ_iᵀ
    for (std::size_t m = 0; m < block_size; ++m) x[phi_index(g, 0, 0) + block_size + m] = S.data()[m];
    for (Eigen::Index m = 0; m < D(); ++m) x[phi_index(g, m, m)] = 1;
  }
  std::size_t next = rest_index();
  x[next++] = p.c(0);
  if (m_model.skip()) {
    for (Eigen::Index l = 0; l < d; ++l) x[next++] = p.u(l);
    x[next++] = p.v(0);
  }
  m_inner->compute(x.data());

  for (std::size_t g = 0; g < m_blocks.size(); ++g) {
    block& B = m_blocks[g];
    B.phi.assign(static_cast<std::size_t>(m_order) + 1, matrix<Scalar>(D(), D()));
    B.phi_t = B.phi;
    B.z_rows.assign(static_cast<std::size_t>(m_order), matrix<Scalar>::Zero(N, D()));
    for (int k = 0; k <= m_order; ++k) {
      matrix<Scalar>& phi = B.phi[static_cast<std::size_t>(k)];
      if (m_slot[g] < 0)
        phi = k == 0 ? matrix<Scalar>(matrix<Scalar>::Identity(D(), D()))
                     : matrix<Scalar>(matrix<Scalar>::Zero(D(), D()));
      else
        for (Eigen::Index l = 0; l < D(); ++l)
          for (Eigen::Index m = 0; m < D(); ++m) phi(m, l) = m_inner->coefficient(k, phi_index(g, m, l));
      taylor::detail::assign_transpose(B.phi_t[static_cast<std::size_t>(k)], phi);
      if (k > 0) taylor::detail::multiply_add(B.z_rows[static_cast<std::size_t>(k - 1)], m_P, phi, m_tmp);
    }
    B.values.resize(static_cast<Eigen::Index>(B.units.size()), D());
  }
  m_bound_h.reset();
}

// The groups at the step start: units with the same mask and sliding point share Φ_g and S_g. The inner
// graph is recorded again only when the set of groups (or a sliding entry's group) changed.
template <class Scalar>
void relu_jet<Scalar>::form_groups() {
  const Eigen::Index n = m_model.width(), N = m_model.N();
  std::vector<std::vector<unsigned char>> unit_keys(static_cast<std::size_t>(n));
  std::map<std::vector<unsigned char>, std::size_t> index;
  for (Eigen::Index i = 0; i < n; ++i) {
    auto& key = unit_keys[static_cast<std::size_t>(i)];
    key.assign(m_branch.begin() + i * N, m_branch.begin() + (i + 1) * N);
    const std::vector<Eigen::Index>& J = m_sliding_points[static_cast<std::size_t>(i)];  // at most two
    for (const Eigen::Index j : J) key[static_cast<std::size_t>(j)] = 0;
    for (std::size_t a = 0; a < 2; ++a)
      key.push_back(static_cast<unsigned char>(a < J.size() ? J[a] + 1 : 0));
    index.emplace(key, 0);
  }
  std::vector<std::vector<unsigned char>> keys;
  for (auto& [key, g] : index) g = keys.size(), keys.push_back(key);
  m_blocks.resize(keys.size());
  for (block& B : m_blocks) B.units.clear();
  m_group.resize(static_cast<std::size_t>(n));
  m_row.resize(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const std::size_t g = index[unit_keys[static_cast<std::size_t>(i)]];
    m_group[static_cast<std::size_t>(i)] = g;
    m_row[static_cast<std::size_t>(i)] = m_blocks[g].units.size();
    m_blocks[g].units.push_back(i);
  }
  std::vector<std::size_t> sliding_group;
  for (const Eigen::Index e : m_model.sliding())
    sliding_group.push_back(m_group[static_cast<std::size_t>(e / N)]);
  if (m_inner && keys == m_keys && sliding_group == m_sliding_group) return;
  m_keys = std::move(keys);
  m_sliding_group = std::move(sliding_group);
  m_slot.assign(m_keys.size(), -1);
  m_live = 0;
  for (std::size_t g = 0; g < m_keys.size(); ++g)
    if (std::any_of(m_keys[g].begin(), m_keys[g].end(), [](unsigned char byte) { return byte != 0; }))
      m_slot[g] = static_cast<int>(m_live++);
  record_groups();
}

// The inner graph. M_g A = e_a (u_wbᵀ A_wb) + [first layer] e_wb (u_wb A_a), with u_wb the rows w, b of
// u_g (its row a is 0) and A_a, A_wb the rows of A: 2D(D − 1) products per order term for Φ_g and as many
// for S_g.
template <class Scalar>
void relu_jet<Scalar>::record_groups() {
  const Eigen::Index N = m_model.N(), d = m_model.d();
  const matrix<Scalar>& X = m_model.X();
  const Scalar& s = m_model.output_scale();
  const bool first_layer = m_model.training() == relu_training::all;
  taylor::recorder<Scalar> r;
  std::vector<int> Phi, S;
  for (std::size_t g = 0; g < m_live; ++g) Phi.push_back(r.input(D(), D())), S.push_back(r.input(D(), D()));
  const int c = r.input(1, 1);
  const int u = m_model.skip() ? r.input(d, 1) : -1, v = m_model.skip() ? r.input(1, 1) : -1;

  matrix<Scalar> e_row = matrix<Scalar>::Zero(1, D()), select_wb = matrix<Scalar>::Zero(D() - 1, D());
  e_row(0) = 1;
  select_wb.rightCols(D() - 1).setIdentity();
  const int ea_row = r.constant(e_row), ea_col = r.constant(e_row.transpose()),
            wb_rows = r.constant(select_wb), wb_cols = r.constant(select_wb.transpose()),
            ones_row = r.constant(matrix<Scalar>::Ones(1, N)),
            ones_col = r.constant(matrix<Scalar>::Ones(N, 1));
  const matrix<Scalar> P = m_P.transpose();  // D×N
  std::vector<matrix<Scalar>> C_wb,
      kappa;  // per live group: rows w, b of C_g ((D − 1)×N); κ_g (|J|×N, empty without sliding)
  std::vector<std::vector<Eigen::Index>> held;  // per live group: the points J its units slide on
  int f = r.mul(c, ones_row);
  for (std::size_t g = 0; g < m_keys.size(); ++g) {
    if (m_slot[g] < 0) continue;
    const auto& key = m_keys[g];
    matrix<Scalar> masked = P;
    for (Eigen::Index k = 0; k < N; ++k)
      if (!key[static_cast<std::size_t>(k)]) masked.col(k).setZero();
    f = r.add(f, r.scale(s, r.mul(r.mul(ea_row, S[C_wb.size()]), r.constant(masked))));
    std::vector<Eigen::Index> J;
    for (std::size_t a = 0; a < 2; ++a)
      if (key[static_cast<std::size_t>(N) + a]) J.push_back(key[static_cast<std::size_t>(N) + a] - 1);
    matrix<Scalar> C = masked, k_g;
    if (!J.empty()) {  // κ_g = −K_JJ⁻¹ K_J,· diag(mask): κ_g r = (λ_j r_j)_{j∈J}
      k_g = m_model.filippov_rows(J);
      for (Eigen::Index k = 0; k < N; ++k)
        if (!key[static_cast<std::size_t>(k)]) k_g.col(k).setZero();
      for (std::size_t a = 0; a < J.size(); ++a) C += P.col(J[a]) * k_g.row(static_cast<Eigen::Index>(a));
    }
    kappa.push_back(std::move(k_g));
    held.push_back(std::move(J));
    C_wb.push_back(C.bottomRows(D() - 1));
  }
  if (m_model.skip())
    f = r.add(f, r.add(r.mul(r.transpose(u), r.constant(X.transpose())), r.mul(v, ones_row)));
  const int res = r.sub(r.constant(m_model.Y().transpose()), f), res_col = r.transpose(res);  // r = y − f

  std::vector<int> out;
  for (std::size_t g = 0; g < m_live; ++g) {
    const int u_wb = r.mul(r.constant(C_wb[g]), res_col), u_wb_row = r.transpose(u_wb);
    const auto M_times = [&](int A) {
      const int t = r.mul(ea_col, r.mul(u_wb_row, r.mul(wb_rows, A)));
      return first_layer ? r.add(t, r.mul(wb_cols, r.mul(u_wb, r.mul(ea_row, A)))) : t;
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
  // λ = (κ_g r)_j / r_j per sliding entry; heaviside(λ), heaviside(1 − λ) are its kink sources (in order).
  const int one = r.constant(matrix<Scalar>::Ones(1, 1));
  for (std::size_t m = 0; m < m_model.sliding().size(); ++m) {
    const Eigen::Index j = m_model.sliding()[m] % N;
    const std::size_t live = static_cast<std::size_t>(m_slot[m_sliding_group[m]]);
    const auto row = std::find(held[live].begin(), held[live].end(), j) - held[live].begin();
    matrix<Scalar> point = matrix<Scalar>::Zero(N, 1);
    point(j) = 1;
    const int lambda = r.hadamard(r.mul(r.constant(matrix<Scalar>(kappa[live].row(row))), res_col),
                                  r.pow(r.mul(res, r.constant(point)), Scalar(-1)));
    r.heaviside(lambda);
    r.heaviside(r.sub(one, lambda));
  }
  m_inner.emplace(r.finish(std::move(out)), m_order);
}

template <class Scalar>
Scalar relu_jet<Scalar>::coefficient(int k, std::size_t i) const {
  const auto [unit, m] = m_flat[i];
  if (unit < 0) return m_inner->coefficient(k, rest_index() + static_cast<std::size_t>(m));
  const block& B = m_blocks[m_group[static_cast<std::size_t>(unit)]];
  const Eigen::Index row = static_cast<Eigen::Index>(m_row[static_cast<std::size_t>(unit)]);
  Scalar sum(0);
  for (Eigen::Index l = 0; l < D(); ++l) sum += B.phi[static_cast<std::size_t>(k)](m, l) * B.theta0(row, l);
  return sum;
}

template <class Scalar>
Scalar relu_jet<Scalar>::coefficient_norm(int k) const {
  const bool first_layer = m_model.training() == relu_training::all;
  Scalar norm(0);
  for (const block& B : m_blocks) {
    taylor::detail::set_zero(B.values);
    taylor::detail::multiply_add(B.values, B.theta0, B.phi_t[static_cast<std::size_t>(k)],
                                 m_tmp);  // rows θ_i,kᵀ
    for (Eigen::Index m = 0; m < (first_layer ? D() : 1); ++m)
      for (Eigen::Index row = 0; row < B.values.rows(); ++row)
        taylor::detail::raise_to_abs(norm, B.values(row, m));
  }
  for (std::size_t e = rest_index(); e < m_inner->dimension(); ++e)
    taylor::detail::raise_to_abs(norm, m_inner->coefficient(k, e));
  return norm;
}

// x from the inner system's values (Φ_g(τ) or Φ_g'(τ), c, u, v): unit entries θ_i = Φ_g θ_i(t0).
template <class Scalar>
void relu_jet<Scalar>::unit_values(const std::vector<Scalar>& inner, bool derivative,
                                   std::vector<Scalar>& x) const {
  matrix<Scalar> phi_t(D(), D());
  for (std::size_t g = 0; g < m_blocks.size(); ++g) {
    const block& B = m_blocks[g];
    if (m_slot[g] < 0)
      phi_t = derivative ? matrix<Scalar>(matrix<Scalar>::Zero(D(), D()))
                         : matrix<Scalar>(matrix<Scalar>::Identity(D(), D()));
    else
      for (Eigen::Index l = 0; l < D(); ++l)
        for (Eigen::Index m = 0; m < D(); ++m) phi_t(l, m) = inner[phi_index(g, m, l)];
    taylor::detail::set_zero(B.values);
    taylor::detail::multiply_add(B.values, B.theta0, phi_t, m_tmp);
  }
  for (std::size_t i = 0; i < m_flat.size(); ++i) {
    const auto [unit, m] = m_flat[i];
    x[i] = unit < 0 ? inner[rest_index() + static_cast<std::size_t>(m)]
                    : m_blocks[m_group[static_cast<std::size_t>(unit)]].values(
                          static_cast<Eigen::Index>(m_row[static_cast<std::size_t>(unit)]), m);
  }
}

template <class Scalar>
void relu_jet<Scalar>::evaluate(const Scalar& tau, std::vector<Scalar>& x) const {
  std::vector<Scalar> inner(m_inner->dimension());
  taylor::detail::evaluate_polynomial(*m_inner, tau, inner);
  unit_values(inner, false, x);
}

template <class Scalar>
void relu_jet<Scalar>::evaluate_derivative(const Scalar& tau, std::vector<Scalar>& dx) const {
  std::vector<Scalar> inner(m_inner->dimension());
  taylor::detail::evaluate_derivative(*m_inner, tau, inner);
  unit_values(inner, true, dx);
}

template <class Scalar>
Eigen::Index relu_jet<Scalar>::kink_size(std::size_t s) const {
  return s == 0 ? Eigen::Index(m_branch.size()) : m_inner->kink_size(s - 1);
}

template <class Scalar>
void relu_jet<Scalar>::kink_series(std::size_t s, Eigen::Index e, std::vector<Scalar>& a) const {
  if (s > 0) return m_inner->kink_series(s - 1, e, a);
  const Eigen::Index N = m_model.N(), i = e / N, j = e % N;
  const block& B = m_blocks[m_group[static_cast<std::size_t>(i)]];
  const Eigen::Index row = static_cast<Eigen::Index>(m_row[static_cast<std::size_t>(i)]);
  a.resize(static_cast<std::size_t>(m_order) + 1);  // to the state's order: z_ji(τ) = P_jᵀ θ_i(τ) exactly
  a[0] = m_Z0(e);
  for (int k = 1; k <= m_order; ++k) {
    Scalar sum(0);
    for (Eigen::Index l = 0; l < D(); ++l)
      sum += B.z_rows[static_cast<std::size_t>(k - 1)](j, l) * B.theta0(row, l);
    a[static_cast<std::size_t>(k)] = sum;
  }
}

// |z_ji(τ) − z_ji(0)| ≤ Σ_l |θ_il| Σ_k |(P Φ_g,k)_jl| h^k, for every unit of every group, once per h.
template <class Scalar>
const matrix<Scalar>& relu_jet<Scalar>::bounds(std::size_t g, const Scalar& h) const {
  if (!m_bound_h || *m_bound_h != h) {
    for (const block& B : m_blocks) {
      matrix<Scalar> sum = matrix<Scalar>::Zero(m_model.N(), D()), sum_t(D(), m_model.N());
      Scalar power(1);
      for (const matrix<Scalar>& rows : B.z_rows) {
        power *= h;
        sum += rows.cwiseAbs() * power;
      }
      taylor::detail::assign_transpose(sum_t, sum);
      B.bound = matrix<Scalar>::Zero(B.theta0.rows(), m_model.N());
      taylor::detail::multiply_add(B.bound, B.abs_theta0, sum_t, m_tmp);
    }
    m_bound_h = h;
  }
  return m_blocks[g].bound;
}

template <class Scalar>
bool relu_jet<Scalar>::stays_on_branch(std::size_t s, Eigen::Index e, const Scalar& h) const {
  if (s > 0) return m_inner->stays_on_branch(s - 1, e, h);
  const Scalar& z0 = m_Z0(e);
  if ((z0 > 0) != active(0, e)) return false;
  const Eigen::Index N = m_model.N(), i = e / N, j = e % N;
  const matrix<Scalar>& bound = bounds(m_group[static_cast<std::size_t>(i)], h);
  return taylor::detail::abs_greater(z0,
                                     bound(static_cast<Eigen::Index>(m_row[static_cast<std::size_t>(i)]), j));
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
  if (s == 0)
    m_hints.emplace_back(e, on);
  else
    m_inner_hints.emplace_back(s - 1, e, on);
}

}  // namespace gradflow
