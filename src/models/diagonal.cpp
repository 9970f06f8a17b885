// The diagonal model's entry: β = w₊^D − w₋^D (models/diagonal.hpp), its keys, outputs and checks.
#include "gradflow/checks/moroshko2020.hpp"
#include "gradflow/checks/woodworth2020.hpp"
#include "gradflow/io/invalid_input.hpp"
#include "gradflow/models/diagonal_impl.hpp"
#include "gradflow/models/predictor_report.hpp"
#include "gradflow/run/model_adapter.hpp"
#include "gradflow/run/model_entry.hpp"

namespace gradflow {

namespace {

// β = w₊^D − w₋^D predicts one output: Y has one column; explicit starts are d×1 columns.
void read(model_reader& r) {
  const text_matrix X = r.matrix("X"), Y = r.matrix("Y");
  if (r.config().loss != "square") check_labels(Y, r.config().loss);
  r.integer("depth", 2, 64, 2);
  const auto alpha = r.decimal("alpha");
  const bool explicit_start = r.has("W_plus0") || r.has("W_minus0");
  if (alpha && explicit_start)
    throw invalid_input(
        "model.alpha and model.W_plus0/W_minus0 both given: the start is either w₊ = w₋ = alpha·1 "
        "or the two explicit columns, not both");
  text_matrix W_plus0, W_minus0;
  if (alpha) {
    if (decimal_sign(*alpha) <= 0) throw invalid_input("model.alpha = \"" + *alpha + "\" violates alpha > 0");
  } else if (explicit_start) {
    W_plus0 = r.matrix("W_plus0");
    W_minus0 = r.matrix("W_minus0");
  } else {
    throw invalid_input(
        "model.alpha is required for model.kind = \"diagonal\" (the start w₊ = w₋ = alpha·1), "
        "or model.W_plus0 and model.W_minus0");
  }
  check_data_shapes(X, Y);
  if (Y.n_cols() != 1)
    throw invalid_input("model.Y is " + Y.shape() +
                        " but the diagonal model predicts one output: it must have 1 column");
  for (const auto& [field, W] :
       {std::pair{"model.W_plus0", &W_plus0}, std::pair{"model.W_minus0", &W_minus0}})
    if (W->n_rows() && (W->n_rows() != X.n_cols() || W->n_cols() != 1))
      throw invalid_input(std::string(field) + " is " + W->shape() + " but must be d×1 = " +
                          std::to_string(X.n_cols()) + "×1 (d = columns of model.X, one weight per line)");
}

memory_profile memory(const run_config& c) {
  const double d = static_cast<double>(c.model.matrix("X").n_cols());
  return {2 * d, 3 * d + 1, 0, "", ""};
}

struct traits {
  template <class S>
  using model = diagonal<S>;
  static constexpr bool time_change = true;

  template <class S>
  static std::pair<diagonal<S>, std::vector<S>> build(const run_config& c) {
    diagonal<S> m(config_matrix<S>(c, "X"), config_matrix<S>(c, "Y"),
                  static_cast<int>(c.model.integer("depth")), *parse_loss(c.loss));
    if (!c.model.has("alpha")) {
      auto theta = m.pack(config_matrix<S>(c, "W_plus0"), config_matrix<S>(c, "W_minus0"));
      return {std::move(m), std::move(theta)};
    }
    const matrix<S> w = matrix<S>::Constant(m.d(), 1, config_number<S>(c.model.text("alpha"), "model.alpha"));
    auto theta = m.pack(w, w);
    return {std::move(m), std::move(theta)};
  }
  template <class S>
  static named_matrices<S> state(const diagonal<S>& m, const S* theta) {
    return {{"w_plus", m.w_plus(theta)}, {"w_minus", m.w_minus(theta)}};
  }
  template <class S>
  static named_matrices<S> final(const diagonal<S>& m, const S* theta) {
    return {{"beta", m.product(theta)}, {"w_plus", m.w_plus(theta)}, {"w_minus", m.w_minus(theta)}};
  }
  template <class S>
  static std::vector<check_result> checks(const diagonal<S>& m, const run_trace<S>& trace) {
    return {check_woodworth2020_q_alpha(m, trace), check_woodworth2020_depth_d(m, trace),
            check_moroshko2020_transition(m, trace)};
  }
  template <class S>
  static predictor_report<S> predictor(const diagonal<S>& m) {
    return {"beta", &m.X(), &m.Y(), is_classification(m.loss_type())};
  }
  template <class S>
  static std::vector<std::string> quantity_names(const diagonal<S>& m, const S*) {
    return predictor(m).names(m.d());
  }
  template <class S>
  static std::vector<S> quantities(const diagonal<S>& m, const S* theta) {
    return predictor(m).values(m.product(theta));
  }
  template <class S>
  static void extras(const diagonal<S>& m, const S* theta, const run_config&, model_run<S>& run) {
    predictor(m).add_to_summary(m.product(theta), run.final_summary);
  }
};

}  // namespace

std::vector<verify_case> implicit_bias_cases();  // src/verify/implicit_bias_cases.cpp (diagonal and tensor)

const model_entry& diagonal_entry() {
  static const model_entry e{
      .kind = "diagonal",
      .summary = "β = w₊^D − w₋^D, f(x) = ⟨β, x⟩, depth D >= 2 (Woodworth et al. 2020; Moroshko et al. 2020)",
      .keys = {{"X", key_kind::matrix},
               {"Y", key_kind::matrix},
               {"depth", key_kind::integer},
               {"alpha", key_kind::decimal},
               {"W_plus0", key_kind::matrix},
               {"W_minus0", key_kind::matrix}},
      .initial_weights = "model.alpha, or model.W_plus0 and model.W_minus0 (with model.depth)",
      .losses = {"square", "exponential", "logistic"},
      .time_change = true,
      .checks = {"woodworth2020.q_alpha", "woodworth2020.depth_d", "moroshko2020.transition"},
      .read = read,
      .memory = memory,
      .build_double = build_at_double<traits>,
      .build_real = build_at_real<traits>,
      .verify_cases = implicit_bias_cases,
  };
  return e;
}

// Explicit instantiation (STYLE.md rule 3): the model and its flows (in t and in s) at both scalars.
#define GRADFLOW_DIAGONAL_AT(S)                                                                         \
  template class diagonal<S>;                                                                           \
  template integration_summary<S> integrate(const diagonal<S>&, std::vector<S>&,                        \
                                            const integrate_options<S>&, const integrate_observer<S>&); \
  template integration_summary<S> integrate(const time_changed<S, diagonal<S>>&, std::vector<S>&,       \
                                            const integrate_options<S>&, const integrate_observer<S>&);
GRADFLOW_DIAGONAL_AT(double)
GRADFLOW_DIAGONAL_AT(Real)
#undef GRADFLOW_DIAGONAL_AT
template check_result check_path_defect(const diagonal<Real>&, const run_trace<Real>&,
                                        const path_claim<Real>&);

}  // namespace gradflow
