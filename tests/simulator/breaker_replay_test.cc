// Replays on both breakers: gobreaker's rules as they show in the timeline, the order of events,
// and the summary.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <vector>

#include "paybench/simulator/breaker_timeline.h"

namespace paybench::simulator {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;
using Kind = BreakerRow::Kind;

constexpr CallOutcome kSuccess = CallOutcome::kSuccess;
constexpr CallOutcome kFailure = CallOutcome::kFailure;

BreakerCall call(nanoseconds arrival, CallOutcome outcome, nanoseconds duration = 0ns) {
  return BreakerCall{arrival, duration, outcome};
}

// A config that trips on the first failure, so that tests reach the open state in one call.
BreakerConfig trips_on_first_failure(std::uint32_t max_requests, nanoseconds timeout) {
  BreakerConfig config;
  config.max_requests = max_requests;
  config.timeout = timeout;
  config.ready_to_trip.kind = TripRule::Kind::kConsecutiveFailures;
  config.ready_to_trip.consecutive_failures_over = 0;
  return config;
}

// Returns the row of `kind` for call number `number`, and fails the test if there is none.
BreakerRow row_of(const BreakerTimeline& timeline, Kind kind, std::uint64_t number) {
  for (const BreakerRow& row : timeline.rows) {
    if (row.kind == kind && row.call == number) return row;
  }
  ADD_FAILURE() << "no " << to_string(kind) << " row for call " << number;
  return BreakerRow{};
}

std::vector<BreakerRow> transitions_of(const BreakerTimeline& timeline) {
  std::vector<BreakerRow> transitions;
  for (const BreakerRow& row : timeline.rows) {
    if (row.kind == Kind::kTransition) transitions.push_back(row);
  }
  return transitions;
}

class BreakerReplay : public ::testing::TestWithParam<BreakerImplementation> {
 protected:
  BreakerTimeline replay(BreakerConfig config, std::vector<BreakerCall> calls) {
    return replay_breaker(BreakerScenario{std::move(config), std::move(calls)}, GetParam());
  }
};

TEST_P(BreakerReplay, DefaultTripsOnSixthConsecutiveFailure) {
  std::vector<BreakerCall> calls;
  for (int i = 0; i < 7; ++i) calls.push_back(call(i * 1ms, kFailure));
  const BreakerTimeline timeline = replay(BreakerConfig{}, calls);

  const BreakerRow fifth = row_of(timeline, Kind::kCompletion, 5);
  EXPECT_EQ(fifth.state, BreakerState::kClosed);
  EXPECT_EQ(fifth.counts.consecutive_failures, 5u);
  EXPECT_EQ(row_of(timeline, Kind::kCompletion, 6).state, BreakerState::kOpen);
  EXPECT_EQ(row_of(timeline, Kind::kArrival, 7).decision, BreakerDecision::kRejectedOpen);
}

TEST_P(BreakerReplay, DefaultsMatchEchoedConfig) {
  // The output echoes a default config as timeout_ms 60000 and max_requests 1: the replay must
  // behave that way too.
  std::vector<BreakerCall> calls;
  for (int i = 0; i < 6; ++i) calls.push_back(call(i * 1ms, kFailure));
  const nanoseconds expiry = 5ms + 60s;
  calls.push_back(call(expiry, kSuccess));
  calls.push_back(call(expiry + 1ns, kSuccess, 1ms));
  calls.push_back(call(expiry + 1ns, kSuccess, 1ms));
  const BreakerTimeline timeline = replay(BreakerConfig{}, calls);

  EXPECT_EQ(timeline.config.effective_timeout(), 60s);
  EXPECT_EQ(timeline.config.effective_max_requests(), 1u);
  EXPECT_EQ(row_of(timeline, Kind::kArrival, 7).decision, BreakerDecision::kRejectedOpen);
  EXPECT_EQ(row_of(timeline, Kind::kArrival, 8).decision, BreakerDecision::kAllowed);
  EXPECT_EQ(row_of(timeline, Kind::kArrival, 9).decision,
            BreakerDecision::kRejectedTooManyRequests);
  EXPECT_EQ(timeline.summary.open, 60s);
}

TEST_P(BreakerReplay, OpenRejectsUntilTimeoutHasPassed) {
  // Trips at 10 ms with a 1000 ms timeout: the expiry is 1010 ms, and gobreaker leaves the open
  // state only when the clock reads strictly later.
  const BreakerTimeline timeline =
      replay(trips_on_first_failure(1, 1000ms),
             {call(10ms, kFailure), call(1010ms, kSuccess), call(1010ms + 1ns, kSuccess, 5ms)});

  EXPECT_EQ(row_of(timeline, Kind::kArrival, 2).decision, BreakerDecision::kRejectedOpen);
  const BreakerRow third = row_of(timeline, Kind::kArrival, 3);
  EXPECT_EQ(third.decision, BreakerDecision::kAllowed);
  EXPECT_EQ(third.state, BreakerState::kHalfOpen);

  const std::vector<BreakerRow> transitions = transitions_of(timeline);
  ASSERT_EQ(transitions.size(), 3u);
  EXPECT_EQ(transitions[1].from, BreakerState::kOpen);
  EXPECT_EQ(transitions[1].state, BreakerState::kHalfOpen);
  EXPECT_EQ(transitions[1].time, 1010ms + 1ns);
}

TEST_P(BreakerReplay, HalfOpenAdmitsMaxRequestsThenTooMany) {
  const BreakerTimeline timeline =
      replay(trips_on_first_failure(2, 100ms),
             {call(0ms, kFailure), call(200ms, kSuccess, 50ms), call(200ms, kSuccess, 50ms),
              call(200ms, kSuccess, 50ms), call(210ms, kSuccess, 50ms)});

  EXPECT_EQ(row_of(timeline, Kind::kArrival, 2).decision, BreakerDecision::kAllowed);
  EXPECT_EQ(row_of(timeline, Kind::kArrival, 3).decision, BreakerDecision::kAllowed);
  const BreakerRow fourth = row_of(timeline, Kind::kArrival, 4);
  EXPECT_EQ(fourth.decision, BreakerDecision::kRejectedTooManyRequests);
  EXPECT_EQ(fourth.counts.requests, 2u);
  EXPECT_EQ(row_of(timeline, Kind::kArrival, 5).decision,
            BreakerDecision::kRejectedTooManyRequests);
}

TEST_P(BreakerReplay, HalfOpenClosesAfterMaxRequestsSuccesses) {
  const BreakerTimeline timeline =
      replay(trips_on_first_failure(2, 100ms),
             {call(0ms, kFailure), call(200ms, kSuccess, 10ms), call(205ms, kSuccess, 10ms)});

  const BreakerRow first_success = row_of(timeline, Kind::kCompletion, 2);
  EXPECT_EQ(first_success.result, CompletionResult::kSuccessCounted);
  EXPECT_EQ(first_success.state, BreakerState::kHalfOpen);
  EXPECT_EQ(first_success.counts.consecutive_successes, 1u);

  const BreakerRow second_success = row_of(timeline, Kind::kCompletion, 3);
  EXPECT_EQ(second_success.state, BreakerState::kClosed);
  EXPECT_EQ(second_success.counts, BreakerCounts{});
  const BreakerRow last = timeline.rows.back();
  EXPECT_EQ(last.kind, Kind::kTransition);
  EXPECT_EQ(last.from, BreakerState::kHalfOpen);
  EXPECT_EQ(last.state, BreakerState::kClosed);
  EXPECT_EQ(last.time, 215ms);
}

TEST_P(BreakerReplay, HalfOpenFailureReopens) {
  const BreakerTimeline timeline =
      replay(trips_on_first_failure(3, 100ms),
             {call(0ms, kFailure), call(200ms, kFailure, 10ms), call(220ms, kSuccess)});

  EXPECT_EQ(row_of(timeline, Kind::kCompletion, 2).state, BreakerState::kOpen);
  EXPECT_EQ(row_of(timeline, Kind::kArrival, 3).decision, BreakerDecision::kRejectedOpen);
  const std::vector<BreakerRow> transitions = transitions_of(timeline);
  ASSERT_EQ(transitions.size(), 3u);
  EXPECT_EQ(transitions[2].from, BreakerState::kHalfOpen);
  EXPECT_EQ(transitions[2].state, BreakerState::kOpen);
}

TEST_P(BreakerReplay, LateResultOfEndedGenerationIgnored) {
  // Call 1 is admitted in generation 1 and completes after call 2 tripped the breaker.
  const BreakerTimeline timeline = replay(trips_on_first_failure(1, 60s),
                                          {call(0ms, kFailure, 500ms), call(10ms, kFailure, 5ms)});

  const BreakerRow late = row_of(timeline, Kind::kCompletion, 1);
  EXPECT_EQ(late.result, CompletionResult::kIgnoredGenerationEnded);
  EXPECT_EQ(late.call_generation, 1u);
  EXPECT_EQ(late.generation, 2u);
  EXPECT_EQ(late.state, BreakerState::kOpen);
  EXPECT_EQ(late.counts, BreakerCounts{});
}

TEST_P(BreakerReplay, IntervalClearsCountsWithoutTransition) {
  BreakerConfig config;
  config.interval = 100ms;
  const BreakerTimeline timeline =
      replay(config, {call(0ms, kSuccess), call(50ms, kFailure), call(150ms, kSuccess)});

  EXPECT_EQ(row_of(timeline, Kind::kCompletion, 2).counts.requests, 2u);
  const BreakerRow after_interval = row_of(timeline, Kind::kArrival, 3);
  EXPECT_EQ(after_interval.counts.requests, 1u);
  EXPECT_EQ(after_interval.counts.total_failures, 0u);
  EXPECT_EQ(after_interval.generation, 2u);
  EXPECT_TRUE(transitions_of(timeline).empty());
}

TEST_P(BreakerReplay, ZeroIntervalNeverClearsCounts) {
  const BreakerTimeline timeline =
      replay(BreakerConfig{}, {call(0ms, kFailure), call(1000s, kSuccess)});

  const BreakerRow last = row_of(timeline, Kind::kCompletion, 2);
  EXPECT_EQ(last.counts.requests, 2u);
  EXPECT_EQ(last.counts.total_failures, 1u);
  EXPECT_EQ(last.generation, 1u);
}

TEST_P(BreakerReplay, CompletionsComeBeforeArrivalsAtEqualTimes) {
  const BreakerTimeline timeline =
      replay(BreakerConfig{}, {call(0ms, kSuccess, 10ms), call(10ms, kSuccess, 5ms)});

  ASSERT_EQ(timeline.rows.size(), 4u);
  EXPECT_EQ(timeline.rows[1].kind, Kind::kCompletion);
  EXPECT_EQ(timeline.rows[1].call, 1u);
  EXPECT_EQ(timeline.rows[2].kind, Kind::kArrival);
  EXPECT_EQ(timeline.rows[2].call, 2u);
}

TEST_P(BreakerReplay, ZeroDurationCompletesBeforeNextArrival) {
  const BreakerTimeline timeline =
      replay(BreakerConfig{}, {call(0ms, kFailure), call(0ms, kSuccess)});

  ASSERT_EQ(timeline.rows.size(), 4u);
  EXPECT_EQ(timeline.rows[0].kind, Kind::kArrival);
  EXPECT_EQ(timeline.rows[1].kind, Kind::kCompletion);
  EXPECT_EQ(timeline.rows[1].call, 1u);
  EXPECT_EQ(timeline.rows[2].kind, Kind::kArrival);
  EXPECT_EQ(timeline.rows[2].call, 2u);
}

TEST_P(BreakerReplay, ArrivalsSortedStablyByTime) {
  // Calls numbered by arrival: the 30 ms call is listed first but arrives last, and the two
  // calls at 20 ms keep their file order (failure before success).
  const BreakerTimeline timeline = replay(
      BreakerConfig{},
      {call(30ms, kSuccess), call(20ms, kFailure), call(20ms, kSuccess), call(10ms, kSuccess)});

  std::vector<nanoseconds> arrival_times;
  for (const BreakerRow& row : timeline.rows) {
    if (row.kind == Kind::kArrival) arrival_times.push_back(row.time);
  }
  EXPECT_EQ(arrival_times, (std::vector<nanoseconds>{10ms, 20ms, 20ms, 30ms}));
  EXPECT_EQ(row_of(timeline, Kind::kCompletion, 2).scenario_outcome, kFailure);
  EXPECT_EQ(row_of(timeline, Kind::kCompletion, 3).scenario_outcome, kSuccess);
}

TEST_P(BreakerReplay, FailureRatioRule) {
  BreakerConfig config;
  config.ready_to_trip.kind = TripRule::Kind::kFailureRatio;
  config.ready_to_trip.failure_ratio_at_least = 0.5;
  config.ready_to_trip.min_requests = 4;
  const BreakerTimeline timeline =
      replay(config, {call(0ms, kSuccess), call(1ms, kFailure), call(2ms, kFailure),
                      call(3ms, kSuccess), call(4ms, kFailure)});

  // 2 failures of 3 requests, but fewer than 4 requests: still closed.
  EXPECT_EQ(row_of(timeline, Kind::kCompletion, 3).state, BreakerState::kClosed);
  // 3 failures of 5 requests: 0.6 >= 0.5.
  EXPECT_EQ(row_of(timeline, Kind::kCompletion, 5).state, BreakerState::kOpen);
}

TEST_P(BreakerReplay, TransitionsCarryNewGeneration) {
  const BreakerTimeline timeline =
      replay(trips_on_first_failure(1, 100ms), {call(0ms, kFailure), call(200ms, kSuccess, 10ms)});

  const std::vector<BreakerRow> transitions = transitions_of(timeline);
  ASSERT_EQ(transitions.size(), 3u);
  EXPECT_EQ(transitions[0].generation, 2u);
  EXPECT_EQ(transitions[1].generation, 3u);
  EXPECT_EQ(transitions[2].generation, 4u);
  // Each transition follows the row of the call that caused it.
  EXPECT_EQ(timeline.rows[2].kind, Kind::kTransition);
  EXPECT_EQ(timeline.rows[1].kind, Kind::kCompletion);
}

TEST_P(BreakerReplay, SummaryCountsEveryOutcome) {
  const BreakerTimeline timeline =
      replay(trips_on_first_failure(1, 100ms),
             {call(0ms, kSuccess, 1ms), call(5ms, kFailure, 100ms), call(10ms, kFailure, 1ms),
              call(50ms, kSuccess), call(300ms, kSuccess, 10ms), call(305ms, kSuccess)});

  const BreakerSummary& summary = timeline.summary;
  EXPECT_EQ(summary.calls, 6u);
  EXPECT_EQ(summary.allowed, 4u);
  EXPECT_EQ(summary.rejected_open, 1u);
  EXPECT_EQ(summary.rejected_too_many_requests, 1u);
  EXPECT_EQ(summary.successes_counted, 2u);
  EXPECT_EQ(summary.failures_counted, 1u);
  EXPECT_EQ(summary.ignored_generation_ended, 1u);
  EXPECT_EQ(summary.transitions, 3u);
  EXPECT_EQ(summary.open, 100ms);  // tripped at 11 ms with a timeout of 100 ms
  EXPECT_EQ(summary.end, 310ms);
  EXPECT_EQ(summary.final_state, BreakerState::kClosed);
  EXPECT_EQ(summary.final_generation, 4u);
}

TEST_P(BreakerReplay, OpenTimeStopsAtLastEvent) {
  const BreakerTimeline timeline =
      replay(trips_on_first_failure(1, 10s), {call(0ms, kFailure), call(400ms, kSuccess)});

  EXPECT_EQ(timeline.summary.open, 400ms);
  EXPECT_EQ(timeline.summary.final_state, BreakerState::kOpen);
}

TEST_P(BreakerReplay, ArrivalsCarryScenarioOutcome) {
  const BreakerTimeline timeline =
      replay(trips_on_first_failure(1, 100ms),
             {call(0ms, kFailure), call(10ms, kSuccess), call(20ms, kFailure)});

  const BreakerRow allowed = row_of(timeline, Kind::kArrival, 1);
  EXPECT_EQ(allowed.decision, BreakerDecision::kAllowed);
  EXPECT_EQ(allowed.scenario_outcome, kFailure);
  const BreakerRow rejected_success = row_of(timeline, Kind::kArrival, 2);
  EXPECT_EQ(rejected_success.decision, BreakerDecision::kRejectedOpen);
  EXPECT_EQ(rejected_success.scenario_outcome, kSuccess);
  const BreakerRow rejected_failure = row_of(timeline, Kind::kArrival, 3);
  EXPECT_EQ(rejected_failure.decision, BreakerDecision::kRejectedOpen);
  EXPECT_EQ(rejected_failure.scenario_outcome, kFailure);
}

TEST_P(BreakerReplay, SummaryCountsRejectedScenarioSuccesses) {
  // Calls 2 to 5 are rejected as open, and all but call 3 have the outcome success. Then call 7
  // is rejected as too many requests while call 6 probes the half-open breaker.
  const BreakerTimeline timeline = replay(
      trips_on_first_failure(1, 100ms),
      {call(0ms, kFailure), call(10ms, kSuccess), call(20ms, kFailure), call(30ms, kSuccess),
       call(50ms, kSuccess), call(150ms, kSuccess, 50ms), call(160ms, kSuccess)});

  const RejectedScenarioSuccesses& rejected = timeline.summary.rejected_scenario_success;
  EXPECT_EQ(timeline.summary.rejected_open, 4u);
  EXPECT_EQ(timeline.summary.rejected_too_many_requests, 1u);
  EXPECT_EQ(rejected.calls, 4u);
  EXPECT_EQ(rejected.first, 10ms);
  EXPECT_EQ(rejected.last, 160ms);
}

TEST_P(BreakerReplay, NoRejectedScenarioSuccesses) {
  const BreakerTimeline timeline =
      replay(trips_on_first_failure(1, 100ms), {call(0ms, kFailure), call(10ms, kFailure)});

  const RejectedScenarioSuccesses& rejected = timeline.summary.rejected_scenario_success;
  EXPECT_EQ(timeline.summary.rejected_open, 1u);
  EXPECT_EQ(rejected.calls, 0u);
  EXPECT_FALSE(rejected.first.has_value());
  EXPECT_FALSE(rejected.last.has_value());
}

TEST_P(BreakerReplay, OpenPeriodsSplitRejections) {
  // Trips at 0 ms until 100 ms, probes at 150 ms and fails at 160 ms, so it reopens until
  // 260 ms. The call at exactly 100 ms belongs to the first period.
  const BreakerTimeline timeline = replay(
      trips_on_first_failure(1, 100ms),
      {call(0ms, kFailure), call(50ms, kFailure), call(100ms, kSuccess),
       call(150ms, kFailure, 10ms), call(200ms, kSuccess), call(260ms, kSuccess),
       call(300ms, kSuccess)});

  const std::vector<OpenPeriod>& periods = timeline.summary.open_periods;
  ASSERT_EQ(periods.size(), 2u);
  EXPECT_EQ(periods[0].from, 0ms);
  EXPECT_EQ(periods[0].to, 100ms);
  EXPECT_EQ(periods[0].open, 100ms);
  EXPECT_EQ(periods[0].rejected_open, 2u);
  EXPECT_EQ(periods[0].rejected_scenario_success, 1u);
  EXPECT_EQ(periods[1].from, 160ms);
  EXPECT_EQ(periods[1].to, 260ms);
  EXPECT_EQ(periods[1].rejected_open, 2u);
  EXPECT_EQ(periods[1].rejected_scenario_success, 2u);
  EXPECT_EQ(timeline.summary.open, 200ms);
  EXPECT_EQ(row_of(timeline, Kind::kArrival, 7).decision, BreakerDecision::kAllowed);
}

TEST_P(BreakerReplay, OpenPeriodStillOpenAtEnd) {
  const BreakerTimeline timeline =
      replay(trips_on_first_failure(1, 10s), {call(0ms, kFailure, 5ms), call(400ms, kSuccess)});

  const std::vector<OpenPeriod>& periods = timeline.summary.open_periods;
  ASSERT_EQ(periods.size(), 1u);
  EXPECT_EQ(periods[0].from, 5ms);
  EXPECT_FALSE(periods[0].to.has_value());
  EXPECT_EQ(periods[0].open, 395ms);
  EXPECT_EQ(periods[0].rejected_open, 1u);
}

TEST_P(BreakerReplay, StillOpenAtExpiryTime) {
  // The last event comes exactly at the expiry, when the breaker still rejects calls.
  const BreakerTimeline timeline =
      replay(trips_on_first_failure(1, 100ms), {call(0ms, kFailure), call(100ms, kSuccess)});

  const std::vector<OpenPeriod>& periods = timeline.summary.open_periods;
  ASSERT_EQ(periods.size(), 1u);
  EXPECT_FALSE(periods[0].to.has_value());
  EXPECT_EQ(periods[0].open, 100ms);
  EXPECT_EQ(row_of(timeline, Kind::kArrival, 2).decision, BreakerDecision::kRejectedOpen);
}

TEST_P(BreakerReplay, NoOpenPeriodsWithoutTrip) {
  const BreakerTimeline timeline =
      replay(BreakerConfig{}, {call(0ms, kFailure), call(10ms, kSuccess)});

  EXPECT_TRUE(timeline.summary.open_periods.empty());
  EXPECT_EQ(timeline.summary.open, 0ns);
}

INSTANTIATE_TEST_SUITE_P(BothBreakers, BreakerReplay,
                         ::testing::Values(BreakerImplementation::kCircuitBreaker,
                                           BreakerImplementation::kMutexCircuitBreaker),
                         [](const ::testing::TestParamInfo<BreakerImplementation>& info) {
                           return info.param == BreakerImplementation::kCircuitBreaker
                                      ? "CircuitBreaker"
                                      : "MutexCircuitBreaker";
                         });

// The same random scenario replayed on both breakers gives the same timeline row for row.
TEST(BreakerReplayDifferential, BothBreakersAgreeOnRandomScenario) {
  std::mt19937 random(20240611);
  std::uniform_int_distribution<int> gap_ms(0, 40);
  std::uniform_int_distribution<int> duration_ms(0, 300);
  std::bernoulli_distribution fails(0.4);

  BreakerScenario scenario;
  scenario.config.max_requests = 3;
  scenario.config.interval = 700ms;
  scenario.config.timeout = 250ms;
  scenario.config.ready_to_trip.kind = TripRule::Kind::kConsecutiveFailures;
  scenario.config.ready_to_trip.consecutive_failures_over = 2;
  nanoseconds at{0};
  for (int i = 0; i < 2000; ++i) {
    at += gap_ms(random) * 1ms;
    scenario.calls.push_back(
        call(at, fails(random) ? kFailure : kSuccess, duration_ms(random) * 1ms));
  }

  const BreakerTimeline fast = replay_breaker(scenario, BreakerImplementation::kCircuitBreaker);
  const BreakerTimeline reference =
      replay_breaker(scenario, BreakerImplementation::kMutexCircuitBreaker);

  ASSERT_EQ(fast.rows.size(), reference.rows.size());
  for (std::size_t i = 0; i < fast.rows.size(); ++i) {
    ASSERT_EQ(fast.rows[i], reference.rows[i]) << "row " << i;
  }
  // The scenario reaches every state and outcome, so the comparison covers them all.
  EXPECT_GT(fast.summary.rejected_open, 0u);
  EXPECT_GT(fast.summary.rejected_too_many_requests, 0u);
  EXPECT_GT(fast.summary.ignored_generation_ended, 0u);
  EXPECT_GT(fast.summary.transitions, 10u);
}

}  // namespace
}  // namespace paybench::simulator
