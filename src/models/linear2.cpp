// The linear2 model's entry: f(x) = V Uᵀ x (models/linear2.hpp), its keys, outputs and checks.
#include "gradflow/checks/deep_linear_impl.hpp"
#include "gradflow/checks/min2021_impl.hpp"
#include "gradflow/checks/min2021_width_impl.hpp"
#include "gradflow/io/invalid_input.hpp"
#include "gradflow/models/linear2_impl.hpp"
#include "gradflow/run/model_adapter.hpp"
#include "gradflow/run/model_entry.hpp"
#include "gradflow/verify/cases.hpp"

namespace gradflow {

namespace {

void read(model_reader& r) {
  const text_matrix X = r.matrix("X"), Y = r.matrix("Y"), U0 = r.matrix("U0"), V0 = r.matrix("V0");
  check_data_shapes(X, Y);
  if (U0.n_rows() != X.n_cols())
    throw invalid_input("model.U0 is " + U0.shape() + " but must be n×h with n = " +
                        std::to_string(X.n_cols()) + " (the columns of model.X)");
  if (V0.n_rows() != Y.n_cols() || V0.n_cols() != U0.n_cols())
    throw invalid_input("model.V0 is " + V0.shape() + " but must be m×h = " + std::to_string(Y.n_cols()) +
                        "×" + std::to_string(U0.n_cols()) +
                        " (m = columns of model.Y, h = columns of model.U0)");
}

memory_profile memory(const run_config& c) {
  const auto size = [](const text_matrix& M) { return static_cast<double>(M.n_rows() * M.n_cols()); };
  const double d = static_cast<double>(c.model.matrix("X").n_cols());
  return {size(c.model.matrix("U0")) + size(c.model.matrix("V0")), 3 * d + 1, 0, "", ""};
}

struct traits {
  template <class S>
  using model = linear2<S>;
  static constexpr bool time_change = false;

  template <class S>
  static std::pair<linear2<S>, std::vector<S>> build(const run_config& c) {
    linear2<S> m(config_matrix<S>(c, "X"), config_matrix<S>(c, "Y"),
                 static_cast<Eigen::Index>(c.model.matrix("U0").n_cols()));
    auto theta = m.pack(config_matrix<S>(c, "U0"), config_matrix<S>(c, "V0"));
    return {std::move(m), std::move(theta)};
  }
  template <class S>
  static named_matrices<S> state(const linear2<S>& m, const S* theta) {
    return {{"U", m.U(theta)}, {"V", m.V(theta)}};
  }
  template <class S>
  static named_matrices<S> final(const linear2<S>& m, const S* theta) {
    return {{"U", m.U(theta)}, {"V", m.V(theta)}, {"product", m.product(theta)}};
  }
  /// The five min2021 run-time checks, min2021.width (not_applicable) and saxe2014.closed_form.
  template <class S>
  static std::vector<check_result> checks(const linear2<S>& m, const run_trace<S>& trace) {
    auto results = min2021_checks(m, trace);
    results.push_back(check_saxe2014_closed_form(m, trace));
    return results;
  }
};

}  // namespace

std::vector<verify_case> linear_cases();  // src/verify/cases.cpp

const model_entry& linear2_entry() {
  static const model_entry e{
      .kind = "linear2",
      .summary = "f(x) = V Uᵀ x, L = ½‖Y − X U Vᵀ‖²_F (Min, Tarmoun, Vidal, Mallada 2021)",
      .keys = {{"X", key_kind::matrix},
               {"Y", key_kind::matrix},
               {"U0", key_kind::matrix},
               {"V0", key_kind::matrix}},
      .initial_weights = "model.U0 and model.V0",
      .losses = {"square"},
      .checks = {"min2021.imbalance", "min2021.rate", "min2021.exp_bound", "min2021.minnorm",
                 "min2021.kernel_identity", "min2021.width", "saxe2014.closed_form"},
      .read = read,
      .memory = memory,
      .build_double = build_at_double<traits>,
      .build_real = build_at_real<traits>,
      .verify_cases = linear_cases,
  };
  return e;
}

// Explicit instantiation (STYLE.md rule 3): the model, its flow and its checks at both scalars.
#define GRADFLOW_LINEAR2_AT(S)                                                                               \
  template class linear2<S>;                                                                                 \
  template integration_summary<S> integrate(const linear2<S>&, std::vector<S>&, const integrate_options<S>&, \
                                            const integrate_observer<S>&);                                   \
  template check_result check_min2021_imbalance(const linear2<S>&, const run_trace<S>&);                     \
  template check_result check_min2021_rate(const linear2<S>&, const run_trace<S>&);                          \
  template check_result check_min2021_exp_bound(const linear2<S>&, const run_trace<S>&);                     \
  template check_result check_min2021_minnorm(const linear2<S>&, const run_trace<S>&);                       \
  template check_result check_min2021_kernel_identity(const linear2<S>&, const run_trace<S>&);               \
  template std::vector<check_result> min2021_checks(const linear2<S>&, const run_trace<S>&);                 \
  template check_result check_arora2018_balanced(const linear2<S>&, const run_trace<S>&);                    \
  template check_result check_saxe2014_closed_form(const linear2<S>&, const run_trace<S>&);
GRADFLOW_LINEAR2_AT(double)
GRADFLOW_LINEAR2_AT(Real)
#undef GRADFLOW_LINEAR2_AT
template check_result check_path_defect(const linear2<Real>&, const run_trace<Real>&,
                                        const path_claim<Real>&);
template check_result check_min2021_width(const width_sweep_options&, std::vector<width_run<Real>>*);
template matrix<Real> reduced_limit_product(const matrix<Real>&, const matrix<Real>&, const matrix<Real>&,
                                            const matrix<Real>&, const Real&, reduced_flow_report<Real>*);

}  // namespace gradflow
