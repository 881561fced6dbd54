#include "paybench/resilience/gcra_rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "paybench/resilience/rate_limiter.h"
#include "paybench/time/coarse_steady_clock.h"

namespace paybench {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

using TimePoint = GcraRateLimiter::TimePoint;

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// A fake clock starts here, well after the epoch, so that steps back stay positive.
const TimePoint kStart = TimePoint(hours(1));

TEST(GcraRateLimiterTest, StartsWithFullBucket) {
  GcraRateLimiter limiter(1.0, 3);

  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart), 3.0);
  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart));
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart), 0.0);
}

TEST(GcraRateLimiterTest, RefillsFractionalTokens) {
  GcraRateLimiter limiter(10.0, 1);
  ASSERT_TRUE(limiter.allow(kStart));

  EXPECT_NEAR(limiter.tokens_at(kStart + milliseconds(50)), 0.5, 1e-9);
  EXPECT_FALSE(limiter.allow(kStart + milliseconds(99)));
  EXPECT_TRUE(limiter.allow(kStart + milliseconds(100)));
}

TEST(GcraRateLimiterTest, InexactLimitAllowsFirstCall) {
  // 10/13 has no exact binary representation.
  GcraRateLimiter limiter(10.0 / 13.0, 1);

  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart + milliseconds(1299)));
  EXPECT_TRUE(limiter.allow(kStart + milliseconds(1300)));
}

TEST(GcraRateLimiterTest, ZeroLimitAllowsBurstOnce) {
  GcraRateLimiter limiter(0.0, 2);

  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_TRUE(limiter.allow(kStart + hours(1)));
  EXPECT_FALSE(limiter.allow(kStart + hours(1)));
  EXPECT_FALSE(limiter.allow(kStart + hours(1'000'000)));
  EXPECT_DOUBLE_EQ(limiter.tokens_at(kStart + hours(1'000'000)), 0.0);
}

TEST(GcraRateLimiterTest, TinyLimitAllowsOnceWithoutOverflow) {
  GcraRateLimiter limiter(1e-10, 1);

  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart + hours(24 * 365)));
  EXPECT_FALSE(limiter.allow(TimePoint::max()));
}

TEST(GcraRateLimiterTest, InfiniteLimitAllowsAnyCount) {
  GcraRateLimiter limiter(kInfinity, 0);

  EXPECT_TRUE(limiter.allow(kStart));
  EXPECT_TRUE(limiter.allow_n(kStart, 1'000'000));
}

TEST(GcraRateLimiterTest, ZeroBurstRejectsEverything) {
  GcraRateLimiter limiter(1000.0, 0);

  EXPECT_FALSE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart + hours(1)));
  EXPECT_TRUE(limiter.allow_n(kStart, 0));
}

TEST(GcraRateLimiterTest, AllowNTakesAllOrNothing) {
  GcraRateLimiter limiter(1.0, 5);

  EXPECT_FALSE(limiter.allow_n(kStart, 6));
  EXPECT_TRUE(limiter.allow_n(kStart, 4));
  EXPECT_FALSE(limiter.allow_n(kStart, 2));
  EXPECT_TRUE(limiter.allow_n(kStart, 1));
  EXPECT_FALSE(limiter.allow_n(kStart, -1));
}

TEST(GcraRateLimiterTest, TimeGoingBackwardsAddsNothing) {
  GcraRateLimiter limiter(1.0, 1);
  ASSERT_TRUE(limiter.allow(kStart + seconds(10)));

  EXPECT_FALSE(limiter.allow(kStart));
  EXPECT_FALSE(limiter.allow(kStart + seconds(10)));
  EXPECT_TRUE(limiter.allow(kStart + seconds(11)));
}

TEST(GcraRateLimiterTest, RejectsInvalidArguments) {
  EXPECT_THROW(GcraRateLimiter(-1.0, 1), std::invalid_argument);
  EXPECT_THROW(GcraRateLimiter(std::numeric_limits<double>::quiet_NaN(), 1),
               std::invalid_argument);
  EXPECT_THROW(GcraRateLimiter(1.0, -1), std::invalid_argument);
}

TEST(GcraRateLimiterTest, LongRunMatchesFormula) {
  constexpr double kLimit = 100.0;
  constexpr int kBurst = 5;
  const milliseconds step(3);
  const seconds run_length(10);

  GcraRateLimiter limiter(kLimit, kBurst);
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

// The same random calls on both limiters give the same decisions. The limits have emission
// intervals that are whole ticks, so that rounding cannot separate the two.
TEST(GcraRateLimiterTest, MatchesRateLimiterDecisions) {
  const double limits[] = {1.0, 4.0, 10.0, 250.0, 1000.0, 1e6};
  const int bursts[] = {1, 3, 20};
  std::mt19937_64 random(20261204);

  for (const double limit : limits) {
    for (const int burst : bursts) {
      SCOPED_TRACE(testing::Message() << "limit " << limit << ", burst " << burst);
      GcraRateLimiter gcra(limit, burst);
      RateLimiter reference(limit, burst);
      std::uniform_int_distribution<int> step_us(0, static_cast<int>(3e6 / limit));
      std::uniform_int_distribution<int> tokens(0, burst + 1);

      TimePoint now = kStart;
      for (int call = 0; call < 2000; ++call) {
        now += microseconds(step_us(random));
        const int n = tokens(random);
        ASSERT_EQ(gcra.allow_n(now, n), reference.allow_n(now, n)) << "call " << call;
      }
    }
  }
}

TEST(GcraRateLimiterTest, ConcurrentAllowTakesExactlyTheBucket) {
  constexpr double kLimit = 100.0;
  constexpr int kBurst = 1000;
  constexpr int kThreads = 4;
  constexpr int kCallsPerPhase = 1000;

  GcraRateLimiter limiter(kLimit, kBurst);
  std::atomic<int> allowed_at_start{0};
  std::atomic<int> allowed_later{0};
  std::barrier phase_end(kThreads);

  // Every thread calls at two instants, separated by a barrier. The bucket contains kBurst tokens
  // at the first and has refilled 500 of them (5 s x 100 per second) by the second.
  const TimePoint later = kStart + seconds(5);
  auto hammer = [&] {
    for (int i = 0; i < kCallsPerPhase; ++i) {
      if (limiter.allow(kStart)) {
        allowed_at_start.fetch_add(1, std::memory_order_relaxed);
      }
    }
    phase_end.arrive_and_wait();
    for (int i = 0; i < kCallsPerPhase; ++i) {
      if (limiter.allow(later)) {
        allowed_later.fetch_add(1, std::memory_order_relaxed);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(hammer);
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  EXPECT_EQ(allowed_at_start.load(), kBurst);
  EXPECT_EQ(allowed_later.load(), 500);
}

// A clock that advances in ticks, as CoarseSteadyClock does, refills a whole tick's tokens at
// once, and the bucket caps them at burst. So the limiter admits min(limit, burst / tick).
TEST(GcraRateLimiterTest, TickingClockCapsRateAtBurstPerTick) {
  constexpr double kLimit = 100'000.0;
  const milliseconds tick(4);
  constexpr int kCallsPerTick = 1000;
  constexpr int kTicks = 250;  // one second

  auto admitted_in_one_second = [&](int burst) {
    GcraRateLimiter limiter(kLimit, burst);
    int admitted = 0;
    for (int t = 1; t <= kTicks; ++t) {
      for (int call = 0; call < kCallsPerTick; ++call) {
        admitted += limiter.allow(kStart + t * tick) ? 1 : 0;
      }
    }
    return admitted;
  };

  // Burst 100 is 1 ms of tokens: each 4 ms tick admits 100, a quarter of the limit.
  EXPECT_EQ(admitted_in_one_second(100), kTicks * 100);
  // Burst 400 covers a tick: each tick admits its 400 tokens, the whole limit.
  EXPECT_EQ(admitted_in_one_second(400), kTicks * 400);
}

TEST(CoarseSteadyClockTest, SharesEpochWithSteadyClock) {
  ASSERT_GT(CoarseSteadyClock::resolution(), nanoseconds(0));

  const auto before = std::chrono::steady_clock::now();
  const auto coarse = CoarseSteadyClock::now();
  const auto after = std::chrono::steady_clock::now();

  // The coarse reading never runs ahead of a precise one taken after it. Its lag depends on
  // skipped ticks, so the check only bounds it far above any tick length.
  EXPECT_LE(coarse, after);
  EXPECT_GT(coarse, before - seconds(1));
}

}  // namespace
}  // namespace paybench
