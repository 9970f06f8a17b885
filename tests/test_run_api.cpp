// The library run API (run/run.hpp) and the model entries behind it (run/model_entry.hpp): every
// model runs through gradflow::run with an observer, reports flow.path_defect then exactly the
// checks its entry lists, and stops cleanly when the observer asks; the entries' key tables agree.
#define BOOST_TEST_MODULE run_api
#include "support/working_precision.hpp"

#include "gradflow/checks/catalogue.hpp"
#include "gradflow/io/config.hpp"
#include "gradflow/run/model_entry.hpp"
#include "gradflow/run/run.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace gradflow;
using gradflow::test::working_precision_from_args;
namespace fs = std::filesystem;

const fs::path examples = fs::path(GRADFLOW_SOURCE_DIR) / "examples";

// Counts what the run reports and stops after `stop_after` steps (0: never).
struct counting_observer : run_observer {
  int starts = 0;
  std::int64_t steps = 0, stop_after = 0, check_updates = 0;
  void on_start() override { ++starts; }
  bool on_step(const step_progress& p) override {
    BOOST_TEST(p.steps == steps + 1);
    steps = p.steps;
    return stop_after == 0 || steps < stop_after;
  }
  void on_check_progress(std::string_view id, std::size_t, std::size_t, unsigned) override {
    BOOST_TEST(id == "flow.path_defect");
    ++check_updates;
  }
};

// The example of each model kind, shortened, at the precision this process was asked for.
std::map<std::string, run_config> short_runs() {
  const unsigned D = test::requested_digits();
  const std::vector<std::string> digits{"precision.digits=" + std::to_string(D),
                                        "integrator.tolerance=1e-" + std::to_string(D - 10)};
  const auto with = [&](std::vector<std::string> more) {
    more.insert(more.begin(), digits.begin(), digits.end());
    return more;
  };
  std::map<std::string, run_config> out;
  out.emplace("linear2", load_config(examples / "t1_5_taylor.toml", with({"stop.loss_below=1e-20"})));
  out.emplace("linear_deep", load_config(examples / "deep3_balanced.toml", with({"stop.loss_below=1e-20"})));
  out.emplace("diagonal", load_config(examples / "diagonal_q_alpha.toml", with({"stop.loss_below=1e-20"})));
  out.emplace("matrix_sensing",
              load_config(examples / "matrix_sensing_commuting.toml", with({"stop.loss_below=1e-20"})));
  out.emplace("relu_shallow",
              load_config(examples / "relu_fig1.toml", with({"model.width=3", "stop.t_end=2"})));
  out.emplace("tensor", load_config(examples / "diagonal_q_alpha.toml",
                                    with({"model.kind=tensor", "stop.loss_below=1e-20", "model.depth=2"})));
  return out;
}

BOOST_AUTO_TEST_CASE(every_model_runs_through_the_library_and_reports_its_entry_checks) {
  const auto runs = short_runs();
  for (const model_entry* e : model_entries()) {
    BOOST_TEST_CONTEXT("model " << e->kind) {
      const auto it = runs.find(std::string(e->kind));
      BOOST_REQUIRE_MESSAGE(it != runs.end(), "no short run for this model: add one above");
      counting_observer observer;
      const run_result r = run(it->second, observer);
      BOOST_TEST(observer.starts == 1);
      BOOST_TEST(observer.steps == r.steps);
      BOOST_TEST(r.summary.at("model") == std::string(e->kind));
      std::vector<std::string> ids, expected{"flow.path_defect"};
      for (const auto& c : r.checks) ids.push_back(c.id);
      for (const auto& id : e->checks) expected.emplace_back(id);
      BOOST_TEST(ids == expected, boost::test_tools::per_element());
      BOOST_TEST((r.checks.front().verdict == verdict::pass), r.checks.front().detail);
      BOOST_REQUIRE(!r.rows.empty());
      for (const auto& row : r.rows) BOOST_TEST(row.size() == r.columns.size());
      BOOST_TEST(r.columns.front() == "t");
    }
  }
}

BOOST_AUTO_TEST_CASE(an_observer_that_says_stop_ends_the_run_as_interrupted) {
  const auto runs = short_runs();
  counting_observer observer;
  observer.stop_after = 2;
  const run_result r = run(runs.at("linear2"), observer);
  BOOST_TEST(r.steps == 2);
  BOOST_TEST(observer.steps == 2);
  BOOST_TEST(r.summary.at("stop_reason") == "interrupted");
  BOOST_TEST(static_cast<int>(r.reason) == static_cast<int>(stop_reason::interrupted));
}

BOOST_AUTO_TEST_CASE(the_run_restores_the_callers_working_precision) {
  const unsigned before = working_digits();
  counting_observer observer;
  run(load_config(examples / "t1_5_taylor.toml",
                  {"precision.digits=35", "integrator.tolerance=1e-25", "stop.loss_below=1e-10"}),
      observer);
  BOOST_TEST(working_digits() == before);
  BOOST_TEST(Real::default_precision() == before);
}

BOOST_AUTO_TEST_CASE(entries_agree_on_key_kinds_and_list_catalogued_checks_once) {
  std::map<std::string, key_kind> kinds;
  for (const model_entry* e : model_entries()) {
    BOOST_TEST_CONTEXT("model " << e->kind) {
      BOOST_TEST(find_model_entry(e->kind) == e);
      BOOST_TEST(!e->losses.empty());
      BOOST_TEST(e->losses.front() == "square");
      BOOST_TEST((e->read && e->memory && e->build_double && e->build_real));
      for (const auto& key : e->keys) {
        const auto [it, inserted] = kinds.emplace(std::string(key.name), key.kind);
        BOOST_TEST_CONTEXT("key " << key.name) BOOST_TEST((inserted || it->second == key.kind));
        BOOST_TEST(key.name != "kind");
        BOOST_TEST(key.name != "loss");
      }
      for (const auto& id : e->checks) {
        BOOST_TEST(is_catalogued(id), id);
        BOOST_TEST(std::count(e->checks.begin(), e->checks.end(), id) == 1, id);
      }
    }
  }
  BOOST_TEST(find_model_entry("no_such_model") == nullptr);
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);
