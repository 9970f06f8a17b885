#pragma once
// A model's own [model] keys as read and validated by its entry (run/model_entry.hpp): every number
// still a decimal string, every matrix still text, so that a rebuild at more digits is the same model.
#include "gradflow/io/matrix_text.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace gradflow {

/// What a config key holds (README "Config").
enum class key_kind { text, decimal, integer, boolean, grid, matrix, matrix_list };

/// One key's value: text (and decimals), an integer, a boolean, a matrix or a list of matrices.
using model_value = std::variant<std::string, std::int64_t, bool, text_matrix, std::vector<text_matrix>>;

/// The keys a model's entry read, by name (those given and those defaulted).
class model_values {
 public:
  void set(const std::string& key, model_value value) { m_values.insert_or_assign(key, std::move(value)); }
  bool has(const std::string& key) const { return m_values.count(key) > 0; }

  /// The text (or decimal) `key`; std::logic_error when the entry did not read it as text.
  const std::string& text(const std::string& key) const { return get<std::string>(key); }
  /// The text `key` when it was given as text (a key that takes a name or a matrix).
  std::optional<std::string> text_if(const std::string& key) const {
    const auto it = m_values.find(key);
    if (it == m_values.end() || !std::holds_alternative<std::string>(it->second)) return std::nullopt;
    return std::get<std::string>(it->second);
  }
  std::int64_t integer(const std::string& key) const { return get<std::int64_t>(key); }
  bool boolean(const std::string& key) const { return get<bool>(key); }
  /// The matrix `key`, empty when it was not given.
  const text_matrix& matrix(const std::string& key) const { return get_or_empty<text_matrix>(key); }
  /// The list of matrices `key`, empty when it was not given.
  const std::vector<text_matrix>& matrices(const std::string& key) const {
    return get_or_empty<std::vector<text_matrix>>(key);
  }
  const std::map<std::string, model_value>& all() const { return m_values; }

 private:
  template <class T>
  const T& get(const std::string& key) const {
    const auto it = m_values.find(key);
    if (it == m_values.end() || !std::holds_alternative<T>(it->second))
      throw std::logic_error("model_values: model." + key + " was not read with this kind");
    return std::get<T>(it->second);
  }
  template <class T>
  const T& get_or_empty(const std::string& key) const {
    static const T empty{};
    const auto it = m_values.find(key);
    if (it == m_values.end() || !std::holds_alternative<T>(it->second)) return empty;
    return std::get<T>(it->second);
  }

  std::map<std::string, model_value> m_values;
};

}  // namespace gradflow
