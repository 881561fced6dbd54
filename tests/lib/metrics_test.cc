// Tests for the counters in counter.h and for Gauge.

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "paybench/memory/thread_index.h"
#include "paybench/metrics/counter.h"
#include "paybench/metrics/gauge.h"

namespace paybench {
namespace {

// Runs `body(thread_number)` on `thread_count` threads at once and joins them.
template <class Body>
void run_on_threads(int thread_count, Body body) {
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(thread_count));
  for (int thread_number = 0; thread_number < thread_count; ++thread_number) {
    threads.emplace_back([&body, thread_number] { body(thread_number); });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
}

template <class Counter>
class CounterContractTest : public ::testing::Test {};

using CounterTypes = ::testing::Types<MutexCounter, AtomicCounter, ShardedCounter>;

class CounterTypeNames {
 public:
  template <class Counter>
  static std::string GetName(int) {
    if constexpr (std::is_same_v<Counter, MutexCounter>) {
      return "MutexCounter";
    } else if constexpr (std::is_same_v<Counter, AtomicCounter>) {
      return "AtomicCounter";
    } else {
      return "ShardedCounter";
    }
  }
};

TYPED_TEST_SUITE(CounterContractTest, CounterTypes, CounterTypeNames);

TYPED_TEST(CounterContractTest, StartsAtZero) {
  TypeParam counter;
  EXPECT_EQ(counter.value(), 0U);
}

TYPED_TEST(CounterContractTest, IncrementAddsOneOrN) {
  TypeParam counter;
  counter.increment();
  EXPECT_EQ(counter.value(), 1U);
  counter.increment(41);
  EXPECT_EQ(counter.value(), 42U);
  counter.increment(0);
  EXPECT_EQ(counter.value(), 42U);
}

TYPED_TEST(CounterContractTest, ExactAfterThreadsJoin) {
  constexpr int kThreads = 4;
  constexpr std::uint64_t kIncrementsPerThread = 100'000;
  TypeParam counter;

  // Thread t adds t + 1 per call, so a lost or doubled increment of any thread shows.
  run_on_threads(kThreads, [&](int thread_number) {
    const auto step = static_cast<std::uint64_t>(thread_number) + 1;
    for (std::uint64_t i = 0; i < kIncrementsPerThread; ++i) {
      counter.increment(step);
    }
  });

  const std::uint64_t steps_sum = kThreads * (kThreads + 1) / 2;  // 1 + 2 + ... + kThreads
  EXPECT_EQ(counter.value(), kIncrementsPerThread * steps_sum);
}

TYPED_TEST(CounterContractTest, ValueNeverDecreasesWhileCounting) {
  constexpr int kWriters = 2;
  constexpr std::uint64_t kIncrementsPerWriter = 50'000;
  TypeParam counter;
  std::atomic<int> writers_done{0};
  std::uint64_t decreases = 0;
  std::uint64_t last_read = 0;

  std::thread reader([&] {
    // Reads until both writers finished, then once more.
    bool writers_finished = false;
    while (!writers_finished) {
      writers_finished = writers_done.load(std::memory_order_acquire) == kWriters;
      const std::uint64_t read = counter.value();
      if (read < last_read) {
        ++decreases;
      }
      last_read = read;
    }
  });
  run_on_threads(kWriters, [&](int) {
    for (std::uint64_t i = 0; i < kIncrementsPerWriter; ++i) {
      counter.increment();
    }
    writers_done.fetch_add(1, std::memory_order_release);
  });
  reader.join();

  EXPECT_EQ(decreases, 0U);
  // The reader's last read followed the acquire of writers_done == kWriters, so it is exact.
  EXPECT_EQ(last_read, kWriters * kIncrementsPerWriter);
}

TYPED_TEST(CounterContractTest, WrapsModulo64Bits) {
  TypeParam counter;
  counter.increment(std::numeric_limits<std::uint64_t>::max());
  counter.increment(2);
  EXPECT_EQ(counter.value(), 1U);
}

TEST(ShardedCounterTest, RejectsInvalidShardCounts) {
  EXPECT_THROW(ShardedCounter(0), std::invalid_argument);
  EXPECT_THROW(ShardedCounter(ShardedCounter::kMaxShardCount + 1), std::invalid_argument);
  try {
    ShardedCounter counter(0);
    FAIL() << "shard count 0 was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("shard count 0"), std::string::npos) << error.what();
  }
  EXPECT_EQ(ShardedCounter(ShardedCounter::kMaxShardCount).shard_count(),
            ShardedCounter::kMaxShardCount);
}

TEST(ShardedCounterTest, ThreadsBeyondShardsUseOverflow) {
  // This thread owns an index, so with one shard at most one new thread can own the shard and
  // the others must add to the overflow shard.
  acquire_thread_index();
  constexpr int kThreads = 4;
  constexpr std::uint64_t kIncrementsPerThread = 20'000;
  ShardedCounter counter(1);

  run_on_threads(kThreads, [&](int) {
    for (std::uint64_t i = 0; i < kIncrementsPerThread; ++i) {
      counter.increment();
    }
  });
  counter.increment(7);

  EXPECT_EQ(counter.value(), kThreads * kIncrementsPerThread + 7);
}

TEST(ShardedCounterTest, ReusedThreadIndexKeepsCount) {
  ShardedCounter counter;
  std::size_t first_index = 0;
  std::size_t second_index = 0;

  std::thread([&] {
    counter.increment(10);
    first_index = current_thread_index();
  }).join();
  std::thread([&] {
    counter.increment(5);
    second_index = current_thread_index();
  }).join();

  // The second thread receives the smallest free index, which the first one released.
  EXPECT_EQ(first_index, second_index);
  EXPECT_EQ(counter.value(), 15U);
}

// Increments a counter from its destructor, which runs during thread exit.
struct IncrementAtThreadExit {
  ShardedCounter* counter = nullptr;
  ~IncrementAtThreadExit() {
    if (counter != nullptr) {
      counter->increment();
    }
  }
};

TEST(ShardedCounterTest, CountsIncrementsDuringThreadExit) {
  ShardedCounter counter;

  std::thread([&] {
    // Constructed before the thread acquires its index, so destroyed after the index was
    // released: its increment must take the overflow shard and still count.
    thread_local IncrementAtThreadExit at_exit;
    at_exit.counter = &counter;
    counter.increment();
  }).join();

  EXPECT_EQ(counter.value(), 2U);
}

TEST(GaugeTest, SetAddSub) {
  Gauge gauge;
  EXPECT_EQ(gauge.value(), 0.0);

  gauge.set(2.5);
  EXPECT_EQ(gauge.value(), 2.5);
  gauge.add(1.25);
  EXPECT_EQ(gauge.value(), 3.75);
  gauge.sub(4.0);
  EXPECT_EQ(gauge.value(), -0.25);
  gauge.add(-0.75);
  EXPECT_EQ(gauge.value(), -1.0);
}

TEST(GaugeTest, StoresSpecialValues) {
  Gauge gauge;
  gauge.set(std::numeric_limits<double>::infinity());
  EXPECT_EQ(gauge.value(), std::numeric_limits<double>::infinity());
  gauge.set(std::nan(""));
  EXPECT_TRUE(std::isnan(gauge.value()));
}

TEST(GaugeTest, ConcurrentAddsLoseNothing) {
  constexpr int kThreads = 4;
  constexpr int kAddsPerThread = 20'000;
  Gauge gauge;

  // Whole numbers below 2^53 add exactly, so the total must be exact.
  run_on_threads(kThreads, [&](int thread_number) {
    for (int i = 0; i < kAddsPerThread; ++i) {
      if (thread_number % 2 == 0) {
        gauge.add(3.0);
      } else {
        gauge.sub(1.0);
      }
    }
  });

  EXPECT_EQ(gauge.value(), (kThreads / 2) * kAddsPerThread * 2.0);
}

}  // namespace
}  // namespace paybench
