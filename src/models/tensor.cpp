// The tensor model's entry: f(x) = ⟨Sx, v_1∘⋯∘v_L⟩ (models/tensor.hpp), its keys, outputs and checks.
#include "gradflow/checks/soudry2018.hpp"
#include "gradflow/checks/yun2021.hpp"
#include "gradflow/io/invalid_input.hpp"
#include "gradflow/models/predictor_report.hpp"
#include "gradflow/models/tensor_impl.hpp"
#include "gradflow/numeric/orthogonal_transform.hpp"
#include "gradflow/run/model_adapter.hpp"
#include "gradflow/run/model_entry.hpp"

namespace gradflow {

namespace {

bool is_transform_name(const std::string& s) { return s == "identity" || s == "hadamard" || s == "dct"; }

// One output, S is d×d (a named transform or a matrix), v0 holds `depth` columns d×1.
void read(model_reader& r) {
  const text_matrix X = r.matrix("X"), Y = r.matrix("Y");
  if (r.config().loss != "square") check_labels(Y, r.config().loss);
  const auto depth = r.integer("depth", 1, 64, 2);
  std::string transform;
  text_matrix S;
  if (const auto named = r.peek_text("S"); !r.has("S") || (named && is_transform_name(*named)))
    transform = r.text("S", "identity");
  else
    S = r.matrix("S");
  const auto alpha = r.decimal("alpha");
  if (alpha && r.has("v0"))
    throw invalid_input(
        "model.alpha and model.v0 both given: the start is either v_l = alpha·1 for every layer or "
        "the explicit columns, not both");
  std::vector<text_matrix> v0;
  if (alpha) {
    if (decimal_sign(*alpha) <= 0) throw invalid_input("model.alpha = \"" + *alpha + "\" violates alpha > 0");
  } else if (r.has("v0")) {
    v0 = r.matrix_list("v0", 1, "the tensor network needs at least one layer", "layer", "v_1");
  } else {
    throw invalid_input(
        "model.alpha is required for model.kind = \"tensor\" (the start v_l = alpha·1), or model.v0");
  }
  check_data_shapes(X, Y);
  const std::size_t d = X.n_cols();
  if (Y.n_cols() != 1)
    throw invalid_input("model.Y is " + Y.shape() +
                        " but the tensor model predicts one output: it must have 1 column");
  if (S.n_rows() && (S.n_rows() != d || S.n_cols() != d))
    throw invalid_input("model.S is " + S.shape() + " but must be d×d = " + std::to_string(d) + "×" +
                        std::to_string(d) + " (d = columns of model.X)");
  if (transform == "hadamard" && (d & (d - 1)) != 0)
    throw invalid_input(
        "model.S = \"hadamard\" needs d a power of 2, but model.X has d = " + std::to_string(d) + " columns");
  if (!v0.empty() && v0.size() != static_cast<std::size_t>(depth))
    throw invalid_input("model.v0 has " + std::to_string(v0.size()) +
                        " columns but model.depth = " + std::to_string(depth) + " needs one per layer");
  for (std::size_t l = 0; l < v0.size(); ++l)
    if (v0[l].n_rows() != d || v0[l].n_cols() != 1)
      throw invalid_input("model.v0[" + std::to_string(l) + "] is " + v0[l].shape() +
                          " but must be d×1 = " + std::to_string(d) + "×1");
}

memory_profile memory(const run_config& c) {
  const double d = static_cast<double>(c.model.matrix("X").n_cols());
  return {static_cast<double>(c.model.integer("depth")) * d, 3 * d + 1, 0, "", ""};
}

struct traits {
  template <class S>
  using model = tensor<S>;
  static constexpr bool time_change = true;

  template <class S>
  static std::pair<tensor<S>, std::vector<S>> build(const run_config& c) {
    matrix<S> X = config_matrix<S>(c, "X");
    const Eigen::Index d = X.cols();
    const int depth = static_cast<int>(c.model.integer("depth"));
    const auto named = c.model.text_if("S");
    matrix<S> transform = named ? orthogonal_transform<S>(*named, d) : config_matrix<S>(c, "S");
    tensor<S> m(std::move(X), config_matrix<S>(c, "Y"), depth, std::move(transform), *parse_loss(c.loss));
    std::vector<matrix<S>> layers;
    if (c.model.has("alpha"))
      layers.assign(static_cast<std::size_t>(depth),
                    matrix<S>::Constant(d, 1, config_number<S>(c.model.text("alpha"), "model.alpha")));
    const auto& v0 = c.model.matrices("v0");
    for (std::size_t l = 0; l < v0.size(); ++l)
      layers.push_back(config_matrix<S>(v0[l], "v0[" + std::to_string(l) + "]"));
    auto theta = m.pack(layers);
    return {std::move(m), std::move(theta)};
  }
  template <class S>
  static named_matrices<S> state(const tensor<S>& m, const S* theta) {
    named_matrices<S> out;
    for (int l = 1; l <= m.depth(); ++l) {
      std::string name = std::to_string(l);
      name.insert(name.begin(), 'v');
      out.emplace_back(std::move(name), m.v(theta, l));
    }
    return out;
  }
  template <class S>
  static named_matrices<S> final(const tensor<S>& m, const S* theta) {
    named_matrices<S> out{{"rho", m.product(theta)}, {"beta", m.input_predictor(theta)}};
    for (auto& v : state(m, theta)) out.push_back(std::move(v));
    return out;
  }
  template <class S>
  static std::vector<check_result> checks(const tensor<S>& m, const run_trace<S>& trace) {
    return {check_yun2021_regression(m, trace), check_yun2021_classification(m, trace),
            check_soudry2018_direction(m, trace)};
  }
  template <class S>
  static predictor_report<S> predictor(const tensor<S>& m) {
    return {"rho", &m.Z(), &m.Y(), is_classification(m.loss_type())};
  }
  template <class S>
  static std::vector<std::string> quantity_names(const tensor<S>& m, const S* theta) {
    return predictor(m).names(m.product(theta).size());
  }
  template <class S>
  static std::vector<S> quantities(const tensor<S>& m, const S* theta) {
    return predictor(m).values(m.product(theta));
  }
  template <class S>
  static void extras(const tensor<S>& m, const S* theta, const run_config&, model_run<S>& run) {
    predictor(m).add_to_summary(m.product(theta), run.final_summary);
  }
};

}  // namespace

const model_entry& tensor_entry() {
  static const model_entry e{
      .kind = "tensor",
      .summary =
          "f(x) = ⟨Sx, v_1∘⋯∘v_L⟩, S identity/hadamard/dct/matrix, L >= 1 (Yun, Krishnan, Mobahi 2021;\n"
          "L = 1: linear predictor, Soudry et al. 2018)",
      .keys = {{"X", key_kind::matrix},
               {"Y", key_kind::matrix},
               {"depth", key_kind::integer},
               {"alpha", key_kind::decimal},
               {"v0", key_kind::matrix_list},
               {"S", key_kind::matrix}},
      .initial_weights =
          "model.alpha, or model.v0 (one column per layer, v_1 first; with model.depth and model.S)",
      .losses = {"square", "exponential", "logistic"},
      .time_change = true,
      .checks = {"yun2021.regression", "yun2021.classification", "soudry2018.direction"},
      .read = read,
      .memory = memory,
      .build_double = build_at_double<traits>,
      .build_real = build_at_real<traits>,
  };
  return e;
}

// Explicit instantiation (STYLE.md rule 3): the model and its flows (in t and in s) at both scalars.
#define GRADFLOW_TENSOR_AT(S)                                                                               \
  template class tensor<S>;                                                                                 \
  template integration_summary<S> integrate(const tensor<S>&, std::vector<S>&, const integrate_options<S>&, \
                                            const integrate_observer<S>&);                                  \
  template integration_summary<S> integrate(const time_changed<S, tensor<S>>&, std::vector<S>&,             \
                                            const integrate_options<S>&, const integrate_observer<S>&);
GRADFLOW_TENSOR_AT(double)
GRADFLOW_TENSOR_AT(Real)
#undef GRADFLOW_TENSOR_AT
template check_result check_path_defect(const tensor<Real>&, const run_trace<Real>&, const path_claim<Real>&);

}  // namespace gradflow
