#include "paybench/resilience/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

namespace paybench {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

using Clock = RateLimiter::Clock;
using TimePoint = RateLimiter::TimePoint;

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// A fake clock starts here, well after the epoch, so that steps back stay positive.
const TimePoint kStart = TimePoint(hours(1));

TEST(RateLimiterTest, InexactLimitAllowsFirstCall) {
  // 10/13 has no exact binary representation.
  RateLimiter limiter(10.0 / 13.0, 1);

  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart + milliseconds(1299)));
  EXPECT_TRUE(limiter.allow(kStart + milliseconds(1300)));
}

TEST(RateLimiterTest, ZeroLimitAllowsBurstOnce) {
  RateLimiter limiter(0.0, 1);

  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart + hours(1000)));
}

TEST(RateLimiterTest, ZeroLimitResumesAfterSetLimit) {
  RateLimiter limiter(0.0, 1);
  ASSERT_TRUE(limiter.allow(kStart));

  const TimePoint changed = kStart + seconds(5);
  limiter.set_limit(changed, 10.0);

  EXPECT_FALSE(limiter.allow(changed));
  EXPECT_FALSE(limiter.allow(changed + milliseconds(99)));
  EXPECT_TRUE(limiter.allow(changed + milliseconds(100)));
  EXPECT_FALSE(limiter.allow(changed + milliseconds(100)));
}

TEST(RateLimiterTest, TinyLimitAllowsOnceWithoutOverflow) {
  RateLimiter limiter(1e-10, 1);

  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart + seconds(1)));
  EXPECT_FALSE(limiter.allow(kStart + hours(24 * 365)));
}

TEST(RateLimiterTest, TinyLimitReservationHasFiniteDelay) {
  RateLimiter limiter(1e-10, 1);
  ASSERT_TRUE(limiter.allow(kStart));

  // One token takes 1e10 s at this limit, longer than steady_clock can represent, so the delay
  // saturates instead of overflowing.
  const TimePoint now = kStart + seconds(1);
  RateLimiter::Reservation reservation = limiter.reserve(now);
  ASSERT_TRUE(reservation.ok());

  const Clock::duration delay = reservation.delay_from(now);
  EXPECT_GT(delay, hours(24 * 365 * 200));
  EXPECT_LE(delay, Clock::duration::max());
  EXPECT_GE(reservation.time_to_act(), now);

  // A second reservation starts from the saturated time and must not overflow either.
  RateLimiter::Reservation second = limiter.reserve(now);
  ASSERT_TRUE(second.ok());
  EXPECT_GT(second.delay_from(now), hours(24 * 365 * 200));
}

TEST(RateLimiterTest, InfiniteLimitAllowsAnyCount) {
  RateLimiter limiter(kInfinity, 0);

  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_TRUE(limiter.allow_n(kStart, 1'000'000));
  EXPECT_TRUE(limiter.allow_n(kStart, std::numeric_limits<int>::max()));

  RateLimiter::Reservation reservation = limiter.reserve_n(kStart, 1'000'000);
  ASSERT_TRUE(reservation.ok());
  EXPECT_EQ(reservation.delay_from(kStart), Clock::duration::zero());
}

TEST(RateLimiterTest, ZeroBurstRejectsEverything) {
  RateLimiter limiter(10.0, 0);

  EXPECT_FALSE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart + hours(1)));
  EXPECT_FALSE(limiter.reserve(kStart + hours(2)).ok());
}

TEST(RateLimiterTest, AllowNAboveBurstRejects) {
  RateLimiter limiter(10.0, 3);

  EXPECT_FALSE(limiter.allow_n(kStart, 4));
  EXPECT_FALSE(limiter.allow_n(kStart + hours(1), 4));

  // The rejected call took nothing.
  EXPECT_TRUE(limiter.allow_n(kStart + hours(1), 3));
}

TEST(RateLimiterTest, ReserveNAboveBurstFails) {
  RateLimiter limiter(10.0, 3);

  RateLimiter::Reservation reservation = limiter.reserve_n(kStart, 4);
  EXPECT_FALSE(reservation.ok());
  EXPECT_EQ(reservation.delay_from(kStart), Clock::duration::max());
  EXPECT_EQ(reservation.cancel(kStart), 0.0);
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart), 3.0);
}

TEST(RateLimiterTest, LongRunMatchesFormula) {
  constexpr double kLimit = 100.0;
  constexpr int kBurst = 5;
  const milliseconds step(3);
  const seconds run_length(10);

  RateLimiter limiter(kLimit, kBurst);
  int allowed = 0;
  TimePoint now = kStart;
  for (; now <= kStart + run_length; now += step) {
    allowed += limiter.allow(now) ? 1 : 0;
  }

  const TimePoint last_call = now - step;
  const double elapsed_seconds = std::chrono::duration<double>(last_call - kStart).count();
  const double expected = kBurst + kLimit * elapsed_seconds;
  EXPECT_LE(allowed, expected);
  EXPECT_NEAR(allowed, expected, 1.0);
}

TEST(RateLimiterTest, ReserveGoesIntoDebt) {
  RateLimiter limiter(10.0, 2);
  ASSERT_TRUE(limiter.allow_n(kStart, 2));

  RateLimiter::Reservation first = limiter.reserve(kStart);
  RateLimiter::Reservation second = limiter.reserve(kStart);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());

  EXPECT_EQ(first.delay_from(kStart), milliseconds(100));
  EXPECT_EQ(second.delay_from(kStart), milliseconds(200));
  EXPECT_EQ(second.delay_from(kStart + milliseconds(150)), milliseconds(50));
  EXPECT_EQ(second.delay_from(kStart + seconds(1)), Clock::duration::zero());
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart), -2.0);
}

TEST(RateLimiterTest, CancelRestoresReservedTokens) {
  RateLimiter limiter(10.0, 2);
  ASSERT_TRUE(limiter.allow_n(kStart, 2));

  RateLimiter::Reservation reservation = limiter.reserve(kStart);
  ASSERT_TRUE(reservation.ok());
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart), -1.0);

  EXPECT_DOUBLE_EQ(reservation.cancel(kStart), 1.0);
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart), 0.0);
  EXPECT_TRUE(limiter.allow(kStart + milliseconds(100)));
}

TEST(RateLimiterTest, CancelKeepsTokensOfLaterReservations) {
  RateLimiter limiter(10.0, 2);
  ASSERT_TRUE(limiter.allow_n(kStart, 2));
  RateLimiter::Reservation first = limiter.reserve(kStart);
  RateLimiter::Reservation second = limiter.reserve(kStart);

  // `second` was timed assuming `first` took its token, so cancelling `first` returns nothing.
  EXPECT_DOUBLE_EQ(first.cancel(kStart), 0.0);
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart), -2.0);

  // `second` is the latest reservation, so all its token comes back.
  EXPECT_DOUBLE_EQ(second.cancel(kStart), 1.0);
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart), -1.0);
}

TEST(RateLimiterTest, CancelAfterTimeToActRestoresNothing) {
  RateLimiter limiter(10.0, 1);
  ASSERT_TRUE(limiter.allow(kStart));
  RateLimiter::Reservation reservation = limiter.reserve(kStart);

  EXPECT_DOUBLE_EQ(reservation.cancel(kStart + milliseconds(101)), 0.0);
  EXPECT_NEAR(limiter.tokens_at(kStart + milliseconds(101)), 0.01, 1e-9);
}

TEST(RateLimiterTest, CancelRestoresAtMostOnce) {
  RateLimiter limiter(10.0, 3);
  ASSERT_TRUE(limiter.allow_n(kStart, 3));
  RateLimiter::Reservation reservation = limiter.reserve(kStart);

  EXPECT_DOUBLE_EQ(reservation.cancel(kStart), 1.0);
  EXPECT_DOUBLE_EQ(reservation.cancel(kStart), 0.0);

  RateLimiter::Reservation moved = std::move(reservation);
  EXPECT_DOUBLE_EQ(moved.cancel(kStart), 0.0);
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart), 0.0);
}

TEST(RateLimiterTest, CancelMidWaitRestoresAllTokens) {
  RateLimiter limiter(10.0, 2);
  ASSERT_TRUE(limiter.allow(kStart));
  RateLimiter::Reservation reservation = limiter.reserve_n(kStart, 2);
  ASSERT_TRUE(reservation.ok());

  EXPECT_DOUBLE_EQ(reservation.cancel(kStart + milliseconds(50)), 2.0);
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart + milliseconds(50)), 1.5);
}

TEST(RateLimiterTest, TimeGoingBackwardsAddsNothing) {
  RateLimiter limiter(1.0, 1);
  const TimePoint later = kStart + seconds(10);

  ASSERT_TRUE(limiter.allow(later));
  EXPECT_FALSE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(later));
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart), 0.0);

  // The step back did not move the limiter's time, so the interval is not counted twice.
  ASSERT_TRUE(limiter.allow(later + seconds(1)));
  EXPECT_FALSE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(later + milliseconds(1500)));
  EXPECT_TRUE(limiter.allow(later + seconds(2)));
}

TEST(RateLimiterTest, AllowedEarlierCallKeepsLatestTime) {
  RateLimiter limiter(1.0, 2);
  const TimePoint later = kStart + seconds(10);

  ASSERT_TRUE(limiter.allow(later));

  // A call with an earlier time may spend a token that is already there, but the limiter keeps
  // `later`, so returning to `later` does not count the 10 s in between again.
  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(later));
  EXPECT_DOUBLE_EQ(limiter.tokens_at(later), 0.0);
}

TEST(RateLimiterTest, SetBurstRaisesAndLowersCapacity) {
  RateLimiter limiter(1.0, 1);
  ASSERT_TRUE(limiter.allow(kStart));

  limiter.set_burst(kStart, 3);
  EXPECT_EQ(limiter.burst(), 3);
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart + seconds(1)), 1.0);
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart + seconds(10)), 3.0);

  limiter.set_burst(kStart + seconds(20), 1);
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart + seconds(20)), 1.0);
  EXPECT_FALSE(limiter.allow_n(kStart + seconds(20), 2));
  EXPECT_TRUE(limiter.allow(kStart + seconds(20)));
  EXPECT_FALSE(limiter.allow(kStart + seconds(20)));
}

TEST(RateLimiterTest, SetLimitAdvancesUnderOldLimit) {
  RateLimiter limiter(1.0, 10);
  ASSERT_TRUE(limiter.allow_n(kStart, 10));

  limiter.set_limit(kStart + seconds(2), 100.0);
  EXPECT_DOUBLE_EQ(limiter.limit(), 100.0);
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart + seconds(2)), 2.0);
  EXPECT_NEAR(limiter.tokens_at(kStart + seconds(2) + milliseconds(10)), 3.0, 1e-9);
}

TEST(RateLimiterTest, RejectsInvalidArguments) {
  EXPECT_THROW(RateLimiter(std::nan(""), 1), std::invalid_argument);
  EXPECT_THROW(RateLimiter(-1.0, 1), std::invalid_argument);
  EXPECT_THROW(RateLimiter(1.0, -1), std::invalid_argument);

  RateLimiter limiter(1.0, 1);
  EXPECT_THROW((void)limiter.allow_n(kStart, -1), std::invalid_argument);
  EXPECT_THROW((void)limiter.reserve_n(kStart, -1), std::invalid_argument);
  EXPECT_THROW(limiter.set_limit(kStart, -2.0), std::invalid_argument);
  EXPECT_THROW(limiter.set_burst(kStart, -3), std::invalid_argument);

  try {
    limiter.set_burst(kStart, -3);
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("burst -3"), std::string::npos) << error.what();
  }
}

TEST(RateLimiterTest, WaitWithInfiniteLimitReturnsTrue) {
  RateLimiter limiter(kInfinity, 0);
  EXPECT_TRUE(limiter.wait_n(1000, Clock::now()));
}

TEST(RateLimiterTest, WaitAboveBurstReturnsFalse) {
  RateLimiter limiter(10.0, 0);
  EXPECT_FALSE(limiter.wait(Clock::now() + hours(1)));
}

TEST(RateLimiterTest, WaitPastDeadlineReturnsFalseAndTakesNothing) {
  RateLimiter limiter(1e-3, 1);
  ASSERT_TRUE(limiter.wait(Clock::time_point::max()));

  // The next token is about 1000 s away, after the deadline.
  EXPECT_FALSE(limiter.wait(Clock::now() + seconds(1)));
  EXPECT_GT(limiter.tokens_at(Clock::now()), -0.5);
}

TEST(RateLimiterTest, WaitBlocksUntilTokenIsAvailable) {
  // At 1e6 tokens per second the sleep is about one microsecond.
  RateLimiter limiter(1e6, 1);
  ASSERT_TRUE(limiter.allow(Clock::now()));

  EXPECT_TRUE(limiter.wait(Clock::now() + hours(1)));

  // wait() went into debt for one token and returned only once the debt was repaid.
  EXPECT_GE(limiter.tokens_at(Clock::now()), 0.0);
}

TEST(RateLimiterTest, ConcurrentAllowNeverExceedsFormula) {
  constexpr double kLimit = 1000.0;
  constexpr int kBurst = 10;
  constexpr int kCallsPerThread = 50'000;
  constexpr std::int64_t kStepNs = 1000;

  RateLimiter limiter(kLimit, kBurst);
  const std::int64_t start_ns = nanoseconds(kStart.time_since_epoch()).count();
  std::atomic<std::int64_t> clock_ns{start_ns};

  // Each call advances the shared fake clock, so the two threads present interleaved times that
  // may reach the limiter out of order.
  auto hammer = [&](std::atomic<int>& allowed) {
    for (int i = 0; i < kCallsPerThread; ++i) {
      const std::int64_t now_ns =
          clock_ns.fetch_add(kStepNs, std::memory_order_relaxed) + kStepNs;
      if (limiter.allow(TimePoint(nanoseconds(now_ns)))) {
        allowed.fetch_add(1, std::memory_order_relaxed);
      }
    }
  };
  std::atomic<int> allowed_first{0};
  std::atomic<int> allowed_second{0};
  std::thread first([&] { hammer(allowed_first); });
  std::thread second([&] { hammer(allowed_second); });
  first.join();
  second.join();

  const int allowed = allowed_first.load() + allowed_second.load();
  const double elapsed_seconds = (clock_ns.load() - start_ns) / 1e9;
  const double expected = kBurst + kLimit * elapsed_seconds;
  EXPECT_LE(allowed, expected);
  EXPECT_GE(allowed, kBurst);

  // Calls arrive far more often than tokens, so no token is lost to the burst cap. Only the
  // first call's offset and the fraction left at the end stay unused.
  EXPECT_GE(allowed, expected - 2.0);
}

}  // namespace
}  // namespace paybench
