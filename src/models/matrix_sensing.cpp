// The matrix_sensing model's entry: predictions ⟨A_i, UUᵀ⟩ (models/matrix_sensing.hpp), its keys,
// outputs and checks, and its verify instances.
#include "gradflow/checks/gunasekar2017.hpp"
#include "gradflow/io/invalid_input.hpp"
#include "gradflow/models/matrix_sensing_impl.hpp"
#include "gradflow/numeric/decimal_matrix.hpp"
#include "gradflow/run/model_adapter.hpp"
#include "gradflow/run/model_entry.hpp"

#include "../verify/case_support.hpp"

namespace gradflow {

namespace {

// A = [A_1, …, A_m], each d×d and exactly symmetric; Y m×1; U0 d×r with r ≤ d, or alpha and rank
// (U0 = alpha·[I_r; 0], rank = d by default).
void read(model_reader& r) {
  const auto A = r.matrix_list("A", 1, "matrix sensing needs at least one measurement", "measurement", "A_1");
  const text_matrix Y = r.matrix("Y");
  const std::size_t d = A.front().n_rows();
  for (std::size_t i = 0; i < A.size(); ++i) {
    const std::string field = "model.A[" + std::to_string(i) + "]";
    if (A[i].n_rows() != A[i].n_cols())
      throw invalid_input(field + " is " + A[i].shape() + " but a measurement must be square (d×d)");
    if (A[i].n_rows() != d)
      throw invalid_input(field + " is " + A[i].shape() + " but model.A[0] is " + A.front().shape() +
                          ": every measurement has the same size d×d");
    for (std::size_t j = 0; j < d; ++j)
      for (std::size_t k = j + 1; k < d; ++k)
        if (!decimal_equal(A[i].rows[j][k], A[i].rows[k][j]))
          throw invalid_input(field + "[" + std::to_string(j) + "][" + std::to_string(k) + "] = \"" +
                              A[i].rows[j][k] + "\" but " + field + "[" + std::to_string(k) + "][" +
                              std::to_string(j) + "] = \"" + A[i].rows[k][j] +
                              "\": a measurement must be symmetric (to the digit)");
  }
  if (Y.n_rows() != A.size() || Y.n_cols() != 1)
    throw invalid_input("model.Y is " + Y.shape() + " but must be m×1 = " + std::to_string(A.size()) +
                        "×1 (one target per measurement in model.A)");
  const auto alpha = r.decimal("alpha");
  if (alpha && (r.has("U0")))
    throw invalid_input(
        "model.alpha and model.U0 both given: the start is either U0 = alpha·[I_r; 0] or the explicit "
        "factor, not both");
  if (alpha) {
    if (decimal_sign(*alpha) <= 0) throw invalid_input("model.alpha = \"" + *alpha + "\" violates alpha > 0");
    r.integer("rank", 1, static_cast<std::int64_t>(d), static_cast<std::int64_t>(d));
  } else if (r.has("U0")) {
    if (r.has("rank"))
      throw invalid_input(
          "model.rank is given with model.U0: the rank of the factor is U0's number of columns");
    const text_matrix U0 = r.matrix("U0");
    if (U0.n_rows() != d || U0.n_cols() > d)
      throw invalid_input("model.U0 is " + U0.shape() + " but must be d×r with d = " + std::to_string(d) +
                          " (the size of each measurement) and 1 <= r <= d");
  } else {
    throw invalid_input(
        "model.alpha is required for model.kind = \"matrix_sensing\" (the start U0 = alpha·[I_r; 0], "
        "with model.rank), or model.U0");
  }
}

std::size_t size_of(const run_config& c) { return c.model.matrices("A").front().n_rows(); }
std::int64_t rank_of(const run_config& c) {
  return c.model.has("alpha") ? c.model.integer("rank")
                              : static_cast<std::int64_t>(c.model.matrix("U0").n_cols());
}

memory_profile memory(const run_config& c) {
  const double d = static_cast<double>(size_of(c)), m = static_cast<double>(c.model.matrices("A").size());
  // The graph keeps the stacked measurements and the two selection matrices: (2m + m·d)·d numbers.
  return {d * static_cast<double>(rank_of(c)), d, (2 * m + m * d) * d, "", ""};
}

struct traits {
  template <class S>
  using model = matrix_sensing<S>;
  static constexpr bool time_change = false;

  template <class S>
  static std::pair<matrix_sensing<S>, std::vector<S>> build(const run_config& c) {
    std::vector<matrix<S>> A;
    const auto& text = c.model.matrices("A");
    for (std::size_t i = 0; i < text.size(); ++i)
      A.push_back(config_matrix<S>(text[i], "A[" + std::to_string(i) + "]"));
    const Eigen::Index d = A.front().rows(), rank = static_cast<Eigen::Index>(rank_of(c));
    matrix<S> U0 =
        c.model.has("alpha")
            ? matrix<S>(matrix<S>::Identity(d, rank) * config_number<S>(c.model.text("alpha"), "model.alpha"))
            : config_matrix<S>(c, "U0");
    matrix_sensing<S> m(std::move(A), config_matrix<S>(c, "Y"), rank);
    auto theta = m.pack(U0);
    return {std::move(m), std::move(theta)};
  }
  template <class S>
  static named_matrices<S> state(const matrix_sensing<S>& m, const S* theta) {
    return {{"U", m.U(theta)}};
  }
  template <class S>
  static named_matrices<S> final(const matrix_sensing<S>& m, const S* theta) {
    return {{"U", m.U(theta)}, {"product", m.product(theta)}};
  }
  template <class S>
  static std::vector<check_result> checks(const matrix_sensing<S>& m, const run_trace<S>& trace) {
    return {check_gunasekar2017_commuting(m, trace)};
  }
  /// trajectory.csv: the eigenvalues of X = UUᵀ, decreasing (eig_1 the largest).
  template <class S>
  static std::vector<std::string> quantity_names(const matrix_sensing<S>& m, const S*) {
    std::vector<std::string> out;
    for (Eigen::Index j = 1; j <= m.d(); ++j) out.push_back("eig_" + std::to_string(j));
    return out;
  }
  template <class S>
  static std::vector<S> quantities(const matrix_sensing<S>& m, const S* theta) {
    const auto values = m.spectrum(theta);
    return std::vector<S>(values.data(), values.data() + values.size());
  }
};

// 9H with H = I − 2vvᵀ/9, v = (1, 2, 2): an integer matrix, H orthogonal and symmetric.
matrix<Real> householder_times_9() {
  matrix<Real> V(3, 3);
  const int v[3] = {1, 2, 2};
  for (int j = 0; j < 3; ++j)
    for (int k = 0; k < 3; ++k) V(j, k) = Real(9 * (j == k) - 2 * v[j] * v[k]);
  return V;
}

// Commuting measurements H D_i H (D_1 = diag(1, 1, 0), D_2 = diag(0, 1, 2)), y = (1, 2): d = 3, m = 2;
// `skew` adds ε·(e1e2ᵀ + e2e1ᵀ) to A_2, which then no longer commutes with A_1.
matrix_sensing<Real> verify_instance(Eigen::Index rank, bool skew = false) {
  using verify_support::rows;
  const matrix<Real> H = householder_times_9() / 9;
  std::vector<matrix<Real>> A{H * rows({{"1", "0", "0"}, {"0", "1", "0"}, {"0", "0", "0"}}) * H,
                              H * rows({{"0", "0", "0"}, {"0", "1", "0"}, {"0", "0", "2"}}) * H};
  if (skew) A[1](0, 1) = A[1](1, 0) = A[1](0, 1) + verify_support::dec("1e-3");
  return matrix_sensing<Real>(std::move(A), rows({{"1"}, {"2"}}), rank);
}

std::vector<Real> scaled_identity(const matrix_sensing<Real>& m, const char* alpha) {
  return m.pack(matrix<Real>(matrix<Real>::Identity(m.d(), m.r()) * verify_support::dec(alpha)));
}

std::vector<verify_case> cases() {
  using verify_support::flow;
  using S = verify_suite;
  std::vector<verify_case> c;
  c.push_back({"gunasekar2017.commuting",
               "d = 3, 2 commuting measurements in a rotated basis, α = 0.1, taylor to L = 1e-70", 90,
               S::quick, verdict::pass, [] {
                 const auto m = verify_instance(3);
                 return check_gunasekar2017_commuting(
                     m, flow(m, scaled_identity(m, "0.1"), {.loss_below = "1e-70"}));
               }});
  c.push_back({"gunasekar2017.commuting", "the same with α = 0.5 at 50 digits, taylor to L = 1e-40", 50,
               S::quick, verdict::pass, [] {
                 const auto m = verify_instance(3);
                 return check_gunasekar2017_commuting(
                     m, flow(m, scaled_identity(m, "0.5"), {.loss_below = "1e-40"}));
               }});
  c.push_back({"gunasekar2017.commuting", "A_2 skewed by 1e-3: not commuting (not applicable)", 40, S::quick,
               verdict::not_applicable, [] {
                 const auto m = verify_instance(3, true);
                 return check_gunasekar2017_commuting(
                     m, flow(m, scaled_identity(m, "0.1"), {.loss_below = "1e-30"}));
               }});
  c.push_back({"gunasekar2017.commuting", "rank-1 start α[1; 0; 0] (UUᵀ ≠ α²I: not applicable)", 40, S::quick,
               verdict::not_applicable, [] {
                 const auto m = verify_instance(1);
                 return check_gunasekar2017_commuting(m, flow(m, scaled_identity(m, "0.1"), {.t_end = "5"}));
               }});
  return c;
}

}  // namespace

const model_entry& matrix_sensing_entry() {
  static const model_entry e{
      .kind = "matrix_sensing",
      .summary = "X = UUᵀ, U d×r, predictions ⟨A_i, X⟩, L = ½Σ(⟨A_i, UUᵀ⟩ − y_i)² (Gunasekar et al. 2017)",
      .keys = {{"A", key_kind::matrix_list},
               {"Y", key_kind::matrix},
               {"U0", key_kind::matrix},
               {"alpha", key_kind::decimal},
               {"rank", key_kind::integer}},
      .initial_weights = "model.U0, or model.alpha and model.rank (U0 = alpha·[I_r; 0])",
      .losses = {"square"},
      .checks = {"gunasekar2017.commuting"},
      .read = read,
      .memory = memory,
      .build_double = build_at_double<traits>,
      .build_real = build_at_real<traits>,
      .verify_cases = cases,
  };
  return e;
}

// Explicit instantiation (STYLE.md rule 3): the model, its flow and its check at both scalars.
#define GRADFLOW_MATRIX_SENSING_AT(S)                                                  \
  template class matrix_sensing<S>;                                                    \
  template integration_summary<S> integrate(const matrix_sensing<S>&, std::vector<S>&, \
                                            const integrate_options<S>&, const integrate_observer<S>&);
GRADFLOW_MATRIX_SENSING_AT(double)
GRADFLOW_MATRIX_SENSING_AT(Real)
#undef GRADFLOW_MATRIX_SENSING_AT

}  // namespace gradflow
