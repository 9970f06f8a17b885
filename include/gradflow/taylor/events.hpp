#pragma once
// Events as values: what happens where a Taylor step of a piecewise field meets a kink (kinks.hpp).
// The driver (integrate/taylor_drive.hpp) only locates the first kink in the step, ends the step
// there and asks the model's events for the continuation; it knows no model. A model names its events
// by `using taylor_events = E;` (E constructible from the model); without one it gets branch_switches.
// An event handler E for a model M and a jet J provides
//   counts()                             (name, count) of every event it declares, in order, even at
//                                        count 0 (the run's summary.event_counts);
//   ignores(m, source, entry)            entries of a kink source the kink search skips (e.g. held at
//                                        zero by the current field);
//   land(m, J, entries, hints)           the step ended on `entries`: push the branch each starts the
//                                        next step on into hints, possibly replace m (a new field);
//                                        returns whether m changed (the jet must be made again);
//   at_once(m, J, entries, last, hints)  a kink at the very start of a step (the entry left its new
//                                        side at once): the same, with `last` the hints the current
//                                        jet started from; nullopt when the events cannot continue.
// std::invalid_argument from at_once (a mode the field cannot hold) ends the run with its message,
// the driver adding where. Layers: this file includes only numeric/ and taylor/; models include it.
#include "gradflow/numeric/matrix.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace gradflow::taylor {

/// One entry of a kink source: (source, index).
using kink_entry = std::pair<std::size_t, Eigen::Index>;
/// The branch an entry starts the next step on: (source, index, active).
using branch_hint = std::tuple<std::size_t, Eigen::Index, bool>;

/// The events of a piecewise field with nothing but branches: at a kink every entry landed on
/// switches side ("kink_events" counts them); a kink at once cannot be continued.
class branch_switches {
 public:
  /// Counts "kink_events" when the field has kinks at all (a smooth field counts nothing).
  explicit branch_switches(bool has_kinks) {
    if (has_kinks) m_counts.emplace_back("kink_events", 0);
  }
  const std::vector<std::pair<std::string, std::int64_t>>& counts() const { return m_counts; }

  template <class Model>
  bool ignores(const Model&, std::size_t, Eigen::Index) const {
    return false;
  }

  template <class Model, class Jet>
  bool land(Model&, const Jet& J, std::vector<kink_entry> entries, std::vector<branch_hint>& hints) {
    if (!m_counts.empty()) m_counts.front().second += static_cast<std::int64_t>(entries.size());
    for (const auto& [source, entry] : entries) hints.emplace_back(source, entry, !J.active(source, entry));
    return false;
  }

  template <class Model, class Jet>
  std::optional<bool> at_once(Model&, const Jet&, const std::vector<kink_entry>&,
                              const std::vector<branch_hint>&, std::vector<branch_hint>&) {
    return std::nullopt;
  }

 private:
  std::vector<std::pair<std::string, std::int64_t>> m_counts;
};

/// The model's events (Model::taylor_events) or branch_switches for the jet's kinks.
template <class Model, class Jet>
auto make_events(const Model& model, const Jet& J) {
  if constexpr (requires { typename Model::taylor_events; })
    return typename Model::taylor_events(model);
  else
    return branch_switches(J.kink_sources() > 0);
}

}  // namespace gradflow::taylor
