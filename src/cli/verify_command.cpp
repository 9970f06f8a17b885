#include "verify_command.hpp"

#include "run_command.hpp"

#include "gradflow/checks/catalogue.hpp"
#include "gradflow/verify/cases.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace gradflow::cli {

namespace {

bool is_known_id(const std::string& id) {
  const auto& c = check_catalogue();
  return std::any_of(c.begin(), c.end(), [&](const catalogue_entry& e) { return e.id == id; });
}

std::string known_ids() {
  std::string out;
  for (const auto& e : check_catalogue()) out += (out.empty() ? "" : ", ") + std::string(e.id);
  return out;
}

// The JSON file appears complete or not at all: written beside the target, then renamed.
bool write_json(const std::filesystem::path& file, const nlohmann::json& document) {
  const std::filesystem::path temporary = file.string() + ".partial";
  {
    std::ofstream out(temporary);
    if (!(out << document.dump(2) << "\n")) return false;
  }
  std::error_code error;
  std::filesystem::rename(temporary, file, error);
  return !error;
}

// Short numbers for the table: the full decimal strings are in --json.
std::string column(const std::string& text) {
  if (text.size() <= 12 || text.find_first_not_of("0123456789+-.eE") != std::string::npos) return text;
  char shortened[32];
  std::snprintf(shortened, sizeof shortened, "%.4g", std::strtod(text.c_str(), nullptr));
  if (std::string(shortened).find_first_of("in") == std::string::npos) return shortened;  // not inf/nan/0 by underflow
  const auto e = text.find_first_of("eE");
  return e == std::string::npos ? text.substr(0, 12) : text.substr(0, 6) + text.substr(e);
}

// Left-aligns UTF-8 text in `width` columns (printf pads bytes, and the instances use ×, →, …).
std::string pad(const std::string& text, std::size_t width) {
  std::size_t shown = 0;
  for (unsigned char ch : text) shown += (ch & 0xC0) != 0x80;
  return text + std::string(shown < width ? width - shown : 1, ' ');
}

}  // namespace

int verify_command(const verify_arguments& args) {
  if (args.suite != "quick" && args.suite != "full") {
    std::fprintf(stderr, "gradflow: --suite = \"%s\" must be quick or full\n", args.suite.c_str());
    return exit_bad_input;
  }
  for (const auto& id : args.ids)
    if (!is_known_id(id)) {
      std::fprintf(stderr, "gradflow: unknown check id \"%s\" (known ids: %s)\n", id.c_str(), known_ids().c_str());
      return exit_bad_input;
    }
  if (!args.json.empty()) {
    std::ofstream probe(args.json.string() + ".partial");
    if (!probe) {
      std::fprintf(stderr, "gradflow: --json = \"%s\": cannot write beside this path\n", args.json.c_str());
      return exit_bad_input;
    }
    probe.close();
    std::filesystem::remove(args.json.string() + ".partial");
  }

  auto cases = verify_cases(args.suite == "full" ? verify_suite::full : verify_suite::quick);
  if (!args.ids.empty())
    std::erase_if(cases, [&](const verify_case& c) { return std::find(args.ids.begin(), args.ids.end(), c.id) == args.ids.end(); });

  std::printf("%s%s%6s  %s%s%s%s%8s\n", pad("id", 24).c_str(), pad("instance", 66).c_str(), "digits", pad("measured", 13).c_str(),
              pad("bound", 15).c_str(), pad("expected", 15).c_str(), pad("verdict", 15).c_str(), "seconds");
  nlohmann::json rows = nlohmann::json::array();
  int failed = 0;
  for (const auto& c : cases) {
    const verify_row row = run_verify_case(c);
    // A verdict other than the pinned one fails the run, whichever way it differs.
    if (!row.as_expected()) ++failed;
    std::printf("%s%s%6u  %s%s%s%s%8.2f\n", pad(row.id, 24).c_str(), pad(row.instance, 66).c_str(), row.digits,
                pad(column(row.result.measured), 13).c_str(), pad(column(row.result.bound), 15).c_str(),
                pad(std::string(verdict_name(row.expected)), 15).c_str(),
                pad(std::string(verdict_name(row.result.verdict)), 15).c_str(), row.seconds);
    if (!row.as_expected()) std::printf("    %s\n", row.result.detail.c_str());
    std::fflush(stdout);
    rows.push_back({{"id", row.id},
                    {"instance", row.instance},
                    {"digits", row.digits},
                    {"verdict", verdict_name(row.result.verdict)},
                    {"expected", verdict_name(row.expected)},
                    {"measured", row.result.measured},
                    {"bound", row.result.bound},
                    {"detail", row.result.detail},
                    {"seconds", row.seconds}});
  }
  std::printf("gradflow verify: %zu instances, %d not as expected\n", cases.size(), failed);
  if (!args.json.empty() && !write_json(args.json, {{"suite", args.suite}, {"checks", rows}})) {
    std::fprintf(stderr, "gradflow: could not write %s\n", args.json.c_str());
    return exit_failure;
  }
  return failed ? exit_failure : exit_success;
}

}  // namespace gradflow::cli
