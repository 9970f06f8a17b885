#pragma once
// Command-line conveniences around a run: the progress line on stderr and Ctrl-C handling.
#include <chrono>
#include <cstdint>
#include <functional>

namespace gradflow::cli {

/// Makes SIGINT and SIGTERM request a clean stop instead of killing the process.
void install_interrupt_handler();
/// True once SIGINT or SIGTERM arrived.
bool interrupt_requested();

/// Prints "t, log10 loss, steps, elapsed" to stderr at most once a second, from the first second on.
class progress_meter {
 public:
  explicit progress_meter(bool quiet);
  /// Called after every step; `log10_loss` is evaluated only when a line is printed.
  void update(double t, double t_end, std::int64_t steps, const std::function<double()>& log10_loss);
  /// Seconds since construction.
  double elapsed() const;

 private:
  using clock = std::chrono::steady_clock;
  bool m_quiet;
  clock::time_point m_start, m_next;
};

}  // namespace gradflow::cli
