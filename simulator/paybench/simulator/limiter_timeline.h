// Replaying a limiter scenario on paybench::RateLimiter with a virtual clock, and the timeline
// that results.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "paybench/simulator/scenario.h"

namespace paybench::simulator {

enum class LimiterDecision {
  kAllowed,
  kNotEnoughTokens,  // the bucket had fewer than n tokens
  kExceedsBurst,     // n > burst under a finite limit, so no wait would ever admit it
};

// "allowed", "rejected: not enough tokens" or "rejected: n exceeds burst".
const char* to_string(LimiterDecision decision);

// "request", "set_limit" or "set_burst".
const char* to_string(LimiterEvent::Kind kind);

// One line of the timeline: a request or a config change, with the limiter's state after it.
struct LimiterRow {
  std::chrono::nanoseconds time{0};
  LimiterEvent::Kind kind = LimiterEvent::Kind::kRequest;
  std::uint64_t request = 0;  // kRequest: 1, 2, ... in time order; 0 for config changes
  int n = 0;                  // kRequest
  LimiterDecision decision = LimiterDecision::kAllowed;  // kRequest

  double previous_limit_per_s = 0.0;  // kSetLimit
  int previous_burst = 0;             // kSetBurst

  double limit_per_s = 0.0;  // after the event
  int burst = 0;             // after the event
  double tokens = 0.0;       // RateLimiter::tokens_at(time) after the event
};

// Returns the decision of a request, or the change a config event made, e.g. "burst 5 -> 2".
std::string describe_outcome(const LimiterRow& row);

struct LimiterSummary {
  std::uint64_t requests = 0;
  std::uint64_t allowed = 0;
  std::uint64_t rejected_not_enough_tokens = 0;
  std::uint64_t rejected_exceeds_burst = 0;
  std::uint64_t tokens_requested = 0;  // the sum of n over all requests
  std::uint64_t tokens_allowed = 0;    // the sum of n over allowed requests
  std::uint64_t config_changes = 0;
  std::chrono::nanoseconds end{0};  // the time of the last event
  double final_tokens = 0.0;        // tokens at `end`
};

struct LimiterTimeline {
  LimiterConfig config;
  std::vector<LimiterRow> rows;  // in time order
  LimiterSummary summary;
};

// Replays the events in time order on a RateLimiter built from the scenario's config. Events at
// the same time keep their file order. Each request calls allow_n(time, n).
LimiterTimeline replay_limiter(const LimiterScenario& scenario);

}  // namespace paybench::simulator
