#include "paybench/concurrency/mpmc_ring.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "queue_test_support.h"

namespace paybench {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using Position = MpmcRing<int>::Position;

constexpr Position kMaxPosition = std::numeric_limits<Position>::max();

using testing::find_loss_or_duplicate;
using testing::find_order_violation;
using testing::StressItem;
using testing::StressShape;
using testing::stress_shape_name;
using testing::Tracked;

TEST(MpmcRingTest, RejectsZeroCapacity) {
  EXPECT_THROW(MpmcRing<int>(0), std::invalid_argument);
  try {
    MpmcRing<int> ring(0);
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("MpmcRing capacity 0"), std::string::npos)
        << error.what();
  }
}

TEST(MpmcRingTest, RejectsCapacityAboveMaximum) {
  EXPECT_THROW(MpmcRing<int>(MpmcRing<int>::kMaxCapacity + 1), std::invalid_argument);
}

TEST(MpmcRingTest, RoundsCapacityUpToPowerOfTwo) {
  EXPECT_EQ(MpmcRing<int>(1).capacity(), 2U);
  EXPECT_EQ(MpmcRing<int>(2).capacity(), 2U);
  EXPECT_EQ(MpmcRing<int>(5).capacity(), 8U);
  EXPECT_EQ(MpmcRing<int>(8).capacity(), 8U);
  EXPECT_EQ(MpmcRing<int>(1000).capacity(), 1024U);
}

TEST(MpmcRingTest, AcceptsExactlyCapacityItems) {
  MpmcRing<int> ring(8);
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(ring.try_push(i)) << "push " << i;
  }
  EXPECT_FALSE(ring.try_push(8));
  EXPECT_EQ(ring.size_approx(), 8U);

  // One pop makes room for exactly one more item.
  EXPECT_EQ(ring.try_pop(), 0);
  EXPECT_TRUE(ring.try_push(8));
  EXPECT_FALSE(ring.try_push(9));
}

TEST(MpmcRingTest, RoundedCapacityIsUsable) {
  MpmcRing<int> ring(5);
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(ring.try_push(i)) << "push " << i;
  }
  EXPECT_FALSE(ring.try_push(8));
}

TEST(MpmcRingTest, CapacityOneAcceptsTwoItems) {
  // A single cell could not tell a full ring from an empty one, so capacity 1 becomes 2.
  MpmcRing<int> ring(1);
  EXPECT_TRUE(ring.try_push(0));
  EXPECT_TRUE(ring.try_push(1));
  EXPECT_FALSE(ring.try_push(2));
  EXPECT_EQ(ring.try_pop(), 0);
  EXPECT_EQ(ring.try_pop(), 1);
  EXPECT_FALSE(ring.try_pop().has_value());
}

TEST(MpmcRingTest, TryPopOnEmptyReturnsNullopt) {
  MpmcRing<int> ring(4);
  EXPECT_FALSE(ring.try_pop().has_value());
  EXPECT_TRUE(ring.empty_approx());

  ASSERT_TRUE(ring.try_push(1));
  EXPECT_EQ(ring.try_pop(), 1);
  EXPECT_FALSE(ring.try_pop().has_value());
}

TEST(MpmcRingTest, PopsInPushOrder) {
  MpmcRing<int> ring(8);
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(ring.try_push(i * 10));
  }
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(ring.try_pop(), i * 10);
  }
}

TEST(MpmcRingTest, KeepsWorkingAcrossPositionWrap) {
  // Starts just below the wrap of the 64-bit positions, and just below the largest signed 64-
  // and 32-bit values, where a comparison with `<` on a signed or narrower copy would break.
  const std::vector<Position> first_positions = {
      kMaxPosition - 1,
      kMaxPosition - 6,
      static_cast<Position>(std::numeric_limits<std::int64_t>::max()) - 2,
      static_cast<Position>(std::numeric_limits<std::int32_t>::max()) - 2,
  };
  for (const Position first_position : first_positions) {
    SCOPED_TRACE("first position " + std::to_string(first_position));
    MpmcRing<int> ring(4, first_position);

    // A full ring whose positions straddle the wrap still accepts exactly its capacity.
    for (int i = 0; i < 4; ++i) {
      EXPECT_TRUE(ring.try_push(i)) << "push " << i;
    }
    EXPECT_FALSE(ring.try_push(4));
    EXPECT_EQ(ring.size_approx(), 4U);
    for (int i = 0; i < 4; ++i) {
      EXPECT_EQ(ring.try_pop(), i);
    }
    EXPECT_FALSE(ring.try_pop().has_value());
    EXPECT_EQ(ring.size_approx(), 0U);

    // Several capacities' worth with varying fill levels, so the wrap falls at every offset.
    int next_pushed = 100;
    int next_popped = 100;
    for (int lap = 0; lap < 12; ++lap) {
      const int fill = 1 + lap % 4;
      for (int i = 0; i < fill; ++i) {
        ASSERT_TRUE(ring.try_push(next_pushed++));
      }
      EXPECT_EQ(ring.size_approx(), static_cast<std::size_t>(fill));
      for (int i = 0; i < fill; ++i) {
        EXPECT_EQ(ring.try_pop(), next_popped++);
      }
    }
    EXPECT_TRUE(ring.empty_approx());
  }
}

TEST(MpmcRingTest, FailedPushLeavesValueUntouched) {
  MpmcRing<std::unique_ptr<int>> ring(2);
  ASSERT_TRUE(ring.try_push(std::make_unique<int>(0)));
  ASSERT_TRUE(ring.try_push(std::make_unique<int>(1)));

  auto value = std::make_unique<int>(2);
  EXPECT_FALSE(ring.try_push(std::move(value)));
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(*value, 2);

  EXPECT_FALSE(ring.try_push_for(std::move(value), milliseconds(1)));
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(*value, 2);
}

TEST(MpmcRingTest, MoveOnlyItemsKeepTheirValues) {
  MpmcRing<std::unique_ptr<int>> ring(4);
  ASSERT_TRUE(ring.try_push(std::make_unique<int>(7)));
  ring.push(std::make_unique<int>(8));
  ASSERT_TRUE(ring.try_emplace(new int(9)));

  std::optional<std::unique_ptr<int>> first = ring.try_pop();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(**first, 7);
  EXPECT_EQ(*ring.pop(), 8);
  EXPECT_EQ(*ring.pop(), 9);
}

TEST(MpmcRingTest, EachItemConstructedAndDestroyedOnce) {
  Tracked::reset_counters();
  {
    // The positions wrap while the ring contains items, so the destructor must walk across the
    // wrap to find the items that remain.
    MpmcRing<Tracked> ring(16, kMaxPosition - 5);
    for (int id = 0; id < 10; ++id) {
      ASSERT_TRUE(ring.try_push(Tracked(id)));
    }
    for (int id = 0; id < 4; ++id) {
      std::optional<Tracked> item = ring.try_pop();
      ASSERT_TRUE(item.has_value());
      EXPECT_EQ(item->id(), id);
      EXPECT_EQ(item->payload(), Tracked::kPayload);
    }
    // Items 0 to 3 were destroyed by the pops above; the ring still contains items 4 to 9.
    EXPECT_EQ(Tracked::live_count, 6);
  }

  EXPECT_EQ(Tracked::live_count, 0);
  EXPECT_EQ(Tracked::copy_count, 0);
  for (int id = 0; id < 10; ++id) {
    EXPECT_EQ(Tracked::value_constructions[id], 1) << "item " << id;
    EXPECT_EQ(Tracked::value_destructions[id], 1) << "item " << id;
  }
}

TEST(MpmcRingTest, PushOfConstValueCopiesOnce) {
  Tracked::reset_counters();
  {
    MpmcRing<Tracked> ring(2);
    ASSERT_TRUE(ring.try_push(Tracked(0)));
    const Tracked original(1);
    ASSERT_TRUE(ring.try_push(original));
    EXPECT_EQ(Tracked::copy_count, 1);

    // Tracked's copy may throw, so the ring copies before it finds that it is full, and the
    // rejected copy is destroyed again.
    const Tracked rejected(2);
    EXPECT_FALSE(ring.try_push(rejected));
    EXPECT_EQ(rejected.id(), 2);
    EXPECT_EQ(ring.pop().id(), 0);
    EXPECT_EQ(ring.pop().id(), 1);
  }
  EXPECT_EQ(Tracked::live_count, 0);
  EXPECT_EQ(Tracked::value_destructions[1], 2);  // the original and its copy
  EXPECT_EQ(Tracked::value_destructions[2], 2);  // the original and the rejected copy
}

TEST(MpmcRingTest, TryPopForTimesOutOnEmpty) {
  MpmcRing<int> ring(2);
  const milliseconds timeout(20);

  const steady_clock::time_point start = steady_clock::now();
  EXPECT_FALSE(ring.try_pop_for(timeout).has_value());
  EXPECT_GE(steady_clock::now() - start, timeout);
}

TEST(MpmcRingTest, TryPushForTimesOutOnFull) {
  MpmcRing<int> ring(2);
  ASSERT_TRUE(ring.try_push(0));
  ASSERT_TRUE(ring.try_push(1));
  const milliseconds timeout(20);

  const steady_clock::time_point start = steady_clock::now();
  EXPECT_FALSE(ring.try_push_for(2, timeout));
  EXPECT_GE(steady_clock::now() - start, timeout);
  EXPECT_EQ(ring.try_pop(), 0);
}

TEST(MpmcRingTest, TryPopForReturnsItemPushedMeanwhile) {
  MpmcRing<int> ring(2);
  std::thread producer([&] { ring.push(42); });

  // An unlimited timeout must not overflow the deadline computation.
  EXPECT_EQ(ring.try_pop_for(std::chrono::hours::max()), 42);
  producer.join();
}

TEST(MpmcRingTest, PushWaitsWhileFullUntilPop) {
  MpmcRing<int> ring(2);
  ASSERT_TRUE(ring.try_push(1));
  ASSERT_TRUE(ring.try_push(2));

  std::atomic<bool> started{false};
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    started.store(true);
    ring.push(3);
    pushed.store(true);
  });
  while (!started.load()) {
    std::this_thread::yield();
  }

  // The ring stays full until the pop below, so the push cannot have returned yet.
  EXPECT_FALSE(pushed.load());
  EXPECT_EQ(ring.pop(), 1);
  producer.join();

  EXPECT_TRUE(pushed.load());
  EXPECT_EQ(ring.pop(), 2);
  EXPECT_EQ(ring.pop(), 3);
}

TEST(MpmcRingTest, PopWaitsWhileEmptyUntilPush) {
  MpmcRing<int> ring(2);
  std::atomic<bool> started{false};
  std::atomic<bool> popped{false};
  int value = 0;
  std::thread consumer([&] {
    started.store(true);
    value = ring.pop();
    popped.store(true);
  });
  while (!started.load()) {
    std::this_thread::yield();
  }

  // The ring stays empty until the push below, so the pop cannot have returned yet.
  EXPECT_FALSE(popped.load());
  ring.push(5);
  consumer.join();

  EXPECT_TRUE(popped.load());
  EXPECT_EQ(value, 5);
}

TEST(MpmcRingTest, PublishesProducerWritesToConsumers) {
  // The items are pointers to memory that producers write without atomics before pushing.
  // Without the release/acquire pairing on the cells, the consumers' reads would race with those
  // writes, which ThreadSanitizer reports.
  constexpr int kItemsPerThread = 10'000;
  constexpr int kWordsPerItem = 8;
  MpmcRing<std::unique_ptr<int[]>> ring(16);
  std::atomic<int> mismatches{0};

  std::vector<std::thread> threads;
  for (int producer = 0; producer < 2; ++producer) {
    threads.emplace_back([&ring, producer] {
      for (int i = 0; i < kItemsPerThread; ++i) {
        auto words = std::make_unique<int[]>(kWordsPerItem);
        for (int w = 0; w < kWordsPerItem; ++w) {
          words[w] = producer * 1000 + w;
        }
        ring.push(std::move(words));
      }
    });
  }
  for (int consumer = 0; consumer < 2; ++consumer) {
    threads.emplace_back([&] {
      for (int i = 0; i < kItemsPerThread; ++i) {
        const std::unique_ptr<int[]> words = ring.pop();
        const int base = words[0];
        for (int w = 0; w < kWordsPerItem; ++w) {
          if (words[w] != base + w) {
            mismatches.fetch_add(1, std::memory_order_relaxed);
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(mismatches.load(), 0);
}

class MpmcRingStressTest : public ::testing::TestWithParam<StressShape> {};

TEST_P(MpmcRingStressTest, MovesEveryItemOnceInProducerOrder) {
  // 240k items, divisible by 1, 2 and 3, through a 64-item ring make it run full and empty many
  // times in every shape.
  constexpr std::uint32_t kTotalItems = 240'000;
  const StressShape shape = GetParam();
  const std::uint32_t items_per_producer = kTotalItems / shape.producers;
  const std::uint32_t items_per_consumer = kTotalItems / shape.consumers;
  MpmcRing<StressItem> ring(64);

  std::vector<std::vector<StressItem>> received_by_consumer(shape.consumers);
  std::vector<std::thread> threads;
  for (std::uint32_t consumer = 0; consumer < shape.consumers; ++consumer) {
    threads.emplace_back([&, consumer] {
      std::vector<StressItem>& received = received_by_consumer[consumer];
      received.reserve(items_per_consumer);
      for (std::uint32_t i = 0; i < items_per_consumer; ++i) {
        // Alternate the blocking and the timed forms so that both run concurrently.
        if (i % 2 == 0) {
          received.push_back(ring.pop());
        } else {
          std::optional<StressItem> item = ring.try_pop_for(milliseconds(1));
          while (!item) {
            item = ring.try_pop_for(milliseconds(1));
          }
          received.push_back(*item);
        }
      }
    });
  }
  for (std::uint32_t producer = 0; producer < shape.producers; ++producer) {
    threads.emplace_back([&, producer] {
      for (std::uint32_t i = 0; i < items_per_producer; ++i) {
        if (i % 2 == 0) {
          ring.push(StressItem{producer, i});
        } else {
          while (!ring.try_push(StressItem{producer, i})) {
            std::this_thread::yield();
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  EXPECT_EQ(find_order_violation(received_by_consumer), "");
  EXPECT_EQ(find_loss_or_duplicate(received_by_consumer, shape.producers, items_per_producer), "");
  EXPECT_TRUE(ring.empty_approx());
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, MpmcRingStressTest,
    ::testing::Values(StressShape{2, 2}, StressShape{3, 1}, StressShape{1, 3}),
    stress_shape_name);

}  // namespace
}  // namespace paybench
