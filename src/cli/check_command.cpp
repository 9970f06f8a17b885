// `gradflow check DIR`: judges a trajectory as given (a gradflow run directory, or the output of any
// other implementation) under the config it claims to follow. README "Testing your own implementation".
#include "check_command.hpp"

#include "progress.hpp"
#include "run_command.hpp"

#include "gradflow/checks/catalogue.hpp"
#include "gradflow/io/invalid_input.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/run/run.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace gradflow::cli {

namespace {

namespace fs = std::filesystem;

// trajectory.csv as text: the header and the rows, each row as many fields as the header.
struct csv_table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;  // 1-based line of each row, for messages
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

csv_table read_table(const fs::path& file) {
  std::ifstream in(file);
  if (!in)
    throw invalid_input(file.string() +
                        " is missing: gradflow check needs the trajectory (t and the state columns)");
  csv_table table;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> fields = split(line);
    if (table.header.empty()) {
      table.header = std::move(fields);
      continue;
    }
    if (fields.size() != table.header.size())
      throw invalid_input(file.string() + " line " + std::to_string(number) + " has " +
                          std::to_string(fields.size()) + " fields but the header has " +
                          std::to_string(table.header.size()));
    table.rows.push_back(std::move(fields));
    table.lines.push_back(number);
  }
  if (table.header.empty())
    throw invalid_input(file.string() + " is empty: it needs a header row and at least 2 samples");
  return table;
}

// "U_2_1" → "U" when the name has the <matrix>_<row>_<col> shape.
std::optional<std::string> matrix_of(const std::string& column) {
  const auto last = column.rfind('_');
  if (last == std::string::npos || last == 0) return std::nullopt;
  const auto middle = column.rfind('_', last - 1);
  if (middle == std::string::npos || middle == 0) return std::nullopt;
  const auto is_index = [](const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
  };
  if (!is_index(column.substr(middle + 1, last - middle - 1)) || !is_index(column.substr(last + 1)))
    return std::nullopt;
  return column.substr(0, middle);
}

// The path of trajectory.csv: t, θ in state order (by column name) and, when given, the steps column.
text_path read_path(const csv_table& table, const fs::path& file, const run_config& c,
                    const std::vector<std::string>& names) {
  std::map<std::string, std::size_t> column;
  for (std::size_t j = 0; j < table.header.size(); ++j) column.emplace(table.header[j], j);
  if (!column.count("t")) throw invalid_input(file.string() + " has no column t (the time of each sample)");
  std::vector<std::string> matrices;
  for (const auto& n : names)
    if (const auto m = matrix_of(n); m && std::find(matrices.begin(), matrices.end(), *m) == matrices.end())
      matrices.push_back(*m);
  for (const auto& h : table.header)
    if (const auto m = matrix_of(h); m && std::find(matrices.begin(), matrices.end(), *m) != matrices.end() &&
                                     std::find(names.begin(), names.end(), h) == names.end())
      throw invalid_input(file.string() + " column " + h + " names no state entry of model.kind = \"" +
                          c.kind + "\" (its " + std::to_string(names.size()) + " state columns are " +
                          names.front() + " … " + names.back() + ")");
  std::vector<std::size_t> state;
  for (const auto& n : names) {
    const auto it = column.find(n);
    if (it == column.end())
      throw invalid_input(file.string() + " has no column " + n + " (model.kind = \"" + c.kind + "\" has " +
                          std::to_string(names.size()) + " state columns " + names.front() + " … " +
                          names.back() + "; gradflow run writes them with output.state = true)");
    state.push_back(it->second);
  }
  if (table.rows.size() < 2)
    throw invalid_input(file.string() + " has " + std::to_string(table.rows.size()) +
                        " sample rows: a path needs at least 2");
  const auto steps = column.find("steps");
  text_path path;
  std::vector<std::int64_t> steps_at;
  for (std::size_t k = 0; k < table.rows.size(); ++k) {
    const auto& row = table.rows[k];
    const auto field = [&](std::size_t j) -> const std::string& {
      if (!is_decimal(row[j]))
        throw invalid_input(file.string() + " line " + std::to_string(table.lines[k]) + " column " +
                            table.header[j] + " = \"" + row[j] + "\" is not a decimal number");
      return row[j];
    };
    path.t.push_back(field(column.at("t")));
    path.theta.emplace_back();
    for (const std::size_t j : state) path.theta.back().push_back(field(j));
    if (steps != column.end()) {
      const std::string& s = row[steps->second];
      if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
        throw invalid_input(file.string() + " line " + std::to_string(table.lines[k]) + " column steps = \"" +
                            s + "\" is not a count of steps");
      steps_at.push_back(std::strtoll(s.c_str(), nullptr, 10));
    }
  }
  // t must increase: compared at the check's precision, above the path's own digits.
  {
    working_precision_scope scope(path_check_digits(c));
    for (std::size_t k = 1; k < path.t.size(); ++k)
      if (!(parse_decimal<Real>(path.t[k]) > parse_decimal<Real>(path.t[k - 1])))
        throw invalid_input(file.string() + " line " + std::to_string(table.lines[k]) + ": t = " + path.t[k] +
                            " is not greater than t = " + path.t[k - 1] + " on line " +
                            std::to_string(table.lines[k - 1]) + " (t must increase)");
  }
  for (std::size_t k = 1; k < steps_at.size(); ++k) {
    if (steps_at[k] < steps_at[k - 1])
      throw invalid_input(file.string() + " line " + std::to_string(table.lines[k]) +
                          ": steps = " + std::to_string(steps_at[k]) + " is below the previous row's " +
                          std::to_string(steps_at[k - 1]) + " (steps count up)");
    path.interval_steps.push_back(steps_at[k] - steps_at[k - 1]);
  }
  return path;
}

// How the path ended, for checks about the limit: summary.json's stop_reason when DIR is a run
// directory; otherwise loss_below when the config stops on a loss and the path ends before t_end.
stop_reason stop_of(const fs::path& dir, const run_config& c, const text_path& path) {
  std::ifstream in(dir / "summary.json");
  if (in) {
    try {
      const auto summary = nlohmann::json::parse(in);
      const std::string r = summary.at("stop_reason").get<std::string>();
      for (const auto reason : {stop_reason::t_end, stop_reason::max_steps, stop_reason::interrupted,
                                stop_reason::loss_below, stop_reason::wall_seconds})
        if (r == stop_reason_name(reason)) return reason;
    } catch (const std::exception&) {}
  }
  if (!c.loss_below) return stop_reason::t_end;
  if (c.time_change) return stop_reason::loss_below;
  working_precision_scope scope(path_check_digits(c));
  return parse_decimal<Real>(path.t.back()) < parse_decimal<Real>(c.t_end) ? stop_reason::loss_below
                                                                           : stop_reason::t_end;
}

// Short numbers for the table: the full decimal strings are in --json.
std::string column(const std::string& text) {
  if (text.size() <= 12 || text.find_first_not_of("0123456789+-.eE") != std::string::npos) return text;
  const auto e = text.find_first_of("eE");
  return e == std::string::npos ? text.substr(0, 12) : text.substr(0, 7) + text.substr(e);
}

std::string pad(const std::string& text, std::size_t width) {
  std::size_t shown = 0;
  for (unsigned char ch : text) shown += (ch & 0xC0) != 0x80;
  return text + std::string(shown < width ? width - shown : 1, ' ');
}

struct check_row {
  check_result result;
  double seconds;
};

int judge(const check_arguments& args) {
  for (const auto& id : args.ids)
    if (!is_catalogued(id))
      throw invalid_input("unknown check id \"" + id + "\" (known ids: " + catalogued_ids() + ")");
  const fs::path config_file = args.dir / "config.toml";
  if (!fs::is_regular_file(config_file))
    throw invalid_input(config_file.string() +
                        " is missing: gradflow check needs the config the path claims to follow");
  const run_config c = load_config(config_file, {});
  const std::string tolerance = args.tolerance.empty() ? c.tolerance : args.tolerance;
  if (!is_decimal(tolerance) || !(std::strtod(tolerance.c_str(), nullptr) > 0) ||
      !(std::strtod(tolerance.c_str(), nullptr) < 1))
    throw invalid_input("--tolerance = \"" + tolerance + "\" violates 0 < tolerance < 1 (a decimal number)");
  if (!args.json.empty()) {
    std::ofstream probe(args.json.string() + ".partial");
    if (!probe) throw invalid_input("--json = \"" + args.json.string() + "\": cannot write beside this path");
    probe.close();
    fs::remove(args.json.string() + ".partial");
  }
  const std::vector<std::string> names = state_column_names(c);
  const fs::path file = args.dir / "trajectory.csv";
  const text_path path = read_path(read_table(file), file, c, names);
  const auto wanted = [&](const std::string& id) {
    return args.ids.empty() || std::count(args.ids.begin(), args.ids.end(), id);
  };

  std::vector<check_row> rows;
  using clock = std::chrono::steady_clock;
  if (wanted("flow.path_defect")) {
    const auto start = clock::now();
    check_result r;
    cli_observer observer(args.quiet);
    try {
      r = path_defect_of(c, path, tolerance, observer);
    } catch (const std::exception& e) {
      r = {"flow.path_defect", verdict::fail, "", "", std::string("the re-integration failed: ") + e.what()};
    }
    rows.push_back({std::move(r), std::chrono::duration<double>(clock::now() - start).count()});
  }
  const bool others = args.ids.empty() || std::any_of(args.ids.begin(), args.ids.end(), [](const auto& id) {
                        return id != "flow.path_defect";
                      });
  if (others) {
    const auto start = clock::now();
    const stop_reason reason = stop_of(args.dir, c, path);
    std::vector<check_result> results = model_checks_of(c, path, tolerance, reason);
    // The model's checks run together: each row shows their shared time.
    const double seconds = std::chrono::duration<double>(clock::now() - start).count();
    for (auto& r : results)
      if (wanted(r.id)) rows.push_back({std::move(r), seconds});
  }

  std::printf("%s%s%s%s%8s\n", pad("id", 26).c_str(), pad("measured", 15).c_str(), pad("bound", 15).c_str(),
              pad("verdict", 15).c_str(), "seconds");
  nlohmann::json list = nlohmann::json::array();
  int failed = 0;
  for (const auto& [r, seconds] : rows) {
    if (r.verdict == verdict::fail) ++failed;
    std::printf("%s%s%s%s%8.2f\n", pad(r.id, 26).c_str(), pad(column(r.measured), 15).c_str(),
                pad(column(r.bound), 15).c_str(), pad(std::string(verdict_name(r.verdict)), 15).c_str(),
                seconds);
    if (r.verdict == verdict::fail) std::printf("    %s\n", r.detail.c_str());
    list.push_back({{"id", r.id},
                    {"instance", args.dir.string()},
                    {"verdict", verdict_name(r.verdict)},
                    {"measured", r.measured},
                    {"bound", r.bound},
                    {"detail", r.detail},
                    {"seconds", seconds}});
  }
  std::printf("gradflow check: %zu checks on %s (%zu samples, tolerance %s), %d failed\n", rows.size(),
              args.dir.c_str(), path.t.size(), tolerance.c_str(), failed);
  if (!args.json.empty()) {
    const fs::path temporary = args.json.string() + ".partial";
    bool ok = false;
    {
      std::ofstream out(temporary);
      ok = static_cast<bool>(out << nlohmann::json{{"dir", args.dir.string()}, {"checks", list}}.dump(2)
                                 << "\n");
    }
    std::error_code error;
    if (ok) fs::rename(temporary, args.json, error);
    if (!ok || error) {
      std::fprintf(stderr, "gradflow: could not write %s\n", args.json.c_str());
      return exit_failure;
    }
  }
  return failed ? exit_failure : exit_success;
}

}  // namespace

int check_command(const check_arguments& args) {
  try {
    return judge(args);
  } catch (const invalid_input& e) {
    std::fprintf(stderr, "gradflow: %s\n", e.what());
    return exit_bad_input;
  }
}

}  // namespace gradflow::cli
