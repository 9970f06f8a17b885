#include "gradflow/io/config.hpp"

#include "config_reader.hpp"

#include "gradflow/io/invalid_input.hpp"
#include "gradflow/integrate/options.hpp"
#include "gradflow/io/sha256.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/precision.hpp"
#include "gradflow/run/model_entry.hpp"

#include <mpfr.h>
#include <toml++/toml.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <algorithm>
#include <map>
#include <limits>
#include <sstream>

namespace gradflow {

using namespace config_detail;

namespace {

// What each config key holds. The schema is the contract of ARCHITECTURE.md §6; the [model] keys
// beyond kind and loss are those of the model entries (a key has one kind in every model that has it).
using section_keys = std::map<std::string, key_kind>;

const std::map<std::string, section_keys>& schema() {
  static const std::map<std::string, section_keys> s = [] {
    std::map<std::string, section_keys> out{
        {"model", {{"kind", key_kind::text}, {"loss", key_kind::text}}},
        {"precision", {{"type", key_kind::text}, {"digits", key_kind::integer}}},
        {"integrator",
         {{"method", key_kind::text}, {"tolerance", key_kind::decimal}, {"time_change", key_kind::text}}},
        {"stop",
         {{"t_end", key_kind::decimal},
          {"loss_below", key_kind::decimal},
          {"max_steps", key_kind::integer},
          {"wall_seconds", key_kind::decimal}}},
        {"output",
         {{"samples", key_kind::integer},
          {"spacing", key_kind::text},
          {"grid", key_kind::grid},
          {"state", key_kind::boolean},
          {"npz", key_kind::boolean},
          {"checkpoint_seconds", key_kind::integer}}},
    };
    for (const model_entry* e : model_entries())
      for (const auto& key : e->keys) out["model"].emplace(std::string(key.name), key.kind);
    return out;
  }();
  return s;
}

template <class Map>
std::string known_names(const Map& m) {
  std::string out;
  for (const auto& [name, unused] : m) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// The entry of model.kind as written, when it names a known model (key lists then show its keys).
const model_entry* known_kind(const toml::table& table) {
  const auto kind = table["model"]["kind"].value<std::string>();
  return kind ? find_model_entry(*kind) : nullptr;
}

bool is_key_of(const model_entry& e, const std::string& key) {
  return key == "kind" || key == "loss" ||
         std::any_of(e.keys.begin(), e.keys.end(), [&](const model_key& k) { return k.name == key; });
}

std::string kinds_list() {
  std::string out;
  std::vector<std::string> kinds;
  for (const model_entry* e : model_entries()) kinds.emplace_back(e->kind);
  std::sort(kinds.begin(), kinds.end());
  for (const auto& k : kinds) out += (out.empty() ? "" : ", ") + k;
  return out;
}

// The keys of one table, for "known keys in [...]" messages: in [model], those of the configured model.
std::string known_keys(const std::string& section, const toml::table& table) {
  const auto& keys = schema().at(section);
  const model_entry* kind = known_kind(table);
  if (section != "model" || !kind) return known_names(keys);
  std::string out;
  for (const auto& [name, unused] : keys)
    if (is_key_of(*kind, name)) out += (out.empty() ? "" : ", ") + name;
  return out;
}

void check_known_keys(const toml::table& m_table) {
  for (const auto& [section, node] : m_table) {
    const std::string name(section.str());
    const auto it = schema().find(name);
    if (it == schema().end())
      throw invalid_input("unknown table [" + name + "] (known tables: " + known_names(schema()) + ")");
    const auto* sub = node.as_table();
    if (!sub) throw invalid_input(name + " must be a table ([" + name + "])");
    for (const auto& [key, unused] : *sub) {
      const std::string k(key.str());
      if (!it->second.count(k))
        throw invalid_input("unknown key " + name + "." + k + " (known keys in [" + name +
                            "]: " + known_keys(name, m_table) + ")");
      if (const model_entry* kind = known_kind(m_table); name == "model" && kind && !is_key_of(*kind, k))
        throw invalid_input("model." + k + " is not used by model.kind = \"" + std::string(kind->kind) +
                            "\": its initial weights are " + std::string(kind->initial_weights));
    }
  }
}

// --set section.key=value: the value is read according to the key's kind, so that
// `--set integrator.tolerance=1e-80` stays a decimal string rather than becoming a TOML float.
void apply_override(toml::table& table, const std::string& assignment) {
  const auto eq = assignment.find('=');
  const auto dot = assignment.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq)
    throw invalid_input("--set " + assignment +
                        ": expected section.key=value (e.g. --set integrator.tolerance=1e-40)");
  const std::string section = assignment.substr(0, dot), key = assignment.substr(dot + 1, eq - dot - 1);
  std::string value = assignment.substr(eq + 1);
  const auto sec = schema().find(section);
  if (sec == schema().end())
    throw invalid_input("--set " + assignment + ": unknown table [" + section +
                        "] (known tables: " + known_names(schema()) + ")");
  if (!sec->second.count(key))
    throw invalid_input("--set " + assignment + ": unknown key " + section + "." + key + " (known keys in [" +
                        section + "]: " + known_keys(section, table) + ")");
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
    value = value.substr(1, value.size() - 2);
  if (!table.contains(section)) table.insert(section, toml::table{});
  auto& target = *table[section].as_table();
  const key_kind kind = sec->second.at(key);
  const bool is_matrix = kind == key_kind::matrix || kind == key_kind::matrix_list;
  const bool is_toml = kind == key_kind::integer || kind == key_kind::boolean || kind == key_kind::grid;
  if (is_toml || (is_matrix && !value.empty() && value.front() == '[')) {
    toml::table parsed;
    try {
      parsed = toml::parse("v = " + value);
    } catch (const toml::parse_error&) {
      throw invalid_input("--set " + assignment + ": \"" + value + "\" is not a valid " +
                          (kind == key_kind::integer   ? "integer"
                           : kind == key_kind::boolean ? "boolean (true or false)"
                                                       : "TOML array"));
    }
    target.insert_or_assign(key, *parsed.get("v"));
  } else {
    target.insert_or_assign(key, value);
  }
}

}  // namespace

std::string default_tolerance(method m, bool is_float64, unsigned digits) {
  if (is_float64) return "1e-13";
  // Taylor's cost grows only like the square of its order (∝ −ln tol), so it can afford to earn
  // nearly every working digit; fixed-order methods pay tol^(−1/order) steps and get half of them.
  const unsigned exponent = m == method::taylor ? std::max(digits - 10, digits / 2) : digits / 2;
  return "1e-" + std::to_string(exponent);
}

void check_data_shapes(const text_matrix& X, const text_matrix& Y) {
  if (Y.n_rows() != X.n_rows())
    throw invalid_input("model.Y has " + std::to_string(Y.n_rows()) + " rows but model.X has " +
                        std::to_string(X.n_rows()) + ": one row per sample in both");
}

void check_labels(const text_matrix& Y, const std::string& loss) {
  if (Y.n_cols() != 1) return;  // the model's shape check names the column count
  for (std::size_t n = 0; n < Y.n_rows(); ++n) {
    const std::string& y = Y.rows[n][0];
    const coarse_decimal v(y);
    if (v.compare("1") != 0 && v.compare("-1") != 0)
      throw invalid_input("model.Y[" + std::to_string(n) + "][0] = \"" + y +
                          "\" violates y in {-1, 1} (labels of loss = \"" + loss + "\")");
  }
}

int decimal_sign(const std::string& text) { return coarse_decimal(text).sign(); }

namespace {

// A decimal (is_decimal) as sign, significant digits and the exponent of the last of them: exact, and
// the same for every way of writing one value (zero is "", 0).
struct normal_decimal {
  bool negative = false;
  std::string digits;
  long long exponent = 0;
  bool operator==(const normal_decimal&) const = default;
};

normal_decimal normalise(const std::string& text) {
  normal_decimal n;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) n.negative = text[i++] == '-';
  long long point = 0;
  bool after_point = false;
  for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    if (text[i] == '.') {
      after_point = true;
      continue;
    }
    n.digits += text[i];
    if (after_point) --point;
  }
  long long e = 0;
  if (i < text.size()) {
    std::string exponent = text.substr(i + 1);
    const bool below = !exponent.empty() && exponent[0] == '-';
    if (!exponent.empty() && (exponent[0] == '-' || exponent[0] == '+')) exponent.erase(0, 1);
    exponent.erase(0, std::min(exponent.find_first_not_of('0'), exponent.size()));
    // An exponent beyond 10^15 saturates: such a value is 0 or infinite at every precision gradflow has.
    e = exponent.empty() ? 0 : exponent.size() > 15 ? (1LL << 50) : std::stoll(exponent);
    if (below) e = -e;
  }
  const auto first = n.digits.find_first_not_of('0');
  if (first == std::string::npos) return {};
  n.digits.erase(0, first);
  const auto last = n.digits.find_last_not_of('0');
  n.exponent = e + point + static_cast<long long>(n.digits.size() - 1 - last);
  n.digits.erase(last + 1);
  return n;
}

}  // namespace

bool decimal_equal(const std::string& a, const std::string& b) { return normalise(a) == normalise(b); }

bool decimal_less(const std::string& a, const std::string& b) { return coarse_decimal(a).compare(b) < 0; }

namespace {

// The [model] keys of one entry, read through the config reader; every value lands in c.model.
class entry_reader final : public model_reader {
 public:
  entry_reader(config_reader& r, run_config& c) : m_r(r), m_c(c) {}
  const run_config& config() const override { return m_c; }
  bool has(const std::string& key) const override { return m_r.find("model", key) != nullptr; }
  std::optional<std::string> peek_text(const std::string& key) const override {
    const toml::node* node = m_r.find("model", key);
    return node ? node->value<std::string>() : std::nullopt;
  }
  std::string text(const std::string& key, const std::optional<std::string>& fallback) override {
    if (fallback) m_r.set_default("model", key, toml::value<std::string>(*fallback));
    std::string v = m_r.text("model", key);
    m_c.model.set(key, v);
    return v;
  }
  std::optional<std::string> decimal(const std::string& key,
                                     const std::optional<std::string>& fallback) override {
    if (fallback) m_r.set_default("model", key, toml::value<std::string>(*fallback));
    auto v = m_r.decimal("model", key);
    if (v) m_c.model.set(key, *v);
    return v;
  }
  std::int64_t integer(const std::string& key, std::int64_t lo, std::int64_t hi,
                       std::optional<std::int64_t> fallback) override {
    if (fallback) m_r.set_default("model", key, toml::value<std::int64_t>(*fallback));
    const std::int64_t v = m_r.integer("model", key, lo, hi);
    m_c.model.set(key, v);
    return v;
  }
  bool boolean(const std::string& key, std::optional<bool> fallback) override {
    if (fallback) m_r.set_default("model", key, toml::value<bool>(*fallback));
    const bool v = m_r.boolean("model", key);
    m_c.model.set(key, v);
    return v;
  }
  text_matrix matrix(const std::string& key) override {
    text_matrix M = m_r.matrix_value(key, m_c.input_files);
    m_c.model.set(key, M);
    return M;
  }
  std::vector<text_matrix> matrix_list(const std::string& key, std::size_t min_size, const std::string& rule,
                                       const std::string& unit, const std::string& first) override {
    auto list = m_r.matrix_list(key, min_size, rule, unit, first, m_c.input_files);
    m_c.model.set(key, list);
    return list;
  }

 private:
  config_reader& m_r;
  run_config& m_c;
};

// "a", "a and b", "a, b and c": the kinds whose entry has a capability, each quoted.
std::string kinds_with(bool model_entry::*capability) {
  std::vector<std::string> kinds;
  for (const model_entry* e : model_entries())
    if (e->*capability) kinds.push_back("\"" + std::string(e->kind) + "\"");
  std::string out;
  for (std::size_t i = 0; i < kinds.size(); ++i)
    out += (i == 0 ? "" : i + 1 == kinds.size() ? " and " : ", ") + kinds[i];
  return out;
}

}  // namespace

run_config load_config(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  if (std::error_code ec; !std::filesystem::is_regular_file(file, ec) || std::ifstream(file).fail())
    throw invalid_input("config file \"" + file.string() + "\" cannot be read");
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  toml::table table;
  try {
    table = toml::parse(bytes, file.string());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw invalid_input(file.string() + ":" + std::to_string(where.line) + ":" +
                        std::to_string(where.column) + ": malformed TOML: " + std::string(e.description()));
  }
  for (const auto& assignment : overrides) apply_override(table, assignment);

  config_reader r(std::move(table), file.parent_path());
  check_known_keys(r.table());
  run_config c;
  c.input_files.push_back(file);
  c.input_sha256.push_back(sha256_text(bytes));

  r.set_default("model", "loss", toml::value<std::string>("square"));
  c.kind = r.text("model", "kind");
  const model_entry* entry = find_model_entry(c.kind);
  if (!entry)
    throw invalid_input("model.kind = \"" + c.kind + "\" is not a known model (known: " + kinds_list() + ")");
  c.loss = r.text("model", "loss");
  if (std::find(entry->losses.begin(), entry->losses.end(), c.loss) == entry->losses.end()) {
    std::string available;
    for (const auto& l : entry->losses) available += (available.empty() ? "" : ", ") + std::string(l);
    throw invalid_input("model.loss = \"" + c.loss + "\" is not available for " + c.kind +
                        " (available: " + available + ")");
  }

  r.set_default("precision", "type", toml::value<std::string>("mpfr"));
  const std::string type = r.text("precision", "type");
  if (type != "mpfr" && type != "float64")
    throw invalid_input("precision.type = \"" + type + "\" must be \"mpfr\" or \"float64\"");
  c.is_float64 = type == "float64";
  r.set_default("precision", "digits", toml::value<std::int64_t>(50));
  c.digits = static_cast<unsigned>(r.integer("precision", "digits", min_working_digits, max_working_digits));

  r.set_default("integrator", "method", toml::value<std::string>("taylor"));
  const std::string method_text = r.text("integrator", "method");
  const auto m = parse_method(method_text);
  if (!m)
    throw invalid_input("integrator.method = \"" + method_text +
                        "\" is not a known method (known: " + method_names() + ")");
  c.method = *m;

  r.set_default("integrator", "tolerance",
                toml::value<std::string>(default_tolerance(c.method, c.is_float64, c.digits)));
  c.tolerance = *r.decimal("integrator", "tolerance");
  const coarse_decimal tol(c.tolerance);
  if (tol.sign() <= 0 || tol.compare("1") >= 0)
    throw invalid_input("integrator.tolerance = \"" + c.tolerance + "\" violates " +
                        std::string(option_rules::tolerance));
  const std::string finest = c.is_float64 ? "1e-15" : "1e-" + std::to_string(c.digits - 1);
  if (tol.compare(finest) < 0)
    throw invalid_input("integrator.tolerance = \"" + c.tolerance + "\" is finer than " +
                        (c.is_float64 ? std::string("float64") : std::to_string(c.digits) + " digits") +
                        " can resolve: it must be >= " + finest);

  r.set_default("integrator", "time_change", toml::value<std::string>("none"));
  const std::string time_change = r.text("integrator", "time_change");
  if (time_change != "none" && time_change != "loss")
    throw invalid_input("integrator.time_change = \"" + time_change +
                        "\" must be \"none\" or \"loss\" (dt/ds = 1/L)");
  c.time_change = time_change == "loss";
  if (c.time_change && c.method != method::taylor)
    throw invalid_input("integrator.time_change = \"loss\" needs method = \"taylor\" (not " + method_text +
                        ")");
  if (c.time_change && !entry->time_change)
    throw invalid_input("integrator.time_change = \"loss\" is available for model.kind = " +
                        kinds_with(&model_entry::time_change) + ", not " + c.kind);

  const auto t_end = r.decimal("stop", "t_end");
  if (c.time_change) {
    if (t_end)
      throw invalid_input("stop.t_end = \"" + *t_end +
                          "\" cannot be used with integrator.time_change = \"loss\": the run "
                          "integrates in s (dt/ds = 1/L) and stops at stop.loss_below");
    if (!r.find("stop", "loss_below"))
      throw invalid_input(
          "integrator.time_change = \"loss\" needs stop.loss_below (the loss to integrate down to)");
  } else {
    if (!t_end) throw invalid_input("stop.t_end is required (the time to integrate to)");
    c.t_end = *t_end;
    if (coarse_decimal(c.t_end).sign() <= 0)
      throw invalid_input("stop.t_end = \"" + c.t_end + "\" violates " + std::string(option_rules::t_end));
  }
  if (const auto loss_below = r.decimal("stop", "loss_below")) {
    if (c.method != method::taylor)
      throw invalid_input("stop.loss_below = \"" + *loss_below + "\" is not supported by method " +
                          method_text + " (" + std::string(option_rules::loss_below_method) + ")");
    if (coarse_decimal(*loss_below).sign() <= 0)
      throw invalid_input("stop.loss_below = \"" + *loss_below + "\" violates " +
                          std::string(option_rules::loss_below));
    c.loss_below = *loss_below;
  }
  r.set_default("stop", "max_steps", toml::value<std::int64_t>(1000000));
  c.max_steps = r.integer("stop", "max_steps", 1, std::int64_t{1} << 62);
  if (const auto wall = r.decimal("stop", "wall_seconds")) {
    if (coarse_decimal(*wall).sign() <= 0)
      throw invalid_input("stop.wall_seconds = \"" + *wall + "\" violates wall_seconds > 0");
    c.wall_seconds = std::strtod(wall->c_str(), nullptr);  // a clock budget: double is enough
  }
  if (r.find("output", "checkpoint_seconds"))  // not written into the resolved config when absent
    c.checkpoint_seconds = r.integer("output", "checkpoint_seconds", 0, 1000000000);

  r.set_default("output", "samples", toml::value<std::int64_t>(101));
  c.samples = r.integer("output", "samples", 2, 10000000);
  // A run that stops on a loss spreads its samples over the levels it passes (issue 18: spacing in t
  // over [0, t_end] gave 2–3 rows of 60 to a run that ends on loss_below long before t_end).
  r.set_default("output", "spacing", toml::value<std::string>(c.loss_below ? "loss" : "t"));
  c.spacing = r.text("output", "spacing");
  if (c.spacing != "t" && c.spacing != "loss")
    throw invalid_input("output.spacing = \"" + c.spacing + "\" must be \"t\" or \"loss\"");
  if (c.spacing == "t" && c.time_change)
    throw invalid_input(
        "output.spacing = \"t\" cannot be used with integrator.time_change = \"loss\": use \"loss\"");
  if (c.spacing == "loss" && !c.loss_below)
    throw invalid_input(
        "output.spacing = \"loss\" needs stop.loss_below (samples are log-spaced in loss from L(0) "
        "down to it) and so method = \"taylor\"");

  r.set_default("output", "state", toml::value<bool>(false));
  c.state = r.boolean("output", "state");
  // output.npz only adds files (run_directory.cpp reads it from the resolved config): not written into
  // the resolved config when absent, so configs without it keep their hash.
  if (r.find("output", "npz")) r.boolean("output", "npz");
  c.grid = r.grid("output", "grid");
  if (c.grid && !entry->grid)
    throw invalid_input("output.grid is available for model.kind = " + kinds_with(&model_entry::grid) +
                        ", not " + c.kind);
  entry_reader model(r, c);
  entry->read(model);

  c.input_sha256.insert(c.input_sha256.end(), r.input_sha256().begin(), r.input_sha256().end());
  std::ostringstream json;
  json << toml::json_formatter{r.table()};
  c.resolved = nlohmann::json::parse(json.str());
  return c;
}

}  // namespace gradflow
