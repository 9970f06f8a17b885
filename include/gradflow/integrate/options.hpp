#pragma once
// What every integration method shares, with no model in sight: stop reasons, options, observer,
// summary and the error a failed step throws. integrate.hpp (the front) and taylor_drive.hpp (the
// Taylor driver) include this header; it includes nothing of gradflow but method.hpp.
#include "gradflow/integrate/method.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gradflow {

/// The rules of integrate_options, stated once: config reading (src/io/config.cpp) and integrate()
/// phrase their messages "<field> = <value> violates <rule>" with these strings.
namespace option_rules {
inline constexpr std::string_view tolerance = "0 < tolerance < 1";
inline constexpr std::string_view t_end = "t_end > 0";
inline constexpr std::string_view max_steps = "max_steps >= 1";
inline constexpr std::string_view loss_below = "loss_below > 0";
/// Why loss_below needs method taylor.
inline constexpr std::string_view loss_below_method =
    "stopping on a loss needs event location: use method = \"taylor\"";
}  // namespace option_rules

/// What ended an integration.
enum class stop_reason { t_end, max_steps, interrupted, loss_below, wall_seconds };

/// Name written to summary.json (`stop_reason`).
inline std::string_view stop_reason_name(stop_reason r) {
  switch (r) {
    case stop_reason::t_end:
      return "t_end";
    case stop_reason::max_steps:
      return "max_steps";
    case stop_reason::interrupted:
      return "interrupted";
    case stop_reason::loss_below:
      return "loss_below";
    case stop_reason::wall_seconds:
      return "wall_seconds";
  }
  return "unknown";
}

/// Where an integration is after an accepted step: everything its driver needs to go on from there
/// exactly as if it had never stopped (integrate_options::resume). Only the Taylor driver on a field
/// without kinks and rk78 report positions: dopri5 and Bulirsch–Stoer keep stepper state between
/// steps, and a piecewise field keeps its branches and events.
template <class Scalar>
struct integrate_position {
  Scalar t;                          ///< the integration variable
  std::vector<Scalar> theta;         ///< the state at t
  std::int64_t steps = 0;            ///< accepted steps so far
  std::int64_t rejected_steps = 0;   ///< refused steps so far
  std::int64_t rhs_evals = 0;        ///< field evaluations (or jets) so far
  std::size_t samples_done = 0;      ///< samples reported so far (sample times or loss levels)
  std::optional<Scalar> trial_step;  ///< rk78: the step size the error control proposes next
};

/// Settings of one integration; validated by integrate() (std::invalid_argument names the field).
template <class Scalar>
struct integrate_options {
  gradflow::method method = gradflow::method::rk78;
  Scalar tolerance;                  ///< absolute and relative local error tolerance, 0 < tolerance < 1
  Scalar t_end;                      ///< final time, > 0
  std::int64_t max_steps = 1000000;  ///< accepted steps at most, >= 1
  std::vector<Scalar> sample_times;  ///< increasing, in [0, t_end]; the observer sees θ exactly there
  std::optional<Scalar> loss_below;  ///< stop where L(θ(t)) = loss_below (method taylor only), > 0
  /// Decreasing loss levels; the observer sees θ exactly where L(θ(t)) crosses each (method taylor
  /// only, instead of sample_times; levels the flow never reaches are not reported).
  std::vector<Scalar> sample_losses;
  /// Go on from a position an earlier integration of the same options reported: its samples are not
  /// reported again and the result is the one the uninterrupted integration gives, to the last bit.
  std::optional<integrate_position<Scalar>> resume;
};

/// Callbacks from the driver. Any may be empty.
template <class Scalar>
struct integrate_observer {
  /// θ at a requested sample time.
  std::function<void(const Scalar& t, std::span<const Scalar> theta)> on_sample;
  /// θ after every accepted step; return false to stop (stop_reason::interrupted).
  std::function<bool(const Scalar& t, std::span<const Scalar> theta, std::int64_t steps)> on_step;
  /// Asked after every accepted step (after on_step) of a driver that can resume: whether on_position
  /// wants the position now. The position also goes to on_position, unasked, where the integration
  /// stops before its end (interrupted, max_steps).
  std::function<bool()> position_due;
  std::function<void(const integrate_position<Scalar>&)> on_position;
};

/// Named counts of a model's events (name → count), in the order the model's events declare them.
using event_counts = std::vector<std::pair<std::string, std::int64_t>>;

/// Outcome of integrate(): why it stopped, where, and what it cost.
template <class Scalar>
struct integration_summary {
  stop_reason reason = stop_reason::t_end;
  Scalar t_final;
  std::int64_t steps = 0;           ///< accepted steps
  std::int64_t rejected_steps = 0;  ///< steps the error control refused
  std::int64_t rhs_evals = 0;       ///< velocity() calls (odeint) or Taylor jets (taylor)
  int order = 0;                    ///< Taylor order (taylor only)
  /// The events of a piecewise field (taylor only): every name its events declare, even at count 0;
  /// empty for a smooth field.
  gradflow::event_counts event_counts;

  /// The count of the event `name`; 0 when the model has no such event.
  std::int64_t event_count(std::string_view name) const {
    for (const auto& [n, count] : event_counts)
      if (n == name) return count;
    return 0;
  }
};

/// A step could not be completed (step size underflow, non-finite state); carries where it happened.
class integration_error : public std::runtime_error {
 public:
  integration_error(const std::string& what, std::string t, std::string h, std::int64_t step)
      : std::runtime_error(what + " at t = " + t + ", h = " + h + ", step " + std::to_string(step)),
        t(std::move(t)),
        h(std::move(h)),
        step(step) {}
  std::string t, h;
  std::int64_t step;
};

}  // namespace gradflow
