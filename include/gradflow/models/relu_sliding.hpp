#pragma once
// relu_shallow's events in the Taylor driver (taylor/events.hpp): kinks of Z and Filippov sliding
// modes. Kink source 0 is Z (entry j + N·i, z_ji), sources 2m + 1 and 2m + 2 are λ and 1 − λ of the
// m-th sliding entry (relu_shallow.hpp, activity_times).
//   - A step landing on kinks: each entry of Z switches side; a kink of a source ≥ 1 (λ reached 0
//     or 1) ends that sliding mode: the model without the entry, which goes to its new side.
//   - A kink of Z at the very start of a step (the entry left its new side at once: the fields on
//     both sides push z_ji back to zero) starts a sliding mode: the model holding the entry at zero.
// Counts "kink_events" (branch changes the steps landed on, the ends of sliding modes included) and
// "sliding_modes" (modes entered). Model is relu_shallow or a wrapper with the same with_sliding(),
// ignores_kink() and leave_sliding().
#include "gradflow/taylor/events.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace gradflow {

template <class Model>
class relu_sliding {
 public:
  using kink_entry = taylor::kink_entry;
  using branch_hint = taylor::branch_hint;

  explicit relu_sliding(const Model&) : m_counts{{"kink_events", 0}, {"sliding_modes", 0}} {}
  const std::vector<std::pair<std::string, std::int64_t>>& counts() const { return m_counts; }

  /// Z's sliding entries: held at zero, they are no kinks.
  bool ignores(const Model& model, std::size_t source, Eigen::Index entry) const {
    return model.ignores_kink(source, entry);
  }

  template <class Jet>
  bool land(Model& model, const Jet& J, std::vector<kink_entry> entries, std::vector<branch_hint>& hints) {
    m_counts[0].second += static_cast<std::int64_t>(entries.size());
    return switch_branches(model, J, std::move(entries), hints);
  }

  template <class Jet>
  std::optional<bool> at_once(Model& model, const Jet& J, const std::vector<kink_entry>& entries,
                              const std::vector<branch_hint>& last_hints, std::vector<branch_hint>& hints) {
    std::vector<kink_entry> held, ends;
    for (const auto& entry : entries) (entry.first == 0 ? held : ends).push_back(entry);
    for (const auto& hint : last_hints)  // the new jet must start on the same branches
      if (std::get<0>(hint) == 0 &&
          std::find(held.begin(), held.end(), kink_entry{0, std::get<1>(hint)}) == held.end())
        hints.push_back(hint);
    bool changed = switch_branches(model, J, ends, hints);
    if (!held.empty()) {
      model = model.with_sliding(held);  // std::invalid_argument: a mode the model cannot hold
      changed = true;
      m_counts[1].second += static_cast<std::int64_t>(held.size());
    }
    return changed;
  }

 private:
  // The branch changes after landing on `crossing`: each entry switches side, except that the end of a
  // sliding mode (a kink of a source ≥ 1) replaces the model and puts the held entry on its new side.
  // Returns whether the model changed (the jet must be recorded again before the hints are set).
  template <class Jet>
  static bool switch_branches(Model& model, const Jet& J, std::vector<kink_entry> crossing,
                              std::vector<branch_hint>& hints) {
    bool changed = false;
    std::sort(crossing.rbegin(), crossing.rend());  // leave modes from the last, so indices stay valid
    for (const auto& [source, entry] : crossing) {
      if (source >= 1) {
        auto [next, exit] = model.leave_sliding(source);
        model = std::move(next);
        hints.emplace_back(0, exit.first, exit.second);
        changed = true;
        continue;
      }
      hints.emplace_back(source, entry, !J.active(source, entry));
    }
    return changed;
  }

  std::vector<std::pair<std::string, std::int64_t>> m_counts;
};

}  // namespace gradflow
