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

}  // namespace gradflow::test
