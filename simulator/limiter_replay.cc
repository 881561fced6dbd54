#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "output_text.h"
#include "paybench/resilience/rate_limiter.h"
#include "paybench/simulator/limiter_timeline.h"
#include "virtual_clock.h"

namespace paybench::simulator {
namespace {

LimiterDecision decide(bool allowed, int n, const RateLimiter& limiter) {
  if (allowed) return LimiterDecision::kAllowed;
  const bool exceeds_burst = n > limiter.burst() && !std::isinf(limiter.limit());
  return exceeds_burst ? LimiterDecision::kExceedsBurst : LimiterDecision::kNotEnoughTokens;
}

void count(LimiterSummary& summary, const LimiterRow& row) {
  if (row.kind != LimiterEvent::Kind::kRequest) {
    ++summary.config_changes;
    return;
  }
  ++summary.requests;
  summary.tokens_requested += static_cast<std::uint64_t>(row.n);
  switch (row.decision) {
    case LimiterDecision::kAllowed:
      ++summary.allowed;
      summary.tokens_allowed += static_cast<std::uint64_t>(row.n);
      break;
    case LimiterDecision::kNotEnoughTokens:
      ++summary.rejected_not_enough_tokens;
      break;
    case LimiterDecision::kExceedsBurst:
      ++summary.rejected_exceeds_burst;
      break;
  }
}

}  // namespace

const char* to_string(LimiterDecision decision) {
  switch (decision) {
    case LimiterDecision::kAllowed:
      return "allowed";
    case LimiterDecision::kNotEnoughTokens:
      return "rejected: not enough tokens";
    case LimiterDecision::kExceedsBurst:
      return "rejected: n exceeds burst";
  }
  return "unknown";
}

const char* to_string(LimiterEvent::Kind kind) {
  switch (kind) {
    case LimiterEvent::Kind::kRequest:
      return "request";
    case LimiterEvent::Kind::kSetLimit:
      return "set_limit";
    case LimiterEvent::Kind::kSetBurst:
      return "set_burst";
  }
  return "unknown";
}

std::string describe_outcome(const LimiterRow& row) {
  switch (row.kind) {
    case LimiterEvent::Kind::kRequest:
      return to_string(row.decision);
    case LimiterEvent::Kind::kSetLimit:
      return fmt::format("limit_per_s {} -> {}", detail::format_limit(row.previous_limit_per_s),
                         detail::format_limit(row.limit_per_s));
    case LimiterEvent::Kind::kSetBurst:
      return fmt::format("burst {} -> {}", row.previous_burst, row.burst);
  }
  return "unknown";
}

LimiterTimeline replay_limiter(const LimiterScenario& scenario) {
  std::vector<LimiterEvent> events = scenario.events;
  std::stable_sort(events.begin(), events.end(),
                   [](const LimiterEvent& a, const LimiterEvent& b) { return a.at < b.at; });

  LimiterTimeline timeline;
  timeline.config = scenario.config;
  timeline.rows.reserve(events.size());
  RateLimiter limiter(scenario.config.limit_per_s, scenario.config.burst);

  for (const LimiterEvent& event : events) {
    const RateLimiter::TimePoint now = detail::virtual_time(event.at);
    LimiterRow row;
    row.time = event.at;
    row.kind = event.kind;

    switch (event.kind) {
      case LimiterEvent::Kind::kRequest: {
        const bool allowed = limiter.allow_n(now, event.n);
        row.request = timeline.summary.requests + 1;
        row.n = event.n;
        row.decision = decide(allowed, event.n, limiter);
        break;
      }
      case LimiterEvent::Kind::kSetLimit:
        row.previous_limit_per_s = limiter.limit();
        limiter.set_limit(now, event.limit_per_s);
        break;
      case LimiterEvent::Kind::kSetBurst:
        row.previous_burst = limiter.burst();
        limiter.set_burst(now, event.burst);
        break;
    }

    row.limit_per_s = limiter.limit();
    row.burst = limiter.burst();
    row.tokens = limiter.tokens_at(now);
    count(timeline.summary, row);
    timeline.rows.push_back(row);
  }

  if (!timeline.rows.empty()) {
    timeline.summary.end = timeline.rows.back().time;
    timeline.summary.final_tokens = timeline.rows.back().tokens;
  }
  return timeline;
}

}  // namespace paybench::simulator
