// Mutation tests (issue "verdicts that can fail"; proofs/README.md, "Mutations"): plausible bugs of an
// integrator, each made by a test-only wrapper (tests/support/mutants.hpp) and integrated by the
// product's own driver, write a wrong path; `gradflow check` judges it as another implementation's
// output and must name the checks that catch it. The same instance integrated without the bug passes,
// so what fails is the bug, not the instance. Runs at two precisions (ctest --digits=D).
#define BOOST_TEST_MODULE mutations
#include "support/mutants.hpp"
#include "support/sandbox.hpp"
#include "support/working_precision.hpp"

#include "gradflow/integrate/trace.hpp"
#include "gradflow/models/diagonal.hpp"
#include "gradflow/models/linear2.hpp"
#include "gradflow/models/relu_init.hpp"
#include "gradflow/models/relu_shallow.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <set>

using namespace gradflow;
using gradflow::test::path_rows;
using gradflow::test::quote;
using gradflow::test::sandbox;
using json = nlohmann::json;

using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

namespace {

// The run's declared tolerance: 10^−(D − 6) at D working digits.
std::string tolerance_text() { return "1e-" + std::to_string(working_digits() - 6); }

integrate_options<Real> options_to(const std::string& t_end, int samples) {
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = parse_decimal<Real>(tolerance_text());
  o.t_end = parse_decimal<Real>(t_end);
  for (int k = 0; k < samples; ++k) o.sample_times.push_back(o.t_end * k / (samples - 1));
  return o;
}

std::string precision_and_integrator() {
  return "[precision]\ndigits = " + std::to_string(working_digits()) +
         "\n[integrator]\nmethod = \"taylor\"\ntolerance = \"" + tolerance_text() + "\"\n";
}

// Verdict of each check `gradflow check` ran on the path; exit status 0 or 1 required.
struct judged {
  int exit_code;
  std::map<std::string, std::string> verdicts;
  std::set<std::string> failed() const {
    std::set<std::string> ids;
    for (const auto& [id, v] : verdicts)
      if (v == "fail") ids.insert(id);
    return ids;
  }
};

judged check(const sandbox& box, const std::string& name, const std::string& config, const path_rows& p,
             const std::vector<std::string>& columns) {
  const auto dir = box.path(name);
  gradflow::test::write_path(dir, config, p, columns);
  const auto r = box.run("check " + quote(dir) + " --quiet --json " + quote(box.path(name + ".json")));
  BOOST_TEST_REQUIRE((r.exit_code == 0 || r.exit_code == 1), name << ": exit " << r.exit_code << "\n"
                                                                  << r.out << r.err);
  judged j{r.exit_code, {}};
  const json report = json::parse(gradflow::test::slurp(box.path(name + ".json")));
  for (const auto& c : report.at("checks"))
    j.verdicts[c.at("id").get<std::string>()] = c.at("verdict").get<std::string>();
  BOOST_TEST_MESSAGE(name << " at " << working_digits() << " digits: " << r.out);
  return j;
}

// The wrong path must fail with exit 1, and every id in `catches` among the failures.
void require_caught(const judged& j, const std::string& name, std::initializer_list<const char*> catches) {
  BOOST_TEST(j.exit_code == 1, name << " passed every check");
  for (const char* id : catches)
    BOOST_TEST(j.failed().count(id) == 1u, name << ": " << id << " did not fail");
}

// ── linear2, THEOREMS.md T1.5 (inside the invariant set), t ∈ [0, 10], 11 samples ─────────────────────

const char* t1_5_model_keys = R"([model]
kind = "linear2"
X  = [["1", "0", "0"], ["0", "2", "0"]]
Y  = [["1"], ["1"]]
U0 = [["1", "0.5"], ["0.2", "-0.3"], ["0", "0"]]
V0 = [["0.1", "0.2"]]
)";

std::string t1_5_config() {
  return t1_5_model_keys + precision_and_integrator() + "[stop]\nt_end = \"10\"\n";
}

linear2<Real> t1_5(const std::string& shift = "0") {
  matrix<Real> X(2, 3), Y(2, 1);
  X << 1, 0, 0, 0, 2, 0;
  Y << 1, 1;
  X.array() += parse_decimal<Real>(shift);
  return linear2<Real>(X, Y, 2);
}

std::vector<Real> t1_5_start(const linear2<Real>& model) {
  matrix<Real> U(3, 2), V(1, 2);
  U << 1, parse_decimal<Real>("0.5"), parse_decimal<Real>("0.2"), parse_decimal<Real>("-0.3"), 0, 0;
  V << parse_decimal<Real>("0.1"), parse_decimal<Real>("0.2");
  return model.pack(U, V);
}

std::vector<std::string> t1_5_columns() {
  return gradflow::test::state_columns(t1_5().block_shapes(), {"U", "V"});
}

template <class Model>
path_rows t1_5_path(const Model& model) {
  return gradflow::test::rows_of(integrate_traced(model, t1_5_start(t1_5()), options_to("10", 11)));
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_true_linear2_path_passes) {
  sandbox box;
  const judged j = check(box, "true", t1_5_config(), t1_5_path(t1_5()), t1_5_columns());
  BOOST_TEST(j.exit_code == 0);
  BOOST_TEST(j.failed().empty());
  BOOST_TEST(j.verdicts.at("flow.path_defect") == "pass");
}

BOOST_AUTO_TEST_CASE(a_field_scaled_by_1_plus_1e_15_is_caught) {
  sandbox box;
  const test::scaled_field<linear2<Real>> wrong(t1_5(), 1 + parse_decimal<Real>("1e-15"));
  require_caught(check(box, "scaled_field", t1_5_config(), t1_5_path(wrong), t1_5_columns()), "scaled field",
                 {"flow.path_defect"});
}

BOOST_AUTO_TEST_CASE(data_shifted_by_1e_12_is_caught) {
  sandbox box;
  require_caught(check(box, "shifted_data", t1_5_config(), t1_5_path(t1_5("1e-12")), t1_5_columns()),
                 "shifted data", {"flow.path_defect", "min2021.imbalance"});
}

BOOST_AUTO_TEST_CASE(samples_retimed_by_1e_9_are_caught) {
  sandbox box;
  path_rows p = t1_5_path(t1_5());
  for (auto& t : p.t) t *= 1 + parse_decimal<Real>("1e-9");
  require_caught(check(box, "retimed", t1_5_config(), p, t1_5_columns()), "retimed", {"flow.path_defect"});
}

BOOST_AUTO_TEST_CASE(a_series_truncated_beyond_half_the_order_is_caught) {
  sandbox box;
  // k0 = p/2 with p the driver's order for the tolerance: each step then errs by about √tolerance.
  const int k0 = taylor::detail::order_for(parse_decimal<Real>(tolerance_text())) / 2;
  const test::truncated_series<linear2<Real>> wrong(t1_5(), k0);
  require_caught(check(box, "truncated", t1_5_config(), t1_5_path(wrong), t1_5_columns()), "truncated series",
                 {"flow.path_defect", "min2021.imbalance"});
}

// ── relu_shallow on the Figure 1 data (examples/relu_fig1.toml), all layers, to t = 40 ───────────────

namespace {

const char* relu_model_keys = R"([model]
kind = "relu_shallow"
X = [["-2"], ["-1"], ["0"], ["1"], ["2"]]
Y = [["1.5"], ["0.5"], ["1.5"], ["0.5"], ["1.5"]]
width = 10
init = "uniform"
init_w = "1"
init_b = "2"
asi = true
skip = true
seed = 7
)";

std::string relu_config() {
  return relu_model_keys + precision_and_integrator() + "[stop]\nt_end = \"40\"\n";
}

struct relu_instance {
  relu_shallow<Real> model;
  std::vector<Real> theta;
};

relu_instance fig1() {
  matrix<Real> X(5, 1), Y(5, 1);
  X << -2, -1, 0, 1, 2;
  Y << parse_decimal<Real>("1.5"), parse_decimal<Real>("0.5"), parse_decimal<Real>("1.5"),
      parse_decimal<Real>("0.5"), parse_decimal<Real>("1.5");
  relu_init_options<Real> o;
  o.law = relu_init_law::uniform;
  o.w_scale = 1;
  o.b_scale = 2;
  o.width = 10;
  o.d = 1;
  o.asi = true;
  o.skip = true;
  o.seed = 7;
  const auto [p, scale] = initial_parameters(o);
  relu_shallow<Real> model(X, Y, p.W.rows(), scale, true, relu_training::all, p);
  auto theta = model.pack(p);
  return {std::move(model), std::move(theta)};
}

std::vector<std::string> relu_columns() {
  return gradflow::test::state_columns(fig1().model.block_shapes(), {"W", "b", "a", "c", "u", "v"});
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_kink_switch_delayed_one_step_is_caught) {
  sandbox box;
  const relu_instance r = fig1();
  integration_summary<Real> summary;
  std::vector<Real> theta = r.theta;
  const auto right =
      integrate_traced(r.model, theta, options_to("40", 21), integrate_observer<Real>{}, summary);
  BOOST_TEST_REQUIRE(summary.event_count("kink_events") > 0, "the instance must cross kinks");
  const judged ok = check(box, "true", relu_config(), test::rows_of(right), relu_columns());
  BOOST_TEST(ok.exit_code == 0);
  BOOST_TEST(ok.failed().empty());

  const test::delayed_kinks wrong(r.model);
  const auto p = test::rows_of(integrate_traced(wrong, r.theta, options_to("40", 21)));
  require_caught(check(box, "delayed_kinks", relu_config(), p, relu_columns()), "delayed kink switch",
                 {"flow.path_defect"});
}

// ── diagonal, exponential loss, one point (examples/moroshko_1e1000.toml), time change to loss 1e-60 ─

namespace {

std::string moroshko_config() {
  return R"([model]
kind = "diagonal"
loss = "exponential"
X = [["1", "2"]]
Y = [["1"]]
depth = 2
alpha = "1"
)" + precision_and_integrator() +
         "time_change = \"loss\"\n[stop]\nloss_below = \"1e-60\"\n";
}

diagonal<Real> moroshko_model() {
  matrix<Real> X(1, 2), y(1, 1);
  X << 1, 2;
  y << 1;
  return diagonal<Real>(X, y, 2, loss_kind::exponential);
}

integrate_options<Real> moroshko_options() {
  integrate_options<Real> o;
  o.method = method::taylor;
  o.tolerance = parse_decimal<Real>(tolerance_text());
  o.t_end = parse_decimal<Real>("1e6");  // bounds s; the run stops on loss_below
  o.loss_below = parse_decimal<Real>("1e-60");
  for (int k = 0; k <= 12; ++k) o.sample_losses.push_back(parse_decimal<Real>("1e-" + std::to_string(5 * k)));
  o.sample_losses.front() = 1;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_time_change_clock_off_by_1e_10_is_caught) {
  sandbox box;
  const diagonal<Real> model = moroshko_model();
  const matrix<Real> ones = matrix<Real>::Ones(2, 1);
  const std::vector<Real> theta = model.pack(ones, ones);
  const auto columns = gradflow::test::state_columns(model.block_shapes(), {"w_plus", "w_minus"});
  integration_summary<Real> summary;
  const auto right = integrate_time_changed(model, theta, moroshko_options(), summary);
  const judged ok = check(box, "true", moroshko_config(), test::rows_of(right), columns);
  BOOST_TEST(ok.exit_code == 0);
  BOOST_TEST(ok.failed().empty());

  const test::skewed_clock<diagonal<Real>> wrong(model, 1 + parse_decimal<Real>("1e-10"));
  std::vector<Real> x = wrong.flow().augment(theta);
  const auto skewed = integrate_traced(wrong, x, moroshko_options(), integrate_observer<Real>{}, summary);
  require_caught(
      check(box, "skewed_clock", moroshko_config(), test::rows_of(wrong.flow().physical(skewed)), columns),
      "clock off by 1e-10", {"flow.path_defect"});
}
