// The reference datasets under data/ (data/README.md) are intact and current: every file matches
// data/SHA256SUMS, no stored verdict is `fail`, and rerunning each dataset's config with this build
// reproduces its verdicts exactly and its final matrices and loss to the dataset's digits − 2 (agreement
// in digits, not byte equality: a rebuild may round the last digits differently). A reproducibility test,
// not a correctness oracle: the correctness evidence is the verdicts themselves, each tested against
// independent oracles in the test_<check id> suites.
#define BOOST_TEST_MODULE reference_data
#include "gradflow/io/sha256.hpp"
#include "support/sandbox.hpp"
#include "support/working_precision.hpp"

#include <nlohmann/json.hpp>

#include <map>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

using namespace gradflow;
using gradflow::test::agreement_digits;
using gradflow::test::quote;
using gradflow::test::sandbox;
using gradflow::test::slurp;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path data_dir = fs::path(GRADFLOW_SOURCE_DIR) / "data";

// Precision for reading stored decimals: above every dataset's digits (data/README.md: ≤ 90).
struct reading_precision {
  reading_precision() { set_working_digits(120); }
};

std::vector<fs::path> datasets() {
  std::vector<fs::path> out;
  for (const auto& kind : fs::directory_iterator(data_dir))
    if (kind.is_directory())
      for (const auto& d : fs::directory_iterator(kind.path()))
        if (fs::exists(d.path() / "config.toml")) out.push_back(d.path());
  std::sort(out.begin(), out.end());
  return out;
}

// The header line of a CSV table (f_grid.csv: "x,f"); empty for a matrix of decimals.
std::string header(const std::string& text) {
  return !text.empty() && std::isalpha(static_cast<unsigned char>(text[0])) ? text.substr(0, text.find('\n'))
                                                                            : std::string();
}

// The entries of a CSV file of decimals, row by row, after its header when it has one.
std::vector<std::string> entries(const fs::path& file) {
  std::string text = slurp(file);
  text.erase(0, header(text).size());
  std::replace(text.begin(), text.end(), '\n', ',');
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string entry; std::getline(in, entry, ',');)
    if (!entry.empty()) out.push_back(entry);
  return out;
}

// Fewest agreeing digits between two CSV files of decimals (1000 when identical).
double csv_agreement(const fs::path& a, const fs::path& b) {
  BOOST_TEST(header(slurp(a)) == header(slurp(b)), a << " and " << b << " differ in their headers");
  const auto x = entries(a), y = entries(b);
  BOOST_TEST_REQUIRE(x.size() == y.size(), a << " and " << b << " differ in shape");
  double worst = 1000;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const Real u = parse_decimal<Real>(x[i]), v = parse_decimal<Real>(y[i]);
    worst = std::min(worst, u == v ? 1000.0 : agreement_digits(u, v));
  }
  return worst;
}

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(reading_precision);

BOOST_AUTO_TEST_CASE(every_file_matches_its_checksum) {
  std::ifstream sums(data_dir / "SHA256SUMS");
  std::string hash, name;
  int n = 0;
  while (sums >> hash >> name) {
    BOOST_TEST(sha256_file(data_dir / name) == hash, name);
    ++n;
  }
  // At least summary.json, trajectory.csv, config.toml, manifest.json and one final matrix per dataset.
  BOOST_TEST(n >= 5 * static_cast<int>(datasets().size()), "SHA256SUMS lists " << n << " files");
}

BOOST_AUTO_TEST_CASE(datasets_rerun_to_the_same_digits_and_verdicts) {
  const auto all = datasets();
  BOOST_TEST(all.size() >= 11u);
  for (const auto& d : all) {
    sandbox box;
    const auto r =
        box.run("run " + quote(d / "config.toml") + " --out " + quote(box.path("out")) + " --quiet");
    BOOST_TEST_REQUIRE(r.exit_code == 0, d << ": " << r.err);
    const json stored = json::parse(slurp(d / "output/summary.json")),
               fresh = json::parse(slurp(box.path("out/summary.json")));
    const double digits = stored.at("digits").get<double>();
    BOOST_TEST(digits >= 30, d << " is below 30 digits (data/README.md: 30–90)");
    // Matched by id: a check added since the dataset was made (flow.path_defect) must not fail either.
    std::map<std::string, std::string> fresh_verdicts;
    for (const auto& f : fresh.at("checks")) {
      fresh_verdicts[f.at("id").get<std::string>()] = f.at("verdict").get<std::string>();
      BOOST_TEST(f.at("verdict").get<std::string>() != "fail", d << ": " << f.dump());
    }
    for (const auto& s : stored.at("checks")) {
      BOOST_TEST(s.at("verdict").get<std::string>() != "fail", d << ": " << s.dump());
      BOOST_TEST(s.at("verdict").get<std::string>() == fresh_verdicts[s.at("id").get<std::string>()],
                 d << ": " << s.at("id"));
    }
    BOOST_TEST(
        agreement_digits(parse_decimal<Real>(fresh.at("loss_final").get<std::string>()),
                         parse_decimal<Real>(stored.at("loss_final").get<std::string>())) >= digits - 2,
        d);
    for (const auto& f : fs::directory_iterator(d / "output/final"))
      BOOST_TEST(csv_agreement(f.path(), box.path("out/final") / f.path().filename()) >= digits - 2,
                 f.path());
  }
}
