#include "gradflow/io/config.hpp"

#include "gradflow/io/invalid_input.hpp"
#include "gradflow/io/sha256.hpp"
#include "gradflow/numeric/decimal.hpp"
#include "gradflow/numeric/precision.hpp"

#include <mpfr.h>
#include <toml++/toml.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <algorithm>
#include <map>
#include <limits>
#include <sstream>

namespace gradflow {

namespace {

// What each config key holds. The schema is the contract of ARCHITECTURE.md §6.
enum class key_kind { text, decimal, integer, boolean, grid, matrix, matrix_list };

const std::map<std::string, std::map<std::string, key_kind>>& schema() {
  static const std::map<std::string, std::map<std::string, key_kind>> s{
      {"model", {{"kind", key_kind::text}, {"loss", key_kind::text}, {"X", key_kind::matrix},
                 {"Y", key_kind::matrix}, {"U0", key_kind::matrix}, {"V0", key_kind::matrix},
                 {"W0", key_kind::matrix_list}, {"depth", key_kind::integer}, {"alpha", key_kind::decimal},
                 {"W_plus0", key_kind::matrix}, {"W_minus0", key_kind::matrix}, {"S", key_kind::matrix},
                 {"v0", key_kind::matrix_list},
                 {"width", key_kind::integer},
                 {"init", key_kind::text},
                 {"init_w", key_kind::decimal},
                 {"init_b", key_kind::decimal},
                 {"asi", key_kind::boolean},
                 {"skip", key_kind::boolean},
                 {"train", key_kind::text},
                 {"seed", key_kind::integer}}},
      {"precision", {{"type", key_kind::text}, {"digits", key_kind::integer}}},
      {"integrator", {{"method", key_kind::text}, {"tolerance", key_kind::decimal}, {"time_change", key_kind::text}}},
      {"stop", {{"t_end", key_kind::decimal}, {"loss_below", key_kind::decimal}, {"max_steps", key_kind::integer}}},
      {"output", {{"samples", key_kind::integer}, {"spacing", key_kind::text}, {"grid", key_kind::grid},
                  {"state", key_kind::boolean}}},
  };
  return s;
}

template <class Map>
std::string known_names(const Map& m) {
  std::string out;
  for (const auto& [name, unused] : m) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// The models, each with what it takes as initial weights; and the [model] keys that belong to one
// model only (those weights). Every other [model] key is common to all models.
const std::map<std::string, std::string>& model_weights() {
  static const std::map<std::string, std::string> models{
      {"linear2", "model.U0 and model.V0"},
      {"linear_deep", "model.W0 (one matrix per layer, W_1 first)"},
      {"diagonal", "model.alpha, or model.W_plus0 and model.W_minus0 (with model.depth)"},
      {"tensor", "model.alpha, or model.v0 (one column per layer, v_1 first; with model.depth and model.S)"},
      {"relu_shallow", "drawn from model.seed (model.width, init, init_w, init_b, asi, skip, train)"}};
  return models;
}
const std::map<std::string, std::vector<std::string>>& model_only_keys() {
  static const std::map<std::string, std::vector<std::string>> keys{
      {"U0", {"linear2"}},     {"V0", {"linear2"}},           {"W0", {"linear_deep"}},
      {"depth", {"diagonal", "tensor"}}, {"alpha", {"diagonal", "tensor"}}, {"W_plus0", {"diagonal"}},
      {"W_minus0", {"diagonal"}}, {"S", {"tensor"}},         {"v0", {"tensor"}},
      {"width", {"relu_shallow"}},  {"init", {"relu_shallow"}},  {"init_w", {"relu_shallow"}},
      {"init_b", {"relu_shallow"}}, {"asi", {"relu_shallow"}},   {"skip", {"relu_shallow"}},
      {"train", {"relu_shallow"}},  {"seed", {"relu_shallow"}}};
  return keys;
}

// model.kind as written, when it names a known model (the key lists below then show that model's keys).
std::optional<std::string> known_kind(const toml::table& table) {
  const auto kind = table["model"]["kind"].value<std::string>();
  if (kind && model_weights().count(*kind)) return kind;
  return std::nullopt;
}

bool is_key_of(const std::string& kind, const std::string& key) {
  const auto it = model_only_keys().find(key);
  return it == model_only_keys().end() || std::find(it->second.begin(), it->second.end(), kind) != it->second.end();
}

// The keys of one table, for "known keys in [...]" messages: in [model], those of the configured model.
std::string known_keys(const std::string& section, const toml::table& table) {
  const auto& keys = schema().at(section);
  const auto kind = known_kind(table);
  if (section != "model" || !kind) return known_names(keys);
  std::string out;
  for (const auto& [name, unused] : keys)
    if (is_key_of(*kind, name)) out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::string count_of(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string show(const toml::node& node) {
  std::ostringstream os;
  if (const auto* s = node.as_string()) os << '"' << s->get() << '"';
  else node.visit([&os](const auto& value) { os << value; });
  return os.str();
}

// A TOML float has already lost digits to double; it is shown in its shortest round-trip form
// (0.1, not 0.10000000000000001), which is what the user wrote whenever that fitted in a double.
std::string float_message(const std::string& field, const toml::node& node) {
  const double x = node.as_floating_point()->get();
  if (!std::isfinite(x)) return field + " = " + show(node) + " is not a finite number";
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, x).ptr;
  const std::string value(text, end);
  return field + " = " + value + " is a TOML float: quote it (\"" + value +
         "\") so that it is read exactly at working precision";
}

// Decimal value compared at 64 bits: enough for range rules (sign, 0 < x < 1, x >= 10^-k) whatever
// the exponent, and independent of the working precision, which is not set yet.
class coarse_decimal {
 public:
  explicit coarse_decimal(const std::string& text) {
    mpfr_init2(m_x, 64);
    mpfr_set_str(m_x, text.c_str(), 10, MPFR_RNDN);
  }
  ~coarse_decimal() { mpfr_clear(m_x); }
  coarse_decimal(const coarse_decimal&) = delete;
  coarse_decimal& operator=(const coarse_decimal&) = delete;
  int compare(const std::string& other) const {
    coarse_decimal y(other);
    return mpfr_cmp(m_x, y.m_x);
  }
  int sign() const { return mpfr_sgn(m_x); }

 private:
  mpfr_t m_x;
};

class config_reader {
 public:
  config_reader(toml::table table, std::filesystem::path base) : m_table(std::move(table)), m_base(std::move(base)) {}

  toml::table& table() { return m_table; }

  void check_known_keys() {
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
        if (const auto kind = known_kind(m_table); name == "model" && kind && !is_key_of(*kind, k))
          throw invalid_input("model." + k + " is not used by model.kind = \"" + *kind + "\": its initial weights are " +
                              model_weights().at(*kind));
      }
    }
  }

  const toml::node* find(const std::string& section, const std::string& key) const {
    const auto* sub = m_table[section].as_table();
    return sub ? sub->get(key) : nullptr;
  }

  void set_default(const std::string& section, const std::string& key, toml::node&& value) {
    if (!m_table.contains(section)) m_table.insert(section, toml::table{});
    auto* sub = m_table[section].as_table();
    if (!sub->contains(key)) sub->insert(key, std::move(value));
  }

  std::string text(const std::string& section, const std::string& key) const {
    const std::string field = section + "." + key;
    const toml::node* node = find(section, key);
    if (!node) throw invalid_input(field + " is required");
    if (!node->is_string()) throw invalid_input(field + " = " + show(*node) + " must be a string");
    return node->as_string()->get();
  }

  std::optional<std::string> decimal(const std::string& section, const std::string& key) const {
    const std::string field = section + "." + key;
    const toml::node* node = find(section, key);
    if (!node) return std::nullopt;
    if (node->is_floating_point()) throw invalid_input(float_message(field, *node));
    if (node->is_integer()) return std::to_string(node->as_integer()->get());
    if (!node->is_string()) throw invalid_input(field + " = " + show(*node) + " must be a decimal string");
    const std::string value = node->as_string()->get();
    if (!is_decimal(value)) throw invalid_input(field + " = \"" + value + "\" is not a finite decimal number");
    return value;
  }

  std::int64_t integer(const std::string& section, const std::string& key, std::int64_t lo, std::int64_t hi) const {
    const std::string field = section + "." + key;
    const toml::node* node = find(section, key);
    if (!node) throw invalid_input(field + " is required");
    if (!node->is_integer()) throw invalid_input(field + " = " + show(*node) + " must be an integer");
    const std::int64_t v = node->as_integer()->get();
    if (v < lo || v > hi)
      throw invalid_input(field + " = " + std::to_string(v) + " violates " + std::to_string(lo) + " <= " + key +
                          " <= " + std::to_string(hi));
    return v;
  }

  bool boolean(const std::string& section, const std::string& key) const {
    const std::string field = section + "." + key;
    const toml::node* node = find(section, key);
    if (!node) throw invalid_input(field + " is required");
    if (!node->is_boolean()) throw invalid_input(field + " = " + show(*node) + " must be true or false");
    return node->as_boolean()->get();
  }

  // output.grid = ["from", "to", points]: points ≥ 2 evenly spaced inputs from < to.
  std::optional<grid_spec> grid(const std::string& section, const std::string& key) const {
    const std::string field = section + "." + key;
    const toml::node* node = find(section, key);
    if (!node) return std::nullopt;
    const auto* list = node->as_array();
    const std::string rule = " must be [\"from\", \"to\", points]: two decimal strings and an integer number of points >= 2";
    if (!list) throw invalid_input(field + " = " + show(*node) + rule);
    if (list->size() != 3) throw invalid_input(field + " has " + count_of(list->size(), "entry", "entries") + " but" + rule);
    grid_spec g;
    for (std::size_t k = 0; k < 2; ++k) {
      const toml::node& end = *list->get(k);
      const std::string at = field + "[" + std::to_string(k) + "]";
      if (end.is_floating_point()) throw invalid_input(float_message(at, end));
      if (end.is_integer()) (k ? g.to : g.from) = std::to_string(end.as_integer()->get());
      else if (end.is_string() && is_decimal(end.as_string()->get())) (k ? g.to : g.from) = end.as_string()->get();
      else throw invalid_input(at + " = " + show(end) + " must be a decimal string");
    }
    const toml::node& points = *list->get(2);
    if (!points.is_integer() || points.as_integer()->get() < 2 || points.as_integer()->get() > 10000000)
      throw invalid_input(field + "[2] = " + show(points) + " violates 2 <= points <= 10000000 (an integer)");
    g.points = points.as_integer()->get();
    if (coarse_decimal(g.from).compare(g.to) >= 0)
      throw invalid_input(field + " = [\"" + g.from + "\", \"" + g.to + "\", " + std::to_string(g.points) + "] violates from < to");
    return g;
  }

  text_matrix matrix_value(const std::string& key, std::vector<std::filesystem::path>& inputs) const {
    const std::string field = "model." + key;
    const toml::node* node = find("model", key);
    if (!node) throw invalid_input(field + " is required");
    return matrix_at(*node, field, inputs);
  }

  // model.<key> = [ <matrix>, <matrix>, … ], each matrix rows or a CSV path, named model.<key>[i].
  std::vector<text_matrix> matrix_list(const std::string& key, std::size_t min_size, const std::string& rule,
                                       std::vector<std::filesystem::path>& inputs) const {
    const std::string field = "model." + key;
    const toml::node* node = find("model", key);
    if (!node) throw invalid_input(field + " is required (one initial matrix per layer, W_1 first)");
    const auto* list = node->as_array();
    if (!list)
      throw invalid_input(field + " = " + show(*node) +
                          " must be an array of matrices (one per layer, W_1 first), each an array of rows or a CSV path");
    if (list->size() < min_size)
      throw invalid_input(field + " has " + count_of(list->size(), "matrix", "matrices") +
                          " but " + rule + ": one matrix per layer, " + key.substr(0, 1) + "_1 first");
    std::vector<text_matrix> out;
    for (std::size_t i = 0; i < list->size(); ++i)
      out.push_back(matrix_at(*list->get(i), field + "[" + std::to_string(i) + "]", inputs));
    return out;
  }

  // One matrix: an array of rows or a CSV path (relative to the config); `field` names it in messages.
  text_matrix matrix_at(const toml::node& node, const std::string& field, std::vector<std::filesystem::path>& inputs) const {
    if (const auto* path = node.as_string()) {
      const std::filesystem::path file = m_base / path->get();
      text_matrix M = read_csv_matrix(file, field);
      inputs.push_back(file);
      m_input_sha256.push_back(M.sha256);  // hashed as read: manifest.json names the bytes the run used
      return M;
    }
    const auto* rows = node.as_array();
    if (!rows) throw invalid_input(field + " = " + show(node) + " must be an array of rows or a CSV path");
    if (rows->empty()) throw invalid_input(field + " is empty: a matrix needs at least one row");
    text_matrix M;
    for (std::size_t i = 0; i < rows->size(); ++i) {
      const std::string where = field + "[" + std::to_string(i) + "]";
      const auto* row = rows->get(i)->as_array();
      if (!row) throw invalid_input(where + " = " + show(*rows->get(i)) + " must be an array (one matrix row)");
      std::vector<std::string> entries;
      for (std::size_t j = 0; j < row->size(); ++j) {
        const toml::node& entry = *row->get(j);
        const std::string at = where + "[" + std::to_string(j) + "]";
        if (entry.is_floating_point()) throw invalid_input(float_message(at, entry));
        if (entry.is_integer()) entries.push_back(std::to_string(entry.as_integer()->get()));
        else if (entry.is_string()) entries.push_back(entry.as_string()->get());
        else throw invalid_input(at + " = " + show(entry) + " must be a decimal string or an integer");
      }
      append_row(M, std::move(entries), where, [&](std::size_t j) { return where + "[" + std::to_string(j) + "]"; });
    }
    return M;
  }

  /// SHA-256 of each CSV file read so far, in the order of the inputs.
  const std::vector<std::string>& input_sha256() const { return m_input_sha256; }

 private:
  toml::table m_table;
  std::filesystem::path m_base;
  mutable std::vector<std::string> m_input_sha256;
};

// --set section.key=value: the value is read according to the key's kind, so that
// `--set integrator.tolerance=1e-80` stays a decimal string rather than becoming a TOML float.
void apply_override(toml::table& table, const std::string& assignment) {
  const auto eq = assignment.find('=');
  const auto dot = assignment.find('.');
  if (eq == std::string::npos || dot == std::string::npos || dot > eq)
    throw invalid_input("--set " + assignment + ": expected section.key=value (e.g. --set integrator.tolerance=1e-40)");
  const std::string section = assignment.substr(0, dot), key = assignment.substr(dot + 1, eq - dot - 1);
  std::string value = assignment.substr(eq + 1);
  const auto sec = schema().find(section);
  if (sec == schema().end())
    throw invalid_input("--set " + assignment + ": unknown table [" + section + "] (known tables: " +
                        known_names(schema()) + ")");
  if (!sec->second.count(key))
    throw invalid_input("--set " + assignment + ": unknown key " + section + "." + key + " (known keys in [" + section +
                        "]: " + known_keys(section, table) + ")");
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
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
                          (kind == key_kind::integer ? "integer" : kind == key_kind::boolean ? "boolean (true or false)" : "TOML array"));
    }
    target.insert_or_assign(key, *parsed.get("v"));
  } else {
    target.insert_or_assign(key, value);
  }
}

void check_data_shapes(const run_config& c) {
  if (c.Y.n_rows() != c.X.n_rows())
    throw invalid_input("model.Y has " + std::to_string(c.Y.n_rows()) + " rows but model.X has " +
                        std::to_string(c.X.n_rows()) + ": one row per sample in both");
}

void check_linear2_shapes(const run_config& c) {
  check_data_shapes(c);
  if (c.U0.n_rows() != c.X.n_cols())
    throw invalid_input("model.U0 is " + c.U0.shape() + " but must be n×h with n = " + std::to_string(c.X.n_cols()) +
                        " (the columns of model.X)");
  if (c.V0.n_rows() != c.Y.n_cols() || c.V0.n_cols() != c.U0.n_cols())
    throw invalid_input("model.V0 is " + c.V0.shape() + " but must be m×h = " + std::to_string(c.Y.n_cols()) + "×" +
                        std::to_string(c.U0.n_cols()) + " (m = columns of model.Y, h = columns of model.U0)");
}

// W_j is d_j×d_{j−1}: each layer's columns are the previous layer's rows (model.X's columns for W_1),
// and the last layer's rows are model.Y's columns.
void check_linear_deep_shapes(const run_config& c) {
  check_data_shapes(c);
  for (std::size_t i = 0; i < c.W0.size(); ++i) {
    const std::string field = "model.W0[" + std::to_string(i) + "]";
    const std::size_t cols = i == 0 ? c.X.n_cols() : c.W0[i - 1].n_rows();
    if (c.W0[i].n_cols() != cols)
      throw invalid_input(field + " is " + c.W0[i].shape() + " but must have " + count_of(cols, "column", "columns") +
                          " (= " + (i == 0 ? std::string("columns of model.X") : "rows of model.W0[" + std::to_string(i - 1) + "]") +
                          ")");
  }
  const text_matrix& last = c.W0.back();
  if (last.n_rows() != c.Y.n_cols())
    throw invalid_input("model.W0[" + std::to_string(c.W0.size() - 1) + "] is " + last.shape() + " but must have " +
                        count_of(c.Y.n_cols(), "row", "rows") + " (= columns of model.Y, the last layer's outputs)");
}

// β = w₊^D − w₋^D predicts one output: Y has one column; explicit starts are d×1 columns.
void check_diagonal_shapes(const run_config& c) {
  check_data_shapes(c);
  if (c.Y.n_cols() != 1)
    throw invalid_input("model.Y is " + c.Y.shape() + " but the diagonal model predicts one output: it must have 1 column");
  for (const auto& [field, W] : {std::pair{"model.W_plus0", &c.W_plus0}, std::pair{"model.W_minus0", &c.W_minus0}})
    if (W->n_rows() && (W->n_rows() != c.X.n_cols() || W->n_cols() != 1))
      throw invalid_input(std::string(field) + " is " + W->shape() + " but must be d×1 = " + std::to_string(c.X.n_cols()) +
                          "×1 (d = columns of model.X, one weight per line)");
}

// Classification losses take labels y_n = ±1 (THEOREMS.md §5.2, §6.1).
void check_labels(const run_config& c) {
  if (c.Y.n_cols() != 1) return;  // the model's shape check names the column count
  for (std::size_t n = 0; n < c.Y.n_rows(); ++n) {
    const std::string& y = c.Y.rows[n][0];
    const coarse_decimal v(y);
    if (v.compare("1") != 0 && v.compare("-1") != 0)
      throw invalid_input("model.Y[" + std::to_string(n) + "][0] = \"" + y + "\" violates y in {-1, 1} (labels of loss = \"" +
                          c.loss + "\")");
  }
}

// The tensor network: one output, S is d×d, v0 holds `depth` columns d×1.
void check_tensor_shapes(const run_config& c) {
  check_data_shapes(c);
  const std::size_t d = c.X.n_cols();
  if (c.Y.n_cols() != 1)
    throw invalid_input("model.Y is " + c.Y.shape() + " but the tensor model predicts one output: it must have 1 column");
  if (c.S.n_rows() && (c.S.n_rows() != d || c.S.n_cols() != d))
    throw invalid_input("model.S is " + c.S.shape() + " but must be d×d = " + std::to_string(d) + "×" + std::to_string(d) +
                        " (d = columns of model.X)");
  if (c.transform == "hadamard" && (d & (d - 1)) != 0)
    throw invalid_input("model.S = \"hadamard\" needs d a power of 2, but model.X has d = " + std::to_string(d) + " columns");
  if (!c.v0.empty() && c.v0.size() != static_cast<std::size_t>(c.depth))
    throw invalid_input("model.v0 has " + std::to_string(c.v0.size()) + " columns but model.depth = " +
                        std::to_string(c.depth) + " needs one per layer");
  for (std::size_t l = 0; l < c.v0.size(); ++l)
    if (c.v0[l].n_rows() != d || c.v0[l].n_cols() != 1)
      throw invalid_input("model.v0[" + std::to_string(l) + "] is " + c.v0[l].shape() + " but must be d×1 = " +
                          std::to_string(d) + "×1");
}

}  // namespace

namespace {

toml::array toml_rows(const text_matrix& M) {
  toml::array rows;
  for (const auto& row : M.rows) {
    toml::array entries;
    for (const auto& x : row) entries.push_back(x);
    rows.push_back(std::move(entries));
  }
  return rows;
}

// A resolved value (strings, integers, booleans and arrays of them: the config's own kinds) as TOML.
void insert_json(toml::table& table, const std::string& key, const nlohmann::json& value);

toml::array toml_array(const nlohmann::json& list) {
  toml::array out;
  for (const auto& v : list) {
    if (v.is_array()) out.push_back(toml_array(v));
    else if (v.is_string()) out.push_back(v.get<std::string>());
    else if (v.is_boolean()) out.push_back(v.get<bool>());
    else out.push_back(v.get<std::int64_t>());
  }
  return out;
}

void insert_json(toml::table& table, const std::string& key, const nlohmann::json& value) {
  if (value.is_array()) table.insert(key, toml_array(value));
  else if (value.is_string()) table.insert(key, value.get<std::string>());
  else if (value.is_boolean()) table.insert(key, value.get<bool>());
  else table.insert(key, value.get<std::int64_t>());
}

}  // namespace

std::string resolved_toml(const run_config& c) {
  toml::table out;
  for (const auto& [section, keys] : c.resolved.items()) {
    toml::table sub;
    for (const auto& [key, value] : keys.items()) insert_json(sub, key, value);
    out.insert(section, std::move(sub));
  }
  // Matrices as read (a CSV path would not resolve from the run directory): inline decimal rows.
  auto& model = *out["model"].as_table();
  const std::pair<const char*, const text_matrix*> single[] = {{"X", &c.X},           {"Y", &c.Y},
                                                                {"U0", &c.U0},         {"V0", &c.V0},
                                                                {"W_plus0", &c.W_plus0}, {"W_minus0", &c.W_minus0},
                                                                {"S", &c.S}};
  for (const auto& [key, M] : single)
    if (M->n_rows()) model.insert_or_assign(key, toml_rows(*M));
  for (const auto& [key, list] : {std::pair{"W0", &c.W0}, std::pair{"v0", &c.v0}})
    if (!list->empty()) {
      toml::array matrices;
      for (const auto& M : *list) matrices.push_back(toml_rows(M));
      model.insert_or_assign(key, std::move(matrices));
    }
  std::ostringstream text;
  text << "# The resolved config of this run (gradflow run DIR/config.toml reruns it).\n" << toml::toml_formatter{out} << "\n";
  return text.str();
}

std::string default_tolerance(method m, bool is_float64, unsigned digits) {
  if (is_float64) return "1e-13";
  // Taylor's cost grows only like the square of its order (∝ −ln tol), so it can afford to earn
  // nearly every working digit; fixed-order methods pay tol^(−1/order) steps and get half of them.
  const unsigned exponent = m == method::taylor ? std::max(digits - 10, digits / 2) : digits / 2;
  return "1e-" + std::to_string(exponent);
}

// [model] of kind = "relu_shallow": the seeded initialisation's settings, with their defaults.
void read_relu_shallow(config_reader& r, run_config& c) {
  check_data_shapes(c);
  if (c.X.n_cols() != 1 && c.X.n_cols() != 2)
    throw invalid_input("model.X is " + c.X.shape() + " but relu_shallow takes 1 or 2 input columns");
  if (c.Y.n_cols() != 1) throw invalid_input("model.Y is " + c.Y.shape() + " but relu_shallow predicts one output: it must have 1 column");
  c.width = r.integer("model", "width", 1, 1000000);
  r.set_default("model", "init", toml::value<std::string>("uniform"));
  c.init = r.text("model", "init");
  if (c.init != "uniform" && c.init != "gaussian" && c.init != "sphere")
    throw invalid_input("model.init = \"" + c.init + "\" must be \"uniform\", \"gaussian\" or \"sphere\"");
  r.set_default("model", "init_w", toml::value<std::string>("1"));
  r.set_default("model", "init_b", toml::value<std::string>("2"));
  for (const char* key : {"init_w", "init_b"}) {
    const std::string value = *r.decimal("model", key);
    if (coarse_decimal(value).sign() <= 0)
      throw invalid_input("model." + std::string(key) + " = \"" + value + "\" violates " + key + " > 0 (a half-width or standard deviation)");
    (std::string(key) == "init_w" ? c.init_w : c.init_b) = value;
  }
  r.set_default("model", "asi", toml::value<bool>(true));
  c.asi = r.boolean("model", "asi");
  r.set_default("model", "skip", toml::value<bool>(false));
  c.skip = r.boolean("model", "skip");
  r.set_default("model", "train", toml::value<std::string>("all"));
  c.train = r.text("model", "train");
  if (c.train != "all" && c.train != "output")
    throw invalid_input("model.train = \"" + c.train + "\" must be \"all\" or \"output\"");
  r.set_default("model", "seed", toml::value<std::int64_t>(1));
  c.seed = r.integer("model", "seed", 0, std::numeric_limits<std::int64_t>::max());
}

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
    throw invalid_input(file.string() + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                        ": malformed TOML: " + std::string(e.description()));
  }
  for (const auto& assignment : overrides) apply_override(table, assignment);

  config_reader r(std::move(table), file.parent_path());
  r.check_known_keys();
  run_config c;
  c.input_files.push_back(file);
  c.input_sha256.push_back(sha256_text(bytes));

  r.set_default("model", "loss", toml::value<std::string>("square"));
  c.kind = r.text("model", "kind");
  if (!model_weights().count(c.kind))
    throw invalid_input("model.kind = \"" + c.kind + "\" is not a known model (known: " + known_names(model_weights()) + ")");
  c.loss = r.text("model", "loss");
  const bool has_margin_losses = c.kind == "diagonal" || c.kind == "tensor";
  if (c.loss != "square" && !(has_margin_losses && (c.loss == "exponential" || c.loss == "logistic")))
    throw invalid_input("model.loss = \"" + c.loss + "\" is not available for " + c.kind + " (available: square" +
                        (has_margin_losses ? ", exponential, logistic)" : ")"));

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
  if (!m) throw invalid_input("integrator.method = \"" + method_text + "\" is not a known method (known: " + method_names() + ")");
  c.method = *m;

  r.set_default("integrator", "tolerance", toml::value<std::string>(default_tolerance(c.method, c.is_float64, c.digits)));
  c.tolerance = *r.decimal("integrator", "tolerance");
  const coarse_decimal tol(c.tolerance);
  if (tol.sign() <= 0 || tol.compare("1") >= 0)
    throw invalid_input("integrator.tolerance = \"" + c.tolerance + "\" violates 0 < tolerance < 1");
  const std::string finest = c.is_float64 ? "1e-15" : "1e-" + std::to_string(c.digits - 1);
  if (tol.compare(finest) < 0)
    throw invalid_input("integrator.tolerance = \"" + c.tolerance + "\" is finer than " +
                        (c.is_float64 ? std::string("float64") : std::to_string(c.digits) + " digits") +
                        " can resolve: it must be >= " + finest);

  r.set_default("integrator", "time_change", toml::value<std::string>("none"));
  const std::string time_change = r.text("integrator", "time_change");
  if (time_change != "none" && time_change != "loss")
    throw invalid_input("integrator.time_change = \"" + time_change + "\" must be \"none\" or \"loss\" (dt/ds = 1/L)");
  c.time_change = time_change == "loss";
  if (c.time_change && c.method != method::taylor)
    throw invalid_input("integrator.time_change = \"loss\" needs method = \"taylor\" (not " + method_text + ")");
  if (c.time_change && !has_margin_losses)
    throw invalid_input("integrator.time_change = \"loss\" is available for model.kind = \"diagonal\" and \"tensor\", not " +
                        c.kind);

  const auto t_end = r.decimal("stop", "t_end");
  if (c.time_change) {
    if (t_end)
      throw invalid_input("stop.t_end = \"" + *t_end + "\" cannot be used with integrator.time_change = \"loss\": the run "
                          "integrates in s (dt/ds = 1/L) and stops at stop.loss_below");
    if (!r.find("stop", "loss_below"))
      throw invalid_input("integrator.time_change = \"loss\" needs stop.loss_below (the loss to integrate down to)");
  } else {
    if (!t_end) throw invalid_input("stop.t_end is required (the time to integrate to)");
    c.t_end = *t_end;
    if (coarse_decimal(c.t_end).sign() <= 0) throw invalid_input("stop.t_end = \"" + c.t_end + "\" violates t_end > 0");
  }
  if (const auto loss_below = r.decimal("stop", "loss_below")) {
    if (c.method != method::taylor)
      throw invalid_input("stop.loss_below = \"" + *loss_below + "\" is not supported by method " + method_text +
                          " (stopping on a loss needs event location: use method = \"taylor\")");
    if (coarse_decimal(*loss_below).sign() <= 0)
      throw invalid_input("stop.loss_below = \"" + *loss_below + "\" violates loss_below > 0");
    c.loss_below = *loss_below;
  }
  r.set_default("stop", "max_steps", toml::value<std::int64_t>(1000000));
  c.max_steps = r.integer("stop", "max_steps", 1, std::int64_t{1} << 62);

  r.set_default("output", "samples", toml::value<std::int64_t>(101));
  c.samples = r.integer("output", "samples", 2, 10000000);
  r.set_default("output", "spacing", toml::value<std::string>(c.time_change ? "loss" : "t"));
  c.spacing = r.text("output", "spacing");
  if (c.spacing != "t" && c.spacing != "loss")
    throw invalid_input("output.spacing = \"" + c.spacing + "\" must be \"t\" or \"loss\"");
  if (c.spacing == "t" && c.time_change)
    throw invalid_input("output.spacing = \"t\" cannot be used with integrator.time_change = \"loss\": use \"loss\"");
  if (c.spacing == "loss" && !c.loss_below)
    throw invalid_input("output.spacing = \"loss\" needs stop.loss_below (samples are log-spaced in loss from L(0) "
                        "down to it) and so method = \"taylor\"");

  c.X = r.matrix_value("X", c.input_files);
  c.Y = r.matrix_value("Y", c.input_files);
  if (c.loss != "square") check_labels(c);
  if (c.kind == "linear2") {
    c.U0 = r.matrix_value("U0", c.input_files);
    c.V0 = r.matrix_value("V0", c.input_files);
    check_linear2_shapes(c);
  } else if (c.kind == "tensor") {
    r.set_default("model", "depth", toml::value<std::int64_t>(2));
    c.depth = static_cast<int>(r.integer("model", "depth", 1, 64));
    r.set_default("model", "S", toml::value<std::string>("identity"));
    const auto named = r.find("model", "S")->value<std::string>();
    if (named && (*named == "identity" || *named == "hadamard" || *named == "dct")) c.transform = *named;
    else c.S = r.matrix_value("S", c.input_files);
    c.alpha = r.decimal("model", "alpha");
    if (c.alpha && r.find("model", "v0"))
      throw invalid_input("model.alpha and model.v0 both given: the start is either v_l = alpha·1 for every layer or "
                          "the explicit columns, not both");
    if (c.alpha) {
      if (coarse_decimal(*c.alpha).sign() <= 0) throw invalid_input("model.alpha = \"" + *c.alpha + "\" violates alpha > 0");
    } else if (r.find("model", "v0")) {
      c.v0 = r.matrix_list("v0", 1, "the tensor network needs at least one layer", c.input_files);
    } else {
      throw invalid_input("model.alpha is required for model.kind = \"tensor\" (the start v_l = alpha·1), or model.v0");
    }
    check_tensor_shapes(c);
  } else if (c.kind == "diagonal") {
    r.set_default("model", "depth", toml::value<std::int64_t>(2));
    c.depth = static_cast<int>(r.integer("model", "depth", 2, 64));
    c.alpha = r.decimal("model", "alpha");
    const bool explicit_start = r.find("model", "W_plus0") || r.find("model", "W_minus0");
    if (c.alpha && explicit_start)
      throw invalid_input("model.alpha and model.W_plus0/W_minus0 both given: the start is either w₊ = w₋ = alpha·1 "
                          "or the two explicit columns, not both");
    if (c.alpha) {
      if (coarse_decimal(*c.alpha).sign() <= 0) throw invalid_input("model.alpha = \"" + *c.alpha + "\" violates alpha > 0");
    } else if (explicit_start) {
      c.W_plus0 = r.matrix_value("W_plus0", c.input_files);
      c.W_minus0 = r.matrix_value("W_minus0", c.input_files);
    } else {
      throw invalid_input("model.alpha is required for model.kind = \"diagonal\" (the start w₊ = w₋ = alpha·1), "
                          "or model.W_plus0 and model.W_minus0");
    }
    check_diagonal_shapes(c);
  } else if (c.kind == "relu_shallow") {
    read_relu_shallow(r, c);
  } else {
    c.W0 = r.matrix_list("W0", 2, "linear_deep needs depth >= 2", c.input_files);
    check_linear_deep_shapes(c);
  }
  r.set_default("output", "state", toml::value<bool>(false));
  c.state = r.boolean("output", "state");
  c.grid = r.grid("output", "grid");
  if (c.grid && c.kind != "relu_shallow")
    throw invalid_input("output.grid is available for model.kind = \"relu_shallow\", not " + c.kind);
  if (c.grid && c.X.n_cols() != 1)
    throw invalid_input("output.grid needs one input column (model.X is " + c.X.shape() + ")");

  c.input_sha256.insert(c.input_sha256.end(), r.input_sha256().begin(), r.input_sha256().end());
  std::ostringstream json;
  json << toml::json_formatter{r.table()};
  c.resolved = nlohmann::json::parse(json.str());
  return c;
}

}  // namespace gradflow
