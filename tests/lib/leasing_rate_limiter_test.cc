#include "paybench/resilience/leasing_rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "paybench/resilience/gcra_rate_limiter.h"

namespace paybench {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

using TimePoint = LeasingRateLimiter::TimePoint;

const TimePoint kStart = TimePoint(hours(1));

TEST(LeasingRateLimiterTest, LeaseOfOneMatchesGcra) {
  LeasingRateLimiter leasing(100.0, 5, 1);
  GcraRateLimiter gcra(100.0, 5);
  std::mt19937_64 random(7);
  std::uniform_int_distribution<int> step_ms(0, 30);

  TimePoint now = kStart;
  for (int call = 0; call < 5000; ++call) {
    now += milliseconds(step_ms(random));
    ASSERT_EQ(leasing.allow(now), gcra.allow(now)) << "call " << call;
  }
}

TEST(LeasingRateLimiterTest, LeaseServesCallsAtSameTime) {
  LeasingRateLimiter limiter(1.0, 8, 4);

  for (int call = 0; call < 8; ++call) {
    EXPECT_TRUE(limiter.allow(kStart)) << "call " << call;
  }
  EXPECT_FALSE(limiter.allow(kStart));
}

TEST(LeasingRateLimiterTest, NewTimeDropsRestOfLease) {
  // Burst 8, lease 4: the first call leases 4 tokens and spends one.
  LeasingRateLimiter limiter(1.0, 8, 4);
  ASSERT_TRUE(limiter.allow(kStart));

  // One nanosecond later the 3 leased tokens are dropped. The bucket still has 4 (plus a
  // negligible refill), and a new lease takes them.
  const TimePoint later = kStart + std::chrono::nanoseconds(1);
  for (int call = 0; call < 4; ++call) {
    EXPECT_TRUE(limiter.allow(later)) << "call " << call;
  }
  EXPECT_FALSE(limiter.allow(later));
}

TEST(LeasingRateLimiterTest, NeverExceedsFormulaOverLongRun) {
  constexpr double kLimit = 1000.0;
  constexpr int kBurst = 50;
  constexpr int kLeaseSize = 8;
  // Calls come in groups at one reading of a clock with a 4 ms tick, as CoarseSteadyClock's do.
  const milliseconds tick(4);
  constexpr int kCallsPerTick = 20;
  const TimePoint second_half = kStart + seconds(5);
  const TimePoint end = kStart + seconds(10);

  LeasingRateLimiter limiter(kLimit, kBurst, kLeaseSize);
  int allowed = 0;
  int allowed_in_second_half = 0;
  TimePoint now = kStart;
  for (; now <= end; now += tick) {
    for (int call = 0; call < kCallsPerTick; ++call) {
      const bool is_allowed = limiter.allow(now);
      allowed += is_allowed ? 1 : 0;
      allowed_in_second_half += is_allowed && now > second_half ? 1 : 0;
    }
  }

  const double elapsed_seconds = std::chrono::duration<double>(end - kStart).count();
  EXPECT_LE(allowed, kBurst + kLimit * elapsed_seconds);

  // Once the burst is spent, each tick refills 4 tokens and a lease takes exactly those, so no
  // token is dropped. Earlier, each tick could drop up to kLeaseSize - 1 leased tokens.
  EXPECT_EQ(allowed_in_second_half, 5000);
}

TEST(LeasingRateLimiterTest, RejectsInvalidLeaseSize) {
  EXPECT_THROW(LeasingRateLimiter(1.0, 8, 0), std::invalid_argument);
  EXPECT_THROW(LeasingRateLimiter(1.0, 8, 9), std::invalid_argument);
  EXPECT_THROW(LeasingRateLimiter(-1.0, 8, 1), std::invalid_argument);
  EXPECT_NO_THROW(LeasingRateLimiter(1.0, 0, 4));
}

TEST(LeasingRateLimiterTest, ConcurrentAllowStaysWithinBucket) {
  constexpr int kBurst = 1000;
  constexpr int kLeaseSize = 16;
  constexpr int kThreads = 4;
  constexpr int kCallsPerPhase = 1000;

  LeasingRateLimiter limiter(100.0, kBurst, kLeaseSize);
  std::atomic<int> allowed_at_start{0};
  std::atomic<int> allowed_later{0};
  std::barrier phase_end(kThreads);

  // The bucket contains kBurst tokens at kStart and refills 500 by `later`.
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

  // take_up_to takes what is left, so every token is leased to some thread. Every thread calls
  // far more often than its lease lasts, so it spends all it leased at each time.
  EXPECT_EQ(allowed_at_start.load(), kBurst);
  EXPECT_EQ(allowed_later.load(), 500);
}

TEST(LeasingRateLimiterTest, ThreadsBeyondShardsShareBucket) {
  constexpr int kThreads = static_cast<int>(LeasingRateLimiter::kMaxShards) + 8;
  constexpr int kBurst = 40;

  LeasingRateLimiter limiter(1.0, kBurst, 4);
  std::atomic<int> allowed{0};
  std::barrier all_started(kThreads);

  // Every thread stays alive until all have their index, so the last 8 get none of the shards.
  auto call_twice = [&] {
    all_started.arrive_and_wait();
    for (int call = 0; call < 2; ++call) {
      if (limiter.allow(kStart)) {
        allowed.fetch_add(1, std::memory_order_relaxed);
      }
    }
    all_started.arrive_and_wait();
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(call_twice);
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  EXPECT_LE(allowed.load(), kBurst);
}

}  // namespace
}  // namespace paybench
