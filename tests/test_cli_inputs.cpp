// Hostile inputs get exit status 2 and a message that says what is wrong, never a crash (issue 16):
// CSV paths that are directories, devices, empty, UTF-16 or binary; decimals that underflow; long
// decimals (gradflow reads back its own outputs at 40 000 digits); and manifest.json records the
// inputs' bytes as they were read, not as they are at the end of the run.
#define BOOST_TEST_MODULE cli_inputs
#include "support/background_run.hpp"
#include "support/configs.hpp"
#include "support/sandbox.hpp"

#include "gradflow/io/sha256.hpp"

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using json = nlohmann::json;
using gradflow::test::quote;
using gradflow::test::run_result;
using gradflow::test::slurp;
using sandbox = gradflow::test::sandbox;

namespace {

const std::string u0_inline = R"(U0 = [["1", "0.5"], ["0.2", "-0.3"], ["0", "0"]])";

const std::string& base_config = gradflow::test::t1_5_quick_config;

std::string with_u0(const std::string& value) {
  return gradflow::test::replace_first(base_config, u0_inline, "U0 = " + value);
}

}  // namespace

BOOST_AUTO_TEST_CASE(csv_path_that_is_a_directory) {
  sandbox box;
  fs::create_directories(box.path("u0.csv"));
  BOOST_TEST(box.reject(with_u0("\"u0.csv\"")) ==
             "model.U0 = \"" + box.path("u0.csv").string() + "\" is a directory: give a CSV file");
}

BOOST_AUTO_TEST_CASE(csv_path_that_is_dev_null_or_empty) {
  sandbox box;
  BOOST_TEST(
      box.reject(with_u0("\"/dev/null\"")) ==
      "model.U0 = \"/dev/null\": the file is empty (a CSV file of decimal strings, one matrix row per line)");
  box.write("u0.csv", "");
  BOOST_TEST(box.reject(with_u0("\"u0.csv\"")) ==
             "model.U0 = \"" + box.path("u0.csv").string() +
                 "\": the file is empty (a CSV file of decimal strings, one matrix row per line)");
  box.write("u0.csv", "# only a comment\n\n");
  BOOST_TEST(box.reject(with_u0("\"u0.csv\"")) ==
             "model.U0 = \"" + box.path("u0.csv").string() +
                 "\": the file holds no matrix rows (only blank lines and # comments)");
}

BOOST_AUTO_TEST_CASE(csv_in_utf16_or_binary) {
  sandbox box;
  box.write("u0.csv", std::string("\xFF\xFE"
                                  "1\0,\0"
                                  "2\0",
                                  8));
  BOOST_TEST(box.reject(with_u0("\"u0.csv\"")) ==
             "model.U0 = \"" + box.path("u0.csv").string() +
                 "\" is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8 or ASCII");
  box.write("u0.csv", std::string("1\0,\0"
                                  "2\0",
                                  6));
  BOOST_TEST(box.reject(with_u0("\"u0.csv\"")) ==
             "model.U0 = \"" + box.path("u0.csv").string() +
                 "\" is not text (a NUL byte at offset 1; UTF-16 or binary?): save it as UTF-8 or ASCII");
}

BOOST_AUTO_TEST_CASE(csv_with_a_utf8_byte_order_mark_and_any_line_ending_is_read) {
  // The same matrix as the inline U0: same final product to the last digit.
  sandbox box;
  box.write("inline.toml", base_config);
  BOOST_REQUIRE(
      box.run("run " + quote(box.path("inline.toml")) + " --out " + quote(box.path("a")) + " --quiet")
          .exit_code == 0);
  int k = 0;
  for (const std::string& text :
       {std::string("\xEF\xBB\xBF"
                    "1, 0.5\n0.2, -0.3\n0, 0\n"),
        std::string("1,0.5\r\n0.2,-0.3\r\n0,0\r\n"), std::string("1,0.5\r0.2,-0.3\r0,0")}) {
    box.write("u0.csv", text);
    box.write("csv.toml", with_u0("\"u0.csv\""));
    const fs::path out = box.path("b" + std::to_string(++k));
    const run_result r = box.run("run " + quote(box.path("csv.toml")) + " --out " + quote(out) + " --quiet");
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(slurp(out / "final/product.csv") == slurp(box.path("a/final/product.csv")));
  }
}

BOOST_AUTO_TEST_CASE(a_nonzero_entry_that_underflows_is_refused) {
  // Issue 16.9: 1e-400000000 was silently read as 0 in a matrix.
  sandbox box;
  BOOST_TEST(box.reject(base_config, "--set 'model.V0=[[\"1e-400000000\", \"1\"]]'") ==
             "model.V0[0][0] = \"1e-400000000\" is outside the MPFR exponent range");
  BOOST_TEST(box.reject(base_config,
                        "--set precision.type=float64 --set integrator.tolerance=1e-13 --set "
                        "'model.V0=[[\"1e-400\", \"1\"]]'") ==
             "model.V0[0][0] = \"1e-400\" is outside the float64 range");
}

BOOST_AUTO_TEST_CASE(a_float64_subnormal_entry_is_accepted) {
  sandbox box;
  box.write("c.toml", base_config);
  const run_result r = box.run("run " + quote(box.path("c.toml")) + " --out " + quote(box.path("o")) +
                               " --quiet --set precision.type=float64 --set integrator.tolerance=1e-13 --set "
                               "'model.V0=[[\"1e-310\", \"1\"]]'");
  BOOST_TEST(r.exit_code == 0, r.err);
}

BOOST_AUTO_TEST_CASE(gradflow_reads_back_its_own_outputs_at_40000_digits) {
  // Issue 16.4: final/*.csv of a run at >= 30 000 digits crashed gradflow (SIGSEGV) when fed back as
  // a start. Oracle: the second run starts where the first stopped, so its initial loss (first
  // trajectory row) is the first run's final loss, digit for digit.
  sandbox box;
  const std::string settings =
      " --quiet --set precision.digits=40000 --set integrator.method=rk78 "
      "--set integrator.tolerance=1e-30 --set stop.max_steps=1 --set output.samples=2";
  box.write("c.toml", base_config);
  run_result r = box.run("run " + quote(box.path("c.toml")) + " --out " + quote(box.path("a")) + settings);
  BOOST_TEST_REQUIRE(r.exit_code <= 1, r.err);
  const std::string u = slurp(box.path("a/final/U.csv"));
  BOOST_TEST(u.size() > 40000u);
  fs::copy_file(box.path("a/final/U.csv"), box.path("u0.csv"));
  fs::copy_file(box.path("a/final/V.csv"), box.path("v0.csv"));
  box.write("again.toml", gradflow::test::replace_first(with_u0("\"u0.csv\""), R"(V0 = [["0.1", "0.2"]])",
                                                        "V0 = \"v0.csv\""));
  r = box.run("run " + quote(box.path("again.toml")) + " --out " + quote(box.path("b")) + settings);
  BOOST_TEST_REQUIRE(r.exit_code <= 1, r.err);
  const json a = json::parse(slurp(box.path("a/summary.json")));
  const std::string trajectory = slurp(box.path("b/trajectory.csv"));
  const auto row = trajectory.find('\n') + 1;
  const auto loss_from = trajectory.find(',', row) + 1;
  const std::string initial_loss = trajectory.substr(loss_from, trajectory.find(',', loss_from) - loss_from);
  BOOST_TEST(initial_loss == a["loss_final"].get<std::string>());
}

BOOST_AUTO_TEST_CASE(manifest_hashes_inputs_as_read) {
  // Issue 16.6: inputs were hashed at the end of the run (an edited CSV recorded its new content; a
  // deleted one lost every result with "internal error", exit 1).
  sandbox box;
  const std::string csv = "1, 0.5\n0.2, -0.3\n0, 0\n";
  box.write("u0.csv", csv);
  box.write("c.toml", with_u0("\"u0.csv\""));
  // The CSV deleted while the run integrates: the run still writes everything, and the manifest
  // holds the hashes of the bytes it read.
  gradflow::test::background_run run(
      box, {"run", box.path("c.toml").string(), "--out", box.path("o").string(), "--set",
            "precision.digits=300", "--set", "integrator.method=rk78", "--set", "integrator.tolerance=1e-280",
            "--set", "stop.t_end=1000000"});
  run.wait_for_progress();
  fs::remove(box.path("u0.csv"));
  run.signal(SIGINT);
  const run_result r = run.wait();
  BOOST_TEST(r.exit_code == 130, r.err);
  const json manifest = json::parse(slurp(box.path("o/manifest.json")));
  BOOST_TEST(manifest["inputs"][0]["sha256"] == gradflow::sha256_text(slurp(box.path("c.toml"))));
  BOOST_TEST(manifest["inputs"][1]["sha256"] == gradflow::sha256_text(csv));
}

BOOST_AUTO_TEST_CASE(a_span_shorter_than_the_shortest_step_is_refused_up_front) {
  // Issue 16.9: t_end = 1e-140 at 130 digits was accepted and then failed with "step size underflow".
  sandbox box;
  const std::string taylor = box.reject(base_config, "--set precision.digits=130 --set stop.t_end=1e-140");
  BOOST_TEST(taylor.starts_with("stop.t_end = \"1e-140\" violates t_end >= 16 eps = "), taylor);
  BOOST_TEST(taylor.ends_with(" (the shortest step at this precision): raise stop.t_end or precision.digits"),
             taylor);
  const std::string rk =
      box.reject(base_config, "--set integrator.method=rk78 --set stop.t_end=1e-29 --set output.samples=11");
  BOOST_TEST(rk.starts_with("stop.t_end = \"1e-29\" violates t_end >= 16 eps · (output.samples − 1) = "), rk);
  BOOST_TEST(rk.ends_with(", or lower output.samples"), rk);
  // Just above the bound the run goes through: the rule refuses only what cannot run.
  box.write("c.toml", base_config);
  const run_result r = box.run(
      "run " + quote(box.path("c.toml")) + " --out " + quote(box.path("o")) +
      " --quiet --set precision.digits=130 --set integrator.tolerance=1e-110 --set stop.t_end=1e-120");
  BOOST_TEST(r.exit_code == 0, r.err);
}

BOOST_AUTO_TEST_CASE(a_run_that_cannot_fit_in_memory_is_refused_up_front) {
  // Issue 16.7: out of memory ended in bad_alloc (exit 1) or a GMP abort (exit 134) after hours.
  sandbox box;
  const std::string message =
      box.reject(base_config, "--set precision.digits=100000 --set output.samples=10000000");
  BOOST_TEST(message.starts_with("output.samples = 10000000 needs about "), message);
  BOOST_TEST(message.ends_with(" are available: lower output.samples or precision.digits"), message);
}

BOOST_AUTO_TEST_CASE(a_network_too_wide_for_memory_is_refused_up_front) {
  // Issue 16.7: the documented width 10^6 needs about 60 GB at 30 digits; at 100 000 digits no
  // machine has the memory, so the refusal does not depend on the one running the test.
  sandbox box;
  const std::string relu = R"([model]
kind = "relu_shallow"
X = [["-1"], ["0"], ["1"]]
Y = [["1"], ["0"], ["1"]]
width = 1000000

[precision]
digits = 100000

[integrator]
tolerance = "1e-20"

[stop]
t_end = "1"

[output]
samples = 2
)";
  const std::string message = box.reject(relu);
  BOOST_TEST(message.starts_with("model.width = 1000000 needs about "), message);
  BOOST_TEST(message.ends_with(" are available: lower model.width or precision.digits"), message);
}
