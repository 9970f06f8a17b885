// `gradflow verify` and the theorem catalogue keep their contract (ARCHITECTURE.md §5, §8): every
// catalogue id has built-in quick instances, a proof file and a row in proofs/README.md; the table
// and --json report every instance with its pinned verdict; unknown ids and bad options exit 2; an
// instance whose verdict differs from the pinned one (or that throws) fails verify.
// (scripts/test runs the whole quick suite; this test runs a fast subset.)
#define BOOST_TEST_MODULE verify
#include "gradflow/checks/catalogue.hpp"
#include "gradflow/verify/cases.hpp"
#include "support/sandbox.hpp"

#include <nlohmann/json.hpp>

#include <set>

using namespace gradflow;
using gradflow::test::sandbox;
using gradflow::test::slurp;
using json = nlohmann::json;

BOOST_AUTO_TEST_CASE(every_id_has_quick_instances_a_proof_file_and_an_index_row) {
  std::set<std::string> with_cases;
  for (const auto& c : verify_cases(verify_suite::quick)) with_cases.insert(c.id);
  const std::string index = slurp(std::filesystem::path(GRADFLOW_SOURCE_DIR) / "proofs/README.md");
  for (const auto& e : check_catalogue()) {
    const std::string id(e.id);
    BOOST_TEST(with_cases.count(id) == 1u, id << " has no quick instance");
    const auto proof = std::filesystem::path(GRADFLOW_SOURCE_DIR) / "proofs" / (id + ".md");
    BOOST_TEST(std::filesystem::exists(proof), proof);
    BOOST_TEST(slurp(proof).find(id) != std::string::npos, proof << " does not name its id");
    BOOST_TEST(index.find(id) != std::string::npos, "proofs/README.md does not list " << id);
  }
  // Full ⊇ quick.
  BOOST_TEST(verify_cases(verify_suite::full).size() > verify_cases(verify_suite::quick).size());
}

BOOST_AUTO_TEST_CASE(selected_ids_give_a_table_and_a_json_file) {
  sandbox box;
  const auto r =
      box.run("verify min2021.rate saxe2014.closed_form --json " + test::quote(box.path("v.json")));
  BOOST_TEST(r.exit_code == 0, r.out << r.err);
  BOOST_TEST(r.err.empty(), r.err);
  BOOST_TEST(r.out.find("min2021.rate") != std::string::npos);
  BOOST_TEST(r.out.find("min2021.imbalance") == std::string::npos, "an unselected id ran");
  const json j = json::parse(slurp(box.path("v.json")));
  std::set<std::string> ids;
  for (const auto& row : j.at("checks")) {
    for (const char* key :
         {"id", "instance", "verdict", "expected", "measured", "bound", "detail", "seconds"})
      BOOST_TEST(row.contains(key), key << " missing");
    ids.insert(row.at("id").get<std::string>());
    const auto verdict = row.at("verdict").get<std::string>();
    BOOST_TEST((verdict == "pass" || verdict == "not_applicable"), row.dump());
    BOOST_TEST(verdict == row.at("expected").get<std::string>(), row.dump());
  }
  BOOST_TEST((ids == std::set<std::string>{"min2021.rate", "saxe2014.closed_form"}));
  BOOST_TEST((box.listing() == std::set<std::string>{"v.json"}), "a partial file was left behind");
}

BOOST_AUTO_TEST_CASE(bad_usage_exits_2_and_writes_nothing) {
  sandbox box;
  const auto unknown = box.run("verify min2021.nope --json " + test::quote(box.path("v.json")));
  BOOST_TEST(unknown.exit_code == 2);
  BOOST_TEST(unknown.err.find(
                 "unknown check id \"min2021.nope\" (known ids: flow.path_defect, min2021.imbalance,") !=
                 std::string::npos,
             unknown.err);
  const auto suite = box.run("verify --suite medium");
  BOOST_TEST(suite.exit_code == 2);
  BOOST_TEST(suite.err == "gradflow: --suite = \"medium\" must be quick or full\n");
  const auto unwritable = box.run("verify min2021.rate --json " + test::quote(box.path("missing/v.json")));
  BOOST_TEST(unwritable.exit_code == 2);
  BOOST_TEST(unwritable.err.find("cannot write beside this path") != std::string::npos, unwritable.err);
  BOOST_TEST(box.listing().empty());
}

BOOST_AUTO_TEST_CASE(an_instance_that_throws_is_reported_as_a_fail) {
  const verify_case broken{
      "min2021.rate",      "throws",      30,
      verify_suite::quick, verdict::pass, []() -> check_result { throw std::runtime_error("no data"); }};
  const auto row = run_verify_case(broken);
  BOOST_TEST((row.result.verdict == verdict::fail));
  BOOST_TEST(row.result.detail == "the instance failed to run: no data");
  BOOST_TEST(!row.as_expected(), "an error must fail verify");
  // Even an instance pinned not_applicable fails when it throws: an error is never not_applicable.
  const verify_case pinned_na{
      "min2021.rate", "throws", 30, verify_suite::quick, verdict::not_applicable, []() -> check_result {
        throw std::runtime_error("no data");
      }};
  BOOST_TEST(!run_verify_case(pinned_na).as_expected());
}

BOOST_AUTO_TEST_CASE(a_verdict_other_than_the_pinned_one_fails) {
  const auto na = []() { return not_applicable("min2021.rate", "a hypothesis fails"); };
  const auto passes = []() { return check_result{"min2021.rate", verdict::pass, "0", "1", "ok"}; };
  // A pass instance that turned not_applicable, and a not_applicable instance that turned pass.
  BOOST_TEST(!run_verify_case({"min2021.rate", "pinned pass", 30, verify_suite::quick, verdict::pass, na})
                  .as_expected());
  BOOST_TEST(!run_verify_case(
                  {"min2021.rate", "pinned n/a", 30, verify_suite::quick, verdict::not_applicable, passes})
                  .as_expected());
  BOOST_TEST(
      run_verify_case({"min2021.rate", "pinned n/a", 30, verify_suite::quick, verdict::not_applicable, na})
          .as_expected());
  BOOST_TEST(run_verify_case({"min2021.rate", "pinned pass", 30, verify_suite::quick, verdict::pass, passes})
                 .as_expected());
  // Every built-in instance pins pass or not_applicable, and the not_applicable ones say so.
  for (const auto& c : verify_cases(verify_suite::full)) {
    BOOST_TEST((c.expected == verdict::pass || c.expected == verdict::not_applicable),
               c.id << ": " << c.instance);
    BOOST_TEST(
        (c.expected == verdict::not_applicable) == (c.instance.find("not applicable") != std::string::npos),
        c.id << ": " << c.instance);
  }
}
