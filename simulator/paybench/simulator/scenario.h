// The scenarios that `paybench simulate` replays: a breaker or rate limiter configuration and a
// timeline of calls on a virtual clock.
//
// Times are std::chrono::nanoseconds since the start of the timeline. Scenario files give them
// in milliseconds, possibly fractional, and the readers round them to whole nanoseconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace paybench::simulator {

// The largest time, interval or timeout a scenario may give, in milliseconds: about 31.7 years,
// far beyond any outage pattern. It keeps every virtual time plus a timeout well inside the
// int64 nanoseconds of std::chrono::steady_clock.
inline constexpr double kMaxScenarioTimeMs = 1e12;

// The maximum number of calls or limiter events that a scenario may expand to after `repeat`. It
// bounds memory and output. A breaker call prints up to two table lines of about 100 bytes, so the
// limit comes to an estimated 200 MB of table.
inline constexpr std::size_t kMaxScenarioEvents = 1'000'000;

// The breaker's defaults that the simulator echoes in its output. They are gobreaker's, and
// paybench::CircuitBreaker applies the same ones itself.
inline constexpr std::uint32_t kDefaultConsecutiveFailuresOver = 5;
inline constexpr std::chrono::milliseconds kDefaultBreakerTimeout{60'000};

// The rule that decides, after each failure in the closed state, whether the breaker opens.
struct TripRule {
  enum class Kind {
    kDefault,              // the breaker's own default: consecutive failures > 5
    kConsecutiveFailures,  // consecutive_failures > consecutive_failures_over
    kFailureRatio,         // requests >= min_requests and failures / requests >= ratio
  };

  Kind kind = Kind::kDefault;
  std::uint32_t consecutive_failures_over = kDefaultConsecutiveFailuresOver;
  double failure_ratio_at_least = 0.0;  // in (0, 1]
  std::uint32_t min_requests = 1;
};

struct BreakerConfig {
  std::string name = "breaker";
  std::uint32_t max_requests = 0;        // 0 means 1, as in gobreaker
  std::chrono::nanoseconds interval{0};  // 0: counts are never cleared while closed
  std::chrono::nanoseconds timeout{0};   // 0 means 60 s
  TripRule ready_to_trip;

  // The values the breaker applies, with gobreaker's meaning of 0 resolved.
  [[nodiscard]] std::uint32_t effective_max_requests() const {
    return max_requests == 0 ? 1 : max_requests;
  }
  [[nodiscard]] std::chrono::nanoseconds effective_timeout() const {
    return timeout == std::chrono::nanoseconds::zero() ? kDefaultBreakerTimeout : timeout;
  }
};

enum class CallOutcome { kSuccess, kFailure };

// One call. The replay calls the breaker's allow() at `arrival` and, if the call is admitted,
// report() with `outcome` at arrival + duration.
struct BreakerCall {
  std::chrono::nanoseconds arrival{0};
  std::chrono::nanoseconds duration{0};
  CallOutcome outcome = CallOutcome::kSuccess;
};

struct BreakerScenario {
  BreakerConfig config;
  std::vector<BreakerCall> calls;  // in file order, each `repeat` expanded; not sorted by time
};

struct LimiterConfig {
  double limit_per_s = 0.0;  // may be infinite
  int burst = 0;
};

struct LimiterEvent {
  enum class Kind {
    kRequest,   // allow_n(n)
    kSetLimit,  // set_limit(limit_per_s)
    kSetBurst,  // set_burst(burst)
  };

  std::chrono::nanoseconds at{0};
  Kind kind = Kind::kRequest;
  int n = 1;                 // kRequest only
  double limit_per_s = 0.0;  // kSetLimit only
  int burst = 0;             // kSetBurst only
};

struct LimiterScenario {
  LimiterConfig config;
  std::vector<LimiterEvent> events;  // in file order, each `repeat` expanded; not sorted by time
};

// The textual name of each outcome as scenario files and outputs spell it.
inline const char* to_string(CallOutcome outcome) {
  return outcome == CallOutcome::kSuccess ? "success" : "failure";
}

}  // namespace paybench::simulator
