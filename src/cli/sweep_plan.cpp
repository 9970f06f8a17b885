// Reading a sweep file and expanding its grid (README "Sweeps"). The values are kept as the text
// `--set` takes, so that a point's run is `gradflow run BASE --set key=value ...` exactly.
#include "sweep_plan.hpp"

#include "gradflow/io/config.hpp"
#include "gradflow/io/invalid_input.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <tuple>

namespace gradflow::cli {

namespace {

namespace fs = std::filesystem;

// One leaf of [axes] or [set] with where it was written (toml++ tables are sorted by key; the
// order of the grid is the order in the file).
struct located {
  std::string key;
  const toml::node* node;
  std::tuple<unsigned, unsigned> where;
};

// Flattens nested tables (`model.seed = …` unquoted in [axes] is the table model with key seed) into
// dotted keys, so that quoted and unquoted keys mean the same.
void flatten(const toml::table& table, const std::string& prefix, std::vector<located>& out) {
  for (const auto& [key, node] : table) {
    const std::string name = prefix + std::string(key.str());
    if (const auto* sub = node.as_table()) {
      flatten(*sub, name + ".", out);
      continue;
    }
    const auto& begin = node.source().begin;
    out.push_back({name, &node, {begin.line, begin.column}});
  }
}

std::vector<located> in_written_order(const toml::table& table) {
  std::vector<located> out;
  flatten(table, "", out);
  std::stable_sort(out.begin(), out.end(),
                   [](const located& a, const located& b) { return a.where < b.where; });
  return out;
}

// A value as `--set` text: integers, strings and booleans; a TOML float is refused as in configs
// (it has already lost digits to double), with the same advice.
std::string value_text(const toml::node& node, const std::string& field) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* f = node.as_floating_point()) {
    const double x = f->get();
    if (!std::isfinite(x)) throw invalid_input(field + " is not a finite number");
    char text[32];
    const std::string value(text, std::to_chars(text, text + sizeof text, x).ptr);
    throw invalid_input(field + " = " + value + " is a TOML float: quote it (\"" + value +
                        "\") so that it is read exactly at working precision");
  }
  throw invalid_input(field + " must be an integer, a string or a boolean");
}

std::string read_file(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec) || std::ifstream(file).fail())
    throw invalid_input("sweep file \"" + file.string() + "\" cannot be read");
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

toml::table parse(const fs::path& file) {
  const std::string bytes = read_file(file);
  try {
    return toml::parse(bytes, file.string());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw invalid_input(file.string() + ":" + std::to_string(where.line) + ":" +
                        std::to_string(where.column) + ": malformed TOML: " + std::string(e.description()));
  }
}

// base = "…": relative to the sweep file, made absolute so that every worker reads the same file.
fs::path read_base(const toml::table& table, const fs::path& file, const std::string& at) {
  const toml::node* node = table.get("base");
  if (!node)
    throw invalid_input(at +
                        "base is required: the config file every point starts from (relative to the "
                        "sweep file)");
  const auto* text = node->as_string();
  if (!text) throw invalid_input(at + "base must be a string: a config file relative to the sweep file");
  const fs::path base = fs::absolute(file.parent_path() / text->get()).lexically_normal();
  std::error_code ec;
  if (!fs::is_regular_file(base, ec) || std::ifstream(base).fail())
    throw invalid_input(at + "base = \"" + text->get() + "\": config file \"" + base.string() +
                        "\" cannot be read");
  return base;
}

std::vector<sweep_axis> read_axes(const toml::table& table, const std::string& at) {
  const toml::node* node = table.get("axes");
  const auto* axes = node ? node->as_table() : nullptr;
  if (!axes || axes->empty())
    throw invalid_input(at +
                        "[axes] is required: one or more \"section.key\" = [values] (e.g. \"model.seed\" "
                        "= [1, 2, 3])");
  std::vector<sweep_axis> out;
  for (const located& leaf : in_written_order(*axes)) {
    const std::string field = at + "axes.\"" + leaf.key + "\"";
    const auto* values = leaf.node->as_array();
    if (!values) throw invalid_input(field + " must be an array of values (e.g. [1, 2, 3])");
    if (values->empty()) throw invalid_input(field + " = [] is empty: give at least one value");
    sweep_axis axis{leaf.key, {}};
    for (std::size_t k = 0; k < values->size(); ++k)
      axis.values.push_back(value_text(*values->get(k), field + "[" + std::to_string(k) + "]"));
    out.push_back(std::move(axis));
  }
  return out;
}

std::vector<std::string> read_fixed(const toml::table& table, const std::vector<sweep_axis>& axes,
                                    const std::string& at) {
  const toml::node* node = table.get("set");
  if (!node) return {};
  const auto* set = node->as_table();
  if (!set) throw invalid_input(at + "set must be a table ([set]) of \"section.key\" = value");
  std::vector<std::string> out;
  for (const located& leaf : in_written_order(*set)) {
    const std::string field = at + "set.\"" + leaf.key + "\"";
    for (const auto& axis : axes)
      if (axis.key == leaf.key)
        throw invalid_input(field + " is also an axis: give \"" + leaf.key +
                            "\" in [axes] or in [set], not both");
    out.push_back(leaf.key + "=" + value_text(*leaf.node, field));
  }
  return out;
}

}  // namespace

std::string run_name(std::size_t index, std::size_t n_points) {
  const std::size_t width = std::max<std::size_t>(4, std::to_string(n_points ? n_points - 1 : 0).size());
  std::string digits = std::to_string(index);
  return "run-" + std::string(width - std::min(width, digits.size()), '0') + digits;
}

std::string describe_point(const sweep_plan& plan, const sweep_point& point) {
  std::string out;
  for (std::size_t a = 0; a < plan.axes.size(); ++a)
    out += (a ? ", " : "") + plan.axes[a].key + " = " + point.values[a];
  return out;
}

sweep_plan load_sweep(const fs::path& file) {
  const toml::table table = parse(file);
  const std::string at = file.string() + ": ";
  for (const auto& [key, unused] : table)
    if (key.str() != "base" && key.str() != "axes" && key.str() != "set")
      throw invalid_input(at + "unknown key " + std::string(key.str()) + " (known keys: base, axes, set)");
  sweep_plan plan;
  plan.file = file;
  plan.base = read_base(table, file, at);
  plan.axes = read_axes(table, at);
  for (std::size_t a = 0; a < plan.axes.size(); ++a)
    for (std::size_t b = 0; b < a; ++b)
      if (plan.axes[a].key == plan.axes[b].key)
        throw invalid_input(at + "axes.\"" + plan.axes[a].key + "\" is given twice");
  plan.fixed = read_fixed(table, plan.axes, at);

  std::size_t n = 1;
  for (const auto& axis : plan.axes) {
    if (axis.values.size() > max_sweep_points / n)
      throw invalid_input(at + "the grid has more than " + std::to_string(max_sweep_points) +
                          " points: split the sweep");
    n *= axis.values.size();
  }
  // Row-major: point i's value on the last axis is i mod n_last, and so on towards the first.
  for (std::size_t i = 0; i < n; ++i) {
    sweep_point p;
    p.index = i;
    p.name = run_name(i, n);
    p.values.resize(plan.axes.size());
    p.overrides = plan.fixed;
    std::size_t rest = i;
    for (std::size_t a = plan.axes.size(); a-- > 0;) {
      p.values[a] = plan.axes[a].values[rest % plan.axes[a].values.size()];
      rest /= plan.axes[a].values.size();
    }
    for (std::size_t a = 0; a < plan.axes.size(); ++a)
      p.overrides.push_back(plan.axes[a].key + "=" + p.values[a]);
    plan.points.push_back(std::move(p));
  }
  for (auto& p : plan.points) {
    try {
      p.resolved_toml = resolved_toml(load_config(plan.base, p.overrides));
    } catch (const invalid_input& e) {
      throw invalid_input(at + "point " + p.name + " (" + describe_point(plan, p) + "): " + e.what());
    }
  }
  return plan;
}

}  // namespace gradflow::cli
