#pragma once
// The outcome of one theorem check (ARCHITECTURE.md §8): id, verdict, measured value, bound, detail.
#include <string>
#include <string_view>

namespace gradflow {

/// `not_applicable`: a hypothesis of the theorem does not hold for this run, so nothing is asserted.
enum class verdict { pass, fail, not_applicable };

/// Name written to summary.json and printed by `gradflow verify`.
inline std::string_view verdict_name(verdict v) {
  switch (v) {
    case verdict::pass:
      return "pass";
    case verdict::fail:
      return "fail";
    case verdict::not_applicable:
      return "not_applicable";
  }
  return "unknown";
}

/// Numerical evidence (not a validated enclosure): measured and bound are decimal strings at the
/// working precision ("" when the check is not applicable), detail says what was compared and why.
struct check_result {
  std::string id;
  gradflow::verdict verdict = verdict::not_applicable;
  std::string measured, bound, detail;
};

/// A not_applicable result whose detail names the hypothesis that fails.
inline check_result not_applicable(std::string id, std::string why) {
  return {std::move(id), verdict::not_applicable, "", "", std::move(why)};
}

}  // namespace gradflow
