// Rule-by-rule tests of the gobreaker semantics, typed so that each rule runs against both
// MutexCircuitBreaker and CircuitBreaker. The time comes from a fake clock.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "breaker_test_support.h"
#include "paybench/resilience/breaker_types.h"
#include "paybench/resilience/circuit_breaker.h"
#include "paybench/resilience/mutex_circuit_breaker.h"

namespace paybench {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using testing::BreakerTypeNames;
using testing::BreakerTypes;
using testing::FakeClock;
using testing::Transition;
using testing::TransitionLog;
using testing::run_requests;

constexpr nanoseconds kOneTick{1};

template <class Breaker>
class BreakerRulesTest : public ::testing::Test {
 protected:
  // Returns settings that use this test's fake clock and transition log.
  BreakerSettings base_settings() {
    BreakerSettings settings;
    settings.name = "payments";
    settings.clock = clock_.function();
    settings.on_state_change = log_.callback();
    return settings;
  }

  // Opens `breaker` with the default ready_to_trip: six consecutive failures.
  void trip(Breaker& breaker) {
    ASSERT_EQ(run_requests(breaker, 6, false), 6);
    ASSERT_EQ(breaker.state(), BreakerState::kOpen);
  }

  FakeClock clock_;
  TransitionLog log_;
};

TYPED_TEST_SUITE(BreakerRulesTest, BreakerTypes, BreakerTypeNames);

TYPED_TEST(BreakerRulesTest, NewBreakerIsClosedInGenerationOne) {
  TypeParam breaker(this->base_settings());

  EXPECT_EQ(breaker.name(), "payments");
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.generation(), 1u);
  EXPECT_EQ(breaker.counts(), BreakerCounts{});
}

TYPED_TEST(BreakerRulesTest, CountsTrackRequestsAndResults) {
  TypeParam breaker(this->base_settings());

  const BreakerTicket first = breaker.allow();
  const BreakerTicket second = breaker.allow();
  const BreakerTicket third = breaker.allow();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.error(), std::error_code());
  EXPECT_EQ(first.generation(), 1u);

  breaker.report(first, true);
  breaker.report(second, true);
  EXPECT_EQ(breaker.counts(), (BreakerCounts{3, 2, 0, 2, 0}));

  breaker.report(third, false);
  EXPECT_EQ(breaker.counts(), (BreakerCounts{3, 2, 1, 0, 1}));

  ASSERT_EQ(run_requests(breaker, 1, true), 1);
  EXPECT_EQ(breaker.counts(), (BreakerCounts{4, 3, 1, 1, 0}));
}

TYPED_TEST(BreakerRulesTest, DefaultTripsOnSixthConsecutiveFailure) {
  TypeParam breaker(this->base_settings());

  ASSERT_EQ(run_requests(breaker, 5, false), 5);
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.counts().consecutive_failures, 5u);

  ASSERT_EQ(run_requests(breaker, 1, false), 1);
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  EXPECT_EQ(breaker.counts(), BreakerCounts{});
}

TYPED_TEST(BreakerRulesTest, SuccessResetsConsecutiveFailures) {
  TypeParam breaker(this->base_settings());

  ASSERT_EQ(run_requests(breaker, 5, false), 5);
  ASSERT_EQ(run_requests(breaker, 1, true), 1);
  ASSERT_EQ(run_requests(breaker, 5, false), 5);

  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.counts(), (BreakerCounts{11, 1, 10, 0, 5}));
}

TYPED_TEST(BreakerRulesTest, DefaultTimeoutIsSixtySeconds) {
  TypeParam breaker(this->base_settings());
  this->trip(breaker);

  // The open state ends only once the clock is strictly past its expiry.
  this->clock_.advance(seconds(60));
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);

  this->clock_.advance(kOneTick);
  EXPECT_EQ(breaker.state(), BreakerState::kHalfOpen);
}

TYPED_TEST(BreakerRulesTest, ZeroMaxRequestsAdmitsOneHalfOpenRequest) {
  TypeParam breaker(this->base_settings());
  this->trip(breaker);
  this->clock_.advance(seconds(61));

  const BreakerTicket admitted = breaker.allow();
  EXPECT_TRUE(admitted.ok());

  const BreakerTicket rejected = breaker.allow();
  EXPECT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error(), BreakerErrc::kTooManyRequests);

  // One success reaches max_requests of 1 and closes the breaker.
  breaker.report(admitted, true);
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
}

TYPED_TEST(BreakerRulesTest, IntervalClearsCountsWhileClosed) {
  BreakerSettings settings = this->base_settings();
  settings.interval = seconds(10);
  TypeParam breaker(std::move(settings));

  ASSERT_EQ(run_requests(breaker, 3, true), 3);
  ASSERT_EQ(run_requests(breaker, 2, false), 2);
  ASSERT_EQ(breaker.counts(), (BreakerCounts{5, 3, 2, 0, 2}));

  // The interval ends only once the clock is strictly past its expiry.
  this->clock_.advance(seconds(10));
  EXPECT_EQ(breaker.counts(), (BreakerCounts{5, 3, 2, 0, 2}));
  EXPECT_EQ(breaker.generation(), 1u);

  this->clock_.advance(kOneTick);
  EXPECT_EQ(breaker.counts(), BreakerCounts{});
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.generation(), 2u);
  EXPECT_TRUE(this->log_.transitions().empty());

  // The next interval is measured from the moment the previous one was found expired.
  ASSERT_EQ(run_requests(breaker, 1, true), 1);
  this->clock_.advance(seconds(10));
  EXPECT_EQ(breaker.counts().requests, 1u);
  this->clock_.advance(kOneTick);
  EXPECT_EQ(breaker.counts().requests, 0u);
  EXPECT_EQ(breaker.generation(), 3u);
}

TYPED_TEST(BreakerRulesTest, ZeroIntervalNeverClearsCounts) {
  TypeParam breaker(this->base_settings());

  ASSERT_EQ(run_requests(breaker, 4, true), 4);
  this->clock_.advance(std::chrono::hours(24 * 365));

  EXPECT_EQ(breaker.counts(), (BreakerCounts{4, 4, 0, 4, 0}));
  EXPECT_EQ(breaker.generation(), 1u);
}

TYPED_TEST(BreakerRulesTest, ClosedWithoutIntervalNeverReadsClock) {
  TypeParam breaker(this->base_settings());

  ASSERT_EQ(run_requests(breaker, 100, true), 100);
  ASSERT_EQ(run_requests(breaker, 5, false), 5);
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.counts().requests, 105u);
  EXPECT_EQ(this->clock_.reads(), 0u);

  // Opening needs the time to set the timeout's expiry.
  ASSERT_EQ(run_requests(breaker, 1, false), 1);
  EXPECT_GT(this->clock_.reads(), 0u);
}

TYPED_TEST(BreakerRulesTest, OpenRejectsUntilTimeout) {
  BreakerSettings settings = this->base_settings();
  settings.timeout = milliseconds(500);
  TypeParam breaker(std::move(settings));
  this->trip(breaker);

  this->clock_.advance(milliseconds(500));
  const BreakerTicket rejected = breaker.allow();
  EXPECT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error(), BreakerErrc::kOpen);
  EXPECT_EQ(rejected.generation(), 2u);
  EXPECT_EQ(breaker.counts(), BreakerCounts{});

  this->clock_.advance(kOneTick);
  EXPECT_TRUE(breaker.allow().ok());
  EXPECT_EQ(breaker.state(), BreakerState::kHalfOpen);
  EXPECT_EQ(breaker.generation(), 3u);
}

TYPED_TEST(BreakerRulesTest, HugeTimeoutNeverHalfOpens) {
  BreakerSettings settings = this->base_settings();
  settings.timeout = nanoseconds::max();
  TypeParam breaker(std::move(settings));
  this->trip(breaker);

  this->clock_.advance(std::chrono::hours(24 * 365 * 100));
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
}

TYPED_TEST(BreakerRulesTest, HalfOpenAdmitsMaxRequests) {
  BreakerSettings settings = this->base_settings();
  settings.max_requests = 3;
  TypeParam breaker(std::move(settings));
  this->trip(breaker);
  this->clock_.advance(seconds(61));

  std::vector<BreakerTicket> admitted;
  for (int i = 0; i < 3; ++i) {
    admitted.push_back(breaker.allow());
    EXPECT_TRUE(admitted.back().ok()) << "request " << i;
  }

  const BreakerTicket rejected = breaker.allow();
  EXPECT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error(), BreakerErrc::kTooManyRequests);
  EXPECT_EQ(breaker.counts().requests, 3u);

  // A success frees no slot: the limit counts requests, not requests in flight.
  breaker.report(admitted[0], true);
  EXPECT_FALSE(breaker.allow().ok());
}

TYPED_TEST(BreakerRulesTest, HalfOpenClosesAfterMaxRequestsSuccesses) {
  BreakerSettings settings = this->base_settings();
  settings.max_requests = 3;
  TypeParam breaker(std::move(settings));
  this->trip(breaker);
  this->clock_.advance(seconds(61));

  ASSERT_EQ(run_requests(breaker, 2, true), 2);
  EXPECT_EQ(breaker.state(), BreakerState::kHalfOpen);
  EXPECT_EQ(breaker.counts(), (BreakerCounts{2, 2, 0, 2, 0}));

  ASSERT_EQ(run_requests(breaker, 1, true), 1);
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.counts(), BreakerCounts{});
}

TYPED_TEST(BreakerRulesTest, HalfOpenFailureReopens) {
  BreakerSettings settings = this->base_settings();
  settings.max_requests = 3;
  settings.timeout = seconds(5);
  TypeParam breaker(std::move(settings));
  this->trip(breaker);
  this->clock_.advance(seconds(6));

  ASSERT_EQ(run_requests(breaker, 2, true), 2);
  ASSERT_EQ(run_requests(breaker, 1, false), 1);
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);

  // The reopened breaker waits a full timeout again from the failure.
  this->clock_.advance(seconds(5));
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  this->clock_.advance(kOneTick);
  EXPECT_EQ(breaker.state(), BreakerState::kHalfOpen);
}

TYPED_TEST(BreakerRulesTest, ClosingStartsNewInterval) {
  BreakerSettings settings = this->base_settings();
  settings.interval = seconds(10);
  settings.timeout = seconds(5);
  TypeParam breaker(std::move(settings));
  this->trip(breaker);
  this->clock_.advance(seconds(6));
  ASSERT_EQ(run_requests(breaker, 1, true), 1);
  ASSERT_EQ(breaker.state(), BreakerState::kClosed);

  ASSERT_EQ(run_requests(breaker, 2, true), 2);
  this->clock_.advance(seconds(10));
  EXPECT_EQ(breaker.counts().requests, 2u);
  this->clock_.advance(kOneTick);
  EXPECT_EQ(breaker.counts().requests, 0u);
}

TYPED_TEST(BreakerRulesTest, LateResultAfterTripIsDropped) {
  BreakerSettings settings = this->base_settings();
  settings.max_requests = 2;
  TypeParam breaker(std::move(settings));

  const BreakerTicket late = breaker.allow();
  ASSERT_TRUE(late.ok());
  this->trip(breaker);
  this->clock_.advance(seconds(61));
  ASSERT_EQ(breaker.state(), BreakerState::kHalfOpen);

  // A success from the closed generation must not count toward closing the half-open breaker,
  // and a failure from it must not reopen the breaker.
  breaker.report(late, true);
  breaker.report(late, false);
  EXPECT_EQ(breaker.state(), BreakerState::kHalfOpen);
  EXPECT_EQ(breaker.counts(), BreakerCounts{});
}

TYPED_TEST(BreakerRulesTest, LateResultAfterIntervalIsDropped) {
  BreakerSettings settings = this->base_settings();
  settings.interval = seconds(1);
  TypeParam breaker(std::move(settings));

  const BreakerTicket late = breaker.allow();
  ASSERT_TRUE(late.ok());
  this->clock_.advance(seconds(2));

  breaker.report(late, true);
  EXPECT_EQ(breaker.counts(), BreakerCounts{});
  EXPECT_EQ(breaker.generation(), 2u);
}

TYPED_TEST(BreakerRulesTest, CallbacksFollowTransitions) {
  BreakerSettings settings = this->base_settings();
  settings.timeout = seconds(1);
  TypeParam breaker(std::move(settings));
  ASSERT_EQ(breaker.generation(), 1u);

  this->trip(breaker);
  EXPECT_EQ(breaker.generation(), 2u);
  this->clock_.advance(seconds(2));
  ASSERT_EQ(breaker.state(), BreakerState::kHalfOpen);
  EXPECT_EQ(breaker.generation(), 3u);
  ASSERT_EQ(run_requests(breaker, 1, false), 1);
  EXPECT_EQ(breaker.generation(), 4u);
  this->clock_.advance(seconds(2));
  ASSERT_EQ(run_requests(breaker, 1, true), 1);
  EXPECT_EQ(breaker.generation(), 6u);

  const std::vector<Transition> expected = {
      {BreakerState::kClosed, BreakerState::kOpen},
      {BreakerState::kOpen, BreakerState::kHalfOpen},
      {BreakerState::kHalfOpen, BreakerState::kOpen},
      {BreakerState::kOpen, BreakerState::kHalfOpen},
      {BreakerState::kHalfOpen, BreakerState::kClosed},
  };
  EXPECT_EQ(this->log_.transitions(), expected);
  EXPECT_EQ(this->log_.names(), std::vector<std::string>(expected.size(), "payments"));
}

TYPED_TEST(BreakerRulesTest, CallbackMayCallBreaker) {
  TypeParam* breaker_in_callback = nullptr;
  std::vector<BreakerState> states_seen;
  std::vector<BreakerCounts> counts_seen;

  BreakerSettings settings = this->base_settings();
  settings.timeout = seconds(1);
  settings.on_state_change = this->log_.callback([&] {
    // A breaker that ran the callback under its mutex would deadlock here.
    states_seen.push_back(breaker_in_callback->state());
    counts_seen.push_back(breaker_in_callback->counts());
    static_cast<void>(breaker_in_callback->generation());
  });
  TypeParam breaker(std::move(settings));
  breaker_in_callback = &breaker;

  this->trip(breaker);
  this->clock_.advance(seconds(2));
  ASSERT_EQ(breaker.state(), BreakerState::kHalfOpen);

  const std::vector<BreakerState> expected_states = {BreakerState::kOpen,
                                                     BreakerState::kHalfOpen};
  EXPECT_EQ(states_seen, expected_states);
  EXPECT_EQ(counts_seen, std::vector<BreakerCounts>(2, BreakerCounts{}));
}

TYPED_TEST(BreakerRulesTest, CustomReadyToTripSeesCounts) {
  // Trip at a failure ratio of at least 60% once there are 5 requests.
  BreakerSettings settings = this->base_settings();
  settings.ready_to_trip = [](const BreakerCounts& counts) {
    return counts.requests >= 5 && counts.total_failures * 5 >= counts.requests * 3;
  };
  TypeParam breaker(std::move(settings));

  ASSERT_EQ(run_requests(breaker, 2, true), 2);
  ASSERT_EQ(run_requests(breaker, 2, false), 2);
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);  // 2 of 4: too few requests.

  ASSERT_EQ(run_requests(breaker, 1, true), 1);
  ASSERT_EQ(run_requests(breaker, 1, false), 1);
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);  // 3 of 6 is 50%.

  ASSERT_EQ(run_requests(breaker, 1, false), 1);
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);  // 4 of 7 is 57%.

  ASSERT_EQ(run_requests(breaker, 1, false), 1);
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);  // 5 of 8 is 62.5%.
}

TYPED_TEST(BreakerRulesTest, ReadyToTripRunsOnlyOnClosedFailures) {
  int calls = 0;
  BreakerSettings settings = this->base_settings();
  settings.ready_to_trip = [&calls](const BreakerCounts& counts) {
    ++calls;
    return counts.consecutive_failures >= 2;
  };
  TypeParam breaker(std::move(settings));

  ASSERT_EQ(run_requests(breaker, 3, true), 3);
  EXPECT_EQ(calls, 0);
  ASSERT_EQ(run_requests(breaker, 2, false), 2);
  EXPECT_EQ(calls, 2);
  ASSERT_EQ(breaker.state(), BreakerState::kOpen);

  this->clock_.advance(seconds(61));
  ASSERT_EQ(run_requests(breaker, 1, false), 1);
  EXPECT_EQ(calls, 2);
}

TYPED_TEST(BreakerRulesTest, ExecuteMapsResultWithIsSuccessful) {
  const std::error_code not_found = std::make_error_code(std::errc::no_such_file_or_directory);
  const std::error_code timed_out = std::make_error_code(std::errc::timed_out);

  // A "not found" response means the dependency is healthy, so it counts as a success.
  BreakerSettings settings = this->base_settings();
  settings.is_successful = [not_found](std::error_code error) {
    return !error || error == not_found;
  };
  TypeParam breaker(std::move(settings));

  EXPECT_EQ(breaker.execute([] { return std::error_code(); }), std::error_code());
  EXPECT_EQ(breaker.execute([&] { return not_found; }), not_found);
  EXPECT_EQ(breaker.execute([&] { return timed_out; }), timed_out);

  EXPECT_EQ(breaker.counts(), (BreakerCounts{3, 2, 1, 0, 1}));
}

TYPED_TEST(BreakerRulesTest, ExecuteDefaultTreatsAnyErrorAsFailure) {
  TypeParam breaker(this->base_settings());
  const std::error_code refused = std::make_error_code(std::errc::connection_refused);

  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(breaker.execute([&] { return refused; }), refused) << "call " << i;
  }
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
}

TYPED_TEST(BreakerRulesTest, ExecuteRejectedSkipsFunction) {
  TypeParam breaker(this->base_settings());
  this->trip(breaker);

  int runs = 0;
  const std::error_code result = breaker.execute([&runs] {
    ++runs;
    return std::error_code();
  });

  EXPECT_EQ(result, BreakerErrc::kOpen);
  EXPECT_EQ(result.category().name(), std::string("circuit breaker"));
  EXPECT_EQ(runs, 0);
}

TYPED_TEST(BreakerRulesTest, ExecuteCountsExceptionAsFailure) {
  TypeParam breaker(this->base_settings());

  EXPECT_THROW(static_cast<void>(breaker.execute([]() -> std::error_code {
                 throw std::runtime_error("connection reset");
               })),
               std::runtime_error);
  EXPECT_EQ(breaker.counts(), (BreakerCounts{1, 0, 1, 0, 1}));

  // An exception from is_successful counts as a failure too.
  BreakerSettings settings = this->base_settings();
  settings.is_successful = [](std::error_code) -> bool { throw std::logic_error("unmapped"); };
  TypeParam strict(std::move(settings));
  EXPECT_THROW(static_cast<void>(strict.execute([] { return std::error_code(); })),
               std::logic_error);
  EXPECT_EQ(strict.counts(), (BreakerCounts{1, 0, 1, 0, 1}));
}

TYPED_TEST(BreakerRulesTest, RejectedTicketReportIsIgnored) {
  TypeParam breaker(this->base_settings());
  this->trip(breaker);
  const BreakerTicket rejected = breaker.allow();
  ASSERT_FALSE(rejected.ok());

  EXPECT_DEBUG_DEATH(breaker.report(rejected, false), "admitted");
  EXPECT_EQ(breaker.state(), BreakerState::kOpen);
  EXPECT_EQ(breaker.counts(), BreakerCounts{});
}

TYPED_TEST(BreakerRulesTest, NegativeDurationsAreRejected) {
  BreakerSettings negative_interval = this->base_settings();
  negative_interval.interval = nanoseconds(-5);
  try {
    TypeParam breaker(std::move(negative_interval));
    FAIL() << "a negative interval was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("interval of -5 ns is invalid"), std::string::npos)
        << error.what();
  }

  BreakerSettings negative_timeout = this->base_settings();
  negative_timeout.timeout = seconds(-1);
  try {
    TypeParam breaker(std::move(negative_timeout));
    FAIL() << "a negative timeout was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("timeout of -1000000000 ns is invalid"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace paybench
