// SpinBackoff: the waiting step of the blocking operations of the lock-free rings (SpscRing,
// MpmcRing), which have no condition variable to sleep on.
//
// Each call to wait() first spins with the CPU's pause instruction, doubling the number of pauses
// on every call from 1 up to kMaxPausesPerWait, and from then on calls
// std::this_thread::yield(). A waiter therefore reacts within a few pauses to a change that comes
// quickly, and gives the core to other threads when it does not. It never sleeps in the kernel,
// so a thread that waits for a long time still uses CPU time on every yield.

#pragma once

#include <chrono>
#include <cstdint>
#include <thread>

namespace paybench {

class SpinBackoff {
 public:
  // Largest number of pause instructions in one wait() before waits switch to yielding. The
  // spin phase lasts 1 + 2 + ... + 64 = 127 pauses. A pause takes roughly 10 to 140 cycles
  // depending on the x86-64 core, so the spin phase lasts from well under a microsecond to a few
  // microseconds (an estimate, not a measurement). That is long enough for a peer thread on
  // another core to finish one queue operation and short compared with a scheduler time slice.
  static constexpr std::uint32_t kMaxPausesPerWait = 64;

  // Waits once: spins for the current number of pauses, or yields once the spin phase is over.
  void wait() noexcept {
    if (pauses_ > kMaxPausesPerWait) {
      std::this_thread::yield();
      return;
    }
    for (std::uint32_t i = 0; i < pauses_; ++i) {
      pause_cpu();
    }
    pauses_ *= 2;
  }

  // Restarts the spin phase, for a waiter that made progress and will wait again.
  void reset() noexcept { pauses_ = 1; }

 private:
  // Tells the CPU that this is a spin loop, which saves power and yields pipeline resources to a
  // hyper-thread sibling. On other architectures the loop simply spins.
  static void pause_cpu() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
  }

  std::uint32_t pauses_ = 1;
};

// Calls `try_once()` until it returns true, waiting with a SpinBackoff between calls.
template <class TryOnce>
void retry_with_backoff(TryOnce&& try_once) {
  SpinBackoff backoff;
  while (!try_once()) {
    backoff.wait();
  }
}

// Calls `try_once()` until it returns true or `deadline` has passed, waiting with a SpinBackoff
// between calls. Returns whether a call succeeded. It calls `try_once()` at least once, even when
// the deadline has already passed, and reads the clock only after a failed call.
template <class TryOnce>
[[nodiscard]] bool retry_with_backoff_until(TryOnce&& try_once,
                                            std::chrono::steady_clock::time_point deadline) {
  SpinBackoff backoff;
  while (!try_once()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    backoff.wait();
  }
  return true;
}

}  // namespace paybench
