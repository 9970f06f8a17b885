#pragma once
// Command-line conveniences around a run: the progress line on stderr and signal handling.
#include "gradflow/run/run.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gradflow::cli {

/// Makes `handler` handle SIGINT, SIGTERM and SIGHUP (each masked while it runs) and ignores SIGPIPE
/// (a closed stdout fails writes instead of killing).
void on_stop_signals(void (*handler)(int));
/// Makes SIGINT, SIGTERM and SIGHUP end the process at once with exit code 130, after printing
/// `message` and removing `directories` that are still empty (innermost first), until
/// allow_clean_stop() is called; SIGPIPE is ignored (a closed stdout fails writes instead of killing).
void install_interrupt_handler(const char* message);
/// Empty directories the immediate exit removes (the run's staging and work directories and the
/// parents it created), innermost first; at most 8 are kept.
void remove_on_exit(const std::vector<std::filesystem::path>& directories);
/// From now on the first signal only requests a clean stop (interrupt_requested()); a second one
/// still ends the process at once.
void allow_clean_stop();
/// True once SIGINT, SIGTERM or SIGHUP arrived after allow_clean_stop().
bool interrupt_requested();

/// Prints "position (t), log10 loss, steps, elapsed" to stderr at most once a second, from the first
/// second on.
class progress_meter {
 public:
  explicit progress_meter(bool quiet);
  /// Called after every step; `position` ("t = … / t_end") and `log10_loss` are evaluated only when a
  /// line is printed.
  void update(const std::function<std::string()>& position, std::int64_t steps,
              const std::function<double()>& log10_loss);
  /// Seconds since construction.
  double elapsed() const;

 private:
  using clock = std::chrono::steady_clock;
  bool m_quiet;
  clock::time_point m_start, m_next;
};

/// The library's run observer of a front end (the command line, the Python module): progress lines on
/// stderr (unless `quiet`), a stop request once `stop_requested` says so (default: a signal arrived,
/// interrupt_requested()), and checkpoints every `checkpoint_seconds` (0: only where the run stops
/// early) written by `save` (nothing when it is empty).
class cli_observer final : public run_observer {
 public:
  explicit cli_observer(bool quiet, std::int64_t checkpoint_seconds = 0,
                        std::function<void(const std::string&)> save = {},
                        std::function<bool()> stop_requested = interrupt_requested)
      : m_quiet(quiet),
        m_progress(quiet),
        m_checkpoint_every(checkpoint_seconds),
        m_save(std::move(save)),
        m_stop_requested(std::move(stop_requested)),
        m_checkpoint_next(std::chrono::steady_clock::now() + std::chrono::seconds(checkpoint_seconds)) {}
  /// From the first step on there is something to save: a signal stops after the step.
  void on_start() override;
  bool on_step(const step_progress& p) override;
  void on_check_progress(std::string_view id, std::size_t done, std::size_t total, unsigned digits) override;
  bool checkpoint_due() override;
  void on_checkpoint(const std::string& text) override;
  /// Checkpoints saved so far.
  int checkpoints() const { return m_checkpoints; }
  /// Whether the last checkpoint handed over could not be saved (said once on stderr).
  bool last_save_failed() const { return m_last_failed; }

 private:
  bool m_quiet;
  progress_meter m_progress;
  std::int64_t m_checkpoint_every;
  std::function<void(const std::string&)> m_save;
  std::function<bool()> m_stop_requested;
  std::chrono::steady_clock::time_point m_checkpoint_next;
  int m_checkpoints = 0;
  bool m_save_failed = false, m_last_failed = false;
  std::optional<std::chrono::steady_clock::time_point> m_check_start;
  std::chrono::steady_clock::time_point m_check_next;
};

}  // namespace gradflow::cli
