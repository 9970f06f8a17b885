// Nothing lost, ever (issue 16): gradflow never destroys a file it did not write, whatever happens
// in --out during the run, whatever --out names (., an ancestor of the working directory, a
// symbolic link, a directory holding the run's own inputs, a 255-byte name), and whichever signal
// ends it. Each case is a reproduction from the issue: it failed before the change.
#define BOOST_TEST_MODULE cli_safety
#include "support/background_run.hpp"
#include "support/configs.hpp"
#include "support/sandbox.hpp"

#include "gradflow/io/sha256.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using json = nlohmann::json;
using gradflow::test::quote;
using gradflow::test::run_result;
using gradflow::test::slurp;
using sandbox = gradflow::test::sandbox;
using gradflow::test::background_run;

namespace {

// Runs in well under a second.
const std::string& quick_config = gradflow::test::t1_5_quick_config;

// Runs for minutes (rk78 at a tolerance of 1e-280 to t = 10^6) unless a signal stops it.
const std::string long_config = R"([model]
kind = "linear2"
X = [["1", "0", "0"], ["0", "2", "0"]]
Y = [["1"], ["1"]]
U0 = [["1", "0.5"], ["0.2", "-0.3"], ["0", "0"]]
V0 = [["0.1", "0.2"]]

[precision]
digits = 300

[integrator]
method = "rk78"
tolerance = "1e-280"

[stop]
t_end = "1000000"
max_steps = 100000000
)";

// Hidden work directories gradflow keeps beside its outputs in the sandbox (not the checkpoint file
// an interrupted run keeps there).
std::vector<std::string> work_directories(const sandbox& box) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(box.path("")))
    if (e.path().filename().string().starts_with(".gradflow-") && e.is_directory())
      out.push_back(e.path().filename().string());
  return out;
}

std::string stop_reason(const fs::path& out) {
  return json::parse(slurp(out / "summary.json"))["stop_reason"];
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_file_written_into_out_during_the_run_survives) {
  // Issue 16.1: the final rename deleted whatever had appeared in --out since the start.
  sandbox box;
  box.write("long.toml", long_config);
  fs::create_directories(box.path("e"));
  background_run run(box, {"run", box.path("long.toml").string(), "--out", box.path("e").string()});
  run.wait_for_progress();
  box.write("e/important.txt", "x");
  run.signal(SIGINT);
  const run_result r = run.wait();
  BOOST_TEST(r.exit_code == 2, r.err);
  BOOST_TEST(slurp(box.path("e/important.txt")) == "x");
  BOOST_TEST(!fs::exists(box.path("e/summary.json")));
  BOOST_TEST(
      r.err.ends_with(
          "gradflow: --out = \"" + box.path("e").string() +
          "\" changed during the run (\"important.txt\" appeared): left untouched; the results are in \"" +
          box.path("e-1").string() + "\"\n"),
      r.err);
  BOOST_TEST(stop_reason(box.path("e-1")) == "interrupted");
  BOOST_TEST(work_directories(box).empty());
}

BOOST_AUTO_TEST_CASE(an_out_created_during_the_run_survives) {
  sandbox box;
  box.write("long.toml", long_config);
  background_run run(box, {"run", box.path("long.toml").string(), "--out", box.path("e").string()});
  run.wait_for_progress();
  fs::create_directories(box.path("e/sub"));
  box.write("e/sub/important.txt", "x");
  run.signal(SIGTERM);
  const run_result r = run.wait();
  BOOST_TEST(r.exit_code == 2, r.err);
  BOOST_TEST(slurp(box.path("e/sub/important.txt")) == "x");
  BOOST_TEST(r.err.find("the results are in \"" + box.path("e-1").string() + "\"") != std::string::npos,
             r.err);
  BOOST_TEST(stop_reason(box.path("e-1")) == "interrupted");
}

BOOST_AUTO_TEST_CASE(an_empty_out_created_during_the_run_is_replaced) {
  // Nothing to lose in an empty directory: the results go where they were asked to.
  sandbox box;
  box.write("long.toml", long_config);
  background_run run(box, {"run", box.path("long.toml").string(), "--out", box.path("e").string()});
  run.wait_for_progress();
  fs::create_directories(box.path("e"));
  run.signal(SIGINT);
  const run_result r = run.wait();
  BOOST_TEST(r.exit_code == 130, r.err);
  BOOST_TEST(stop_reason(box.path("e")) == "interrupted");
}

BOOST_AUTO_TEST_CASE(an_earlier_output_edited_during_the_run_survives) {
  sandbox box;
  box.write("quick.toml", quick_config);
  box.write("long.toml", long_config);
  BOOST_REQUIRE(
      box.run("run " + quote(box.path("quick.toml")) + " --out " + quote(box.path("o")) + " --quiet")
          .exit_code == 0);
  const std::string summary = slurp(box.path("o/summary.json"));
  background_run run(box, {"run", box.path("long.toml").string(), "--out", box.path("o").string()});
  run.wait_for_progress();
  box.write("o/final/notes.txt", "mine");
  run.signal(SIGINT);
  const run_result r = run.wait();
  BOOST_TEST(r.exit_code == 2, r.err);
  BOOST_TEST(r.err.find("(\"final/notes.txt\" appeared)") != std::string::npos, r.err);
  BOOST_TEST(slurp(box.path("o/final/notes.txt")) == "mine");
  BOOST_TEST(slurp(box.path("o/summary.json")) == summary);
  BOOST_TEST(stop_reason(box.path("o-1")) == "interrupted");
}

BOOST_AUTO_TEST_CASE(a_second_signal_ends_the_run_at_once_and_keeps_the_earlier_output) {
  // Issue 16.5: a second Ctrl-C did not force an exit. SIGINT then SIGTERM (two different signals,
  // so the kernel cannot merge them): the first asks for a clean stop, the second ends at once.
  sandbox box;
  box.write("quick.toml", quick_config);
  box.write("long.toml", long_config);
  BOOST_REQUIRE(
      box.run("run " + quote(box.path("quick.toml")) + " --out " + quote(box.path("o")) + " --quiet")
          .exit_code == 0);
  const auto before = box.listing();
  const std::string summary = slurp(box.path("o/summary.json"));
  background_run run(box, {"run", box.path("long.toml").string(), "--out", box.path("o").string()});
  run.wait_for_progress();
  run.signal(SIGINT);
  run.signal(SIGTERM);
  const run_result r = run.wait();
  BOOST_TEST(r.exit_code == 130, r.err);
  BOOST_TEST(r.out.empty(), r.out);
  BOOST_TEST(r.err.ends_with("gradflow: interrupted (nothing written; an earlier output is untouched)\n"),
             r.err);
  BOOST_TEST(slurp(box.path("o/summary.json")) == summary);
  BOOST_TEST((box.listing() == before), "the sandbox changed");
}

BOOST_AUTO_TEST_CASE(sighup_stops_like_sigterm) {
  // Issue 16.5: SIGHUP killed the run (exit 129) and left the staging directory behind.
  sandbox box;
  box.write("long.toml", long_config);
  background_run run(box, {"run", box.path("long.toml").string(), "--out", box.path("o").string()});
  run.wait_for_progress();
  run.signal(SIGHUP);
  const run_result r = run.wait();
  BOOST_TEST(r.exit_code == 130, r.err);
  BOOST_TEST(stop_reason(box.path("o")) == "interrupted");
  BOOST_TEST(work_directories(box).empty());
}

BOOST_AUTO_TEST_CASE(work_left_by_a_killed_run_is_cleaned_by_the_next) {
  // Issue 16.9: staging directories of killed runs piled up.
  sandbox box;
  box.write("quick.toml", quick_config);
  box.write("long.toml", long_config);
  {
    background_run run(box, {"run", box.path("long.toml").string(), "--out", box.path("o").string()});
    run.wait_for_progress();
    run.signal(SIGKILL);
    BOOST_TEST(run.wait().exit_code == 128 + SIGKILL);
  }
  BOOST_TEST(work_directories(box).size() == 1u);
  const run_result r =
      box.run("run " + quote(box.path("quick.toml")) + " --out " + quote(box.path("o")) + " --quiet");
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(work_directories(box).empty());
}

BOOST_AUTO_TEST_CASE(an_earlier_output_moved_aside_by_a_killed_run_comes_back) {
  // A run killed between moving the earlier output aside and renaming its own into place (signals
  // are held back there, SIGKILL cannot be): the next run puts the earlier output back first.
  sandbox box;
  box.write("quick.toml", quick_config);
  BOOST_REQUIRE(
      box.run("run " + quote(box.path("quick.toml")) + " --out " + quote(box.path("o")) + " --quiet")
          .exit_code == 0);
  pid_t dead = 0;  // the pid of a process that has ended
  {
    background_run probe(box, {"--version"});
    dead = probe.pid();
    probe.wait();
  }
  const fs::path work =
      box.path(".gradflow-" + gradflow::sha256_text("o").substr(0, 12) + "-" + std::to_string(dead));
  fs::create_directories(work / "new");
  fs::rename(box.path("o"), work / "old");
  // A run that will be refused after setup (a file appears in --out): the earlier output must be back.
  box.write("long.toml", long_config);
  background_run run(box, {"run", box.path("long.toml").string(), "--out", box.path("o").string()});
  run.wait_for_progress();
  BOOST_TEST(fs::is_regular_file(box.path("o/manifest.json")));
  BOOST_TEST(!fs::exists(work));
  run.signal(SIGKILL);
  run.wait();
}

BOOST_AUTO_TEST_CASE(a_run_refuses_to_replace_its_own_inputs) {
  // Issue 16.2: `gradflow run proj/my.toml --out proj` deleted my.toml (exit 0).
  sandbox box;
  box.write("quick.toml", quick_config);
  BOOST_REQUIRE(
      box.run("run " + quote(box.path("quick.toml")) + " --out " + quote(box.path("proj")) + " --quiet")
          .exit_code == 0);
  fs::copy_file(box.path("quick.toml"), box.path("proj/my.toml"));
  auto r =
      box.run("run " + quote(box.path("proj/my.toml")) + " --out " + quote(box.path("proj")) + " --quiet");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err == "gradflow: --out = \"" + box.path("proj").string() + "\" contains the input \"" +
                          box.path("proj/my.toml").string() +
                          "\": the run would replace its own input; move the input or give another --out\n");
  BOOST_TEST(fs::is_regular_file(box.path("proj/my.toml")));
  // A CSV input inside --out, the config outside.
  box.write("proj/u0.csv", "1, 0.5\n0.2, -0.3\n0, 0\n");
  box.write("csv.toml",
            gradflow::test::replace_first(quick_config, R"(U0 = [["1", "0.5"], ["0.2", "-0.3"], ["0", "0"]])",
                                          R"(U0 = "proj/u0.csv")"));
  r = box.run("run " + quote(box.path("csv.toml")) + " --out " + quote(box.path("proj")) + " --quiet");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(
      r.err.find("contains the input \"" + box.path("proj/u0.csv").string() + "\"") != std::string::npos,
      r.err);
  BOOST_TEST(fs::is_regular_file(box.path("proj/u0.csv")));
}

BOOST_AUTO_TEST_CASE(out_dot_and_ancestors_of_the_working_directory_are_refused) {
  // Issue 16.3: `--out .` replaced the directory the shell was in.
  sandbox box;
  box.write("quick.toml", quick_config);
  BOOST_REQUIRE(
      box.run("run " + quote(box.path("quick.toml")) + " --out " + quote(box.path("proj")) + " --quiet")
          .exit_code == 0);
  fs::create_directories(box.path("proj/sub"));
  const auto before = box.listing();
  for (const auto& [cwd, out] :
       {std::pair{"proj", "."}, std::pair{"proj/sub", ".."}, std::pair{"proj/sub", "../"}}) {
    const run_result r = box.run("run " + quote(box.path("quick.toml")) + " --out " + out + " --quiet",
                                 "cd " + quote(box.path(cwd)) + " &&");
    BOOST_TEST(r.exit_code == 2, out);
    BOOST_TEST(r.err == "gradflow: --out = \"" + box.path("proj").string() +
                            "\" contains the working directory \"" + box.path(cwd).string() +
                            "\": refusing to replace the directory the shell is in; give another --out\n",
               r.err);
  }
  BOOST_TEST((box.listing() == before), "the sandbox changed");
}

BOOST_AUTO_TEST_CASE(symbolic_links_as_out) {
  // Issue 16.9: a dangling link was found only at the end; a link to an earlier output was
  // replaced by a real directory. Now: dangling refused up front, a link followed and kept.
  sandbox box;
  box.write("quick.toml", quick_config);
  fs::create_directory_symlink(box.path("nowhere"), box.path("dangling"));
  run_result r =
      box.run("run " + quote(box.path("quick.toml")) + " --out " + quote(box.path("dangling")) + " --quiet");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err == "gradflow: --out = \"" + box.path("dangling").string() +
                          "\" is a symbolic link to a missing path (\"" + box.path("nowhere").string() +
                          "\"): create the directory it names or give another --out\n");
  BOOST_TEST(fs::is_symlink(box.path("dangling")));
  BOOST_REQUIRE(
      box.run("run " + quote(box.path("quick.toml")) + " --out " + quote(box.path("real")) + " --quiet")
          .exit_code == 0);
  fs::create_directory_symlink(box.path("real"), box.path("link"));
  r = box.run("run " + quote(box.path("quick.toml")) + " --out " + quote(box.path("link")) +
              " --quiet --set stop.t_end=1");
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(fs::is_symlink(box.path("link")));
  BOOST_TEST(
      json::parse(slurp(box.path("real/summary.json")))["t_final"].get<std::string>().starts_with("1.000"));
  BOOST_TEST(r.out.starts_with("gradflow: wrote " + box.path("real").string() + " "), r.out);
}

BOOST_AUTO_TEST_CASE(out_names_up_to_255_bytes_work) {
  // Issue 16.9: names of 241–255 bytes were refused because of the staging suffix.
  sandbox box;
  box.write("quick.toml", quick_config);
  for (std::size_t length : {241u, 255u}) {
    const fs::path out = box.path(std::string(length, 'o'));
    const run_result r =
        box.run("run " + quote(box.path("quick.toml")) + " --out " + quote(out) + " --quiet");
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(fs::is_regular_file(out / "manifest.json"));
  }
}

BOOST_AUTO_TEST_CASE(an_empty_out_is_refused) {
  // Issue 16.9: `--out ''` was silently ignored (the output went to out/<config stem>).
  sandbox box;
  box.write("quick.toml", quick_config);
  const auto before = box.listing();
  const run_result r = box.run("run " + quote(box.path("quick.toml")) + " --out '' --quiet",
                               "cd " + quote(box.path("")) + " &&");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err ==
             "gradflow: --out = \"\" is empty: give a directory (or omit --out for out/<config stem>)\n");
  BOOST_TEST((box.listing() == before), "the sandbox changed");
}

BOOST_AUTO_TEST_CASE(verify_json_keeps_a_user_file_named_partial) {
  // Issue 16.9: verify --json FILE wrote (and removed) FILE.partial, a user's file.
  sandbox box;
  box.write("v.json.partial", "mine");
  const run_result r = box.run("verify --json " + quote(box.path("v.json")) + " min2021.imbalance");
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(slurp(box.path("v.json.partial")) == "mine");
  BOOST_TEST(json::parse(slurp(box.path("v.json")))["checks"].size() >= 1u);
  BOOST_TEST(work_directories(box).empty());
}

BOOST_AUTO_TEST_CASE(verify_json_naming_a_directory_is_refused_before_running) {
  // Issue 16.9: verify --json DIR ran the whole suite and then exited 1.
  sandbox box;
  fs::create_directories(box.path("d"));
  const run_result r = box.run("verify --json " + quote(box.path("d")));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.out.empty(), r.out);
  BOOST_TEST(r.err ==
             "gradflow: --json = \"" + box.path("d").string() + "\" is a directory: give a file name\n");
}

BOOST_AUTO_TEST_CASE(verify_piped_to_head_still_writes_its_json) {
  // Issue 16.9: `verify | head` died of SIGPIPE and wrote no JSON. Now a closed stdout stops the
  // suite after the current instance, and the JSON holds what finished.
  sandbox box;
  const std::string command = std::string(GRADFLOW_BINARY) + " verify --json " + quote(box.path("v.json")) +
                              " 2> " + quote(box.path("stderr")) +
                              " | head -n 1 > /dev/null; echo ${PIPESTATUS[0]}";
  const std::string script = box.write("pipe.sh", command + "\n").string();
  BOOST_REQUIRE(std::system(("bash " + quote(script) + " > " + quote(box.path("status"))).c_str()) == 0);
  BOOST_TEST(slurp(box.path("status")) == "130\n", slurp(box.path("stderr")));
  const json document = json::parse(slurp(box.path("v.json")));
  BOOST_TEST(document["interrupted"] == true);
  BOOST_TEST(document["checks"].size() >= 1u);
}
