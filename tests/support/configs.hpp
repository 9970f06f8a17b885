#pragma once
// Config texts shared by the command-line suites.
#include <string>

namespace gradflow::test {

/// THEOREMS.md T1.5 (linear2) at 30 digits, Taylor to t = 2: a run of well under a second, so that a
/// case whose input is not rejected still finishes quickly (and fails on its exit status).
inline const std::string t1_5_quick_config = R"([model]
kind = "linear2"
X = [["1", "0", "0"], ["0", "2", "0"]]
Y = [["1"], ["1"]]
U0 = [["1", "0.5"], ["0.2", "-0.3"], ["0", "0"]]
V0 = [["0.1", "0.2"]]

[precision]
digits = 30

[integrator]
tolerance = "1e-20"

[stop]
t_end = "2"
)";

/// The same data for a depth-3 linear_deep network (widths 3 → 2 → 2 → 1), as quick.
inline const std::string t1_5_deep_quick_config = R"([model]
kind = "linear_deep"
X = [["1", "0", "0"], ["0", "2", "0"]]
Y = [["1"], ["1"]]
W0 = [[["0.18", "0", "0.24"], ["0.24", "0", "0.32"]], [["0.24", "0.32"], ["-0.18", "-0.24"]], [["0.4", "-0.3"]]]

[precision]
digits = 30

[integrator]
tolerance = "1e-20"

[stop]
t_end = "2"
)";

}  // namespace gradflow::test
