// Checkpoint and resume through the library run API (run/run.hpp, run/checkpoint.hpp): a run stopped
// at step k (interrupted, stop.max_steps, stop.wall_seconds, or simply abandoned after a periodic
// checkpoint, as a killed process would be) and resumed from its checkpoint gives the uninterrupted
// run's outputs to the last digit: summary.json (but wall_seconds), every trajectory row, every file
// and every check. The oracle is the uninterrupted run itself, an independent computation of the same
// path; the comparison can fail: a checkpoint with one digit of θ changed resumes to other numbers.
#define BOOST_TEST_MODULE resume
#include "support/working_precision.hpp"

#include "gradflow/io/config.hpp"
#include "gradflow/run/checkpoint.hpp"
#include "gradflow/run/run.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace {

using namespace gradflow;
namespace fs = std::filesystem;

const fs::path examples = fs::path(GRADFLOW_SOURCE_DIR) / "examples";

using gradflow::test::working_precision_from_args;
BOOST_TEST_GLOBAL_FIXTURE(working_precision_from_args);

// Hands out a checkpoint when asked at step `checkpoint_at` and stops at `stop_at` (0: never); keeps
// every checkpoint it is given.
struct checkpointing_observer : run_observer {
  std::int64_t checkpoint_at = 0, stop_at = 0, steps = 0;
  std::vector<std::string> checkpoints;
  bool on_step(const step_progress& p) override {
    steps = p.steps;
    return stop_at == 0 || steps < stop_at;
  }
  bool checkpoint_due() override { return steps == checkpoint_at; }
  void on_checkpoint(const std::string& text) override { checkpoints.push_back(text); }
};

// Everything a run writes, but its wall time (which is not part of the result).
void require_same_result(const run_result& a, const run_result& b) {
  auto sa = a.summary, sb = b.summary;
  sa.erase("wall_seconds");
  sb.erase("wall_seconds");
  BOOST_TEST(sa.dump() == sb.dump());
  BOOST_TEST(a.columns == b.columns, boost::test_tools::per_element());
  BOOST_REQUIRE_EQUAL(a.rows.size(), b.rows.size());
  for (std::size_t k = 0; k < a.rows.size(); ++k)
    BOOST_TEST(a.rows[k] == b.rows[k], boost::test_tools::per_element());
  BOOST_REQUIRE_EQUAL(a.files.size(), b.files.size());
  for (std::size_t k = 0; k < a.files.size(); ++k) {
    BOOST_TEST(a.files[k].first == b.files[k].first);
    BOOST_TEST(a.files[k].second == b.files[k].second);
  }
  BOOST_REQUIRE_EQUAL(a.checks.size(), b.checks.size());
  for (std::size_t k = 0; k < a.checks.size(); ++k) {
    BOOST_TEST(a.checks[k].id == b.checks[k].id);
    BOOST_TEST((a.checks[k].verdict == b.checks[k].verdict));
    BOOST_TEST(a.checks[k].measured == b.checks[k].measured);
    BOOST_TEST(a.checks[k].detail == b.checks[k].detail);
  }
}

// The configs tried, at this process's precision: Taylor on t, Taylor with loss-spaced samples, the
// time change (diagonal, exponential loss, integrating in s), and rk78 (whose position holds the
// error control's next trial step).
std::vector<std::pair<std::string, run_config>> configs() {
  const unsigned D = test::requested_digits();
  const std::string digits = "precision.digits=" + std::to_string(D);
  const std::string tolerance = "integrator.tolerance=1e-" + std::to_string(D - 10);
  return {
      {"linear2 taylor", load_config(examples / "t1_5_taylor.toml",
                                     {digits, tolerance, "stop.loss_below=1e-30", "output.samples=23"})},
      {"linear_deep taylor, loss spacing",
       load_config(examples / "deep3_balanced.toml",
                   {digits, tolerance, "stop.loss_below=1e-25", "output.spacing=loss", "output.state=true"})},
      {"diagonal exponential, time change",
       load_config(examples / "moroshko_1e1000.toml",
                   {digits, tolerance, "stop.loss_below=1e-40", "output.samples=9"})},
      {"linear2 rk78",
       load_config(examples / "t1_5.toml", {digits, "integrator.tolerance=1e-20", "stop.t_end=4",
                                            "output.samples=9", "output.state=true"})},
  };
}

BOOST_AUTO_TEST_CASE(a_run_stopped_at_any_step_resumes_to_the_uninterrupted_result) {
  for (const auto& [name, c] : configs()) {
    BOOST_TEST_CONTEXT(name) {
      run_observer plain;
      const run_result full = run(c, plain);
      BOOST_REQUIRE_GT(full.steps, 6);
      // Stopped at a third of the way (interrupted: the checkpoint comes unasked), then resumed and
      // stopped again at two thirds, then resumed to the end.
      const std::int64_t first = full.steps / 3, second = 2 * full.steps / 3;
      checkpointing_observer one;
      one.stop_at = first;
      const run_result part1 = run(c, one);
      BOOST_TEST((part1.reason == stop_reason::interrupted));
      BOOST_REQUIRE_EQUAL(one.checkpoints.size(), 1u);
      checkpointing_observer two;
      two.stop_at = second;
      const run_result part2 = run(c, two, one.checkpoints.back());
      BOOST_TEST(part2.resumed_from.at("steps").get<std::int64_t>() == first);
      BOOST_TEST(part2.steps == second);
      BOOST_REQUIRE_EQUAL(two.checkpoints.size(), 1u);
      const run_result resumed = run(c, plain, two.checkpoints.back());
      require_same_result(resumed, full);
      BOOST_TEST(resumed.wall_seconds >= part2.wall_seconds);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_periodic_checkpoint_of_a_run_that_goes_on_resumes_like_a_killed_run) {
  for (const auto& [name, c] : configs()) {
    BOOST_TEST_CONTEXT(name) {
      run_observer plain;
      const run_result full = run(c, plain);
      checkpointing_observer periodic;
      periodic.checkpoint_at = full.steps / 2;
      const run_result same = run(c, periodic);  // asked once, the run went on to its end
      require_same_result(same, full);
      BOOST_REQUIRE_EQUAL(periodic.checkpoints.size(), 1u);
      require_same_result(run(c, plain, periodic.checkpoints.front()), full);
    }
  }
}

BOOST_AUTO_TEST_CASE(max_steps_and_wall_seconds_stop_with_a_checkpoint_and_may_change_between_parts) {
  for (const auto& [name, c] : configs()) {
    BOOST_TEST_CONTEXT(name) {
      run_observer plain;
      const run_result full = run(c, plain);
      run_config capped = c;
      capped.max_steps = full.steps / 2;
      capped.resolved["stop"]["max_steps"] = capped.max_steps;
      checkpointing_observer at_cap;
      const run_result part = run(capped, at_cap);
      BOOST_TEST((part.reason == stop_reason::max_steps));
      BOOST_REQUIRE_EQUAL(at_cap.checkpoints.size(), 1u);
      run_config budgeted = c;  // a budget far below one step: the run stops after its first step
      budgeted.wall_seconds = 1e-9;
      budgeted.resolved["stop"]["wall_seconds"] = "1e-9";
      checkpointing_observer out_of_time;
      const run_result first = run(budgeted, out_of_time, at_cap.checkpoints.front());
      BOOST_TEST((first.reason == stop_reason::wall_seconds));
      BOOST_TEST(first.summary.at("stop_reason") == "wall_seconds");
      BOOST_TEST(first.steps == capped.max_steps + 1);
      BOOST_REQUIRE_EQUAL(out_of_time.checkpoints.size(), 1u);
      require_same_result(run(c, plain, out_of_time.checkpoints.front()), full);
    }
  }
}

// The comparison above can fail: one digit of the state changed in the checkpoint resumes to other
// numbers, and the checkpoint of another config is refused.
BOOST_AUTO_TEST_CASE(a_changed_checkpoint_resumes_elsewhere_and_another_configs_is_refused) {
  const auto [name, c] = configs().front();
  run_observer plain;
  const run_result full = run(c, plain);
  checkpointing_observer one;
  one.stop_at = full.steps / 2;
  run(c, one);
  BOOST_REQUIRE_EQUAL(one.checkpoints.size(), 1u);
  std::string changed = one.checkpoints.front();
  const auto theta = changed.find("\ntheta ") + 7;
  const auto digit = changed.find_first_of("123456789", theta + 3);  // a digit well inside θ_1's mantissa
  changed[digit] = changed[digit] == '9' ? '8' : static_cast<char>(changed[digit] + 1);
  const run_result moved = run(c, plain, changed);
  BOOST_TEST(moved.rows.back() != full.rows.back());
  BOOST_TEST(moved.summary.at("t_final") != full.summary.at("t_final"));

  run_config other = c;
  other.t_end = "999";
  other.resolved["stop"]["t_end"] = "999";
  BOOST_CHECK_EXCEPTION(run(other, plain, one.checkpoints.front()), invalid_checkpoint, [](const auto& e) {
    return std::string(e.what()).find("written for another config") != std::string::npos;
  });
}

BOOST_AUTO_TEST_CASE(a_damaged_checkpoint_is_refused_naming_the_line) {
  const auto [name, c] = configs().front();
  run_observer plain;
  checkpointing_observer one;
  one.stop_at = 3;
  run(c, one);
  const std::string good = one.checkpoints.front();
  const auto refused = [&](const std::string& text, const std::string& part) {
    BOOST_TEST_CONTEXT("expecting \"" << part << "\"") {
      BOOST_CHECK_EXCEPTION(run(c, plain, text), invalid_checkpoint, [&](const auto& e) {
        BOOST_TEST_MESSAGE(e.what());
        return std::string(e.what()).find(part) != std::string::npos;
      });
    }
  };
  refused(good.substr(0, good.size() - 1), "cut short");
  refused(good.substr(0, good.find("\nmax_drift") + 1), "ends before its \"max_drift\" line");
  refused(good + "x\n", "goes on after its \"end\" line");
  std::string bad_number = good;
  bad_number.replace(bad_number.find("\ntheta ") + 7, 1, "q");
  refused(bad_number, "line 7");
  std::string fewer = good;
  fewer.erase(fewer.rfind("\nsample "),
              fewer.find('\n', fewer.rfind("\nsample ") + 1) - fewer.rfind("\nsample "));
  refused(fewer, "samples but its position counts");
  refused("not a checkpoint\n", "not a gradflow checkpoint");
  // Found by the fuzzer: a line without its value threw std::out_of_range, not invalid_checkpoint.
  std::string no_value = good;
  no_value.replace(
      no_value.find("\nwall_seconds ") + 13,
      no_value.find('\n', no_value.find("\nwall_seconds ") + 1) - (no_value.find("\nwall_seconds ") + 13),
      "");
  refused(no_value, "line 5 should hold one value after \"wall_seconds\"");
}

BOOST_AUTO_TEST_CASE(methods_that_keep_state_and_fields_with_kinks_hand_out_no_checkpoint) {
  const unsigned D = test::requested_digits();
  const std::string digits = "precision.digits=" + std::to_string(D);
  for (const auto& [name, c] : std::vector<std::pair<std::string, run_config>>{
           {"dopri5", load_config(examples / "t1_5.toml", {digits, "integrator.method=dopri5",
                                                           "integrator.tolerance=1e-20", "stop.t_end=2"})},
           {"bulirsch_stoer",
            load_config(examples / "t1_5.toml", {digits, "integrator.method=bulirsch_stoer",
                                                 "integrator.tolerance=1e-20", "stop.t_end=2"})},
           {"relu taylor",
            load_config(examples / "relu_fig1.toml", {digits, "model.width=3", "stop.t_end=2"})}}) {
    BOOST_TEST_CONTEXT(name) {
      checkpointing_observer o;
      o.checkpoint_at = 2;
      o.stop_at = 4;
      const run_result r = run(c, o);
      BOOST_TEST((r.reason == stop_reason::interrupted));
      BOOST_TEST(o.checkpoints.empty());
      std::string why;
      BOOST_TEST(resumable_method(c, why) == (name == "relu taylor"));
    }
  }
}

}  // namespace
