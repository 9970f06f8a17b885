#include "gradflow/integrate/method.hpp"

#include <array>
#include <utility>

namespace gradflow {

namespace {
constexpr std::array<std::pair<method, std::string_view>, 4> names{{
    {method::rk78, "rk78"},
    {method::dopri5, "dopri5"},
    {method::bulirsch_stoer, "bulirsch_stoer"},
    {method::taylor, "taylor"},
}};
}  // namespace

std::string_view method_name(method m) {
  for (const auto& [value, name] : names)
    if (value == m) return name;
  return "unknown";
}

std::optional<method> parse_method(std::string_view name) {
  for (const auto& [value, known] : names)
    if (known == name) return value;
  return std::nullopt;
}

std::string method_names() {
  std::string out;
  for (const auto& [value, name] : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace gradflow
