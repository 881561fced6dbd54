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
  CallOutcome reported = CallOutcome::kSuccess;          // kCompletion: what the call reported
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

struct BreakerSummary {
  std::uint64_t calls = 0;
  std::uint64_t allowed = 0;
  std::uint64_t rejected_open = 0;
  std::uint64_t rejected_too_many_requests = 0;
  std::uint64_t successes_counted = 0;
  std::uint64_t failures_counted = 0;
  std::uint64_t ignored_generation_ended = 0;
  std::uint64_t transitions = 0;
  // Time during which every call was rejected as open: each open period runs from its trip until
  // its timeout ran out, or until `end` when the timeline ends first. gobreaker leaves the open
  // state only at the first call after the timeout, so the transition to half-open in the rows
  // may come later.
  std::chrono::nanoseconds open{0};
  std::chrono::nanoseconds end{0};  // the time of the last event
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
