#include "paybench/concurrency/mutex_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
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

using testing::find_loss_or_duplicate;
using testing::find_order_violation;
using testing::StressItem;
using testing::StressShape;
using testing::stress_shape_name;
using testing::Tracked;

TEST(MutexQueueTest, RejectsZeroCapacity) {
  EXPECT_THROW(MutexQueue<int>(0), std::invalid_argument);
  try {
    MutexQueue<int> queue(0);
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("MutexQueue capacity 0"), std::string::npos)
        << error.what();
  }
}

TEST(MutexQueueTest, RejectsCapacityAboveMaximum) {
  EXPECT_THROW(MutexQueue<int>(MutexQueue<int>::kMaxCapacity + 1), std::invalid_argument);
}

TEST(MutexQueueTest, AcceptsExactlyCapacityItems) {
  MutexQueue<int> queue(5);
  EXPECT_EQ(queue.capacity(), 5U);

  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(queue.try_push(i)) << "push " << i;
  }
  EXPECT_FALSE(queue.try_push(5));
  EXPECT_EQ(queue.size_approx(), 5U);

  // One pop makes room for exactly one more item.
  EXPECT_EQ(queue.try_pop(), 0);
  EXPECT_TRUE(queue.try_push(5));
  EXPECT_FALSE(queue.try_push(6));
}

TEST(MutexQueueTest, TryPopOnEmptyReturnsNullopt) {
  MutexQueue<int> queue(4);
  EXPECT_FALSE(queue.try_pop().has_value());
  EXPECT_TRUE(queue.empty_approx());

  ASSERT_TRUE(queue.try_push(1));
  EXPECT_EQ(queue.try_pop(), 1);
  EXPECT_FALSE(queue.try_pop().has_value());
}

TEST(MutexQueueTest, PopsInPushOrder) {
  MutexQueue<int> queue(8);
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(queue.try_push(i * 10));
  }
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(queue.try_pop(), i * 10);
  }
}

TEST(MutexQueueTest, WrapsAroundEndOfStorage) {
  // Varying the fill level moves the oldest item across the end of the storage at every offset,
  // over many laps.
  MutexQueue<int> queue(3);
  int next_pushed = 0;
  int next_popped = 0;
  for (int lap = 0; lap < 20; ++lap) {
    const int fill = 1 + lap % 3;
    for (int i = 0; i < fill; ++i) {
      ASSERT_TRUE(queue.try_push(next_pushed++));
    }
    EXPECT_EQ(queue.size_approx(), static_cast<std::size_t>(fill));
    for (int i = 0; i < fill; ++i) {
      EXPECT_EQ(queue.try_pop(), next_popped++);
    }
    EXPECT_TRUE(queue.empty_approx());
  }
}

TEST(MutexQueueTest, FailedPushLeavesValueUntouched) {
  MutexQueue<std::unique_ptr<int>> queue(1);
  ASSERT_TRUE(queue.try_push(std::make_unique<int>(1)));

  auto value = std::make_unique<int>(2);
  EXPECT_FALSE(queue.try_push(std::move(value)));
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(*value, 2);

  EXPECT_FALSE(queue.try_push_for(std::move(value), milliseconds(1)));
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(*value, 2);
}

TEST(MutexQueueTest, MoveOnlyItemsKeepTheirValues) {
  MutexQueue<std::unique_ptr<int>> queue(4);
  ASSERT_TRUE(queue.try_push(std::make_unique<int>(7)));
  ASSERT_TRUE(queue.push(std::make_unique<int>(8)));
  ASSERT_TRUE(queue.try_emplace(new int(9)));

  std::optional<std::unique_ptr<int>> first = queue.try_pop();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(**first, 7);
  EXPECT_EQ(**queue.pop(), 8);
  EXPECT_EQ(**queue.pop(), 9);
}

TEST(MutexQueueTest, EachItemConstructedAndDestroyedOnce) {
  Tracked::reset_counters();
  {
    MutexQueue<Tracked> queue(16);
    for (int id = 0; id < 10; ++id) {
      ASSERT_TRUE(queue.try_emplace(id));
    }
    for (int id = 0; id < 4; ++id) {
      std::optional<Tracked> item = queue.try_pop();
      ASSERT_TRUE(item.has_value());
      EXPECT_EQ(item->id(), id);
      EXPECT_EQ(item->payload(), Tracked::kPayload);
    }
    // Items 0 to 3 were destroyed by the pops above; the queue still contains items 4 to 9.
    EXPECT_EQ(Tracked::live_count, 6);
  }

  EXPECT_EQ(Tracked::live_count, 0);
  EXPECT_EQ(Tracked::copy_count, 0);
  for (int id = 0; id < 10; ++id) {
    EXPECT_EQ(Tracked::value_constructions[id], 1) << "item " << id;
    EXPECT_EQ(Tracked::value_destructions[id], 1) << "item " << id;
  }
}

TEST(MutexQueueTest, PushOfConstValueCopiesOnce) {
  Tracked::reset_counters();
  {
    MutexQueue<Tracked> queue(2);
    const Tracked original(1);
    ASSERT_TRUE(queue.try_push(original));
    EXPECT_EQ(Tracked::copy_count, 1);
    std::optional<Tracked> item = queue.pop();
    ASSERT_TRUE(item.has_value());
    EXPECT_EQ(item->id(), 1);
  }
  EXPECT_EQ(Tracked::live_count, 0);
  EXPECT_EQ(Tracked::value_destructions[1], 2);  // the original and its copy
}

TEST(MutexQueueTest, TryPopForTimesOutOnEmpty) {
  MutexQueue<int> queue(2);
  const milliseconds timeout(20);

  const steady_clock::time_point start = steady_clock::now();
  EXPECT_FALSE(queue.try_pop_for(timeout).has_value());
  EXPECT_GE(steady_clock::now() - start, timeout);
}

TEST(MutexQueueTest, TryPushForTimesOutOnFull) {
  MutexQueue<int> queue(1);
  ASSERT_TRUE(queue.try_push(1));
  const milliseconds timeout(20);

  const steady_clock::time_point start = steady_clock::now();
  EXPECT_FALSE(queue.try_push_for(2, timeout));
  EXPECT_GE(steady_clock::now() - start, timeout);
  EXPECT_EQ(queue.try_pop(), 1);
}

TEST(MutexQueueTest, TryPopForReturnsItemPushedMeanwhile) {
  MutexQueue<int> queue(2);
  std::thread producer([&] { EXPECT_TRUE(queue.push(42)); });

  // An unlimited timeout must not overflow the deadline computation.
  EXPECT_EQ(queue.try_pop_for(std::chrono::hours::max()), 42);
  producer.join();
}

TEST(MutexQueueTest, PushWaitsWhileFullUntilPop) {
  MutexQueue<int> queue(2);
  ASSERT_TRUE(queue.try_push(1));
  ASSERT_TRUE(queue.try_push(2));

  std::atomic<bool> started{false};
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    started.store(true);
    EXPECT_TRUE(queue.push(3));
    pushed.store(true);
  });
  while (!started.load()) {
    std::this_thread::yield();
  }

  // The queue stays full until the pop below, so the push cannot have returned yet.
  EXPECT_FALSE(pushed.load());
  EXPECT_EQ(queue.pop(), 1);
  producer.join();

  EXPECT_TRUE(pushed.load());
  EXPECT_EQ(queue.pop(), 2);
  EXPECT_EQ(queue.pop(), 3);
}

TEST(MutexQueueTest, PopWaitsWhileEmptyUntilPush) {
  MutexQueue<int> queue(2);
  std::atomic<bool> started{false};
  std::atomic<bool> popped{false};
  std::optional<int> value;
  std::thread consumer([&] {
    started.store(true);
    value = queue.pop();
    popped.store(true);
  });
  while (!started.load()) {
    std::this_thread::yield();
  }

  // The queue stays empty until the push below, so the pop cannot have returned yet.
  EXPECT_FALSE(popped.load());
  ASSERT_TRUE(queue.push(5));
  consumer.join();

  EXPECT_TRUE(popped.load());
  EXPECT_EQ(value, 5);
}

TEST(MutexQueueTest, PushAfterCloseFails) {
  MutexQueue<std::unique_ptr<int>> queue(4);
  EXPECT_FALSE(queue.is_closed());
  queue.close();
  EXPECT_TRUE(queue.is_closed());

  auto value = std::make_unique<int>(3);
  EXPECT_FALSE(queue.try_push(std::move(value)));
  EXPECT_FALSE(queue.push(std::move(value)));
  EXPECT_FALSE(queue.emplace(nullptr));
  // A closed queue has room, so the timed push must fail at once rather than wait for room.
  EXPECT_FALSE(queue.try_push_for(std::move(value), std::chrono::hours::max()));
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(*value, 3);
  EXPECT_TRUE(queue.empty_approx());
}

TEST(MutexQueueTest, PopDrainsThenFailsAfterClose) {
  MutexQueue<int> queue(4);
  ASSERT_TRUE(queue.try_push(1));
  ASSERT_TRUE(queue.try_push(2));
  queue.close();

  EXPECT_EQ(queue.pop(), 1);
  EXPECT_EQ(queue.try_pop_for(std::chrono::hours::max()), 2);
  EXPECT_FALSE(queue.pop().has_value());
  EXPECT_FALSE(queue.try_pop().has_value());
  EXPECT_FALSE(queue.try_pop_for(std::chrono::hours::max()).has_value());
}

TEST(MutexQueueTest, CloseWakesBlockedPop) {
  MutexQueue<int> queue(2);
  std::atomic<bool> started{false};
  std::optional<int> value = 0;
  std::thread consumer([&] {
    started.store(true);
    value = queue.pop();
  });
  while (!started.load()) {
    std::this_thread::yield();
  }

  // The join returns only if close() wakes the consumer, whether it is already waiting or not.
  queue.close();
  consumer.join();
  EXPECT_FALSE(value.has_value());
}

TEST(MutexQueueTest, CloseWakesBlockedPush) {
  MutexQueue<int> queue(1);
  ASSERT_TRUE(queue.try_push(1));
  std::atomic<bool> started{false};
  bool pushed = true;
  std::thread producer([&] {
    started.store(true);
    pushed = queue.push(2);
  });
  while (!started.load()) {
    std::this_thread::yield();
  }

  queue.close();
  producer.join();
  EXPECT_FALSE(pushed);
  EXPECT_EQ(queue.try_pop(), 1);
  EXPECT_FALSE(queue.try_pop().has_value());
}

class MutexQueueStressTest : public ::testing::TestWithParam<StressShape> {};

TEST_P(MutexQueueStressTest, MovesEveryItemOnceInProducerOrder) {
  // 240k items, divisible by 1, 2 and 3, through a 64-item queue make it run full and empty many
  // times in every shape. The consumers pop until the queue is closed and drained, so the test
  // also checks that close() loses no item.
  constexpr std::uint32_t kTotalItems = 240'000;
  const StressShape shape = GetParam();
  const std::uint32_t items_per_producer = kTotalItems / shape.producers;
  MutexQueue<StressItem> queue(64);

  std::vector<std::vector<StressItem>> received_by_consumer(shape.consumers);
  std::vector<std::thread> consumers;
  for (std::uint32_t consumer = 0; consumer < shape.consumers; ++consumer) {
    consumers.emplace_back([&, consumer] {
      std::vector<StressItem>& received = received_by_consumer[consumer];
      // Alternate the blocking and the timed forms so that both run concurrently.
      for (std::uint32_t i = 0;; ++i) {
        std::optional<StressItem> item =
            i % 2 == 0 ? queue.pop() : queue.try_pop_for(milliseconds(1));
        if (item) {
          received.push_back(*item);
        } else if (queue.is_closed() && queue.empty_approx()) {
          return;
        }
      }
    });
  }

  std::vector<std::thread> producers;
  for (std::uint32_t producer = 0; producer < shape.producers; ++producer) {
    producers.emplace_back([&, producer] {
      for (std::uint32_t i = 0; i < items_per_producer; ++i) {
        if (i % 2 == 0) {
          EXPECT_TRUE(queue.push(StressItem{producer, i}));
        } else {
          while (!queue.try_push(StressItem{producer, i})) {
            std::this_thread::yield();
          }
        }
      }
    });
  }
  for (std::thread& thread : producers) {
    thread.join();
  }
  queue.close();
  for (std::thread& thread : consumers) {
    thread.join();
  }

  EXPECT_EQ(find_order_violation(received_by_consumer), "");
  EXPECT_EQ(find_loss_or_duplicate(received_by_consumer, shape.producers, items_per_producer), "");
  EXPECT_TRUE(queue.empty_approx());
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, MutexQueueStressTest,
    ::testing::Values(StressShape{2, 2}, StressShape{3, 1}, StressShape{1, 3}),
    stress_shape_name);

}  // namespace
}  // namespace paybench
