#pragma once
// Command-line conveniences around a run: the progress line on stderr and Ctrl-C handling.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace gradflow::cli {

/// Makes SIGINT and SIGTERM request a clean stop instead of killing the process.
void install_interrupt_handler();
/// True once SIGINT or SIGTERM arrived.
bool interrupt_requested();

/// Prints "position (t), log10 loss, steps, elapsed" to stderr at most once a second, from the first
/// second on.
class progress_meter {
 public:
  explicit progress_meter(bool quiet);
  /// Called after every step; `position` ("t = … / t_end") and `log10_loss` are evaluated only when a
  /// line is printed.
  void update(const std::function<std::string()>& position, std::int64_t steps, const std::function<double()>& log10_loss);
  /// Seconds since construction.
  double elapsed() const;

 private:
  using clock = std::chrono::steady_clock;
  bool m_quiet;
  clock::time_point m_start, m_next;
};

}  // namespace gradflow::cli
