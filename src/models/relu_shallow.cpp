// The relu_shallow model's entry: f(x) = s Σ a_i [⟨w_i, x⟩ + b_i]_+ + c (models/relu_shallow.hpp), its keys,
// outputs (the wide-limit spline among them) and checks.
#include "gradflow/checks/du2018.hpp"
#include "gradflow/checks/jin2023.hpp"
#include "gradflow/io/invalid_input.hpp"
#include "gradflow/models/relu_init.hpp"
#include "gradflow/models/relu_jet_impl.hpp"
#include "gradflow/models/relu_shallow_impl.hpp"
#include "gradflow/run/model_adapter.hpp"
#include "gradflow/run/model_entry.hpp"

#include <functional>

namespace gradflow {

namespace {

// The seeded initialisation's settings, with their defaults; one or two inputs, one output.
void read(model_reader& r) {
  const text_matrix X = r.matrix("X"), Y = r.matrix("Y");
  check_data_shapes(X, Y);
  if (X.n_cols() != 1 && X.n_cols() != 2)
    throw invalid_input("model.X is " + X.shape() + " but relu_shallow takes 1 or 2 input columns");
  if (Y.n_cols() != 1)
    throw invalid_input("model.Y is " + Y.shape() +
                        " but relu_shallow predicts one output: it must have 1 column");
  r.integer("width", 1, 1000000);
  const std::string init = r.text("init", "uniform");
  if (init != "uniform" && init != "gaussian" && init != "sphere")
    throw invalid_input("model.init = \"" + init + "\" must be \"uniform\", \"gaussian\" or \"sphere\"");
  for (const auto& [key, fallback] : {std::pair{"init_w", "1"}, std::pair{"init_b", "2"}}) {
    const std::string value = *r.decimal(key, std::string(fallback));
    if (decimal_sign(value) <= 0)
      throw invalid_input("model." + std::string(key) + " = \"" + value + "\" violates " + key +
                          " > 0 (a half-width or standard deviation)");
  }
  r.boolean("asi", true);
  r.boolean("skip", false);
  const std::string train = r.text("train", "all");
  if (train != "all" && train != "output")
    throw invalid_input("model.train = \"" + train + "\" must be \"all\" or \"output\"");
  r.integer("seed", 0, std::numeric_limits<std::int64_t>::max(), 1);
  if (r.config().grid && X.n_cols() != 1)
    throw invalid_input("output.grid needs one input column (model.X is " + X.shape() + ")");
}

double units_of(const run_config& c) {
  return static_cast<double>(c.model.integer("width")) * (c.model.boolean("asi") ? 2 : 1);
}

// The Taylor jet keeps each unit's coefficients and its activity against the data. Measured peak RSS
// (asi, so 2·width units; max_steps = 2), the growth from width 250 to 500 (30 digits) or to 1000 (60,
// 120 digits) per unit added, in Reals of the run's size (64, 80, 104 bytes): one input column
// (examples/relu_fig1.toml) 433, 417, 373 Reals per unit at 30, 60, 120 digits; two
// (examples/relu_2d_sphere.toml) 1709, 1714, 1826, and the same with 10 data points as with 5. Taken as
// 470·d² Reals per unit for d input columns (width 10^6, asi, at 30 digits and d = 1: about 60 GB).
memory_profile memory(const run_config& c) {
  const double d = static_cast<double>(c.model.matrix("X").n_cols()), units = units_of(c);
  return {units * (d + 2) + 1 + (c.model.boolean("skip") ? d + 1 : 0), 3 * d + 1, units * 470 * d * d,
          "model.width", std::to_string(c.model.integer("width"))};
}

// output.grid as a column of inputs (the last point exactly `to`).
template <class S>
matrix<S> grid_points(const grid_spec& g) {
  const S from = parse_decimal<S>(g.from), to = parse_decimal<S>(g.to);
  matrix<S> x(g.points, 1);
  for (std::int64_t k = 0; k < g.points; ++k)
    x(k, 0) = k == g.points - 1 ? to : S(from + (to - from) * k / (g.points - 1));
  return x;
}

// A two-column CSV table: header, then x_k, v_k with every working digit.
template <class S>
std::string column_table(const std::string& header, const matrix<S>& x, const matrix<S>& v) {
  std::string out = header + "\n";
  for (Eigen::Index k = 0; k < x.rows(); ++k) out += to_decimal(x(k, 0)) + "," + to_decimal(v(k, 0)) + "\n";
  return out;
}

struct traits {
  template <class S>
  using model = relu_shallow<S>;
  static constexpr bool time_change = false;

  template <class S>
  static std::pair<relu_shallow<S>, std::vector<S>> build(const run_config& c) {
    matrix<S> X = config_matrix<S>(c, "X");
    relu_init_options<S> o;
    const std::string& init = c.model.text("init");
    o.law = init == "gaussian" ? relu_init_law::gaussian
            : init == "sphere" ? relu_init_law::sphere
                               : relu_init_law::uniform;
    o.w_scale = config_number<S>(c.model.text("init_w"), "model.init_w");
    o.b_scale = config_number<S>(c.model.text("init_b"), "model.init_b");
    o.width = c.model.integer("width");
    o.d = X.cols();
    o.asi = c.model.boolean("asi");
    o.skip = c.model.boolean("skip");
    o.seed = static_cast<std::uint64_t>(c.model.integer("seed"));
    const auto [p, scale] = initial_parameters(o);
    relu_shallow<S> m(std::move(X), config_matrix<S>(c, "Y"), p.W.rows(), scale, o.skip,
                      c.model.text("train") == "output" ? relu_training::output : relu_training::all, p);
    auto theta = m.pack(p);
    return {std::move(m), std::move(theta)};
  }
  template <class S>
  static named_matrices<S> state(const relu_shallow<S>& m, const S* theta) {
    const relu_parameters<S> p = m.unpack(theta);
    named_matrices<S> out;
    if (m.training() == relu_training::all) out.insert(out.end(), {{"W", p.W}, {"b", p.b}});
    out.insert(out.end(), {{"a", p.a}, {"c", p.c}});
    if (m.skip()) out.insert(out.end(), {{"u", p.u}, {"v", p.v}});
    return out;
  }
  // W and b are written also when only the output layer trains (they are then fixed, not state).
  template <class S>
  static named_matrices<S> final(const relu_shallow<S>& m, const S* theta) {
    const relu_parameters<S> p = m.unpack(theta);
    named_matrices<S> out{{"W", p.W}, {"b", p.b}, {"a", p.a}, {"c", p.c}};
    if (m.skip()) out.insert(out.end(), {{"u", p.u}, {"v", p.v}});
    return out;
  }
  /// du2018.relu_balance, and jin2023.spline_limit and jin2023.zeta as not_applicable (a width sweep, and
  /// a statement about the initialiser's law: gradflow verify runs them).
  template <class S>
  static std::vector<check_result> checks(const relu_shallow<S>& m, const run_trace<S>& trace) {
    return {
        check_du2018_relu_balance(m, trace),
        not_applicable("jin2023.spline_limit",
                       "a width sweep over seeds, not one run: gradflow verify jin2023.spline_limit"),
        not_applicable("jin2023.zeta",
                       "a statement about the initialiser's law, not one run: gradflow verify jin2023.zeta")};
  }
  // summary `spline` and spline_sup_distance = sup |f − g*|, g* the wide
  // limit for the run's init law — one input: the natural cubic spline ("natural_cubic", uniform and
  // sphere) or the adaptive spline of ζ(x) = 2σ_w³σ_b³/(π(σ_b² + x²σ_w²)²) ("adaptive_gaussian", gaussian
  // with σ_w = init_w, σ_b = init_b), over 401 points of the data interval; two inputs and the sphere law:
  // the polyharmonic spline ("polyharmonic", Thm 7/8), over a 41 × 41 grid of the data's bounding box;
  // otherwise "none". The distance is null when g* does not exist (repeated inputs, collinear data).
  // On output.grid (one input): final/f_grid.csv (x, f) and final/spline_grid.csv (x, g_star).
  template <class S>
  static void extras(const relu_shallow<S>& m, const S* theta, const run_config& c, model_run<S>& run) {
    const std::string& init = c.model.text("init");
    if (m.d() == 2) {
      const bool sphere = init == "sphere";
      run.final_summary["spline"] = sphere ? "polyharmonic" : "none";
      run.final_summary["spline_sup_distance"] = nlohmann::json(nullptr);
      if (sphere) try {
          run.final_summary["spline_sup_distance"] =
              to_decimal(sup_distance_on_box(m, theta, polyharmonic_spline_of_data(m), 41));
        } catch (const std::invalid_argument&) {}
      return;
    }
    const bool gaussian = init == "gaussian";
    std::function<S(const S&)> g;
    try {
      if (gaussian)
        g = adaptive_spline_of_data(m, config_number<S>(c.model.text("init_w"), "model.init_w"),
                                    config_number<S>(c.model.text("init_b"), "model.init_b"));
      else
        g = natural_spline_of_data(m);
    } catch (const std::invalid_argument&) {}
    run.final_summary["spline"] = gaussian ? "adaptive_gaussian" : "natural_cubic";
    run.final_summary["spline_sup_distance"] =
        g ? nlohmann::json(to_decimal(sup_distance(m, theta, g, 401))) : nlohmann::json(nullptr);
    if (!c.grid) return;
    const matrix<S> x = grid_points<S>(*c.grid);
    run.tables.emplace_back("final/f_grid.csv", column_table("x,f", x, m.predict(theta, x)));
    if (g)
      run.tables.emplace_back("final/spline_grid.csv",
                              column_table("x,g_star", x, matrix<S>(x.unaryExpr(g))));
  }
};

}  // namespace

std::vector<verify_case> relu_cases();  // src/verify/relu_cases.cpp

const model_entry& relu_shallow_entry() {
  static const model_entry e{
      .kind = "relu_shallow",
      .summary =
          "f(x) = s Σ a_i [⟨w_i, x⟩ + b_i]_+ + c (+ u·x + v), inputs d = 1 or 2, seeded init; kinks and\n"
          "Filippov sliding modes are events of the taylor method (Jin & Montúfar 2023; Du, Hu, Lee 2018)",
      .keys = {{"X", key_kind::matrix},
               {"Y", key_kind::matrix},
               {"width", key_kind::integer},
               {"init", key_kind::text},
               {"init_w", key_kind::decimal},
               {"init_b", key_kind::decimal},
               {"asi", key_kind::boolean},
               {"skip", key_kind::boolean},
               {"train", key_kind::text},
               {"seed", key_kind::integer}},
      .initial_weights = "drawn from model.seed (model.width, init, init_w, init_b, asi, skip, train)",
      .losses = {"square"},
      .grid = true,
      .checks = {"du2018.relu_balance", "jin2023.spline_limit", "jin2023.zeta"},
      .read = read,
      .memory = memory,
      .build_double = build_at_double<traits>,
      .build_real = build_at_real<traits>,
      .verify_cases = relu_cases,
  };
  return e;
}

// Explicit instantiation (STYLE.md rule 3): the model, its jet and its flow at both scalars.
#define GRADFLOW_RELU_AT(S)                                                          \
  template class relu_shallow<S>;                                                    \
  template class relu_jet<S>;                                                        \
  template integration_summary<S> integrate(const relu_shallow<S>&, std::vector<S>&, \
                                            const integrate_options<S>&, const integrate_observer<S>&);
GRADFLOW_RELU_AT(double)
GRADFLOW_RELU_AT(Real)
#undef GRADFLOW_RELU_AT
template check_result check_path_defect(const relu_shallow<Real>&, const run_trace<Real>&,
                                        const path_claim<Real>&);

}  // namespace gradflow
