#pragma once
// The integration methods a run can ask for (`integrator.method`).
#include <optional>
#include <string>
#include <string_view>

namespace gradflow {

/// Integration method, chosen at run time and dispatched once to a concrete stepper.
enum class method {
  rk78,            ///< controlled Runge–Kutta–Fehlberg 7(8) (odeint)
  dopri5,          ///< controlled Dormand–Prince 5(4) (odeint)
  bulirsch_stoer,  ///< Bulirsch–Stoer extrapolation (odeint)
  taylor,          ///< adaptive high-order Taylor series (integrate/taylor_drive.hpp)
};

/// Config name of a method ("rk78", …).
std::string_view method_name(method m);

/// Method for a config name; nullopt when the name is unknown.
std::optional<method> parse_method(std::string_view name);

/// Names of every known method, comma separated (for messages and --help).
std::string method_names();

}  // namespace gradflow
