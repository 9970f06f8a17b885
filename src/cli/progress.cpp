#include "progress.hpp"

#include <csignal>
#include <cstdio>

namespace gradflow::cli {

namespace {
volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_signal(int) { g_interrupted = 1; }
}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool interrupt_requested() { return g_interrupted != 0; }

progress_meter::progress_meter(bool quiet)
    : m_quiet(quiet), m_start(clock::now()), m_next(m_start + std::chrono::seconds(1)) {}

void progress_meter::update(const std::function<std::string()>& position, std::int64_t steps,
                            const std::function<double()>& log10_loss) {
  if (m_quiet) return;
  const auto now = clock::now();
  if (now < m_next) return;
  m_next = now + std::chrono::seconds(1);
  std::fprintf(stderr, "gradflow: %s  log10 loss = %.3f  steps = %lld  %.1f s\n", position().c_str(), log10_loss(),
               static_cast<long long>(steps), elapsed());
}

double progress_meter::elapsed() const { return std::chrono::duration<double>(clock::now() - m_start).count(); }

}  // namespace gradflow::cli
