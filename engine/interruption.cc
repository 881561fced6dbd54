#include "paybench/engine/interruption.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <string>

namespace paybench::engine {
namespace {

// The first SIGINT or SIGTERM, or 0. The signal handler writes it once and every thread reads it.
std::atomic<int> first_signal{0};
// The process group of the child being waited for, or 0. The waiting thread writes it and the
// signal handler reads it.
std::atomic<pid_t> child_group{0};
// Whether the command has started to write its result and report. The command's thread writes
// it once and the signal handler reads it.
std::atomic<bool> output_writing_started{false};
static_assert(std::atomic<int>::is_always_lock_free && std::atomic<pid_t>::is_always_lock_free &&
                  std::atomic<bool>::is_always_lock_free,
              "the signal handler may only use lock-free atomics");

// Writes `message`, a string literal, to stderr from a signal handler.
template <std::size_t kSize>
void write_to_stderr(const char (&message)[kSize]) {
  // Nothing can be done about a failed or short write in a handler that exits next.
  [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, message, kSize - 1);
}

// Runs on whichever thread the kernel picked, so it only uses async-signal-safe calls.
extern "C" void on_interruption_signal(int signal) {
  int expected = 0;
  const bool is_first =
      first_signal.compare_exchange_strong(expected, signal, std::memory_order_relaxed);
  if (is_first) return;

  const pid_t group = child_group.load(std::memory_order_relaxed);
  if (group > 0) ::kill(-group, SIGKILL);
  if (output_writing_started.load(std::memory_order_relaxed)) {
    write_to_stderr("paybench: interrupted again: stopped at once after it had started writing "
                    "the result and report; some may be missing or left from an earlier run\n");
  } else {
    write_to_stderr("paybench: interrupted again: stopped at once without writing the result "
                    "and report\n");
  }
  ::_exit(128 + signal);
}

void handle(int signal) {
  struct sigaction previous {};
  ::sigaction(signal, nullptr, &previous);
  if (previous.sa_handler == SIG_IGN) return;

  // SA_RESTART keeps the system calls of a repetition that is allowed to finish from failing
  // with EINTR. The wait loop of child_process.cc sleeps with nanosleep, which a handled signal
  // interrupts regardless.
  struct sigaction action {};
  action.sa_handler = &on_interruption_signal;
  ::sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(signal, &action, nullptr);
}

}  // namespace

void install_interruption_handlers() {
  handle(SIGINT);
  handle(SIGTERM);
}

int interruption_signal() { return first_signal.load(std::memory_order_relaxed); }

void set_interruptible_child_group(pid_t group) {
  child_group.store(group, std::memory_order_relaxed);
}

void mark_output_writing_started() { output_writing_started.store(true, std::memory_order_relaxed); }

int interrupted_exit_code(int signal) { return 128 + signal; }

std::string signal_name(int signal) {
  // sigabbrev_np() (glibc 2.32) returns the name without "SIG", or null for an unknown number.
  const char* abbreviation = ::sigabbrev_np(signal);
  if (abbreviation == nullptr) return "signal " + std::to_string(signal);
  return std::string("SIG") + abbreviation;
}

}  // namespace paybench::engine
