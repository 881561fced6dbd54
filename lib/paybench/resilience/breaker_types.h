// Vocabulary shared by CircuitBreaker and MutexCircuitBreaker: states, counts, errors, settings
// and the ticket that allow() returns.
//
// Both breakers implement the state machine of sony/gobreaker (gobreaker.go in its v1 and v2
// modules, without v2's rolling-window BucketPeriod), rule by rule:
// - Defaults: max_requests 0 means 1, interval 0 means counts are never cleared while closed,
//   timeout 0 means 60 s, and the default ready_to_trip trips when consecutive failures exceed 5,
//   so the sixth consecutive failure opens the breaker.
// - Every public call except name() first brings the state up to date with the clock. A closed
//   breaker whose expiry has passed starts a new generation with cleared counts and stays closed,
//   and an open breaker whose expiry has passed becomes half-open. An expiry has passed when the
//   clock reads strictly later than it.
// - allow(): open rejects with BreakerErrc::kOpen, and half-open rejects with
//   BreakerErrc::kTooManyRequests once requests >= max_requests. Otherwise requests grows by one
//   and the ticket carries the current generation.
// - report(): a result whose ticket comes from an older generation is dropped. A success in closed
//   updates the counts. A success in half-open updates the counts and closes the breaker once
//   consecutive successes reach max_requests. A failure in closed updates the counts and then
//   opens the breaker if ready_to_trip(counts) returns true. A failure in half-open reopens it.
// - Every state change starts a new generation with cleared counts. The new expiry is now +
//   interval when closed (none for an interval of 0), now + timeout when open, and none when
//   half-open. on_state_change(name, from, to) then runs after the breaker released its mutex.
//
// Differences from gobreaker: counts() also brings the state up to date first, and a negative
// interval or timeout is rejected instead of being treated as 0. on_state_change runs outside the
// lock, so a callback may call the breaker.

#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace paybench {

enum class BreakerState { kClosed, kHalfOpen, kOpen };

// Returns "closed", "half-open" or "open", the names gobreaker's State.String() uses.
[[nodiscard]] std::string_view to_string(BreakerState state) noexcept;

// Requests and results of the current generation, as in gobreaker's Counts. Every field wraps
// around at 2^32 like gobreaker's uint32 fields.
struct BreakerCounts {
  std::uint32_t requests = 0;
  std::uint32_t total_successes = 0;
  std::uint32_t total_failures = 0;
  std::uint32_t consecutive_successes = 0;
  std::uint32_t consecutive_failures = 0;

  friend bool operator==(const BreakerCounts&, const BreakerCounts&) = default;
};

// Errors that a breaker returns itself, in the category breaker_category().
enum class BreakerErrc {
  kOpen = 1,             // The breaker is open.
  kTooManyRequests = 2,  // The breaker is half-open and has admitted max_requests requests.
};

// The std::error_category named "circuit breaker" that BreakerErrc values belong to.
[[nodiscard]] const std::error_category& breaker_category() noexcept;

[[nodiscard]] std::error_code make_error_code(BreakerErrc error) noexcept;

using BreakerClock = std::function<std::chrono::steady_clock::time_point()>;

// Configuration of a breaker. Empty functions and zero values select gobreaker's defaults.
struct BreakerSettings {
  std::string name;
  // Requests admitted while half-open, and consecutive successes that close the breaker again.
  // 0 means 1.
  std::uint32_t max_requests = 0;
  // Period after which a closed breaker clears its counts. 0 never clears them while closed.
  std::chrono::nanoseconds interval{0};
  // Time an open breaker waits before it becomes half-open. 0 means 60 s.
  std::chrono::nanoseconds timeout{0};
  // Called with the counts after each failure while closed, with the breaker's mutex held, so it
  // must not call the breaker. Returning true opens the breaker. Empty: consecutive_failures > 5.
  std::function<bool(const BreakerCounts&)> ready_to_trip;
  // Maps the result of execute()'s function to success (true) or failure. It runs without any
  // lock held. Empty: a result without error is a success.
  std::function<bool(std::error_code)> is_successful;
  // Called once per state change, without any lock held. See each breaker for the order of
  // callbacks when several threads change the state.
  std::function<void(std::string_view name, BreakerState from, BreakerState to)> on_state_change;
  // Source of the current time, called only when a state has an expiry to compare with. Empty:
  // std::chrono::steady_clock::now.
  BreakerClock clock;
};

// The outcome of allow(): either an admitted request, which the caller must pass to report()
// once the call has finished, or a rejection with its reason. Small and trivially copyable.
class BreakerTicket {
 public:
  // Whether the request may proceed.
  [[nodiscard]] bool ok() const noexcept { return ok_; }

  // BreakerErrc::kOpen or BreakerErrc::kTooManyRequests for a rejected ticket, and an empty
  // error_code for an admitted one.
  [[nodiscard]] std::error_code error() const noexcept {
    return ok_ ? std::error_code() : make_error_code(rejection_);
  }

  // The generation the breaker was in when it decided. report() drops the result of a ticket
  // whose generation has ended.
  [[nodiscard]] std::uint64_t generation() const noexcept { return generation_; }

 private:
  friend class CircuitBreaker;
  friend class MutexCircuitBreaker;

  static BreakerTicket admitted(std::uint64_t generation) noexcept {
    return BreakerTicket(generation, true, BreakerErrc::kOpen);
  }
  static BreakerTicket rejected(std::uint64_t generation, BreakerErrc reason) noexcept {
    return BreakerTicket(generation, false, reason);
  }

  BreakerTicket(std::uint64_t generation, bool ok, BreakerErrc rejection) noexcept
      : generation_(generation), ok_(ok), rejection_(rejection) {}

  std::uint64_t generation_;
  bool ok_;
  BreakerErrc rejection_;  // Meaningful only when !ok_.
};

static_assert(std::is_trivially_copyable_v<BreakerTicket>);
static_assert(sizeof(BreakerTicket) <= 16, "a ticket is returned in two registers on x86-64");

namespace detail {

// A state change that a breaker made under its mutex and reports after releasing it.
struct BreakerTransition {
  BreakerState from;
  BreakerState to;
};

// Returns `settings` with gobreaker's defaults in place of zero values and empty functions,
// except `clock` and `on_state_change`, which stay empty when they are. Throws
// std::invalid_argument, naming the breaker and the value, for a negative interval or timeout.
BreakerSettings resolve_breaker_settings(BreakerSettings settings);

// Returns time + duration for a non-negative duration, or time_point::max() when the sum
// overflows, so a huge interval or timeout means "never expires".
std::chrono::steady_clock::time_point saturating_add(std::chrono::steady_clock::time_point time,
                                                     std::chrono::nanoseconds duration) noexcept;

// The current time, read from the clock once, when first needed. A call that needs no time
// never reads the clock.
class LazyNow {
 public:
  explicit LazyNow(const BreakerClock& clock) noexcept : clock_(clock) {}

  std::chrono::steady_clock::time_point get() {
    if (!now_.has_value()) {
      now_ = clock_ ? clock_() : std::chrono::steady_clock::now();
    }
    return *now_;
  }

 private:
  const BreakerClock& clock_;  // Empty means steady_clock::now.
  std::optional<std::chrono::steady_clock::time_point> now_;
};

// Calls on_state_change for `transition`, if there is one and the callback is set.
void notify_state_change(const BreakerSettings& settings,
                         const std::optional<BreakerTransition>& transition);

// Runs execute() for either breaker: allow(), then fn and is_successful, then report(). A
// rejected request returns the breaker's error without running fn. An exception from fn or from
// is_successful is reported as a failure and rethrown.
template <class Breaker, class F>
std::error_code execute_in_breaker(Breaker& breaker,
                                   const std::function<bool(std::error_code)>& is_successful,
                                   F&& fn) {
  const BreakerTicket ticket = breaker.allow();
  if (!ticket.ok()) {
    return ticket.error();
  }

  std::error_code result;
  bool success = false;
  try {
    result = std::invoke(std::forward<F>(fn));
    success = is_successful(result);
  } catch (...) {
    breaker.report(ticket, false);
    throw;
  }
  breaker.report(ticket, success);
  return result;
}

}  // namespace detail
}  // namespace paybench

template <>
struct std::is_error_code_enum<paybench::BreakerErrc> : std::true_type {};
