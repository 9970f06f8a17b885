// output_dir, the library side of "nothing lost" (issue 16), without timing: commit() replaces an
// earlier output only when the target still holds exactly what it held at construction, and writes
// beside it otherwise; the work directory's name fits NAME_MAX for every legal target name.
#define BOOST_TEST_MODULE output_dir
#include "support/sandbox.hpp"

#include "gradflow/io/invalid_input.hpp"
#include "gradflow/io/output_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using gradflow::output_dir;
using gradflow::test::slurp;
using sandbox = gradflow::test::sandbox;

BOOST_AUTO_TEST_CASE(a_new_target_is_written_and_nothing_is_left_beside) {
  sandbox box;
  {
    output_dir out(box.path("o"));
    BOOST_TEST(!fs::exists(box.path("o")));
    out.write("manifest.json", "{}\n");
    out.write("final/U.csv", "1\n");
    const auto r = out.commit();
    BOOST_TEST(r.written == box.path("o"));
    BOOST_TEST(r.refused.empty());
    BOOST_TEST(r.leftover.empty());
  }
  BOOST_TEST(slurp(box.path("o/final/U.csv")) == "1\n");
  BOOST_TEST((box.listing() == std::set<std::string>{"o", "o/final", "o/final/U.csv", "o/manifest.json"}));
}

BOOST_AUTO_TEST_CASE(an_earlier_output_is_replaced_entirely) {
  sandbox box;
  for (const char* text : {"first\n", "second\n"}) {
    output_dir out(box.path("o"));
    out.write("manifest.json", text);
    if (std::string(text) == "first\n") out.write("only_first.csv", "x");
    BOOST_TEST(out.commit().refused.empty());
  }
  BOOST_TEST(slurp(box.path("o/manifest.json")) == "second\n");
  BOOST_TEST((box.listing() == std::set<std::string>{"o", "o/manifest.json"}));
}

BOOST_AUTO_TEST_CASE(a_file_that_appears_before_commit_survives_and_the_results_go_beside) {
  sandbox box;
  {
    output_dir first(box.path("o"));
    first.write("manifest.json", "first\n");
    first.commit();
  }
  output_dir out(box.path("o"));
  out.write("manifest.json", "second\n");
  box.write("o/mine.txt", "keep");
  box.write("o-1", "also a user's file");  // the first free sibling is o-2
  const auto r = out.commit();
  BOOST_TEST(r.written == box.path("o-2"));
  BOOST_TEST(r.refused == "--out = \"" + box.path("o").string() +
                              "\" changed during the run (\"mine.txt\" appeared): " +
                              "left untouched; the results are in \"" + box.path("o-2").string() + "\"");
  BOOST_TEST(slurp(box.path("o/mine.txt")) == "keep");
  BOOST_TEST(slurp(box.path("o/manifest.json")) == "first\n");
  BOOST_TEST(slurp(box.path("o-1")) == "also a user's file");
  BOOST_TEST(slurp(box.path("o-2/manifest.json")) == "second\n");
}

BOOST_AUTO_TEST_CASE(an_edited_file_of_the_earlier_output_survives) {
  sandbox box;
  {
    output_dir first(box.path("o"));
    first.write("manifest.json", "first\n");
    first.commit();
  }
  output_dir out(box.path("o"));
  out.write("manifest.json", "second\n");
  box.write("o/manifest.json", "edited by hand, longer than before\n");
  const auto r = out.commit();
  BOOST_TEST(r.refused.find("(\"manifest.json\" changed)") != std::string::npos, r.refused);
  BOOST_TEST(slurp(box.path("o/manifest.json")) == "edited by hand, longer than before\n");
}

BOOST_AUTO_TEST_CASE(inputs_inside_the_target_are_refused) {
  sandbox box;
  fs::create_directories(box.path("o/data"));
  box.write("o/manifest.json", "{}");
  box.write("o/data/x.csv", "1");
  BOOST_CHECK_THROW(output_dir(box.path("o"), {box.path("o/data/../data/x.csv")}), gradflow::invalid_input);
  BOOST_CHECK_NO_THROW(
      output_dir(box.path("o"), {box.path("o-data/x.csv")}));  // a prefix of the name is not inside
}

BOOST_AUTO_TEST_CASE(the_work_directory_fits_every_legal_name) {
  sandbox box;
  const fs::path target = box.path(std::string(255, 'n'));
  output_dir out(target);
  BOOST_TEST(out.staging().parent_path().filename().string().size() <= 40u);
  out.write("manifest.json", "{}");
  BOOST_TEST(out.commit().written == target);
}
