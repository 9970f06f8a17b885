// A full disk (issue 16): --out on a 128 KiB tmpfs that the run's files overflow. The run says "No
// space left on device" (not "internal error"), exits 1, leaves no staging behind and the earlier
// output untouched; a checkpoint that does not fit is a note, never the end of the run. Mounting
// needs root (CI runs as root); elsewhere the cases are skipped, and say so.
#define BOOST_TEST_MODULE cli_disk_full
#include "support/configs.hpp"
#include "support/sandbox.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using gradflow::test::quote;
using gradflow::test::run_result;
using gradflow::test::slurp;
using sandbox = gradflow::test::sandbox;

namespace {

// A sandbox with a 128 KiB tmpfs mounted at small/ (unmounted afterwards).
struct small_disk : sandbox {
  small_disk() {
    fs::create_directories(path("small"));
    mounted = ::mount("tmpfs", path("small").c_str(), "tmpfs", 0, "size=128k") == 0;
    BOOST_REQUIRE_MESSAGE(mounted, "cannot mount a tmpfs (needs root)");
  }
  ~small_disk() {
    if (mounted) ::umount(path("small").c_str());
  }
  bool mounted = false;
};

boost::test_tools::assertion_result can_mount(boost::unit_test::test_unit_id) {
  boost::test_tools::assertion_result root(::geteuid() == 0);
  root.message() << "not root: a tmpfs cannot be mounted, so the full-disk cases are skipped";
  return root;
}

// A quick run whose outputs are small (a few KiB) and one whose trajectory is far above 64 KiB
// (101 rows of 2000-digit numbers).
const std::string& small_config = gradflow::test::t1_5_quick_config;
const std::string big_settings =
    " --set precision.digits=2000 --set integrator.tolerance=1e-30 --set output.samples=101";

std::size_t entries(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_full_disk_is_named_and_keeps_the_earlier_output,
                     *boost::unit_test::precondition(can_mount)) {
  small_disk box;
  box.write("c.toml", small_config);
  const std::string run = "run " + quote(box.path("c.toml")) + " --out " + quote(box.path("small/o"));
  const run_result first = box.run(run + " --quiet");
  BOOST_TEST_REQUIRE(first.exit_code == 0, first.err);
  const std::string summary = slurp(box.path("small/o/summary.json"));
  const run_result full = box.run(run + " --quiet" + big_settings);
  BOOST_TEST(full.exit_code == 1, full.err);
  BOOST_TEST(full.err.find("No space left on device") != std::string::npos, full.err);
  BOOST_TEST(full.err.find("(nothing written; ") != std::string::npos, full.err);
  BOOST_TEST(full.err.find("internal error") == std::string::npos, full.err);
  BOOST_TEST(slurp(box.path("small/o/summary.json")) == summary);
  BOOST_TEST(entries(box.path("small")) == 1u);  // o alone: no staging, no checkpoint left
}

// linear2 with 20 hidden units: 80 parameters, so a checkpoint (θ at every sample) is far larger than
// trajectory.csv (t and the loss per sample).
std::string wide_config() {
  std::string U0 = "[", V0 = "[[";
  for (int i = 0; i < 3; ++i) {
    U0 += i ? ", [" : "[";
    for (int j = 0; j < 20; ++j) U0 += std::string(j ? ", " : "") + "\"0." + std::to_string(i + 1) + "\"";
    U0 += "]";
  }
  for (int j = 0; j < 20; ++j) V0 += std::string(j ? ", " : "") + "\"0.0" + std::to_string(j % 9 + 1) + "\"";
  return gradflow::test::replace_first(
      gradflow::test::replace_first(small_config, R"(U0 = [["1", "0.5"], ["0.2", "-0.3"], ["0", "0"]])",
                                    "U0 = " + U0 + "]"),
      R"(V0 = [["0.1", "0.2"]])", "V0 = " + V0 + "]]");
}

BOOST_AUTO_TEST_CASE(a_checkpoint_that_does_not_fit_is_a_note, *boost::unit_test::precondition(can_mount)) {
  small_disk box;
  box.write("c.toml", wide_config());
  // Stopped by max_steps, so the run hands out a checkpoint: 160 numbers of 1000 digits (> 128 KiB),
  // while its outputs (final/U.csv with 60 of them the largest) fit. The partial checkpoint is removed,
  // so the outputs still find room.
  const run_result r = box.run("run " + quote(box.path("c.toml")) + " --out " + quote(box.path("small/o")) +
                               " --quiet --set precision.digits=1000 --set integrator.tolerance=1e-30"
                               " --set stop.max_steps=1 --set output.samples=2");
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(r.err.find("gradflow: note: checkpoint not written: ") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("No space left on device") != std::string::npos, r.err);
  BOOST_TEST(slurp(box.path("small/o/summary.json")).find("\"stop_reason\": \"max_steps\"") !=
             std::string::npos);
  BOOST_TEST(entries(box.path("small")) == 1u);  // o alone: no partial checkpoint, no staging
}
