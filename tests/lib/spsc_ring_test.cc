#include "paybench/concurrency/spsc_ring.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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

using testing::StressItem;
using testing::Tracked;

TEST(SpscRingTest, RejectsZeroCapacity) {
  EXPECT_THROW(SpscRing<int>(0), std::invalid_argument);
  try {
    SpscRing<int> ring(0);
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("SpscRing capacity 0"), std::string::npos)
        << error.what();
  }
}

TEST(SpscRingTest, RejectsCapacityAboveMaximum) {
  EXPECT_THROW(SpscRing<int>(SpscRing<int>::kMaxCapacity + 1), std::invalid_argument);
}

TEST(SpscRingTest, AcceptsExactlyCapacityItems) {
  SpscRing<int> ring(5);
  EXPECT_EQ(ring.capacity(), 5U);

  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(ring.try_push(i)) << "push " << i;
  }
  EXPECT_FALSE(ring.try_push(5));
  EXPECT_EQ(ring.size_approx(), 5U);

  // One pop makes room for exactly one more item.
  EXPECT_EQ(ring.try_pop(), 0);
  EXPECT_TRUE(ring.try_push(5));
  EXPECT_FALSE(ring.try_push(6));
}

TEST(SpscRingTest, TryPopOnEmptyReturnsNullopt) {
  SpscRing<int> ring(4);
  EXPECT_FALSE(ring.try_pop().has_value());
  EXPECT_TRUE(ring.empty_approx());

  ASSERT_TRUE(ring.try_push(1));
  EXPECT_EQ(ring.try_pop(), 1);
  EXPECT_FALSE(ring.try_pop().has_value());
}

TEST(SpscRingTest, PopsInPushOrder) {
  SpscRing<int> ring(8);
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(ring.try_push(i * 10));
  }
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(ring.try_pop(), i * 10);
  }
}

TEST(SpscRingTest, WrapsAroundEndOfStorage) {
  // Capacity 3 means 4 slots. Varying the fill level moves the indices across the end of the
  // storage at every offset, over many laps.
  SpscRing<int> ring(3);
  int next_pushed = 0;
  int next_popped = 0;
  for (int lap = 0; lap < 20; ++lap) {
    const int fill = 1 + lap % 3;
    for (int i = 0; i < fill; ++i) {
      ASSERT_TRUE(ring.try_push(next_pushed++));
    }
    EXPECT_EQ(ring.size_approx(), static_cast<std::size_t>(fill));
    for (int i = 0; i < fill; ++i) {
      EXPECT_EQ(ring.try_pop(), next_popped++);
    }
    EXPECT_TRUE(ring.empty_approx());
  }
}

TEST(SpscRingTest, SizeApproxCountsItems) {
  SpscRing<int> ring(4);
  EXPECT_EQ(ring.size_approx(), 0U);
  ASSERT_TRUE(ring.try_push(1));
  ASSERT_TRUE(ring.try_push(2));
  EXPECT_EQ(ring.size_approx(), 2U);
  EXPECT_FALSE(ring.empty_approx());
  ASSERT_TRUE(ring.try_pop().has_value());
  EXPECT_EQ(ring.size_approx(), 1U);
}

TEST(SpscRingTest, FailedPushLeavesValueUntouched) {
  SpscRing<std::unique_ptr<int>> ring(1);
  ASSERT_TRUE(ring.try_push(std::make_unique<int>(1)));

  auto value = std::make_unique<int>(2);
  EXPECT_FALSE(ring.try_push(std::move(value)));
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(*value, 2);

  EXPECT_FALSE(ring.try_push_for(std::move(value), milliseconds(1)));
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(*value, 2);
}

TEST(SpscRingTest, MoveOnlyItemsKeepTheirValues) {
  SpscRing<std::unique_ptr<int>> ring(4);
  ASSERT_TRUE(ring.try_push(std::make_unique<int>(7)));
  ring.push(std::make_unique<int>(8));
  ASSERT_TRUE(ring.try_emplace(new int(9)));

  std::optional<std::unique_ptr<int>> first = ring.try_pop();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(**first, 7);
  EXPECT_EQ(*ring.pop(), 8);
  EXPECT_EQ(*ring.pop(), 9);
}

// An item whose move constructor throws once `moves_until_throw` successful moves have passed, to
// check that a pop whose move fails leaves the item in the ring. A negative count never throws.
struct ThrowingMove {
  explicit ThrowingMove(int value) : value(value) {}
  ThrowingMove(const ThrowingMove&) = default;
  ThrowingMove(ThrowingMove&& other) : value(other.value) {
    if (moves_until_throw == 0) {
      throw std::runtime_error("move failed");
    }
    if (moves_until_throw > 0) {
      --moves_until_throw;
    }
  }
  ThrowingMove& operator=(const ThrowingMove&) = delete;
  ThrowingMove& operator=(ThrowingMove&&) = delete;

  int value;
  static inline int moves_until_throw = -1;
};

TEST(SpscRingTest, ThrowingMoveKeepsItemInRing) {
  SpscRing<ThrowingMove> ring(2);
  ASSERT_TRUE(ring.try_emplace(1));

  ThrowingMove::moves_until_throw = 0;
  EXPECT_THROW((void)ring.try_pop(), std::runtime_error);
  EXPECT_THROW((void)ring.pop(), std::runtime_error);
  EXPECT_THROW((void)ring.try_pop_for(milliseconds(1)), std::runtime_error);
  ThrowingMove::moves_until_throw = -1;

  EXPECT_EQ(ring.size_approx(), 1U);
  std::optional<ThrowingMove> item = ring.try_pop();
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->value, 1);
  EXPECT_TRUE(ring.empty_approx());
}

TEST(SpscRingTest, LaterThrowingMoveKeepsItemInRing) {
  // A pop may move the item more than once on its way out. Whichever move throws, the item must
  // still be in the ring afterwards, for each of the three pop functions.
  const std::vector<std::pair<std::string, std::function<int(SpscRing<ThrowingMove>&)>>> pops = {
      {"try_pop", [](SpscRing<ThrowingMove>& ring) { return ring.try_pop().value().value; }},
      {"pop", [](SpscRing<ThrowingMove>& ring) { return ring.pop().value; }},
      {"try_pop_for",
       [](SpscRing<ThrowingMove>& ring) {
         return ring.try_pop_for(milliseconds(1)).value().value;
       }},
  };
  for (const auto& [name, pop] : pops) {
    for (int moves_before_throw = 1; moves_before_throw <= 3; ++moves_before_throw) {
      SpscRing<ThrowingMove> ring(2);
      ASSERT_TRUE(ring.try_emplace(7));

      ThrowingMove::moves_until_throw = moves_before_throw;
      bool threw = false;
      try {
        EXPECT_EQ(pop(ring), 7) << name << ", moves before throw " << moves_before_throw;
      } catch (const std::runtime_error&) {
        threw = true;
      }
      ThrowingMove::moves_until_throw = -1;

      const std::size_t expected_size = threw ? 1 : 0;
      EXPECT_EQ(ring.size_approx(), expected_size)
          << name << ", moves before throw " << moves_before_throw;
    }
  }
}

TEST(SpscRingTest, EachItemConstructedAndDestroyedOnce) {
  Tracked::reset_counters();
  {
    SpscRing<Tracked> ring(16);
    for (int id = 0; id < 10; ++id) {
      ASSERT_TRUE(ring.try_emplace(id));
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

TEST(SpscRingTest, PushOfConstValueCopiesOnce) {
  Tracked::reset_counters();
  {
    SpscRing<Tracked> ring(2);
    const Tracked original(1);
    ASSERT_TRUE(ring.try_push(original));
    EXPECT_EQ(Tracked::copy_count, 1);
    EXPECT_EQ(ring.pop().id(), 1);
  }
  EXPECT_EQ(Tracked::live_count, 0);
  EXPECT_EQ(Tracked::value_destructions[1], 2);  // the original and its copy
}

TEST(SpscRingTest, TryPopForTimesOutOnEmpty) {
  SpscRing<int> ring(2);
  const milliseconds timeout(20);

  const steady_clock::time_point start = steady_clock::now();
  EXPECT_FALSE(ring.try_pop_for(timeout).has_value());
  EXPECT_GE(steady_clock::now() - start, timeout);
}

TEST(SpscRingTest, TryPushForTimesOutOnFull) {
  SpscRing<int> ring(1);
  ASSERT_TRUE(ring.try_push(1));
  const milliseconds timeout(20);

  const steady_clock::time_point start = steady_clock::now();
  EXPECT_FALSE(ring.try_push_for(2, timeout));
  EXPECT_GE(steady_clock::now() - start, timeout);
  EXPECT_EQ(ring.try_pop(), 1);
}

TEST(SpscRingTest, TryPopForReturnsItemPushedMeanwhile) {
  SpscRing<int> ring(2);
  std::thread producer([&] { ring.push(42); });

  // An unlimited timeout must not overflow the deadline computation.
  EXPECT_EQ(ring.try_pop_for(std::chrono::hours::max()), 42);
  producer.join();
}

TEST(SpscRingTest, PushWaitsWhileFullUntilPop) {
  SpscRing<int> ring(2);
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

TEST(SpscRingTest, PopWaitsWhileEmptyUntilPush) {
  SpscRing<int> ring(2);
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

TEST(SpscRingTest, PublishesProducerWritesToConsumer) {
  // The items are pointers to memory that the producer writes without atomics before pushing.
  // Without the release/acquire pairing the consumer's reads would race with those writes,
  // which ThreadSanitizer reports.
  constexpr int kItemCount = 20'000;
  constexpr int kWordsPerItem = 8;
  SpscRing<std::unique_ptr<int[]>> ring(16);

  std::thread producer([&] {
    for (int i = 0; i < kItemCount; ++i) {
      auto words = std::make_unique<int[]>(kWordsPerItem);
      for (int w = 0; w < kWordsPerItem; ++w) {
        words[w] = i + w;
      }
      ring.push(std::move(words));
    }
  });

  int mismatches = 0;
  for (int i = 0; i < kItemCount; ++i) {
    const std::unique_ptr<int[]> words = ring.pop();
    for (int w = 0; w < kWordsPerItem; ++w) {
      mismatches += words[w] != i + w ? 1 : 0;
    }
  }
  producer.join();
  EXPECT_EQ(mismatches, 0);
}

TEST(SpscRingTest, StressOneProducerOneConsumer) {
  // 200k items through a 64-item ring make the ring run full and empty many times.
  constexpr std::uint32_t kItemCount = 200'000;
  SpscRing<StressItem> ring(64);

  std::thread producer([&] {
    for (std::uint32_t i = 0; i < kItemCount; ++i) {
      // Alternate the blocking and the non-blocking forms so that both run concurrently.
      if (i % 2 == 0) {
        ring.push(StressItem{0, i});
      } else {
        while (!ring.try_push(StressItem{0, i})) {
          std::this_thread::yield();
        }
      }
    }
  });

  std::vector<StressItem> received;
  received.reserve(kItemCount);
  for (std::uint32_t i = 0; i < kItemCount; ++i) {
    if (i % 2 == 0) {
      received.push_back(ring.pop());
    } else {
      std::optional<StressItem> item = ring.try_pop();
      while (!item) {
        std::this_thread::yield();
        item = ring.try_pop();
      }
      received.push_back(*item);
    }
  }
  producer.join();

  // With one producer, no loss and no duplicate plus FIFO means exactly 0, 1, 2, ... in order.
  std::uint32_t first_wrong_index = kItemCount;
  for (std::uint32_t i = 0; i < kItemCount; ++i) {
    if (received[i].producer != 0 || received[i].sequence != i) {
      first_wrong_index = i;
      break;
    }
  }
  EXPECT_EQ(first_wrong_index, kItemCount) << "item " << first_wrong_index << " has sequence "
                                           << received[first_wrong_index].sequence;
  EXPECT_TRUE(ring.empty_approx());
}

}  // namespace
}  // namespace paybench
