// resolved_toml (io/config.hpp): the config after --set and defaults, as the TOML a run directory
// keeps in config.toml, with every matrix inline.
#include "gradflow/io/config.hpp"

#include <toml++/toml.h>

#include <cstdint>
#include <sstream>
#include <string>

namespace gradflow {

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
    if (v.is_array())
      out.push_back(toml_array(v));
    else if (v.is_string())
      out.push_back(v.get<std::string>());
    else if (v.is_boolean())
      out.push_back(v.get<bool>());
    else
      out.push_back(v.get<std::int64_t>());
  }
  return out;
}

void insert_json(toml::table& table, const std::string& key, const nlohmann::json& value) {
  if (value.is_array())
    table.insert(key, toml_array(value));
  else if (value.is_string())
    table.insert(key, value.get<std::string>());
  else if (value.is_boolean())
    table.insert(key, value.get<bool>());
  else
    table.insert(key, value.get<std::int64_t>());
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
  for (const auto& [key, value] : c.model.all()) {
    if (const auto* M = std::get_if<text_matrix>(&value)) {
      model.insert_or_assign(key, toml_rows(*M));
    } else if (const auto* list = std::get_if<std::vector<text_matrix>>(&value)) {
      toml::array matrices;
      for (const auto& M : *list) matrices.push_back(toml_rows(M));
      model.insert_or_assign(key, std::move(matrices));
    }
  }
  std::ostringstream text;
  text << "# The resolved config of this run (gradflow run DIR/config.toml reruns it).\n"
       << toml::toml_formatter{out} << "\n";
  return text.str();
}

}  // namespace gradflow
