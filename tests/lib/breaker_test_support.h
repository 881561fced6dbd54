// Helpers shared by the circuit breaker tests: a fake clock, a log of state changes, the list of
// breaker types that typed tests run against, and gtest printers for the breaker types.

#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "paybench/resilience/breaker_types.h"
#include "paybench/resilience/circuit_breaker.h"
#include "paybench/resilience/mutex_circuit_breaker.h"

namespace paybench {

// gtest finds these printers through argument-dependent lookup, so failures show state names and
// every count instead of raw bytes.
inline void PrintTo(BreakerState state, std::ostream* out) { *out << to_string(state); }

inline void PrintTo(const BreakerCounts& counts, std::ostream* out) {
  *out << "{requests " << counts.requests << ", successes " << counts.total_successes
       << ", failures " << counts.total_failures << ", consecutive successes "
       << counts.consecutive_successes << ", consecutive failures "
       << counts.consecutive_failures << "}";
}

}  // namespace paybench

namespace paybench::testing {

using TimePoint = std::chrono::steady_clock::time_point;

// A clock that moves only when a test advances it. Any thread may read or advance it. It also
// counts its reads, so tests can check when a breaker consults the clock.
class FakeClock {
 public:
  // Returns a BreakerClock that reads this clock, which must outlive every breaker using it.
  [[nodiscard]] BreakerClock function() {
    return [this] {
      reads_.fetch_add(1, std::memory_order_relaxed);
      return now();
    };
  }

  [[nodiscard]] TimePoint now() const {
    return TimePoint(std::chrono::nanoseconds(ticks_.load(std::memory_order_relaxed)));
  }

  void advance(std::chrono::nanoseconds step) {
    ticks_.fetch_add(step.count(), std::memory_order_relaxed);
  }

  [[nodiscard]] std::uint64_t reads() const { return reads_.load(std::memory_order_relaxed); }

 private:
  // Starts an hour after the epoch, so that time points stay clear of zero.
  std::atomic<std::int64_t> ticks_{std::chrono::nanoseconds(std::chrono::hours(1)).count()};
  std::atomic<std::uint64_t> reads_{0};
};

struct Transition {
  BreakerState from;
  BreakerState to;

  friend bool operator==(const Transition&, const Transition&) = default;
  friend void PrintTo(const Transition& transition, std::ostream* out) {
    *out << to_string(transition.from) << " -> " << to_string(transition.to);
  }
};

// Records every on_state_change call. Any thread may add to it.
class TransitionLog {
 public:
  using Callback = std::function<void(std::string_view, BreakerState, BreakerState)>;

  // Returns a callback that records into this log, which must outlive every breaker using it.
  // `also` runs after each record, without the log's mutex held.
  [[nodiscard]] Callback callback(std::function<void()> also = {}) {
    return [this, also = std::move(also)](std::string_view name, BreakerState from,
                                          BreakerState to) {
      {
        std::lock_guard lock(mutex_);
        names_.emplace_back(name);
        transitions_.push_back(Transition{from, to});
      }
      if (also) {
        also();
      }
    };
  }

  [[nodiscard]] std::vector<Transition> transitions() const {
    std::lock_guard lock(mutex_);
    return transitions_;
  }

  [[nodiscard]] std::vector<std::string> names() const {
    std::lock_guard lock(mutex_);
    return names_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Transition> transitions_;  // Guarded by mutex_.
  std::vector<std::string> names_;       // Guarded by mutex_.
};

using BreakerTypes = ::testing::Types<MutexCircuitBreaker, CircuitBreaker>;

struct BreakerTypeNames {
  template <class Breaker>
  static std::string GetName(int) {
    if constexpr (std::is_same_v<Breaker, MutexCircuitBreaker>) {
      return "MutexCircuitBreaker";
    } else {
      return "CircuitBreaker";
    }
  }
};

// Runs `count` requests through allow() and report() with the given outcome. Stops at the first
// rejection and returns how many requests were admitted.
template <class Breaker>
int run_requests(Breaker& breaker, int count, bool success) {
  for (int i = 0; i < count; ++i) {
    const BreakerTicket ticket = breaker.allow();
    if (!ticket.ok()) {
      return i;
    }
    breaker.report(ticket, success);
  }
  return count;
}

}  // namespace paybench::testing
