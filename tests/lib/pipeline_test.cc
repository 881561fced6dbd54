#include "paybench/concurrency/pipeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "paybench/concurrency/mpmc_ring.h"
#include "paybench/concurrency/mutex_queue.h"
#include "paybench/memory/payment_record.h"

namespace paybench {
namespace {

// An item that records which stages processed it, in order.
struct TracedItem {
  int id = 0;
  std::vector<int> stages_seen;
};

// Every test runs once per queue kind that can connect the stages.
template <template <class> class QueueTemplate>
struct QueueKind {
  template <class Item>
  using PipelineOf = Pipeline<Item, QueueTemplate>;
};
using MutexQueueKind = QueueKind<MutexQueue>;
using MpmcRingKind = QueueKind<MpmcRing>;
using QueueKinds = ::testing::Types<MutexQueueKind, MpmcRingKind>;

// Names the typed tests after the queue, as in PipelineTest/MpmcRing.TwoProducersStress.
struct QueueKindName {
  template <class Kind>
  static std::string GetName(int) {
    if constexpr (std::is_same_v<Kind, MutexQueueKind>) {
      return "MutexQueue";
    } else {
      static_assert(std::is_same_v<Kind, MpmcRingKind>, "name every queue kind");
      return "MpmcRing";
    }
  }
};

template <class Kind>
class PipelineTest : public ::testing::Test {
 protected:
  using TracedPipeline = typename Kind::template PipelineOf<TracedItem>;
  using RecordPipeline = typename Kind::template PipelineOf<CompactPaymentRecord>;

  static typename TracedPipeline::Stage stamping_stage(int stage_index,
                                                       std::size_t worker_count) {
    return typename TracedPipeline::Stage{
        .name = "stage " + std::to_string(stage_index),
        .worker_count = worker_count,
        .function = [stage_index](TracedItem item) -> std::optional<TracedItem> {
          item.stages_seen.push_back(stage_index);
          return item;
        },
    };
  }
};
TYPED_TEST_SUITE(PipelineTest, QueueKinds, QueueKindName);

// Collects delivered items from every last-stage worker.
class CollectingSink {
 public:
  std::function<void(TracedItem)> make() {
    return [this](TracedItem item) {
      std::lock_guard lock(mutex_);
      items_.push_back(std::move(item));
    };
  }

  // Returns the delivered ids in ascending order. Call after Pipeline::wait().
  std::vector<int> sorted_ids() {
    std::lock_guard lock(mutex_);
    std::vector<int> ids;
    for (const TracedItem& item : items_) {
      ids.push_back(item.id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::vector<TracedItem> items() {
    std::lock_guard lock(mutex_);
    return items_;
  }

 private:
  std::mutex mutex_;
  std::vector<TracedItem> items_;  // Guarded by mutex_.
};

// Spins until condition() holds, to wait for a state another thread will reach.
template <class Condition>
void wait_until(Condition condition) {
  while (!condition()) {
    std::this_thread::yield();
  }
}

// Pushes ids 0, 1, ... into a pipeline whose first stage has one worker that blocks in its
// function, until the first queue is exactly full. Returns the ids pushed. A queue of capacity C
// cannot hold C + 1 items, so the last push succeeds only once the worker has taken item 0, and
// then the worker blocks with it and takes no other.
template <class TracedPipeline>
std::vector<int> fill_behind_blocked_worker(TracedPipeline& pipeline) {
  std::vector<int> ids;
  const int item_count = static_cast<int>(pipeline.queue_capacity()) + 1;
  for (int id = 0; id < item_count; ++id) {
    wait_until([&pipeline, id] { return pipeline.try_push(TracedItem{.id = id}); });
    ids.push_back(id);
  }
  return ids;
}

TYPED_TEST(PipelineTest, ItemsPassStagesInOrder) {
  using TracedPipeline = typename TestFixture::TracedPipeline;
  constexpr int kItemCount = 1000;
  CollectingSink sink;
  TracedPipeline pipeline(
      {this->stamping_stage(0, 2), this->stamping_stage(1, 2), this->stamping_stage(2, 2)},
      sink.make(), 8);
  for (int id = 0; id < kItemCount; ++id) {
    ASSERT_TRUE(pipeline.push(TracedItem{.id = id}));
  }
  pipeline.close_and_wait();

  const std::vector<TracedItem> items = sink.items();
  ASSERT_EQ(items.size(), static_cast<std::size_t>(kItemCount));
  for (const TracedItem& item : items) {
    EXPECT_EQ(item.stages_seen, (std::vector<int>{0, 1, 2})) << "item " << item.id;
  }
  const typename TracedPipeline::Counters counters = pipeline.counters();
  EXPECT_EQ(counters.accepted, static_cast<std::uint64_t>(kItemCount));
  EXPECT_EQ(counters.delivered, static_cast<std::uint64_t>(kItemCount));
  EXPECT_EQ(counters.dropped_or_failed(), 0U);
}

TYPED_TEST(PipelineTest, CloseMidStreamDeliversEveryAcceptedItem) {
  using TracedPipeline = typename TestFixture::TracedPipeline;
  // The last stage blocks until the test has closed the pipeline, so at close() items sit in
  // every queue and in every worker, and the producer is blocked in push.
  std::atomic<bool> closed{false};
  typename TracedPipeline::Stage gated_stage = this->stamping_stage(2, 1);
  gated_stage.function = [&closed](TracedItem item) -> std::optional<TracedItem> {
    closed.wait(false);
    item.stages_seen.push_back(2);
    return item;
  };

  CollectingSink sink;
  TracedPipeline pipeline(
      {this->stamping_stage(0, 1), this->stamping_stage(1, 2), std::move(gated_stage)},
      sink.make(), 4);

  std::vector<int> accepted_ids;  // Written by the producer only, read after it is joined.
  std::thread producer([&] {
    for (int id = 0;; ++id) {
      if (!pipeline.push(TracedItem{.id = id})) {
        return;
      }
      accepted_ids.push_back(id);
    }
  });
  // With one gated worker and queues of 4, the stages can hold more than 10 items before the
  // producer blocks, so this wait ends.
  wait_until([&pipeline] { return pipeline.counters().accepted >= 10; });
  pipeline.close();
  closed = true;
  closed.notify_all();
  producer.join();
  pipeline.wait();

  EXPECT_GE(accepted_ids.size(), 10U);
  EXPECT_EQ(sink.sorted_ids(), accepted_ids) << "every accepted item exactly once";
  const typename TracedPipeline::Counters counters = pipeline.counters();
  EXPECT_EQ(counters.accepted, accepted_ids.size());
  EXPECT_EQ(counters.delivered, accepted_ids.size());
  EXPECT_FALSE(pipeline.push(TracedItem{.id = -1}));
}

TYPED_TEST(PipelineTest, TryPushOnFullQueueFailsWithoutClosing) {
  using TracedPipeline = typename TestFixture::TracedPipeline;
  std::atomic<bool> released{false};
  typename TracedPipeline::Stage gated_stage = this->stamping_stage(0, 1);
  gated_stage.function = [&released](TracedItem item) -> std::optional<TracedItem> {
    released.wait(false);
    return item;
  };
  CollectingSink sink;
  TracedPipeline pipeline({std::move(gated_stage)}, sink.make(), 1);

  const std::vector<int> accepted_ids = fill_behind_blocked_worker(pipeline);
  const TracedItem rejected{.id = -1, .stages_seen = {7}};
  EXPECT_FALSE(pipeline.try_push(rejected));
  EXPECT_FALSE(pipeline.is_closed());

  pipeline.close();
  EXPECT_TRUE(pipeline.is_closed());
  EXPECT_FALSE(pipeline.try_push(rejected));
  released = true;
  released.notify_all();
  pipeline.wait();

  EXPECT_EQ(rejected.stages_seen, (std::vector<int>{7})) << "a rejected item is not moved from";
  EXPECT_EQ(sink.sorted_ids(), accepted_ids);
  EXPECT_EQ(pipeline.counters().accepted, accepted_ids.size());
}

TYPED_TEST(PipelineTest, TryPushForFailsWhileFull) {
  using TracedPipeline = typename TestFixture::TracedPipeline;
  std::atomic<bool> released{false};
  typename TracedPipeline::Stage gated_stage = this->stamping_stage(0, 1);
  gated_stage.function = [&released](TracedItem item) -> std::optional<TracedItem> {
    released.wait(false);
    return item;
  };
  CollectingSink sink;
  TracedPipeline pipeline({std::move(gated_stage)}, sink.make(), 1);
  std::vector<int> accepted_ids = fill_behind_blocked_worker(pipeline);
  const int next_id = accepted_ids.back() + 1;

  // The worker is blocked and the queue is full, so only the timeout can end this call.
  EXPECT_FALSE(pipeline.try_push_for(TracedItem{.id = next_id}, std::chrono::milliseconds(1)));

  released = true;
  released.notify_all();
  EXPECT_TRUE(pipeline.try_push_for(TracedItem{.id = next_id + 1}, std::chrono::hours(1)));
  accepted_ids.push_back(next_id + 1);
  pipeline.close_and_wait();

  EXPECT_EQ(sink.sorted_ids(), accepted_ids);
  EXPECT_EQ(pipeline.counters().accepted, accepted_ids.size());
}

// validate -> fraud-score -> settle on payment records, with each stage dropping some records
// and the settle stage throwing for some. The expected counts come from applying the same rules
// to the records one by one.
TYPED_TEST(PipelineTest, DropsAndFailuresAreCountedPerStage) {
  using RecordPipeline = typename TestFixture::RecordPipeline;
  constexpr std::int64_t kFraudThresholdMinor = 300'000;
  const auto is_valid = [](const CompactPaymentRecord& record) {
    return record.amount_minor > 0 && (record.flags & ~CompactPaymentRecord::kKnownFlags) == 0;
  };
  const auto is_suspicious = [](const CompactPaymentRecord& record) {
    return record.has_flag(CompactPaymentRecord::kDisputed) ||
           record.amount_minor > kFraudThresholdMinor;
  };
  const auto settlement_fails = [](const CompactPaymentRecord& record) {
    return !record.has_flag(CompactPaymentRecord::kCaptured);
  };

  std::vector<CompactPaymentRecord> records = make_sample_records(2000, 42);
  // Invalid records for the validate stage: a zero amount and an unknown flag bit.
  records[0].amount_minor = 0;
  records[1].flags = 0x80;

  std::atomic<std::uint64_t> settled{0};
  RecordPipeline pipeline(
      {
          typename RecordPipeline::Stage{
              .name = "validate",
              .worker_count = 2,
              .function = [&](CompactPaymentRecord record) -> std::optional<CompactPaymentRecord> {
                if (!is_valid(record)) {
                  return std::nullopt;
                }
                return record;
              }},
          typename RecordPipeline::Stage{
              .name = "fraud-score",
              .worker_count = 2,
              .function = [&](CompactPaymentRecord record) -> std::optional<CompactPaymentRecord> {
                if (is_suspicious(record)) {
                  return std::nullopt;
                }
                return record;
              }},
          typename RecordPipeline::Stage{
              .name = "settle",
              .worker_count = 1,
              .function = [&](CompactPaymentRecord record) -> std::optional<CompactPaymentRecord> {
                if (settlement_fails(record)) {
                  throw std::runtime_error("payment is not captured");
                }
                return record;
              }},
      },
      [&settled](CompactPaymentRecord) { settled.fetch_add(1, std::memory_order_relaxed); }, 16);

  for (const CompactPaymentRecord& record : records) {
    ASSERT_TRUE(pipeline.push(record));
  }
  pipeline.close_and_wait();

  std::uint64_t expected_invalid = 0;
  std::uint64_t expected_suspicious = 0;
  std::uint64_t expected_failed = 0;
  std::uint64_t expected_settled = 0;
  for (const CompactPaymentRecord& record : records) {
    if (!is_valid(record)) {
      ++expected_invalid;
    } else if (is_suspicious(record)) {
      ++expected_suspicious;
    } else if (settlement_fails(record)) {
      ++expected_failed;
    } else {
      ++expected_settled;
    }
  }
  ASSERT_GT(expected_suspicious, 0U) << "the sample must exercise the fraud-score stage";
  ASSERT_GT(expected_failed, 0U) << "the sample must exercise the settle failures";

  const typename RecordPipeline::Counters counters = pipeline.counters();
  ASSERT_EQ(counters.stages.size(), 3U);
  EXPECT_EQ(counters.stages[0].name, "validate");
  EXPECT_EQ(counters.stages[0].dropped, expected_invalid);
  EXPECT_EQ(counters.stages[0].failed, 0U);
  EXPECT_EQ(counters.stages[1].dropped, expected_suspicious);
  EXPECT_EQ(counters.stages[2].dropped, 0U);
  EXPECT_EQ(counters.stages[2].failed, expected_failed);
  EXPECT_EQ(counters.delivered, expected_settled);
  EXPECT_EQ(settled.load(), expected_settled);
  EXPECT_EQ(counters.accepted, records.size());
  EXPECT_EQ(counters.delivered + counters.dropped_or_failed(), counters.accepted);
}

TYPED_TEST(PipelineTest, ThrowingSinkCountsAsLastStageFailure) {
  using TracedPipeline = typename TestFixture::TracedPipeline;
  CollectingSink collected;
  TracedPipeline pipeline({this->stamping_stage(0, 1)},
                          [](TracedItem item) {
                            if (item.id % 2 == 1) {
                              throw std::runtime_error("sink rejects odd ids");
                            }
                          },
                          4);
  for (int id = 0; id < 10; ++id) {
    ASSERT_TRUE(pipeline.push(TracedItem{.id = id}));
  }
  pipeline.close_and_wait();

  EXPECT_EQ(pipeline.counters().delivered, 5U);
  EXPECT_EQ(pipeline.counters().stages[0].failed, 5U);
}

TYPED_TEST(PipelineTest, TwoProducersStress) {
  using TracedPipeline = typename TestFixture::TracedPipeline;
  constexpr int kItemsPerProducer = 20000;
  CollectingSink sink;
  TracedPipeline pipeline(
      {this->stamping_stage(0, 2), this->stamping_stage(1, 2), this->stamping_stage(2, 2)},
      sink.make(), 64);

  std::vector<std::thread> producers;
  for (int p = 0; p < 2; ++p) {
    producers.emplace_back([&pipeline, p] {
      for (int i = 0; i < kItemsPerProducer; ++i) {
        TracedItem item{.id = p * kItemsPerProducer + i};
        const bool use_try_push = i % 3 == 0;
        if (use_try_push) {
          while (!pipeline.try_push(item)) {
            std::this_thread::yield();
          }
        } else {
          ASSERT_TRUE(pipeline.push(std::move(item)));
        }
      }
    });
  }
  for (std::thread& producer : producers) {
    producer.join();
  }
  pipeline.close_and_wait();

  const std::vector<int> ids = sink.sorted_ids();
  ASSERT_EQ(ids.size(), static_cast<std::size_t>(2 * kItemsPerProducer));
  for (int i = 0; i < 2 * kItemsPerProducer; ++i) {
    ASSERT_EQ(ids[i], i) << "missing or duplicated id";
  }
  EXPECT_EQ(pipeline.counters().accepted, 2U * kItemsPerProducer);
  EXPECT_EQ(pipeline.counters().delivered, 2U * kItemsPerProducer);
}

// Two producers push until the pipeline rejects an item, and close() lands while both push, so
// some pushes run concurrently with it. Each accepted item must come out exactly once.
TYPED_TEST(PipelineTest, CloseRacingPushesLosesNoItem) {
  using TracedPipeline = typename TestFixture::TracedPipeline;
  constexpr int kProducerCount = 2;
  constexpr int kIdStride = 1'000'000;
  CollectingSink sink;
  TracedPipeline pipeline({this->stamping_stage(0, 2), this->stamping_stage(1, 2)}, sink.make(),
                          8);

  // Producer p pushes ids p * kIdStride, p * kIdStride + 1, ... and records the accepted ones.
  // Each vector is read only after its producer is joined.
  std::vector<std::vector<int>> accepted_by_producer(kProducerCount);
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducerCount; ++p) {
    producers.emplace_back([&pipeline, &accepted_by_producer, p] {
      for (int i = 0; i < kIdStride; ++i) {
        const int id = p * kIdStride + i;
        const bool use_try_push_for = i % 2 == 1;
        const bool accepted =
            use_try_push_for
                ? pipeline.try_push_for(TracedItem{.id = id}, std::chrono::hours(1))
                : pipeline.push(TracedItem{.id = id});
        if (!accepted) {
          return;
        }
        accepted_by_producer[p].push_back(id);
      }
    });
  }
  wait_until([&pipeline] { return pipeline.counters().accepted >= 1000; });
  pipeline.close();
  for (std::thread& producer : producers) {
    producer.join();
  }
  pipeline.wait();

  std::vector<int> accepted_ids;
  for (const std::vector<int>& ids : accepted_by_producer) {
    accepted_ids.insert(accepted_ids.end(), ids.begin(), ids.end());
  }
  std::sort(accepted_ids.begin(), accepted_ids.end());
  ASSERT_LT(accepted_ids.size(), static_cast<std::size_t>(kProducerCount) * kIdStride)
      << "close() must stop the producers before they run out of ids";
  EXPECT_EQ(sink.sorted_ids(), accepted_ids) << "every accepted item exactly once";
  const typename TracedPipeline::Counters counters = pipeline.counters();
  EXPECT_EQ(counters.accepted, accepted_ids.size());
  EXPECT_EQ(counters.delivered, accepted_ids.size());
  EXPECT_EQ(counters.dropped_or_failed(), 0U);
}

TYPED_TEST(PipelineTest, QueueCapacityOfEachKind) {
  using TracedPipeline = typename TestFixture::TracedPipeline;
  CollectingSink sink;
  TracedPipeline pipeline({this->stamping_stage(0, 1)}, sink.make(), 3);
  if constexpr (std::is_same_v<TypeParam, MpmcRingKind>) {
    EXPECT_EQ(pipeline.queue_capacity(), 4U) << "MpmcRing rounds up to a power of two";
  } else {
    EXPECT_EQ(pipeline.queue_capacity(), 3U);
  }
}

TYPED_TEST(PipelineTest, RejectsInvalidConfiguration) {
  using TracedPipeline = typename TestFixture::TracedPipeline;
  CollectingSink sink;
  EXPECT_THROW(TracedPipeline({}, sink.make(), 4), std::invalid_argument);
  EXPECT_THROW(TracedPipeline({this->stamping_stage(0, 0)}, sink.make(), 4), std::invalid_argument);
  EXPECT_THROW(TracedPipeline({this->stamping_stage(0, 1)}, sink.make(), 0), std::invalid_argument);
  EXPECT_THROW(TracedPipeline({this->stamping_stage(0, 1)}, typename TracedPipeline::Sink(), 4),
               std::invalid_argument);

  typename TracedPipeline::Stage empty_function = this->stamping_stage(0, 1);
  empty_function.function = nullptr;
  EXPECT_THROW(TracedPipeline({empty_function}, sink.make(), 4), std::invalid_argument);
}

}  // namespace
}  // namespace paybench
