#include "verify_command.hpp"

#include "progress.hpp"
#include "run_command.hpp"

#include "gradflow/checks/catalogue.hpp"
#include "gradflow/io/sha256.hpp"
#include "gradflow/verify/cases.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace gradflow::cli {

namespace {

// A private name beside `file` for writing it: hidden, made of a hash of the name and the process id
// (so it fits NAME_MAX for every legal name and is never a user's "FILE.partial"), created O_EXCL.
std::filesystem::path temporary_beside(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  return file.parent_path() /
         (".gradflow-" + sha256_text(name).substr(0, 12) + "-" + std::to_string(::getpid()) + ".json");
}

// The JSON file appears complete or not at all: written beside the target, then renamed.
bool write_json(const std::filesystem::path& file, const nlohmann::json& document) {
  const std::filesystem::path temporary = temporary_beside(file);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const std::string text = document.dump(2) + "\n";
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  const bool complete = done == text.size() && ::fsync(fd) == 0;
  ::close(fd);
  std::error_code error;
  if (complete) std::filesystem::rename(temporary, file, error);
  if (!complete || error) std::filesystem::remove(temporary, error);
  return complete && !error;
}

// Short numbers for the table: the full decimal strings are in --json.
std::string column(const std::string& text) {
  if (text.size() <= 12 || text.find_first_not_of("0123456789+-.eE") != std::string::npos) return text;
  char shortened[32];
  std::snprintf(shortened, sizeof shortened, "%.4g", std::strtod(text.c_str(), nullptr));
  if (std::string(shortened).find_first_of("in") == std::string::npos)
    return shortened;  // not inf/nan/0 by underflow
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
    if (!is_catalogued(id)) {
      std::fprintf(stderr, "gradflow: unknown check id \"%s\" (known ids: %s)\n", id.c_str(),
                   catalogued_ids().c_str());
      return exit_bad_input;
    }
  if (!args.json.empty()) {
    std::error_code ec;
    if (std::filesystem::is_directory(args.json, ec)) {
      std::fprintf(stderr, "gradflow: --json = \"%s\" is a directory: give a file name\n", args.json.c_str());
      return exit_bad_input;
    }
    const std::filesystem::path probe = temporary_beside(args.json);
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      std::fprintf(stderr, "gradflow: --json = \"%s\": cannot write beside this path (%s)\n",
                   args.json.c_str(), std::strerror(errno));
      return exit_bad_input;
    }
    ::close(fd);
    std::filesystem::remove(probe, ec);
  }
  // Ctrl-C (or SIGTERM, SIGHUP) stops after the current instance and still writes --json of what
  // finished; a second one ends at once.
  install_interrupt_handler("gradflow: interrupted (--json not written)\n");
  allow_clean_stop();

  auto cases = verify_cases(args.suite == "full" ? verify_suite::full : verify_suite::quick);
  if (!args.ids.empty())
    std::erase_if(cases, [&](const verify_case& c) {
      return std::find(args.ids.begin(), args.ids.end(), c.id) == args.ids.end();
    });

  std::printf("%s%s%6s  %s%s%s%s%8s\n", pad("id", 24).c_str(), pad("instance", 66).c_str(), "digits",
              pad("measured", 13).c_str(), pad("bound", 15).c_str(), pad("expected", 15).c_str(),
              pad("verdict", 15).c_str(), "seconds");
  nlohmann::json rows = nlohmann::json::array();
  int failed = 0;
  bool interrupted = false;
  std::size_t n_run = 0;
  for (const auto& c : cases) {
    // NOTE: a closed stdout (verify | head) fails the writes once SIGPIPE is ignored: stop as if interrupted.
    if (interrupt_requested() || std::ferror(stdout)) {
      interrupted = true;
      break;
    }
    ++n_run;
    const verify_row row = run_verify_case(c);
    // A verdict other than the pinned one fails the run, whichever way it differs.
    if (!row.as_expected()) ++failed;
    std::printf("%s%s%6u  %s%s%s%s%8.2f\n", pad(row.id, 24).c_str(), pad(row.instance, 66).c_str(),
                row.digits, pad(column(row.result.measured), 13).c_str(),
                pad(column(row.result.bound), 15).c_str(),
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
  interrupted = interrupted || interrupt_requested() || std::ferror(stdout);
  if (interrupted)
    std::printf("gradflow verify: interrupted after %zu of %zu instances, %d not as expected\n", n_run,
                cases.size(), failed);
  else
    std::printf("gradflow verify: %zu instances, %d not as expected\n", cases.size(), failed);
  std::fflush(stdout);
  nlohmann::json document{{"suite", args.suite}, {"checks", rows}};
  if (interrupted) document["interrupted"] = true;
  if (!args.json.empty() && !write_json(args.json, document)) {
    std::fprintf(stderr, "gradflow: could not write %s\n", args.json.c_str());
    return exit_failure;
  }
  if (interrupted) return exit_interrupted;
  return failed ? exit_failure : exit_success;
}

}  // namespace gradflow::cli
