// `gradflow check DIR` (README "Testing your own implementation"; ARCHITECTURE.md §5, §7): a run with
// output.state = true passes on its own directory and config.toml reruns it; the same trajectory
// retimed by 1e-6, with one state entry nudged by 1e-9 from the middle on, or computed from data that
// differ by 1e-6 fails with exit 1 and flow.path_defect failing; SciPy's DOP853 path passes and its
// retimed copy fails; bad input exits 2 with one exact message and writes nothing. At 30 and 50 digits.
#define BOOST_TEST_MODULE cli_check
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/precision.hpp"
#include "support/sandbox.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <sstream>

using namespace gradflow;
using gradflow::test::quote;
using gradflow::test::sandbox;
using gradflow::test::slurp;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string t1_5_config(unsigned digits, const std::string& y2 = "1") {
  return "[model]\nkind = \"linear2\"\nX = [[\"1\", \"0\", \"0\"], [\"0\", \"2\", \"0\"]]\nY = [[\"1\"], "
         "[\"" +
         y2 +
         "\"]]\nU0 = [[\"1\", \"0.5\"], [\"0.2\", \"-0.3\"], [\"0\", \"0\"]]\nV0 = [[\"0.1\", \"0.2\"]]\n"
         "[precision]\ndigits = " +
         std::to_string(digits) +
         "\n[integrator]\nmethod = \"taylor\"\n"
         "[stop]\nt_end = \"10\"\n[output]\nsamples = 21\nstate = true\n";
}

using table = std::vector<std::vector<std::string>>;  // header first

table read_csv(const fs::path& file) {
  table out;
  std::istringstream in(slurp(file));
  std::string line;
  while (std::getline(in, line)) {
    out.emplace_back();
    std::istringstream fields(line);
    std::string f;
    while (std::getline(fields, f, ',')) out.back().push_back(f);
  }
  return out;
}

void write_csv(const fs::path& file, const table& t) {
  std::string text;
  for (const auto& row : t) {
    for (std::size_t j = 0; j < row.size(); ++j) text += (j ? "," : "") + row[j];
    text += "\n";
  }
  std::ofstream(file) << text;
}

std::size_t column_of(const table& t, const std::string& name) {
  for (std::size_t j = 0; j < t[0].size(); ++j)
    if (t[0][j] == name) return j;
  BOOST_FAIL("no column " << name);
  return 0;
}

// A copy of run directory `from` as `to` (config.toml and trajectory.csv only), with the trajectory edited.
void copy_edited(const fs::path& from, const fs::path& to, const std::function<void(table&)>& edit) {
  fs::create_directories(to);
  fs::copy_file(from / "config.toml", to / "config.toml", fs::copy_options::overwrite_existing);
  table t = read_csv(from / "trajectory.csv");
  edit(t);
  write_csv(to / "trajectory.csv", t);
}

// Decimal arithmetic on the CSV's strings, at more digits than any path here carries.
std::string scaled(const std::string& x, const char* factor) {
  working_precision_scope scope(120);
  return to_decimal(Real(parse_decimal<Real>(x) * (1 + parse_decimal<Real>(factor))));
}
std::string shifted(const std::string& x, const char* by) {
  working_precision_scope scope(120);
  return to_decimal(Real(parse_decimal<Real>(x) + parse_decimal<Real>(by)));
}

std::string verdict_of(const fs::path& json_file, const std::string& id) {
  const json report = json::parse(slurp(json_file));  // a named object: the loop must not outlive it
  for (const auto& row : report.at("checks"))
    if (row.at("id") == id) return row.at("verdict");
  return "absent";
}

// `gradflow check DIR --json` must exit 1 with flow.path_defect failing.
void expect_path_failure(const sandbox& box, const fs::path& dir, const std::string& what) {
  const auto r = box.run("check " + quote(dir) + " --quiet --json " + quote(dir / "check.json"));
  BOOST_TEST(r.exit_code == 1, what << ": " << r.out << r.err);
  BOOST_TEST(verdict_of(dir / "check.json", "flow.path_defect") == "fail", what << ": " << r.out);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_run_passes_on_its_own_directory_and_each_wrong_path_fails) {
  for (const unsigned digits : {30u, 50u}) {
    BOOST_TEST_CONTEXT(digits << " digits") {
      sandbox box;
      const fs::path run = box.path("run");
      box.write("t1_5.toml", t1_5_config(digits));
      auto r = box.run("run " + quote(box.path("t1_5.toml")) + " --out " + quote(run) + " --quiet");
      BOOST_TEST_REQUIRE(r.exit_code == 0, r.out << r.err);
      const json summary = json::parse(slurp(run / "summary.json"));
      BOOST_TEST(summary.at("checks").at(0).at("id") == "flow.path_defect");
      BOOST_TEST(summary.at("checks").at(0).at("verdict") == "pass", summary.at("checks").at(0).dump());
      BOOST_TEST_MESSAGE("run: flow.path_defect " << summary.at("checks").at(0).at("measured") << " vs "
                                                  << summary.at("checks").at(0).at("bound"));

      r = box.run("check " + quote(run) + " --quiet --json " + quote(box.path("own.json")));
      BOOST_TEST(r.exit_code == 0, r.out << r.err);
      BOOST_TEST(verdict_of(box.path("own.json"), "flow.path_defect") == "pass");
      BOOST_TEST(verdict_of(box.path("own.json"), "min2021.imbalance") == "pass");

      // config.toml reruns the same flow: the same trajectory, digit for digit.
      r = box.run("run " + quote(run / "config.toml") + " --out " + quote(box.path("rerun")) + " --quiet");
      BOOST_TEST(r.exit_code == 0, r.out << r.err);
      BOOST_TEST(slurp(box.path("rerun") / "trajectory.csv") == slurp(run / "trajectory.csv"));

      copy_edited(run, box.path("retimed"), [](table& t) {
        const std::size_t j = column_of(t, "t");
        for (std::size_t k = 1; k < t.size(); ++k) t[k][j] = scaled(t[k][j], "1e-6");
      });
      expect_path_failure(box, box.path("retimed"), "retimed by 1e-6");

      copy_edited(run, box.path("nudged"), [](table& t) {
        const std::size_t j = column_of(t, "U_2_1");
        for (std::size_t k = t.size() / 2; k < t.size(); ++k) t[k][j] = shifted(t[k][j], "1e-9");
      });
      expect_path_failure(box, box.path("nudged"), "U_2_1 nudged by 1e-9 from the middle on");

      // The path of targets (1, 1 + 1e-6), judged under the config of targets (1, 1).
      box.write("shifted.toml", t1_5_config(digits, "1.000001"));
      r = box.run("run " + quote(box.path("shifted.toml")) + " --out " + quote(box.path("shifted_run")) +
                  " --quiet");
      BOOST_TEST_REQUIRE(r.exit_code == 0, r.out << r.err);
      fs::create_directories(box.path("data"));
      fs::copy_file(run / "config.toml", box.path("data") / "config.toml");
      fs::copy_file(box.path("shifted_run") / "trajectory.csv", box.path("data") / "trajectory.csv");
      expect_path_failure(box, box.path("data"), "data differ by 1e-6");
    }
  }
}

BOOST_AUTO_TEST_CASE(the_scipy_example_passes_and_its_retimed_copy_fails) {
  if (std::system("/usr/bin/python3 -c 'import numpy, scipy' > /dev/null 2>&1") != 0) {
    BOOST_TEST_MESSAGE(
        "skipped: /usr/bin/python3 has no numpy/scipy (apt-get install python3-numpy python3-scipy)");
    return;
  }
  sandbox box;
  const std::string script = quote(fs::path(GRADFLOW_SOURCE_DIR) / "examples/scipy_dop853.py");
  BOOST_TEST_REQUIRE(std::system(("/usr/bin/python3 " + script + " " + quote(box.path("dop853"))).c_str()) ==
                     0);
  auto r =
      box.run("check " + quote(box.path("dop853")) + " --quiet --json " + quote(box.path("dop853.json")));
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
  BOOST_TEST(verdict_of(box.path("dop853.json"), "flow.path_defect") == "pass", r.out);
  BOOST_TEST_MESSAGE(r.out);
  BOOST_TEST_REQUIRE(
      std::system(
          ("/usr/bin/python3 " + script + " " + quote(box.path("retimed")) + " --retime 1e-6").c_str()) == 0);
  expect_path_failure(box, box.path("retimed"), "DOP853 retimed by 1e-6");
}

BOOST_AUTO_TEST_CASE(bad_input_exits_2_with_one_message_and_writes_nothing) {
  sandbox box;
  const fs::path run = box.path("run");
  box.write("t1_5.toml", t1_5_config(30));
  BOOST_TEST_REQUIRE(
      box.run("run " + quote(box.path("t1_5.toml")) + " --out " + quote(run) + " --quiet").exit_code == 0);
  const auto expect = [&](const fs::path& dir, const std::string& message, const std::string& extra = "") {
    const fs::path report = box.path("bad.json");
    const auto r = box.run("check " + quote(dir) + " --quiet --json " + quote(report) + extra);
    BOOST_TEST(r.exit_code == 2, message << ": " << r.out << r.err);
    BOOST_TEST(r.out.empty(), r.out);
    BOOST_TEST(r.err == "gradflow: " + message + "\n");
    BOOST_TEST(!fs::exists(report));
  };
  fs::create_directories(box.path("empty"));
  expect(box.path("empty"), box.path("empty").string() +
                                "/config.toml is missing: gradflow check needs the config the path "
                                "claims to follow");
  const auto edited = [&](const std::string& name, const std::function<void(table&)>& edit) {
    copy_edited(run, box.path(name), edit);
    return box.path(name);
  };
  auto at = [&](const std::string& name) { return box.path(name).string() + "/trajectory.csv"; };
  expect(edited("no_column",
                [](table& t) {
                  const std::size_t j = column_of(t, "V_1_2");
                  for (auto& row : t) row.erase(row.begin() + static_cast<long>(j));
                }),
         at("no_column") +
             " has no column V_1_2 (model.kind = \"linear2\" has 8 state columns U_1_1 … V_1_2; gradflow run "
             "writes them with output.state = true)");
  expect(edited("misnamed", [](table& t) { t[0][column_of(t, "U_1_1")] = "U_4_1"; }),
         at("misnamed") +
             " column U_4_1 names no state entry of model.kind = \"linear2\" (its 8 state columns are U_1_1 "
             "… V_1_2)");
  expect(edited("ragged", [](table& t) { t[2].push_back("1"); }),
         at("ragged") + " line 3 has " + std::to_string(read_csv(run / "trajectory.csv")[0].size() + 1) +
             " fields but the header has " + std::to_string(read_csv(run / "trajectory.csv")[0].size()));
  const table original = read_csv(run / "trajectory.csv");
  const std::string t2 = original[2][0];
  expect(edited("repeated", [](table& t) { t[3][0] = t[2][0]; }), at("repeated") + " line 4: t = " + t2 +
                                                                      " is not greater than t = " + t2 +
                                                                      " on line 3 (t must increase)");
  fs::create_directories(box.path("no_csv"));
  fs::copy_file(run / "config.toml", box.path("no_csv") / "config.toml");
  expect(box.path("no_csv"),
         at("no_csv") + " is missing: gradflow check needs the trajectory (t and the state columns)");
  const auto unknown = box.run("check " + quote(run) + " flow.nope --quiet");
  BOOST_TEST(unknown.exit_code == 2);
  BOOST_TEST(
      unknown.err.find(
          "gradflow: unknown check id \"flow.nope\" (known ids: flow.path_defect, min2021.imbalance,") == 0,
      unknown.err);
}
