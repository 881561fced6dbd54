#include "paybench/memory/thread_cache.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "paybench/memory/thread_index.h"

namespace paybench {
namespace {

// Items are slots of a static array, so the cache never frees real memory and the disposer
// only counts.
std::array<int, 256> g_items;
std::atomic<int> g_disposed{0};

struct CountDisposals {
  void operator()(int* item) const noexcept {
    (void)item;
    g_disposed.fetch_add(1, std::memory_order_relaxed);
  }
};

using CountingCache = ThreadCache<int, CountDisposals>;

class ThreadCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { g_disposed.store(0); }
};

TEST_F(ThreadCacheTest, TakeFromEmptyReturnsNull) {
  CountingCache cache(PoolLimits{});
  EXPECT_EQ(cache.take(), nullptr);
  EXPECT_EQ(cache.cached_count(), 0U);
}

TEST_F(ThreadCacheTest, TakeReturnsLastPutItem) {
  CountingCache cache(PoolLimits{});
  ASSERT_TRUE(cache.put(&g_items[0]));
  ASSERT_TRUE(cache.put(&g_items[1]));

  EXPECT_EQ(cache.take(), &g_items[1]);
  EXPECT_EQ(cache.take(), &g_items[0]);
  EXPECT_EQ(cache.take(), nullptr);
}

TEST_F(ThreadCacheTest, FullSlotSpillsOldestHalfToShared) {
  CountingCache cache(PoolLimits{.per_thread = 4, .shared = 100, .max_threads = 64});
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(cache.put(&g_items[i]));
  }
  EXPECT_EQ(cache.cached_count(), 5U);

  // Another thread has an empty slot, so it refills from the shared overflow, which contains the
  // two oldest items, and takes both in one batch.
  std::vector<int*> taken_by_other_thread;
  std::thread other([&] {
    taken_by_other_thread.push_back(cache.take());
    taken_by_other_thread.push_back(cache.take());
    taken_by_other_thread.push_back(cache.take());
  });
  other.join();

  const std::set<int*> oldest = {&g_items[0], &g_items[1]};
  EXPECT_TRUE(oldest.contains(taken_by_other_thread[0]));
  EXPECT_TRUE(oldest.contains(taken_by_other_thread[1]));
  EXPECT_NE(taken_by_other_thread[0], taken_by_other_thread[1]);
  EXPECT_EQ(taken_by_other_thread[2], nullptr);
  EXPECT_EQ(cache.cached_count(), 3U);
}

TEST_F(ThreadCacheTest, ItemsBeyondBoundsAreDisposed) {
  CountingCache cache(PoolLimits{.per_thread = 4, .shared = 8, .max_threads = 64});
  for (int i = 0; i < 20; ++i) {
    cache.put(&g_items[i]);
  }

  EXPECT_EQ(cache.cached_count(), 12U);
  EXPECT_EQ(g_disposed.load(), 8);
}

TEST_F(ThreadCacheTest, DestructorDisposesEveryCachedItem) {
  {
    CountingCache cache(PoolLimits{.per_thread = 4, .shared = 8, .max_threads = 64});
    for (int i = 0; i < 10; ++i) {
      cache.put(&g_items[i]);
    }
    std::thread other([&] { cache.put(&g_items[100]); });
    other.join();
    ASSERT_EQ(cache.cached_count(), 11U);
    ASSERT_EQ(g_disposed.load(), 0);
  }
  EXPECT_EQ(g_disposed.load(), 11);
}

TEST_F(ThreadCacheTest, ZeroMaxThreadsUsesSharedOnly) {
  CountingCache cache(PoolLimits{.per_thread = 4, .shared = 3, .max_threads = 0});
  for (int i = 0; i < 5; ++i) {
    cache.put(&g_items[i]);
  }
  EXPECT_EQ(cache.cached_count(), 3U);
  EXPECT_EQ(g_disposed.load(), 2);
  EXPECT_EQ(cache.take(), &g_items[2]);
}

TEST_F(ThreadCacheTest, ZeroPerThreadUsesSharedOnly) {
  CountingCache cache(PoolLimits{.per_thread = 0, .shared = 2, .max_threads = 64});
  for (int i = 0; i < 4; ++i) {
    cache.put(&g_items[i]);
  }
  EXPECT_EQ(cache.cached_count(), 2U);
  EXPECT_EQ(g_disposed.load(), 2);
}

TEST_F(ThreadCacheTest, LimitAboveMaximumIsRejected) {
  EXPECT_THROW(CountingCache(PoolLimits{.per_thread = PoolLimits::kMaxPerThread + 1}),
               std::invalid_argument);
  EXPECT_THROW(CountingCache(PoolLimits{.shared = PoolLimits::kMaxShared + 1}),
               std::invalid_argument);
  EXPECT_THROW(CountingCache(PoolLimits{.max_threads = PoolLimits::kMaxThreads + 1}),
               std::invalid_argument);
}

TEST_F(ThreadCacheTest, LimitErrorNamesFieldAndValue) {
  try {
    CountingCache cache(PoolLimits{.shared = PoolLimits::kMaxShared + 1});
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("PoolLimits.shared"), std::string::npos) << message;
    EXPECT_NE(message.find(std::to_string(PoolLimits::kMaxShared + 1)), std::string::npos)
        << message;
  }
}

TEST_F(ThreadCacheTest, ExitedThreadSlotPassesToNextThread) {
  CountingCache cache(PoolLimits{.per_thread = 8, .shared = 0, .max_threads = 64});

  std::size_t first_index = 0;
  std::thread first([&] {
    for (int i = 0; i < 3; ++i) {
      cache.put(&g_items[i]);
    }
    first_index = current_thread_index();
  });
  first.join();

  // The registry hands out the smallest free index, which is the one the first thread released.
  std::size_t second_index = 0;
  std::vector<int*> taken;
  std::thread second([&] {
    for (int i = 0; i < 4; ++i) {
      taken.push_back(cache.take());
    }
    second_index = current_thread_index();
  });
  second.join();

  EXPECT_EQ(second_index, first_index);
  const std::vector<int*> expected = {&g_items[2], &g_items[1], &g_items[0], nullptr};
  EXPECT_EQ(taken, expected);
}

TEST(ThreadIndexTest, NewThreadStartsUnassigned) {
  std::size_t before = 0;
  std::size_t acquired = 0;
  std::size_t after = 0;
  std::thread worker([&] {
    before = current_thread_index();
    acquired = acquire_thread_index();
    after = current_thread_index();
  });
  worker.join();

  EXPECT_EQ(before, kUnassignedThreadIndex);
  EXPECT_LT(acquired, kReleasedThreadIndex);
  EXPECT_EQ(after, acquired);
}

TEST(ThreadIndexTest, LiveThreadsHoldDistinctIndices) {
  constexpr int kThreadCount = 8;
  const std::size_t live_before = live_thread_index_count();

  std::vector<std::size_t> indices(kThreadCount);
  std::atomic<int> acquired_count{0};
  std::atomic<bool> release{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreadCount; ++t) {
    threads.emplace_back([&, t] {
      indices[t] = acquire_thread_index();
      acquired_count.fetch_add(1);
      while (!release.load()) {
        std::this_thread::yield();
      }
    });
  }
  while (acquired_count.load() < kThreadCount) {
    std::this_thread::yield();
  }
  EXPECT_EQ(live_thread_index_count(), live_before + kThreadCount);

  release.store(true);
  for (std::thread& thread : threads) {
    thread.join();
  }

  const std::set<std::size_t> distinct(indices.begin(), indices.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kThreadCount));
  EXPECT_EQ(live_thread_index_count(), live_before);
}

}  // namespace
}  // namespace paybench
