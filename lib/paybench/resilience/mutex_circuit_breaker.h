// MutexCircuitBreaker: a direct port of sony/gobreaker's CircuitBreaker (the rules are listed in
// breaker_types.h), with every call under one std::mutex. It is the baseline that workloads
// compare CircuitBreaker with, and the reference model that the tests compare it against.
//
// Contract:
// - Thread safety: every member function may be called from any thread at once. Calls are
//   linearized in the order in which they hold the mutex.
// - Clock: the clock is read at most once per call, and only when the state has an expiry to
//   compare with or a state change needs the time (gobreaker reads it on every call). With a
//   fake clock this makes no difference to the results.
// - Callbacks: ready_to_trip runs with the mutex held and must not call the breaker.
//   on_state_change runs after the mutex is released, on the thread whose call made the change,
//   before that call returns, so it may call the breaker. Each call makes at most one change, and
//   each change gets exactly one callback. Callbacks of changes made by different threads may run
//   concurrently and in an order other than the order of the changes. An exception from
//   on_state_change propagates from the call that made the change, which stays made.

#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "paybench/resilience/breaker_types.h"

namespace paybench {

class MutexCircuitBreaker {
 public:
  // Creates a closed breaker in generation 1. Throws std::invalid_argument for a negative
  // interval or timeout.
  explicit MutexCircuitBreaker(BreakerSettings settings);

  MutexCircuitBreaker(const MutexCircuitBreaker&) = delete;
  MutexCircuitBreaker& operator=(const MutexCircuitBreaker&) = delete;

  // Decides whether a request may proceed now (gobreaker's beforeRequest). An admitted ticket
  // counts as a request and must be passed to report() when the request has finished.
  [[nodiscard]] BreakerTicket allow();

  // Records the outcome of an admitted request (gobreaker's afterRequest). The result is dropped
  // when the ticket's generation has ended. Passing a rejected ticket is a usage error: it fails
  // an assertion in debug builds and is ignored otherwise.
  void report(const BreakerTicket& ticket, bool success);

  // Runs fn, which returns std::error_code, if the breaker admits it, and reports
  // is_successful(result). Returns fn's result, or the breaker's error without running fn when
  // rejected. An exception from fn is reported as a failure and rethrown.
  template <class F>
  std::error_code execute(F&& fn) {
    return detail::execute_in_breaker(*this, settings_.is_successful, std::forward<F>(fn));
  }

  // Returns the state after bringing it up to date with the clock.
  [[nodiscard]] BreakerState state();

  // Returns the counts of the current generation after bringing the state up to date.
  [[nodiscard]] BreakerCounts counts();

  // Returns the current generation after bringing the state up to date. It starts at 1 and grows
  // by one at each state change and at each interval that ends while closed.
  [[nodiscard]] std::uint64_t generation();

  [[nodiscard]] const std::string& name() const noexcept { return settings_.name; }

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  using LazyNow = detail::LazyNow;

  void update_locked(LazyNow& now, std::optional<detail::BreakerTransition>& transition);
  void set_state_locked(BreakerState state, LazyNow& now,
                        std::optional<detail::BreakerTransition>& transition);
  void start_generation_locked(LazyNow& now);

  const BreakerSettings settings_;  // Resolved: defaults are filled in.

  std::mutex mutex_;
  BreakerState state_ = BreakerState::kClosed;  // Guarded by mutex_.
  std::uint64_t generation_ = 0;                // Guarded by mutex_.
  BreakerCounts counts_;                        // Guarded by mutex_.
  TimePoint expiry_ = TimePoint::max();         // Guarded by mutex_. max() means none.
};

}  // namespace paybench
