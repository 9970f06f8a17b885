// The linear_deep model's entry: f(x) = W_L⋯W_1 x (models/linear_deep.hpp), its keys, outputs and checks.
#include "gradflow/checks/deep_linear_impl.hpp"
#include "gradflow/io/invalid_input.hpp"
#include "gradflow/models/linear_deep_impl.hpp"
#include "gradflow/run/model_adapter.hpp"
#include "gradflow/run/model_entry.hpp"

namespace gradflow {

namespace {

std::string count_of(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// W_j is d_j×d_{j−1}: each layer's columns are the previous layer's rows (model.X's columns for W_1),
// and the last layer's rows are model.Y's columns.
void read(model_reader& r) {
  const text_matrix X = r.matrix("X"), Y = r.matrix("Y");
  const auto W0 = r.matrix_list("W0", 2, "linear_deep needs depth >= 2", "layer", "W_1");
  check_data_shapes(X, Y);
  for (std::size_t i = 0; i < W0.size(); ++i) {
    const std::string field = "model.W0[" + std::to_string(i) + "]";
    const std::size_t cols = i == 0 ? X.n_cols() : W0[i - 1].n_rows();
    if (W0[i].n_cols() != cols)
      throw invalid_input(
          field + " is " + W0[i].shape() + " but must have " + count_of(cols, "column", "columns") + " (= " +
          (i == 0 ? std::string("columns of model.X") : "rows of model.W0[" + std::to_string(i - 1) + "]") +
          ")");
  }
  const text_matrix& last = W0.back();
  if (last.n_rows() != Y.n_cols())
    throw invalid_input("model.W0[" + std::to_string(W0.size() - 1) + "] is " + last.shape() +
                        " but must have " + count_of(Y.n_cols(), "row", "rows") +
                        " (= columns of model.Y, the last layer's outputs)");
}

memory_profile memory(const run_config& c) {
  double n = 0;
  for (const auto& W : c.model.matrices("W0")) n += static_cast<double>(W.n_rows() * W.n_cols());
  return {n, 3 * static_cast<double>(c.model.matrix("X").n_cols()) + 1, 0, "", ""};
}

struct traits {
  template <class S>
  using model = linear_deep<S>;
  static constexpr bool time_change = false;

  template <class S>
  static std::pair<linear_deep<S>, std::vector<S>> build(const run_config& c) {
    matrix<S> X = config_matrix<S>(c, "X");
    std::vector<Eigen::Index> widths{X.cols()};
    std::vector<matrix<S>> W;
    const auto& W0 = c.model.matrices("W0");
    for (std::size_t i = 0; i < W0.size(); ++i) {
      W.push_back(config_matrix<S>(W0[i], "W0[" + std::to_string(i) + "]"));
      widths.push_back(W.back().rows());
    }
    linear_deep<S> m(std::move(X), config_matrix<S>(c, "Y"), std::move(widths));
    auto theta = m.pack(W);
    return {std::move(m), std::move(theta)};
  }
  template <class S>
  static named_matrices<S> state(const linear_deep<S>& m, const S* theta) {
    named_matrices<S> out;
    for (int j = 1; j <= m.depth(); ++j) {
      std::string name = std::to_string(j);  // "W" + to_string(j) trips a false -Wrestrict in GCC 12
      name.insert(name.begin(), 'W');
      out.emplace_back(std::move(name), m.W(theta, j));
    }
    return out;
  }
  template <class S>
  static named_matrices<S> final(const linear_deep<S>& m, const S* theta) {
    auto out = state(m, theta);
    out.emplace_back("product", m.product(theta));
    return out;
  }
  template <class S>
  static std::vector<check_result> checks(const linear_deep<S>& m, const run_trace<S>& trace) {
    return {check_arora2018_balanced(m, trace), check_saxe2014_closed_form(m, trace)};
  }
};

}  // namespace

const model_entry& linear_deep_entry() {
  static const model_entry e{
      .kind = "linear_deep",
      .summary =
          "f(x) = W_L⋯W_1 x, L = ½‖Y − X W_1ᵀ⋯W_Lᵀ‖²_F, depth L >= 2 (Arora, Cohen, Hazan 2018; Saxe et al. 2014)",
      .keys = {{"X", key_kind::matrix}, {"Y", key_kind::matrix}, {"W0", key_kind::matrix_list}},
      .initial_weights = "model.W0 (one matrix per layer, W_1 first)",
      .losses = {"square"},
      .checks = {"arora2018.balanced", "saxe2014.closed_form"},
      .read = read,
      .memory = memory,
      .build_double = build_at_double<traits>,
      .build_real = build_at_real<traits>,
  };
  return e;
}

// Explicit instantiation (STYLE.md rule 3): the model, its flow and its checks at both scalars.
#define GRADFLOW_LINEAR_DEEP_AT(S)                                                                      \
  template class linear_deep<S>;                                                                        \
  template integration_summary<S> integrate(const linear_deep<S>&, std::vector<S>&,                     \
                                            const integrate_options<S>&, const integrate_observer<S>&); \
  template check_result check_arora2018_balanced(const linear_deep<S>&, const run_trace<S>&);           \
  template check_result check_saxe2014_closed_form(const linear_deep<S>&, const run_trace<S>&);
GRADFLOW_LINEAR_DEEP_AT(double)
GRADFLOW_LINEAR_DEEP_AT(Real)
#undef GRADFLOW_LINEAR_DEEP_AT
template check_result check_path_defect(const linear_deep<Real>&, const run_trace<Real>&,
                                        const path_claim<Real>&);

}  // namespace gradflow
