// `gradflow sweep` (issue 18, Sweeps and Scale-out): a 20-point linear2 grid at 30 and 40 digits on
// a local pool of 2 and under `mpirun -np 2` gives the same sweep.csv up to wall_seconds; every row
// equals its run directory's summary.json (read here independently) and its config.toml holds the
// point's values; a rerun skips every point without touching a run directory, but not a point whose
// config changed; --task shares cover the grid exactly once; bad input is refused before anything
// is written; an interrupted sweep resumes to the uninterrupted table; user files in OUT survive;
// failed runs (a failed check, an integration error) are rows and make the exit code 1.
#define BOOST_TEST_MODULE cli_sweep
#include "support/background_run.hpp"
#include "support/configs.hpp"
#include "support/sandbox.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using json = nlohmann::json;
using gradflow::test::quote;
using gradflow::test::run_result;
using gradflow::test::slurp;
using sandbox = gradflow::test::sandbox;
using gradflow::test::background_run;

namespace {

// 5 end times × 2 precisions × 2 tolerances = 20 points of well under a second each (THEOREMS.md
// T1.5 data, Taylor). The tolerances differ so that rows differ in their last digits.
const std::vector<std::string> t_ends = {"1", "2", "3", "4", "5"};
const std::vector<std::string> digits = {"30", "40"};
const std::vector<std::string> tolerances = {"1e-20", "1e-25"};
const std::string grid_sweep = R"(base = "base.toml"
[axes]
"stop.t_end" = ["1", "2", "3", "4", "5"]
"precision.digits" = [30, 40]
"integrator.tolerance" = ["1e-20", "1e-25"]
)";

struct csv_table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t column(const std::string& name) const {
    for (std::size_t k = 0; k < header.size(); ++k)
      if (header[k] == name) return k;
    BOOST_FAIL("no column " + name);
    return 0;
  }
};

// The test's own reader: the values here never need CSV quoting, so a quote is an error.
csv_table read_csv(const fs::path& file) {
  const std::string text = slurp(file);
  BOOST_TEST_REQUIRE(text.find('"') == std::string::npos, text);
  csv_table t;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    BOOST_REQUIRE(end != std::string::npos);
    std::vector<std::string> fields;
    std::size_t from = at;
    for (std::size_t comma; (comma = text.find(',', from)) < end; from = comma + 1)
      fields.push_back(text.substr(from, comma - from));
    fields.push_back(text.substr(from, end - from));
    if (t.header.empty())
      t.header = fields;
    else
      t.rows.push_back(fields);
    at = end + 1;
  }
  for (const auto& r : t.rows) BOOST_TEST_REQUIRE(r.size() == t.header.size());
  return t;
}

// The table without its timing column.
csv_table without_timing(csv_table t) {
  const std::size_t k = t.column("wall_seconds");
  t.header.erase(t.header.begin() + static_cast<std::ptrdiff_t>(k));
  for (auto& r : t.rows) r.erase(r.begin() + static_cast<std::ptrdiff_t>(k));
  return t;
}

bool operator==(const csv_table& a, const csv_table& b) { return a.header == b.header && a.rows == b.rows; }

void write_grid(const sandbox& box) {
  box.write("base.toml", gradflow::test::t1_5_quick_config);
  box.write("sweep.toml", grid_sweep);
}

std::string sweep_args(const sandbox& box, const std::string& out, const std::string& more = "") {
  return "sweep " + quote(box.path("sweep.toml")) + " --out " + quote(box.path(out)) + " " + more;
}

// Checks a finished grid sweep: row i is point i of the row-major grid, its run directory's
// config.toml holds the point's values, and every result field equals the run's summary.json.
void check_grid_table(const sandbox& box, const std::string& out) {
  const csv_table t = read_csv(box.path(out) / "sweep.csv");
  const std::vector<std::string> fixed = {
      "stop.t_end", "precision.digits", "integrator.tolerance", "run",   "stop_reason",
      "t_final",    "loss_final",       "log10_loss_final",     "steps", "wall_seconds"};
  BOOST_TEST_REQUIRE(t.header.size() > fixed.size());
  BOOST_TEST(std::vector<std::string>(t.header.begin(), t.header.begin() + 10) == fixed);
  BOOST_TEST_REQUIRE(t.rows.size() == 20u);
  for (std::size_t i = 0; i < 20; ++i) {
    const auto& row = t.rows[i];
    BOOST_TEST(row[0] == t_ends[i / 4]);
    BOOST_TEST(row[1] == digits[(i / 2) % 2]);
    BOOST_TEST(row[2] == tolerances[i % 2]);
    const std::string run = "run-00" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    BOOST_TEST(row[3] == run);
    const fs::path dir = box.path(out) / run;
    const std::string config = slurp(dir / "config.toml");
    BOOST_TEST(config.find("t_end = '" + t_ends[i / 4] + "'") != std::string::npos, config);
    BOOST_TEST(config.find("digits = " + digits[(i / 2) % 2] + "\n") != std::string::npos, config);
    BOOST_TEST(config.find("tolerance = '" + tolerances[i % 2] + "'") != std::string::npos, config);
    const json summary = json::parse(slurp(dir / "summary.json"));
    BOOST_TEST(row[4] == summary["stop_reason"].get<std::string>());
    BOOST_TEST(row[4] == "t_end");
    BOOST_TEST(row[5] == summary["t_final"].get<std::string>());
    BOOST_TEST(row[6] == summary["loss_final"].get<std::string>());
    BOOST_TEST((json::parse(row[7]) == summary["log10_loss_final"]), row[7]);
    BOOST_TEST((json::parse(row[8]) == summary["steps"]), row[8]);
    BOOST_TEST((json::parse(row[9]) == summary["wall_seconds"]), row[9]);
    std::size_t n_checks = 0;
    for (const auto& c : summary["checks"]) {
      BOOST_TEST(row[t.column(c["id"])] == c["verdict"].get<std::string>(), run << " " << c["id"]);
      ++n_checks;
    }
    BOOST_TEST(n_checks == t.header.size() - fixed.size());
  }
}

// Every file below `dir` → its modification time and inode (equal maps: nothing was rewritten).
std::map<std::string, std::pair<long long, std::uintmax_t>> file_states(const fs::path& dir) {
  std::map<std::string, std::pair<long long, std::uintmax_t>> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    struct stat s {};
    ::lstat(e.path().c_str(), &s);
    out[e.path().lexically_relative(dir).string()] = {
        static_cast<long long>(s.st_mtim.tv_sec) * 1000000000 + s.st_mtim.tv_nsec,
        static_cast<std::uintmax_t>(s.st_ino)};
  }
  return out;
}

std::set<std::string> run_dirs(const fs::path& out) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(out))
    if (e.is_directory() && e.path().filename().string().starts_with("run-"))
      names.insert(e.path().filename().string());
  return names;
}

// Runs `gradflow sweep SWEEP` and checks the bad-input contract: exit 2, one stderr line, nothing
// written anywhere in the sandbox. Returns the message without "gradflow: ".
std::string reject_sweep(const sandbox& box, const std::string& sweep, const std::string& args = "") {
  box.write("bad.toml", sweep);
  const auto before = box.listing();
  const run_result r = box.run("sweep " + quote(box.path("bad.toml")) + " --out " + quote(box.path("out")) +
                               " --quiet " + args);
  BOOST_TEST(r.exit_code == 2, r.err);
  BOOST_TEST(r.out.empty());
  BOOST_TEST((box.listing() == before), "the sandbox changed");
  BOOST_TEST_REQUIRE(r.err.starts_with("gradflow: "), r.err);
  BOOST_TEST_REQUIRE(r.err.find('\n') == r.err.size() - 1, r.err);
  return r.err.substr(10, r.err.size() - 11);
}

}  // namespace

BOOST_AUTO_TEST_CASE(twenty_points_on_two_jobs_then_a_rerun_skips_them_all) {
  sandbox box;
  write_grid(box);
  const run_result r = box.run(sweep_args(box, "out", "--jobs 2"));
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  BOOST_TEST(r.out == "gradflow: wrote " + (box.path("out") / "sweep.csv").string() +
                          " (20 points: 20 ran, 0 skipped, 0 failed; 20 of 20 done)\n");
  BOOST_TEST(
      r.err.find("gradflow: sweep: 20 points, 0 done already (skipped), 20 to run on 2 local processes\n") ==
      0);
  BOOST_TEST(r.err.find("gradflow: sweep: 20/20 (20 ran, 0 skipped, 0 failed)") != std::string::npos, r.err);
  check_grid_table(box, "out");

  // The same point run by hand gives the same numbers: the sweep adds nothing to a run.
  const run_result one = box.run("run " + quote(box.path("base.toml")) + " --out " + quote(box.path("one")) +
                                 " --quiet --set stop.t_end=3 --set precision.digits=40 --set "
                                 "integrator.tolerance=1e-25");
  BOOST_TEST_REQUIRE(one.exit_code == 0, one.err);
  const json by_hand = json::parse(slurp(box.path("one/summary.json")));
  const json in_sweep = json::parse(slurp(box.path("out/run-0011/summary.json")));
  BOOST_TEST(by_hand["loss_final"] == in_sweep["loss_final"]);
  BOOST_TEST(slurp(box.path("one/config.toml")) == slurp(box.path("out/run-0011/config.toml")));

  // Rerun: every point is done; no file in a run directory is rewritten; sweep.csv is the same.
  const std::string table = slurp(box.path("out/sweep.csv"));
  box.write("first.csv", table);
  auto before = file_states(box.path("out"));
  const run_result again = box.run(sweep_args(box, "out", "--jobs 2"));
  BOOST_TEST(again.exit_code == 0, again.err);
  BOOST_TEST(again.out.find("(20 points: 0 ran, 20 skipped, 0 failed; 20 of 20 done)") != std::string::npos,
             again.out);
  BOOST_TEST(slurp(box.path("out/sweep.csv")) == table);
  auto after = file_states(box.path("out"));
  before.erase("sweep.csv"), after.erase("sweep.csv");  // rewritten (same bytes) by design
  BOOST_TEST((before == after), "a run directory changed on the rerun");

  // The skip test can fail: a run directory whose config.toml is not its point's is run again, and
  // a changed base makes every point new.
  box.write("out/run-0007/config.toml", slurp(box.path("out/run-0006/config.toml")));
  const run_result stale = box.run(sweep_args(box, "out", "--jobs 2 --quiet"));
  BOOST_TEST(stale.exit_code == 0, stale.err);
  BOOST_TEST(stale.out.find("(20 points: 1 ran, 19 skipped, 0 failed; 20 of 20 done)") != std::string::npos,
             stale.out);
  BOOST_TEST(slurp(box.path("out/sweep.csv")) != table);  // wall_seconds of run-0007
  BOOST_TEST((without_timing(read_csv(box.path("out/sweep.csv"))) ==
              without_timing(read_csv(box.path("first.csv")))));
  box.write("base.toml",
            gradflow::test::replace_first(gradflow::test::t1_5_quick_config, "V0 = [[\"0.1\", \"0.2\"]]",
                                          "V0 = [[\"0.1\", \"0.25\"]]"));
  const run_result changed = box.run(sweep_args(box, "out", "--jobs 2 --quiet --task 0 --tasks 10"));
  BOOST_TEST(changed.exit_code == 0, changed.err);
  BOOST_TEST(
      changed.out.find("(task 0 of 10 (0-based): 2 points: 2 ran, 0 skipped, 0 failed; 2 of 2 done)") !=
          std::string::npos,
      changed.out);
}

BOOST_AUTO_TEST_CASE(mpirun_with_two_ranks_gives_the_table_of_two_local_jobs) {
#if GRADFLOW_TEST_MPI
  sandbox box;
  write_grid(box);
  const run_result local = box.run(sweep_args(box, "local", "--jobs 2 --quiet"));
  BOOST_TEST_REQUIRE(local.exit_code == 0, local.err);
  const std::string mpirun = std::string("OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ") +
                             GRADFLOW_MPIEXEC + " -np 2 --oversubscribe";
  const run_result r = box.run(sweep_args(box, "mpi"), mpirun);
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.out << r.err);
  BOOST_TEST(r.err.find("20 to run on 1 MPI worker rank\n") != std::string::npos, r.err);
  BOOST_TEST(r.out.find("(20 points: 20 ran, 0 skipped, 0 failed; 20 of 20 done)") != std::string::npos,
             r.out);
  check_grid_table(box, "mpi");
  BOOST_TEST((without_timing(read_csv(box.path("mpi/sweep.csv"))) ==
              without_timing(read_csv(box.path("local/sweep.csv")))));
  // A rerun under mpirun skips every point too.
  const run_result again = box.run(sweep_args(box, "mpi", "--quiet"), mpirun);
  BOOST_TEST(again.exit_code == 0, again.err);
  BOOST_TEST(again.out.find("(20 points: 0 ran, 20 skipped, 0 failed; 20 of 20 done)") != std::string::npos,
             again.out);
#else
  BOOST_TEST_MESSAGE("built without GRADFLOW_WITH_MPI: the mpirun comparison is not run");
#endif
}

BOOST_AUTO_TEST_CASE(task_shares_cover_the_grid_exactly_once) {
  sandbox box;
  write_grid(box);
  std::set<std::string> seen;
  for (int k = 0; k < 3; ++k) {
    const std::set<std::string> before =
        fs::exists(box.path("out")) ? run_dirs(box.path("out")) : std::set<std::string>{};
    const run_result r =
        box.run(sweep_args(box, "out", "--jobs 2 --quiet --task " + std::to_string(k) + " --tasks 3"));
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    const std::size_t n = k < 2 ? 7 : 6;  // i mod 3 = k for i < 20
    BOOST_TEST(r.out.find("(task " + std::to_string(k) + " of 3 (0-based): " + std::to_string(n) +
                          " points: " + std::to_string(n) + " ran, 0 skipped") != std::string::npos,
               r.out);
    std::set<std::string> added;
    for (const auto& name : run_dirs(box.path("out")))
      if (!before.count(name)) added.insert(name);
    BOOST_TEST(added.size() == n);
    for (const auto& name : added) {
      const int i = std::stoi(name.substr(4));
      BOOST_TEST(i % 3 == k, name);
      BOOST_TEST(seen.insert(name).second, name << " ran twice");
    }
    // sweep.csv has every point, the other shares' rows empty until they ran.
    const csv_table t = read_csv(box.path("out/sweep.csv"));
    BOOST_TEST_REQUIRE(t.rows.size() == 20u);
    for (std::size_t i = 0; i < 20; ++i)
      BOOST_TEST((t.rows[i][t.column("stop_reason")] == "t_end") == (static_cast<int>(i % 3) <= k), i);
  }
  BOOST_TEST(seen.size() == 20u);
  check_grid_table(box, "out");
  const run_result all = box.run(sweep_args(box, "out", "--quiet"));
  BOOST_TEST(all.out.find("(20 points: 0 ran, 20 skipped, 0 failed; 20 of 20 done)") != std::string::npos,
             all.out);
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused_before_anything_is_written) {
  sandbox box;
  write_grid(box);
  const std::string at = box.path("bad.toml").string() + ": ";
  const std::string base = "base = \"base.toml\"\n";
  BOOST_TEST(reject_sweep(box, base + "[axes]\n\"model.sed\" = [1, 2]\n") ==
             at + "point run-0000 (model.sed = 1): --set model.sed=1: unknown key model.sed (known keys in "
                  "[model]: U0, V0, X, Y, kind, loss)");
  // Only the last point is bad (20 digits cannot resolve 1e-25): every point is loaded before any run.
  BOOST_TEST(
      reject_sweep(box, base + "[axes]\n\"precision.digits\" = [30, 20]\n\"integrator.tolerance\" = "
                               "[\"1e-15\", \"1e-25\"]\n") ==
      at + "point run-0003 (precision.digits = 20, integrator.tolerance = 1e-25): integrator.tolerance = "
           "\"1e-25\" is finer than 20 digits can resolve: it must be >= 1e-19");
  BOOST_TEST(
      reject_sweep(box, base + "[axes]\n\"stop.t_end\" = [\"1\", \"2\"]\n\"precision.digits\" = [30, 5]\n") ==
      at + "point run-0001 (stop.t_end = 1, precision.digits = 5): precision.digits = 5 violates 10 <= "
           "digits <= 100000");
  BOOST_TEST(
      reject_sweep(box, base + "[axes]\n\"stop.t_end\" = [\"1\", 0.5]\n") ==
      at + "axes.\"stop.t_end\"[1] = 0.5 is a TOML float: quote it (\"0.5\") so that it is read exactly at "
           "working precision");
  BOOST_TEST(reject_sweep(box, "base = \"nope.toml\"\n[axes]\n\"precision.digits\" = [30]\n") ==
             at + "base = \"nope.toml\": config file \"" + box.path("nope.toml").string() +
                 "\" cannot be read");
  BOOST_TEST(reject_sweep(box, "[axes]\n\"precision.digits\" = [30]\n") ==
             at + "base is required: the config file every point starts from (relative to the sweep file)");
  BOOST_TEST(
      reject_sweep(box, base) ==
      at + "[axes] is required: one or more \"section.key\" = [values] (e.g. \"model.seed\" = [1, 2, 3])");
  BOOST_TEST(reject_sweep(box, base + "[axes]\n\"precision.digits\" = []\n") ==
             at + "axes.\"precision.digits\" = [] is empty: give at least one value");
  BOOST_TEST(reject_sweep(box, base + "[axes]\n\"precision.digits\" = 30\n") ==
             at + "axes.\"precision.digits\" must be an array of values (e.g. [1, 2, 3])");
  BOOST_TEST(reject_sweep(box, base + "[axes]\nprecision.digits = [[30]]\n") ==
             at + "axes.\"precision.digits\"[0] must be an integer, a string or a boolean");
  BOOST_TEST(reject_sweep(box, base + "seeds = 3\n[axes]\n\"precision.digits\" = [30]\n") ==
             at + "unknown key seeds (known keys: base, axes, set)");
  BOOST_TEST(
      reject_sweep(box, base + "[axes]\n\"precision.digits\" = [30]\n[set]\n\"precision.digits\" = 40\n") ==
      at + "set.\"precision.digits\" is also an axis: give \"precision.digits\" in [axes] or in [set], not "
           "both");
  BOOST_TEST(
      reject_sweep(box, base + "[axes]\n\"model.kind\" = [\"linear2\"]\n[set]\n\"stop.t_end\" = 0.5\n") ==
      at + "set.\"stop.t_end\" = 0.5 is a TOML float: quote it (\"0.5\") so that it is read exactly at "
           "working precision");
  BOOST_TEST(
      reject_sweep(box, grid_sweep, "--task 3 --tasks 3") ==
      "--task 3 --tasks 3 violates 0 <= K < M (K is 0-based, like SLURM_ARRAY_TASK_ID with --array=0-2)");
  BOOST_TEST(reject_sweep(box, grid_sweep, "--task 1") == "--task 1 needs --tasks M (the number of shares)");
  BOOST_TEST(reject_sweep(box, grid_sweep, "--jobs 0") == "--jobs = 0 violates jobs >= 1");
  BOOST_TEST(reject_sweep(box, base + "[axes]\n\"stop.t_end\" = [\"1\"\n") ==
             box.path("bad.toml").string() +
                 ":3:21: malformed TOML: Error while parsing array: encountered end-of-file");
}

BOOST_AUTO_TEST_CASE(user_files_in_out_survive_and_a_foreign_run_directory_is_refused) {
  sandbox box;
  write_grid(box);
  fs::create_directories(box.path("out/notes"));
  box.write("out/notes/plan.txt", "keep me");
  box.write("out/README", "mine");
  fs::create_directories(box.path("out/run-0005"));
  box.write("out/run-0005/data.txt", "not gradflow's");
  const auto before = box.listing();
  const run_result r = box.run(sweep_args(box, "out", "--jobs 2 --quiet"));
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.err ==
             "gradflow: --out = \"" + box.path("out").string() +
                 "\": \"run-0005\" (point stop.t_end = 2, precision.digits = 30, integrator.tolerance = "
                 "1e-25) exists and is not a gradflow output directory (no manifest.json): refusing to "
                 "replace it\n");
  BOOST_TEST((box.listing() == before), "the sandbox changed");
  fs::remove_all(box.path("out/run-0005"));
  const run_result ok = box.run(sweep_args(box, "out", "--jobs 2 --quiet --task 0 --tasks 5"));
  BOOST_TEST_REQUIRE(ok.exit_code == 0, ok.err);
  BOOST_TEST(slurp(box.path("out/notes/plan.txt")) == "keep me");
  BOOST_TEST(slurp(box.path("out/README")) == "mine");
  // Nothing but the run directories, sweep.csv and the lock file was added.
  std::set<std::string> top;
  for (const auto& e : fs::directory_iterator(box.path("out"))) top.insert(e.path().filename().string());
  BOOST_TEST(top.size() == 4u + 4u);  // run-0000, run-0005, run-0010, run-0015
  BOOST_TEST(top.count("sweep.csv"));
  BOOST_TEST(top.count(".sweep.lock"));
}

BOOST_AUTO_TEST_CASE(an_interrupted_sweep_resumes_to_the_uninterrupted_table) {
  sandbox box;
  write_grid(box);
  const run_result whole = box.run(sweep_args(box, "whole", "--jobs 2 --quiet"));
  BOOST_TEST_REQUIRE(whole.exit_code == 0, whole.err);
  fs::create_directories(box.path("out"));
  box.write("out/mine.txt", "x");
  std::size_t reported = 0;
  {
    background_run sweep(
        box, {"sweep", box.path("sweep.toml").string(), "--out", box.path("out").string(), "--jobs", "2"});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (slurp(box.path("stderr")).find("gradflow: sweep: 6/20") == std::string::npos) {
      BOOST_REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline, slurp(box.path("stderr")));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    sweep.signal(SIGINT);
    const run_result r = sweep.wait();
    BOOST_TEST(r.exit_code == 130, r.err);
    BOOST_TEST(r.err.find("gradflow: sweep interrupted: ") != std::string::npos, r.err);
    for (std::size_t k = 6; k <= 20; ++k)
      if (r.err.find("gradflow: sweep: " + std::to_string(k) + "/20") != std::string::npos) reported = k;
  }
  // At most the runs in flight were lost: every run reported finished is on disk, in sweep.csv.
  const csv_table partial = read_csv(box.path("out/sweep.csv"));
  std::size_t rows_done = 0;
  for (const auto& row : partial.rows) rows_done += row[partial.column("stop_reason")] == "t_end";
  BOOST_TEST(rows_done >= reported);  // measured: e.g. 8 rows after "8/20" was the last progress line
  BOOST_TEST(rows_done < 20u);
  const run_result rest = box.run(sweep_args(box, "out", "--jobs 2 --quiet"));
  BOOST_TEST_REQUIRE(rest.exit_code == 0, rest.err);
  BOOST_TEST(rest.out.find(std::to_string(rows_done) + " skipped") != std::string::npos, rest.out);
  check_grid_table(box, "out");
  BOOST_TEST((without_timing(read_csv(box.path("out/sweep.csv"))) ==
              without_timing(read_csv(box.path("whole/sweep.csv")))));
  BOOST_TEST(slurp(box.path("out/mine.txt")) == "x");
  for (const auto& e : fs::directory_iterator(box.path("out")))  // no staging left behind
    BOOST_TEST(!e.path().filename().string().starts_with(".gradflow-"), e.path());
}

BOOST_AUTO_TEST_CASE(failed_runs_are_rows_and_the_sweep_goes_on) {
  // An integration error (loss ≈ 1e400 at X = 1e200: step size underflow, nothing written) gives
  // stop_reason "error"; the next point still runs; exit code 1. Model.X takes a CSV path, so the
  // axis is over files.
  sandbox box;
  box.write("base.toml", gradflow::test::t1_5_quick_config);
  box.write("x_huge.csv", "1e200,0,0\n0,2,0\n");
  box.write("x_ok.csv", "1,0,0\n0,2,0\n");
  box.write("sweep.toml", "base = \"base.toml\"\n[axes]\n\"model.X\" = [\"x_huge.csv\", \"x_ok.csv\"]\n");
  const run_result r = box.run(sweep_args(box, "out", "--jobs 1 --quiet"));
  BOOST_TEST(r.exit_code == 1, r.err);
  BOOST_TEST(r.err.find("gradflow: run-0000: integration failed: step size underflow") == 0, r.err);
  BOOST_TEST(
      r.err.find("gradflow: run-0000 (model.X = x_huge.csv) failed with exit code 1\n") != std::string::npos,
      r.err);
  BOOST_TEST(r.out.find("(2 points: 2 ran, 0 skipped, 1 failed; 1 of 2 done)") != std::string::npos, r.out);
  const csv_table t = read_csv(box.path("out/sweep.csv"));
  BOOST_TEST_REQUIRE(t.rows.size() == 2u);
  BOOST_TEST(t.rows[0][t.column("stop_reason")] == "error");
  BOOST_TEST(t.rows[0][t.column("loss_final")] == "");
  BOOST_TEST(t.rows[1][t.column("stop_reason")] == "t_end");
  BOOST_TEST(!fs::exists(box.path("out/run-0000")));

  // A failed check (relu_shallow's three-point sliding mode, tests/test_cli_relu.cpp): the run
  // directory is written, the verdict column says fail, the shorter point passes; exit code 1.
  box.write("relu.toml", "base = \"" +
                             (fs::path(GRADFLOW_SOURCE_DIR) / "examples/relu_2d_sphere.toml").string() +
                             "\"\n[axes]\n\"stop.t_end\" = [\"1e6\", \"0.1\"]\n[set]\n\"model.width\" = 10\n"
                             "\"model.init\" = \"uniform\"\n");
  const run_result u = box.run("sweep " + quote(box.path("relu.toml")) + " --out " + quote(box.path("relu")) +
                               " --jobs 1 --quiet");
  BOOST_TEST(u.exit_code == 1, u.err);
  BOOST_TEST(u.err.find("gradflow: run-0000: check flow.path_defect failed: ") == 0, u.err);
  const csv_table v = read_csv(box.path("relu/sweep.csv"));
  BOOST_TEST_REQUIRE(v.rows.size() == 2u);
  BOOST_TEST(v.rows[0][v.column("flow.path_defect")] == "fail");
  BOOST_TEST(v.rows[0][v.column("stop_reason")] == "loss_below");
  BOOST_TEST(v.rows[1][v.column("flow.path_defect")] == "pass");
  BOOST_TEST(v.rows[1][v.column("stop_reason")] == "t_end");
  // Rerun: both are done (a failed check is a result), nothing runs, the exit code is still 1.
  const run_result again =
      box.run("sweep " + quote(box.path("relu.toml")) + " --out " + quote(box.path("relu")) + " --quiet");
  BOOST_TEST(again.exit_code == 1, again.err);
  BOOST_TEST(again.out.find("(2 points: 0 ran, 2 skipped, 0 failed; 2 of 2 done)") != std::string::npos,
             again.out);
}

BOOST_AUTO_TEST_CASE(the_readme_sweep_block_is_the_example_and_its_plan_is_valid) {
  // The README's ```toml block under "## Sweeps" is quoted from examples/sweep_t1_5.toml; one share
  // of the example (1 of its 6 points) runs.
  const std::string readme = slurp(fs::path(GRADFLOW_SOURCE_DIR) / "README.md");
  const auto open = readme.find("```toml\n", readme.find("## Sweeps"));
  BOOST_TEST_REQUIRE(open != std::string::npos);
  const std::string block = readme.substr(open + 8, readme.find("```", open + 8) - open - 8);
  std::string example = slurp(fs::path(GRADFLOW_SOURCE_DIR) / "examples/sweep_t1_5.toml");
  for (const std::string line :
       {"base = ", "\"precision.digits\"", "\"integrator.tolerance\"", "\"output.samples\""}) {
    const auto at = block.find(line);
    BOOST_TEST_REQUIRE(at != std::string::npos, line);
    const std::string written = block.substr(at, block.find_first_of("#\n", at) - at);
    BOOST_TEST(example.find(written.substr(0, written.find_last_not_of(' ') + 1)) != std::string::npos,
               written);
  }
  sandbox box;
  const run_result r = box.run("sweep " + quote(fs::path(GRADFLOW_SOURCE_DIR) / "examples/sweep_t1_5.toml") +
                               " --out " + quote(box.path("out")) + " --quiet --task 5 --tasks 6");
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  const csv_table t = read_csv(box.path("out/sweep.csv"));
  BOOST_TEST_REQUIRE(t.rows.size() == 6u);
  BOOST_TEST(t.rows[5][0] == "200");
  BOOST_TEST(t.rows[5][1] == "1e-110");
  BOOST_TEST(t.rows[5][t.column("stop_reason")] == "loss_below");
  BOOST_TEST(t.rows[0][t.column("stop_reason")] == "");
}
