#include "progress.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>

namespace gradflow::cli {

namespace {
// Everything the handler touches is fixed-size and set before the signal can use it: a handler may
// call only async-signal-safe functions (write, rmdir, _exit), never the allocator or stdio.
constexpr std::size_t max_directories = 8, max_path = 4096;
volatile std::sig_atomic_t g_interrupted = 0, g_clean_stop = 0, g_n_directories = 0;
char g_directories[max_directories][max_path];
char g_message[512];

extern "C" void on_signal(int) {
  if (g_clean_stop && !g_interrupted) {
    g_interrupted = 1;
    // A long step (100 000 digits, a wide model) may take a while: say what happens meanwhile.
    static const char stopping[] =
        "gradflow: stopping after the current step (a second Ctrl-C quits at once, writing nothing)\n";
    if (::write(STDERR_FILENO, stopping, sizeof stopping - 1) < 0) {
      // nothing else a handler can do
    }
    return;
  }
  const std::size_t length = std::strlen(g_message);
  if (length && ::write(STDERR_FILENO, g_message, length) < 0) g_message[0] = 0;  // nothing else to do
  for (std::sig_atomic_t k = 0; k < g_n_directories; ++k) ::rmdir(g_directories[k]);
  ::_exit(130);
}
}  // namespace

void on_stop_signals(void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&action.sa_mask, s);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaction(s, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

void install_interrupt_handler(const char* message) {
  std::snprintf(g_message, sizeof g_message, "%s", message);
  on_stop_signals(on_signal);
}

void remove_on_exit(const std::vector<std::filesystem::path>& directories) {
  g_n_directories = 0;
  std::size_t n = 0;
  for (const auto& d : directories)
    if (n < max_directories && d.native().size() < max_path)
      std::snprintf(g_directories[n++], max_path, "%s", d.c_str());
  g_n_directories = static_cast<std::sig_atomic_t>(n);
}

void allow_clean_stop() { g_clean_stop = 1; }

bool interrupt_requested() { return g_interrupted != 0; }

progress_meter::progress_meter(bool quiet)
    : m_quiet(quiet), m_start(clock::now()), m_next(m_start + std::chrono::seconds(1)) {}

void progress_meter::update(const std::function<std::string()>& position, std::int64_t steps,
                            const std::function<double()>& log10_loss) {
  if (m_quiet) return;
  const auto now = clock::now();
  if (now < m_next) return;
  m_next = now + std::chrono::seconds(1);
  std::fprintf(stderr, "gradflow: %s  log10 loss = %.3f  steps = %lld  %.1f s\n", position().c_str(),
               log10_loss(), static_cast<long long>(steps), elapsed());
}

double progress_meter::elapsed() const {
  return std::chrono::duration<double>(clock::now() - m_start).count();
}

void cli_observer::on_start() { allow_clean_stop(); }

bool cli_observer::on_step(const step_progress& p) {
  m_progress.update(
      [&] {
        char line[96];
        if (p.time_changed)
          std::snprintf(line, sizeof line, "log10 t = %.6g (s = %.6g)", p.log10_t, p.s);
        else
          std::snprintf(line, sizeof line, "t = %.6g / %.6g", p.t, p.t_end);
        return std::string(line);
      },
      p.steps, p.log10_loss);
  return !m_stop_requested();
}

void cli_observer::on_check_progress(std::string_view id, std::size_t done, std::size_t total,
                                     unsigned digits) {
  if (m_quiet) return;
  const auto now = std::chrono::steady_clock::now();
  if (!m_check_start) m_check_start = now, m_check_next = now + std::chrono::seconds(1);
  if (now < m_check_next) return;
  m_check_next = now + std::chrono::seconds(1);
  std::fprintf(stderr, "gradflow: %.*s: interval %zu / %zu at %u digits  %.1f s\n",
               static_cast<int>(id.size()), id.data(), done, total, digits,
               std::chrono::duration<double>(now - *m_check_start).count());
}

bool cli_observer::checkpoint_due() {
  return m_save && m_checkpoint_every > 0 && std::chrono::steady_clock::now() >= m_checkpoint_next;
}

void cli_observer::on_checkpoint(const std::string& text) {
  if (!m_save) return;
  m_checkpoint_next = std::chrono::steady_clock::now() + std::chrono::seconds(m_checkpoint_every);
  try {
    m_save(text);
    ++m_checkpoints;
    m_last_failed = false;
  } catch (const std::exception& e) {  // a checkpoint that cannot be written never stops the run
    if (!m_save_failed) std::fprintf(stderr, "gradflow: note: checkpoint not written: %s\n", e.what());
    m_save_failed = m_last_failed = true;
  }
}

}  // namespace gradflow::cli
