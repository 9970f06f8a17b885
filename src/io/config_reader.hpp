#pragma once
// The TOML reader behind load_config (src/io/config.cpp only): typed access to section.key with one
// message per rule, CSV and inline matrices, and 64-bit comparisons of decimal strings.
#include "gradflow/io/config.hpp"
#include "gradflow/io/invalid_input.hpp"
#include "gradflow/numeric/decimal.hpp"

#include <mpfr.h>
#include <toml++/toml.h>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace gradflow::config_detail {

std::string count_of(std::size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string show(const toml::node& node) {
  std::ostringstream os;
  if (const auto* s = node.as_string())
    os << '"' << s->get() << '"';
  else
    node.visit([&os](const auto& value) { os << value; });
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
  config_reader(toml::table table, std::filesystem::path base)
      : m_table(std::move(table)), m_base(std::move(base)) {}

  toml::table& table() { return m_table; }

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
    if (!is_decimal(value))
      throw invalid_input(field + " = \"" + value + "\" is not a finite decimal number");
    return value;
  }

  std::int64_t integer(const std::string& section, const std::string& key, std::int64_t lo,
                       std::int64_t hi) const {
    const std::string field = section + "." + key;
    const toml::node* node = find(section, key);
    if (!node) throw invalid_input(field + " is required");
    if (!node->is_integer()) throw invalid_input(field + " = " + show(*node) + " must be an integer");
    const std::int64_t v = node->as_integer()->get();
    if (v < lo || v > hi)
      throw invalid_input(field + " = " + std::to_string(v) + " violates " + std::to_string(lo) +
                          " <= " + key + " <= " + std::to_string(hi));
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
    const std::string rule =
        " must be [\"from\", \"to\", points]: two decimal strings and an integer number of points >= 2";
    if (!list) throw invalid_input(field + " = " + show(*node) + rule);
    if (list->size() != 3)
      throw invalid_input(field + " has " + count_of(list->size(), "entry", "entries") + " but" + rule);
    grid_spec g;
    for (std::size_t k = 0; k < 2; ++k) {
      const toml::node& end = *list->get(k);
      const std::string at = field + "[" + std::to_string(k) + "]";
      if (end.is_floating_point()) throw invalid_input(float_message(at, end));
      if (end.is_integer())
        (k ? g.to : g.from) = std::to_string(end.as_integer()->get());
      else if (end.is_string() && is_decimal(end.as_string()->get()))
        (k ? g.to : g.from) = end.as_string()->get();
      else
        throw invalid_input(at + " = " + show(end) + " must be a decimal string");
    }
    const toml::node& points = *list->get(2);
    if (!points.is_integer() || points.as_integer()->get() < 2 || points.as_integer()->get() > 10000000)
      throw invalid_input(field + "[2] = " + show(points) + " violates 2 <= points <= 10000000 (an integer)");
    g.points = points.as_integer()->get();
    if (coarse_decimal(g.from).compare(g.to) >= 0)
      throw invalid_input(field + " = [\"" + g.from + "\", \"" + g.to + "\", " + std::to_string(g.points) +
                          "] violates from < to");
    return g;
  }

  text_matrix matrix_value(const std::string& key, std::vector<std::filesystem::path>& inputs) const {
    const std::string field = "model." + key;
    const toml::node* node = find("model", key);
    if (!node) throw invalid_input(field + " is required");
    return matrix_at(*node, field, inputs);
  }

  // model.<key> = [ <matrix>, <matrix>, … ], each matrix rows or a CSV path, named model.<key>[i]:
  // one per `unit`, `first` first (e.g. layer, W_1).
  std::vector<text_matrix> matrix_list(const std::string& key, std::size_t min_size, const std::string& rule,
                                       const std::string& unit, const std::string& first,
                                       std::vector<std::filesystem::path>& inputs) const {
    const std::string field = "model." + key;
    const toml::node* node = find("model", key);
    if (!node)
      throw invalid_input(field + " is required (one initial matrix per " + unit + ", " + first + " first)");
    const auto* list = node->as_array();
    if (!list)
      throw invalid_input(field + " = " + show(*node) + " must be an array of matrices (one per " + unit +
                          ", " + first + " first), each an array of rows or a CSV path");
    if (list->size() < min_size)
      throw invalid_input(field + " has " + count_of(list->size(), "matrix", "matrices") + " but " + rule +
                          ": one matrix per " + unit + ", " + first + " first");
    std::vector<text_matrix> out;
    for (std::size_t i = 0; i < list->size(); ++i)
      out.push_back(matrix_at(*list->get(i), field + "[" + std::to_string(i) + "]", inputs));
    return out;
  }

  // One matrix: an array of rows or a CSV path (relative to the config); `field` names it in messages.
  text_matrix matrix_at(const toml::node& node, const std::string& field,
                        std::vector<std::filesystem::path>& inputs) const {
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
      if (!row)
        throw invalid_input(where + " = " + show(*rows->get(i)) + " must be an array (one matrix row)");
      std::vector<std::string> entries;
      for (std::size_t j = 0; j < row->size(); ++j) {
        const toml::node& entry = *row->get(j);
        const std::string at = where + "[" + std::to_string(j) + "]";
        if (entry.is_floating_point()) throw invalid_input(float_message(at, entry));
        if (entry.is_integer())
          entries.push_back(std::to_string(entry.as_integer()->get()));
        else if (entry.is_string())
          entries.push_back(entry.as_string()->get());
        else
          throw invalid_input(at + " = " + show(entry) + " must be a decimal string or an integer");
      }
      append_row(M, std::move(entries), where,
                 [&](std::size_t j) { return where + "[" + std::to_string(j) + "]"; });
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

}  // namespace gradflow::config_detail
