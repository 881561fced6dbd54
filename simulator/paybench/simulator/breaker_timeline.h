// Replaying a breaker scenario on paybench::CircuitBreaker (or MutexCircuitBreaker) with a
// virtual clock, and the timeline that results.
//
// Order of events: arrivals and completions in time order. At equal times completions come
// before arrivals, completions in call order, and arrivals in file order (an entry's repetitions
// in turn). A call's completion is scheduled when it is admitted, so a call with duration 0
// completes right after its own arrival, before the next arrival at that time. A state
// transition is placed right after the arrival or completion whose breaker call made it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "paybench/resilience/breaker_types.h"
#include "paybench/simulator/scenario.h"

namespace paybench::simulator {

enum class BreakerDecision { kAllowed, kRejectedOpen, kRejectedTooManyRequests };

// The breaker's handling of the outcome that a call reported.
enum class CompletionResult {
  kSuccessCounted,
  kFailureCounted,
  kIgnoredGenerationEnded,  // the call's generation ended before it completed
};

// "allowed", "rejected: open" or "rejected: too many requests".
const char* to_string(BreakerDecision decision);

// "success counted", "failure counted" or "ignored: generation ended".
const char* to_string(CompletionResult result);

// One line of the timeline, with the breaker's state, generation and counts after it.
struct BreakerRow {
  enum class Kind { kArrival, kCompletion, kTransition };

  std::chrono::nanoseconds time{0};
  Kind kind = Kind::kArrival;

  std::uint64_t call = 0;                                // kArrival, kCompletion: 1, 2, ...
  BreakerDecision decision = BreakerDecision::kAllowed;  // kArrival
  // kArrival, kCompletion: the outcome that the scenario gives the call. An admitted call reports
  // it at its completion, and a rejected call never reports it.
  CallOutcome scenario_outcome = CallOutcome::kSuccess;
  CompletionResult result = CompletionResult::kSuccessCounted;  // kCompletion
  std::uint64_t call_generation = 0;  // kArrival, kCompletion: the generation of the call's ticket

  BreakerState from = BreakerState::kClosed;  // kTransition

  BreakerState state = BreakerState::kClosed;
  std::uint64_t generation = 0;
  BreakerCounts counts;  // cleared by every transition

  friend bool operator==(const BreakerRow&, const BreakerRow&) = default;
};

// "arrival", "completion" or "transition".
const char* to_string(BreakerRow::Kind kind);

// Returns the decision of an arrival, the result of a completion, or a transition's "from -> to".
std::string describe_outcome(const BreakerRow& row);

// A period in which the breaker rejected every call as open. It starts at a transition to open
// and ends when the open state's timeout has run out. gobreaker leaves the open state only at the
// first call after that, so the transition to half-open in the rows may come later.
struct OpenPeriod {
  std::chrono::nanoseconds from{0};  // the time of the transition to open
  // from + timeout, or std::nullopt when the breaker was still open at the last event. A call at
  // exactly `to` is still rejected, because the timeout counts as passed only after it.
  std::optional<std::chrono::nanoseconds> to;
  std::chrono::nanoseconds open{0};  // to - from, or the last event's time - from
  std::uint64_t rejected_open = 0;   // calls rejected as open in the period
  std::uint64_t rejected_scenario_success = 0;  // of those, calls whose scenario outcome is success
};

// Rejected calls, as open or as too many requests, whose scenario outcome is success: calls that
// the backend would have served.
struct RejectedScenarioSuccesses {
  std::uint64_t calls = 0;
  std::optional<std::chrono::nanoseconds> first;  // the first such arrival, none when calls is 0
  std::optional<std::chrono::nanoseconds> last;   // the last such arrival, none when calls is 0
};

struct BreakerSummary {
  std::uint64_t calls = 0;
  std::uint64_t allowed = 0;
  std::uint64_t rejected_open = 0;
  std::uint64_t rejected_too_many_requests = 0;
  RejectedScenarioSuccesses rejected_scenario_success;
  std::uint64_t successes_counted = 0;
  std::uint64_t failures_counted = 0;
  std::uint64_t ignored_generation_ended = 0;
  std::uint64_t transitions = 0;
  std::vector<OpenPeriod> open_periods;  // in time order
  std::chrono::nanoseconds open{0};      // the sum of the open periods
  std::chrono::nanoseconds end{0};       // the time of the last event
  BreakerState final_state = BreakerState::kClosed;
  std::uint64_t final_generation = 0;
};

struct BreakerTimeline {
  BreakerConfig config;
  std::vector<BreakerRow> rows;  // in the order described at the top of this file
  BreakerSummary summary;
};

// The breaker class that a replay runs on. Both implement the same rules, so they give the same
// timeline.
enum class BreakerImplementation { kCircuitBreaker, kMutexCircuitBreaker };

// Replays the calls on a breaker built from the scenario's config, whose clock and state-change
// callback are driven by the virtual time: allow() at each arrival, and report() at arrival +
// duration for each admitted call.
BreakerTimeline replay_breaker(
    const BreakerScenario& scenario,
    BreakerImplementation implementation = BreakerImplementation::kCircuitBreaker);

}  // namespace paybench::simulator
