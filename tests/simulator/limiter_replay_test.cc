// Replays on RateLimiter: golang.org/x/time/rate's token bucket as it shows in the timeline.
#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <vector>

#include "paybench/simulator/limiter_timeline.h"

namespace paybench::simulator {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

LimiterEvent request(nanoseconds at, int n = 1) {
  LimiterEvent event;
  event.at = at;
  event.n = n;
  return event;
}

LimiterEvent set_limit(nanoseconds at, double limit_per_s) {
  LimiterEvent event;
  event.at = at;
  event.kind = LimiterEvent::Kind::kSetLimit;
  event.limit_per_s = limit_per_s;
  return event;
}

LimiterEvent set_burst(nanoseconds at, int burst) {
  LimiterEvent event;
  event.at = at;
  event.kind = LimiterEvent::Kind::kSetBurst;
  event.burst = burst;
  return event;
}

LimiterTimeline replay(double limit_per_s, int burst, std::vector<LimiterEvent> events) {
  return replay_limiter(LimiterScenario{LimiterConfig{limit_per_s, burst}, std::move(events)});
}

TEST(LimiterReplay, BurstThenRejectsUntilRefill) {
  // 10 per second refills one token every 100 ms, and the bucket starts full with 3.
  const LimiterTimeline timeline = replay(
      10, 3,
      {request(0ms), request(0ms), request(0ms), request(0ms), request(99ms), request(100ms)});

  ASSERT_EQ(timeline.rows.size(), 6u);
  EXPECT_EQ(timeline.rows[2].decision, LimiterDecision::kAllowed);
  EXPECT_DOUBLE_EQ(timeline.rows[2].tokens, 0.0);
  EXPECT_EQ(timeline.rows[3].decision, LimiterDecision::kNotEnoughTokens);
  EXPECT_EQ(timeline.rows[4].decision, LimiterDecision::kNotEnoughTokens);
  EXPECT_NEAR(timeline.rows[4].tokens, 0.99, 1e-9);
  EXPECT_EQ(timeline.rows[5].decision, LimiterDecision::kAllowed);
  EXPECT_NEAR(timeline.rows[5].tokens, 0.0, 1e-9);
}

TEST(LimiterReplay, RequestAboveBurstNamesTheReason) {
  const LimiterTimeline timeline = replay(10, 2, {request(0ms, 3), request(0ms, 2)});

  EXPECT_EQ(timeline.rows[0].decision, LimiterDecision::kExceedsBurst);
  EXPECT_DOUBLE_EQ(timeline.rows[0].tokens, 2.0);
  EXPECT_EQ(timeline.rows[1].decision, LimiterDecision::kAllowed);
}

TEST(LimiterReplay, InfiniteLimitAdmitsAnySize) {
  const LimiterTimeline timeline =
      replay(std::numeric_limits<double>::infinity(), 0, {request(0ms, 1000), request(0ms, 5)});

  EXPECT_EQ(timeline.rows[0].decision, LimiterDecision::kAllowed);
  EXPECT_EQ(timeline.rows[1].decision, LimiterDecision::kAllowed);
}

TEST(LimiterReplay, SetLimitFirstAdvancesUnderOldLimit) {
  // Empty at 0 ms. 100 ms at 10 per second adds 1 token before the limit drops to 1 per second,
  // which then adds 0.1 token in the next 100 ms.
  const LimiterTimeline timeline =
      replay(10, 5, {request(0ms, 5), set_limit(100ms, 1), request(200ms, 2)});

  const LimiterRow& change = timeline.rows[1];
  EXPECT_EQ(change.kind, LimiterEvent::Kind::kSetLimit);
  EXPECT_DOUBLE_EQ(change.previous_limit_per_s, 10.0);
  EXPECT_DOUBLE_EQ(change.limit_per_s, 1.0);
  EXPECT_NEAR(change.tokens, 1.0, 1e-9);
  EXPECT_EQ(timeline.rows[2].decision, LimiterDecision::kNotEnoughTokens);
  EXPECT_NEAR(timeline.rows[2].tokens, 1.1, 1e-9);
}

TEST(LimiterReplay, LowerBurstCapsTokens) {
  const LimiterTimeline timeline = replay(10, 5, {set_burst(0ms, 2), request(0ms, 1)});

  EXPECT_EQ(timeline.rows[0].previous_burst, 5);
  EXPECT_EQ(timeline.rows[0].burst, 2);
  EXPECT_DOUBLE_EQ(timeline.rows[0].tokens, 2.0);
  EXPECT_DOUBLE_EQ(timeline.rows[1].tokens, 1.0);
}

TEST(LimiterReplay, EqualTimesKeepFileOrder) {
  // The burst change is listed before the request at the same time, so it applies first.
  const LimiterTimeline timeline =
      replay(10, 1, {request(50ms, 2), set_burst(50ms, 2), request(50ms, 2), request(0ms)});

  ASSERT_EQ(timeline.rows.size(), 4u);
  EXPECT_EQ(timeline.rows[0].time, 0ms);
  EXPECT_EQ(timeline.rows[1].decision, LimiterDecision::kExceedsBurst);
  EXPECT_EQ(timeline.rows[2].kind, LimiterEvent::Kind::kSetBurst);
  EXPECT_EQ(timeline.rows[3].decision, LimiterDecision::kNotEnoughTokens);
  EXPECT_EQ(timeline.rows[3].request, 3u);
}

TEST(LimiterReplay, SummaryCountsRequestsAndTokens) {
  const LimiterTimeline timeline = replay(
      10, 2,
      {request(0ms, 2), request(0ms, 1), request(0ms, 3), set_limit(10ms, 20), request(110ms, 1)});

  const LimiterSummary& summary = timeline.summary;
  EXPECT_EQ(summary.requests, 4u);
  EXPECT_EQ(summary.allowed, 2u);
  EXPECT_EQ(summary.rejected_not_enough_tokens, 1u);
  EXPECT_EQ(summary.rejected_exceeds_burst, 1u);
  EXPECT_EQ(summary.tokens_requested, 7u);
  EXPECT_EQ(summary.tokens_allowed, 3u);
  EXPECT_EQ(summary.config_changes, 1u);
  EXPECT_EQ(summary.end, 110ms);
  // 0.1 token by 10 ms at 10 per second, then 2 more by 110 ms at 20 per second, capped at the
  // burst of 2, minus the 1 taken.
  EXPECT_NEAR(summary.final_tokens, 1.0, 1e-9);
}

}  // namespace
}  // namespace paybench::simulator
