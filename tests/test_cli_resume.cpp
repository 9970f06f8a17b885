// `gradflow run … --resume` (issue 16): a run killed with SIGKILL after a periodic checkpoint, stopped
// by SIGINT, or cut into parts by stop.wall_seconds goes on from its checkpoint to the very files an
// uninterrupted run writes (summary.json apart from wall_seconds; manifest.json records resumed_from).
// A checkpoint gradflow did not write is never replaced, one of another config is refused, and
// methods that cannot resume say so.
#define BOOST_TEST_MODULE cli_resume
#include "support/background_run.hpp"
#include "support/configs.hpp"
#include "support/sandbox.hpp"

#include "gradflow/io/sha256.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

namespace fs = std::filesystem;
using json = nlohmann::json;
using gradflow::test::background_run;
using gradflow::test::quote;
using gradflow::test::run_result;
using gradflow::test::slurp;
using sandbox = gradflow::test::sandbox;

namespace {

// About 3 s of Taylor steps and 2 s of checks on 2 cores (linear2 at 200 digits down to a loss of
// 1e-180), with a checkpoint every second.
const std::string medium_config =
    gradflow::test::t1_5_quick_config.substr(0, gradflow::test::t1_5_quick_config.find("[precision]")) +
    R"([precision]
digits = 200

[integrator]
method = "taylor"
tolerance = "1e-190"

[stop]
t_end = "1000"
loss_below = "1e-180"

[output]
samples = 40
checkpoint_seconds = 1
)";

fs::path checkpoint_of(const sandbox& box, const std::string& out) {
  return box.path(".gradflow-" + gradflow::sha256_text(out).substr(0, 12) + ".checkpoint");
}

std::string run_into(const sandbox& box, const std::string& out, const std::string& more = "") {
  return "run " + quote(box.path("medium.toml")) + " --out " + quote(box.path(out)) + " " + more;
}

json summary_without_time(const fs::path& dir) {
  json s = json::parse(slurp(dir / "summary.json"));
  s.erase("wall_seconds");
  return s;
}

// The run directory `b` holds what the uninterrupted run wrote into `a`.
void require_same_outputs(const fs::path& a, const fs::path& b) {
  for (const char* file :
       {"trajectory.csv", "config.toml", "final/U.csv", "final/V.csv", "final/product.csv"})
    BOOST_TEST(slurp(a / file) == slurp(b / file), file);
  BOOST_TEST(summary_without_time(a) == summary_without_time(b));
  BOOST_TEST(json::parse(slurp(a / "manifest.json"))["resumed_from"].is_null());
  BOOST_TEST(!json::parse(slurp(b / "manifest.json"))["resumed_from"].is_null());
}

// Waits until the background run has written a checkpoint (the file exists and is complete).
void wait_for_checkpoint(const fs::path& file) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!slurp(file).ends_with("end\n")) {
    BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, "no checkpoint " + file.string());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// The uninterrupted run, once per process: every case compares with it.
const fs::path& whole() {
  static const sandbox box;
  static const fs::path dir = [] {
    box.write("medium.toml", medium_config);
    const run_result r = box.run(run_into(box, "whole", "--quiet"));
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    BOOST_REQUIRE(!fs::exists(checkpoint_of(box, "whole")));  // a finished run keeps none
    return box.path("whole");
  }();
  return dir;
}

struct medium_box : sandbox {
  medium_box() { write("medium.toml", medium_config); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_killed_run_resumes_to_the_uninterrupted_files) {
  medium_box box;
  {
    background_run run(box, {"run", box.path("medium.toml").string(), "--out", box.path("o").string()});
    wait_for_checkpoint(checkpoint_of(box, "o"));
    run.signal(SIGKILL);
    BOOST_TEST(run.wait().exit_code == 128 + SIGKILL);
  }
  BOOST_TEST(!fs::exists(box.path("o")));
  const run_result r = box.run(run_into(box, "o", "--resume"));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.find("gradflow: resumed at t = ") != std::string::npos, r.err);
  require_same_outputs(whole(), box.path("o"));
  BOOST_TEST(!fs::exists(checkpoint_of(box, "o")));
}

BOOST_AUTO_TEST_CASE(an_interrupted_run_keeps_its_checkpoint_and_resumes) {
  medium_box box;
  background_run run(box, {"run", box.path("medium.toml").string(), "--out", box.path("o").string()});
  wait_for_checkpoint(checkpoint_of(box, "o"));
  run.signal(SIGINT);
  const run_result stopped = run.wait();
  BOOST_TEST(stopped.exit_code == 130, stopped.err);
  BOOST_TEST(stopped.err.find("run again with --resume to go on") != std::string::npos, stopped.err);
  BOOST_TEST(json::parse(slurp(box.path("o/summary.json")))["stop_reason"] == "interrupted");
  const run_result r = box.run(run_into(box, "o", "--resume --quiet"));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  require_same_outputs(whole(), box.path("o"));
}

BOOST_AUTO_TEST_CASE(wall_seconds_cuts_a_run_into_parts_that_add_up_to_the_whole) {
  medium_box box;
  int parts = 0;
  std::string reason = "wall_seconds";
  while (reason == "wall_seconds" && parts < 30) {
    const run_result r = box.run(run_into(box, "o", "--resume --quiet --set stop.wall_seconds=1"));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    reason = json::parse(slurp(box.path("o/summary.json")))["stop_reason"];
    ++parts;
  }
  BOOST_TEST(reason == "loss_below");
  BOOST_TEST(parts >= 2);
  for (const char* file : {"trajectory.csv", "final/U.csv", "final/V.csv"})
    BOOST_TEST(slurp(whole() / file) == slurp(box.path("o") / file), file);
  json a = summary_without_time(whole()), b = summary_without_time(box.path("o"));
  BOOST_TEST(a == b);
}

BOOST_AUTO_TEST_CASE(a_file_gradflow_did_not_write_is_never_taken_for_a_checkpoint) {
  medium_box box;
  box.write(checkpoint_of(box, "o").filename().string(), "my notes\n");
  const run_result r = box.run(run_into(box, "o", "--resume"));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("is not a gradflow checkpoint") != std::string::npos, r.err);
  BOOST_TEST(!fs::exists(box.path("o")));
  // Without --resume the run goes on, writes no checkpoint over the file and says so once.
  const run_result plain = box.run(run_into(box, "o", "--quiet --set stop.max_steps=3"));
  BOOST_TEST(plain.exit_code == 0, plain.err);
  BOOST_TEST(plain.err.find("checkpoint not written") != std::string::npos, plain.err);
  BOOST_TEST(slurp(checkpoint_of(box, "o")) == "my notes\n");
  // Neither a FIFO (whose open would wait for a writer) nor a symbolic link is read or replaced.
  fs::remove(checkpoint_of(box, "o"));
  BOOST_REQUIRE(::mkfifo(checkpoint_of(box, "o").c_str(), 0644) == 0);
  const run_result fifo = box.run(run_into(box, "o", "--resume"), "timeout 60");
  BOOST_TEST(fifo.exit_code == 2, fifo.err);
  BOOST_TEST(fifo.err.find("is not a gradflow checkpoint") != std::string::npos, fifo.err);
  BOOST_TEST(fs::is_fifo(checkpoint_of(box, "o")));
  fs::remove(checkpoint_of(box, "o"));
  box.write("real.checkpoint", "gradflow checkpoint 1\n");
  fs::create_symlink(box.path("real.checkpoint"), checkpoint_of(box, "o"));
  const run_result link = box.run(run_into(box, "o", "--resume"));
  BOOST_TEST(link.exit_code == 2, link.err);
  BOOST_TEST(fs::is_symlink(checkpoint_of(box, "o")));
  BOOST_TEST(slurp(box.path("real.checkpoint")) == "gradflow checkpoint 1\n");
}

BOOST_AUTO_TEST_CASE(a_checkpoint_of_another_config_is_refused) {
  medium_box box;
  BOOST_TEST_REQUIRE(box.run(run_into(box, "o", "--quiet --set stop.max_steps=3")).exit_code == 0);
  const std::string kept = slurp(checkpoint_of(box, "o"));
  BOOST_TEST(kept.starts_with("gradflow checkpoint 1\n"));
  const run_result r = box.run(run_into(box, "o", "--resume --set stop.t_end=999"));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err.find("written for another config") != std::string::npos, r.err);
  BOOST_TEST(slurp(checkpoint_of(box, "o")) == kept);
  // (That stop.max_steps may change between parts, test_resume shows through the library.)
}

BOOST_AUTO_TEST_CASE(resume_without_a_checkpoint_starts_at_zero_and_dopri5_says_it_keeps_none) {
  sandbox box;
  box.write("quick.toml", gradflow::test::t1_5_quick_config);
  const run_result fresh =
      box.run("run " + quote(box.path("quick.toml")) + " --out " + quote(box.path("o")) + " --resume");
  BOOST_TEST(fresh.exit_code == 0, fresh.err);
  BOOST_TEST(fresh.err.find("no checkpoint for this --out") != std::string::npos, fresh.err);
  const run_result capped =
      box.run("run " + quote(box.path("quick.toml")) + " --out " + quote(box.path("d")) +
              " --set integrator.method=dopri5 --set stop.max_steps=2");
  BOOST_TEST(capped.exit_code == 0, capped.err);
  BOOST_TEST(capped.err.find("no checkpoint: method dopri5 keeps stepper state") != std::string::npos,
             capped.err);
  BOOST_TEST(!fs::exists(checkpoint_of(box, "d")));
}
