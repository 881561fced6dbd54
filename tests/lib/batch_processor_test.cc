#include "paybench/writes/batch_processor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <latch>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "paybench/writes/memory_sink.h"
#include "paybench/writes/payment_row.h"
#include "paybench/writes/payment_sink.h"

namespace paybench::testing {
namespace {

using namespace std::chrono_literals;

// Upper bound for the condition-based waits, so that a broken processor fails the test instead
// of hanging it. It is not a timing assertion: a correct processor meets each condition far
// sooner, even under ThreadSanitizer.
constexpr auto kWaitLimit = 60s;

// A max_delay that no test reaches, so that only size, flush() and stop() write batches.
constexpr auto kNeverDue = 1h;

// Polls `condition` every millisecond until it returns true or kWaitLimit passes. Returns
// whether it returned true.
template <class Condition>
bool eventually(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + kWaitLimit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

PaymentRow make_row(std::uint64_t id) {
  return PaymentRow{
      .id = id,
      .amount_minor = static_cast<std::int64_t>(id) * 100 + 7,
      .currency = {'E', 'U', 'R'},
      .merchant_id = static_cast<std::uint32_t>(id % 97),
      .created_at_us = 1'700'000'000'000'000 + static_cast<std::int64_t>(id),
  };
}

// Succeeds when `ids` contains each of `expected` exactly once and nothing else.
::testing::AssertionResult has_each_id_once(std::vector<std::uint64_t> ids,
                                            std::vector<std::uint64_t> expected) {
  std::sort(ids.begin(), ids.end());
  std::sort(expected.begin(), expected.end());
  if (ids.size() != expected.size()) {
    return ::testing::AssertionFailure()
           << "the sink stores " << ids.size() << " ids, expected " << expected.size();
  }
  const auto mismatch = std::mismatch(ids.begin(), ids.end(), expected.begin());
  if (mismatch.first != ids.end()) {
    return ::testing::AssertionFailure()
           << "the sorted ids differ first at index " << (mismatch.first - ids.begin())
           << ": stored " << *mismatch.first << ", expected " << *mismatch.second
           << " (an id is missing or duplicated)";
  }
  return ::testing::AssertionSuccess();
}

std::vector<std::uint64_t> ids_in_range(std::uint64_t first, std::uint64_t end) {
  std::vector<std::uint64_t> ids;
  for (std::uint64_t id = first; id < end; ++id) {
    ids.push_back(id);
  }
  return ids;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// A PaymentSink that stores rows like MemorySink, except that its `failing_call`-th
// write_batch() call (counting from 1) throws: SinkError, or an int when `throw_non_standard`.
class FailingSink final : public PaymentSink {
 public:
  explicit FailingSink(int failing_call, bool throw_non_standard = false)
      : failing_call_(failing_call), throw_non_standard_(throw_non_standard) {}

  static std::string message_for(int call) {
    return "failing sink: batch " + std::to_string(call) + " rejected on purpose";
  }

  [[nodiscard]] std::string_view name() const override { return "failing"; }

  void write_batch(std::span<const PaymentRow> rows) override {
    const int call = calls_.fetch_add(1) + 1;
    if (call == failing_call_ && throw_non_standard_) {
      throw 42;
    }
    if (call == failing_call_) {
      throw SinkError(message_for(call));
    }
    memory_.write_batch(rows);
  }

  [[nodiscard]] std::vector<std::uint64_t> stored_ids() override { return memory_.stored_ids(); }
  void clear() override { memory_.clear(); }

 private:
  const int failing_call_;
  const bool throw_non_standard_;
  std::atomic<int> calls_{0};
  MemorySink memory_;
};

// A PaymentSink whose write_batch() blocks until open() is called, and then stores the rows.
class GatedSink final : public PaymentSink {
 public:
  [[nodiscard]] std::string_view name() const override { return "gated"; }

  void write_batch(std::span<const PaymentRow> rows) override {
    entered_calls_.fetch_add(1);
    gate_.wait();
    memory_.write_batch(rows);
  }

  [[nodiscard]] std::vector<std::uint64_t> stored_ids() override { return memory_.stored_ids(); }
  void clear() override { memory_.clear(); }

  void open() { gate_.count_down(); }

  // Number of write_batch() calls that have started, blocked or not.
  [[nodiscard]] int entered_calls() const { return entered_calls_.load(); }

 private:
  std::latch gate_{1};
  std::atomic<int> entered_calls_{0};
  MemorySink memory_;
};

// A sink of a move-only item type, for checking that rejected items are left untouched.
class IntPointerSink final : public BatchSink<std::unique_ptr<int>> {
 public:
  [[nodiscard]] std::string_view name() const override { return "int_pointer"; }

  void write_batch(std::span<const std::unique_ptr<int>> items) override {
    std::lock_guard lock(mutex_);
    for (const std::unique_ptr<int>& item : items) {
      values_.push_back(*item);
    }
  }

  [[nodiscard]] std::vector<int> values() const {
    std::lock_guard lock(mutex_);
    return values_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<int> values_;  // Guarded by mutex_.
};

TEST(BatchProcessorTest, StopWritesItemsStillQueued) {
  MemorySink sink;
  BatchProcessor<PaymentRow> processor(
      sink, {.max_batch_size = 3000, .max_delay = kNeverDue, .queue_capacity = 10'000});

  for (std::uint64_t id = 0; id < 10'000; ++id) {
    processor.add(make_row(id));
  }
  // The last 1,000 items never fill a batch and never reach max_delay: only stop() writes them.
  processor.stop();

  EXPECT_TRUE(has_each_id_once(sink.stored_ids(), ids_in_range(0, 10'000)));
  const BatchProcessorStats stats = processor.stats();
  EXPECT_EQ(stats.added, 10'000U);
  EXPECT_EQ(stats.written, 10'000U);
  EXPECT_EQ(stats.failed, 0U);
  EXPECT_EQ(stats.batches_written, 4U);
  EXPECT_EQ(stats.batches_failed, 0U);
  EXPECT_EQ(stats.last_error, "");
  EXPECT_EQ(processor.commit_latency().count(), 10'000U);
}

TEST(BatchProcessorTest, DestructorWritesItemsStillQueued) {
  MemorySink sink;
  {
    BatchProcessor<PaymentRow> processor(
        sink, {.max_batch_size = 300, .max_delay = kNeverDue, .queue_capacity = 1000});
    for (std::uint64_t id = 0; id < 1000; ++id) {
      processor.add(make_row(id));
    }
  }
  EXPECT_TRUE(has_each_id_once(sink.stored_ids(), ids_in_range(0, 1000)));
}

TEST(BatchProcessorTest, WritesTrickleAfterMaxDelay) {
  MemorySink sink;
  BatchProcessor<PaymentRow> processor(
      sink, {.max_batch_size = 1000, .max_delay = 1ms, .queue_capacity = 1000});

  // Each item is added only after the previous one was written, so no batch ever fills and
  // nothing calls flush(): only max_delay can trigger these writes.
  for (std::uint64_t id = 0; id < 5; ++id) {
    processor.add(make_row(id));
    ASSERT_TRUE(eventually([&] { return processor.stats().written == id + 1; }))
        << "item " << id << " was not written after max_delay";
  }

  EXPECT_TRUE(has_each_id_once(sink.stored_ids(), ids_in_range(0, 5)));
  EXPECT_EQ(processor.stats().batches_written, 5U);
}

TEST(BatchProcessorTest, WritesFullBatchBeforeMaxDelay) {
  MemorySink sink;
  BatchProcessor<PaymentRow> processor(
      sink, {.max_batch_size = 10, .max_delay = kNeverDue, .queue_capacity = 100});

  for (std::uint64_t id = 0; id < 25; ++id) {
    processor.add(make_row(id));
  }
  ASSERT_TRUE(eventually([&] { return processor.stats().written == 20; }));
  EXPECT_EQ(processor.stats().batches_written, 2U);
  EXPECT_TRUE(has_each_id_once(sink.stored_ids(), ids_in_range(0, 20)));

  processor.flush();
  EXPECT_EQ(processor.stats().written, 25U);
  EXPECT_EQ(processor.stats().batches_written, 3U);
  EXPECT_TRUE(has_each_id_once(sink.stored_ids(), ids_in_range(0, 25)));
}

TEST(BatchProcessorTest, FlushWritesPartialBatch) {
  MemorySink sink;
  BatchProcessor<PaymentRow> processor(
      sink, {.max_batch_size = 100, .max_delay = kNeverDue, .queue_capacity = 100});

  processor.flush();  // Nothing added yet: returns without writing.
  EXPECT_EQ(processor.stats().batches_written, 0U);

  for (std::uint64_t id = 0; id < 7; ++id) {
    processor.add(make_row(id));
  }
  processor.flush();

  // No wait: flush() returns only after the sink confirmed the items.
  EXPECT_TRUE(has_each_id_once(sink.stored_ids(), ids_in_range(0, 7)));
  EXPECT_EQ(processor.stats().written, 7U);
  EXPECT_EQ(processor.stats().batches_written, 1U);
  EXPECT_EQ(processor.commit_latency().count(), 7U);
}

TEST(BatchProcessorTest, FailedBatchIsReportedNotRetried) {
  FailingSink sink(3);
  BatchProcessor<PaymentRow> processor(
      sink, {.max_batch_size = 10, .max_delay = kNeverDue, .queue_capacity = 100});

  // Every batch has exactly 10 items, so the third batch, which fails, contains ids 20 to 29.
  for (std::uint64_t id = 0; id < 50; ++id) {
    processor.add(make_row(id));
  }
  try {
    processor.flush();
    FAIL() << "flush() returned although the third batch failed";
  } catch (const BatchWriteError& error) {
    EXPECT_EQ(error.failed_items(), 10U);
    EXPECT_EQ(error.failed_batches(), 1U);
    EXPECT_EQ(error.sink_message(), FailingSink::message_for(3));
    EXPECT_TRUE(contains(error.what(), FailingSink::message_for(3))) << error.what();
    EXPECT_TRUE(contains(error.what(), "'failing'")) << error.what();
  }

  BatchProcessorStats stats = processor.stats();
  EXPECT_EQ(stats.added, 50U);
  EXPECT_EQ(stats.written, 40U);
  EXPECT_EQ(stats.failed, 10U);
  EXPECT_EQ(stats.batches_written, 4U);
  EXPECT_EQ(stats.batches_failed, 1U);
  EXPECT_EQ(stats.last_error, FailingSink::message_for(3));
  EXPECT_EQ(processor.commit_latency().count(), 40U);

  std::vector<std::uint64_t> expected_ids = ids_in_range(0, 20);
  const std::vector<std::uint64_t> after_failure = ids_in_range(30, 50);
  expected_ids.insert(expected_ids.end(), after_failure.begin(), after_failure.end());
  EXPECT_TRUE(has_each_id_once(sink.stored_ids(), expected_ids));

  // The processor goes on after the failure, and the failure is reported only once.
  for (std::uint64_t id = 50; id < 60; ++id) {
    processor.add(make_row(id));
  }
  EXPECT_NO_THROW(processor.flush());
  EXPECT_NO_THROW(processor.stop());

  stats = processor.stats();
  EXPECT_EQ(stats.written, 50U);
  EXPECT_EQ(stats.failed, 10U);
  EXPECT_EQ(stats.batches_written, 5U);
  const std::vector<std::uint64_t> later_ids = ids_in_range(50, 60);
  expected_ids.insert(expected_ids.end(), later_ids.begin(), later_ids.end());
  EXPECT_TRUE(has_each_id_once(sink.stored_ids(), expected_ids));
}

TEST(BatchProcessorTest, StopReportsUnreportedFailure) {
  FailingSink sink(1);
  BatchProcessor<PaymentRow> processor(
      sink, {.max_batch_size = 10, .max_delay = kNeverDue, .queue_capacity = 100});
  for (std::uint64_t id = 0; id < 5; ++id) {
    processor.add(make_row(id));
  }

  try {
    processor.stop();
    FAIL() << "stop() returned although the only batch failed";
  } catch (const BatchWriteError& error) {
    EXPECT_EQ(error.failed_items(), 5U);
    EXPECT_EQ(error.failed_batches(), 1U);
    EXPECT_EQ(error.sink_message(), FailingSink::message_for(1));
  }

  EXPECT_NO_THROW(processor.stop());
  EXPECT_NO_THROW(processor.flush());
  EXPECT_EQ(processor.stats().failed, 5U);
  EXPECT_EQ(processor.stats().written, 0U);
  EXPECT_TRUE(sink.stored_ids().empty());
}

TEST(BatchProcessorTest, NonStandardExceptionFailsBatch) {
  FailingSink sink(1, /*throw_non_standard=*/true);
  BatchProcessor<PaymentRow> processor(
      sink, {.max_batch_size = 10, .max_delay = kNeverDue, .queue_capacity = 100});
  processor.add(make_row(0));

  EXPECT_THROW(processor.flush(), BatchWriteError);
  EXPECT_EQ(processor.stats().failed, 1U);
  EXPECT_TRUE(contains(processor.stats().last_error, "not derived from std::exception"))
      << processor.stats().last_error;
}

TEST(BatchProcessorTest, DestructorPrintsUnreportedFailure) {
  FailingSink sink(1);
  ::testing::internal::CaptureStderr();
  {
    BatchProcessor<PaymentRow> processor(
        sink, {.max_batch_size = 10, .max_delay = kNeverDue, .queue_capacity = 100});
    processor.add(make_row(0));
  }
  const std::string output = ::testing::internal::GetCapturedStderr();

  EXPECT_TRUE(contains(output, FailingSink::message_for(1))) << output;
  EXPECT_TRUE(contains(output, "~BatchProcessor")) << output;
}

TEST(BatchProcessorTest, ConcurrentAddersStoreEachItemOnce) {
  constexpr std::uint64_t kThreads = 4;
  constexpr std::uint64_t kItemsPerThread = 5000;
  MemorySink sink;
  BatchProcessor<PaymentRow> processor(
      sink, {.max_batch_size = 64, .max_delay = 1ms, .queue_capacity = 256});

  // Half of the threads block in add(), the others retry try_add_for(), so both paths race
  // with each other and with the flush() calls below.
  std::vector<std::thread> adders;
  for (std::uint64_t thread = 0; thread < kThreads; ++thread) {
    adders.emplace_back([&processor, thread] {
      const bool uses_try_add_for = thread % 2 == 1;
      for (std::uint64_t i = 0; i < kItemsPerThread; ++i) {
        const PaymentRow row = make_row(thread * kItemsPerThread + i);
        if (!uses_try_add_for) {
          processor.add(row);
          continue;
        }
        while (processor.try_add_for(row, 1ms) != BatchAddResult::kAdded) {
        }
      }
    });
  }
  for (int i = 0; i < 20; ++i) {
    processor.flush();
  }
  for (std::thread& adder : adders) {
    adder.join();
  }
  processor.stop();

  EXPECT_TRUE(has_each_id_once(sink.stored_ids(), ids_in_range(0, kThreads * kItemsPerThread)));
  const BatchProcessorStats stats = processor.stats();
  EXPECT_EQ(stats.added, kThreads * kItemsPerThread);
  EXPECT_EQ(stats.written, kThreads * kItemsPerThread);
  EXPECT_EQ(stats.failed, 0U);
  EXPECT_EQ(processor.commit_latency().count(), kThreads * kItemsPerThread);
}

TEST(BatchProcessorTest, FullQueueAppliesBackpressure) {
  GatedSink sink;
  BatchProcessor<PaymentRow> processor(
      sink, {.max_batch_size = 2, .max_delay = kNeverDue, .queue_capacity = 4});

  // The first batch fills at once and the flusher blocks in the sink with it.
  processor.add(make_row(0));
  processor.add(make_row(1));
  ASSERT_TRUE(eventually([&] { return sink.entered_calls() == 1; }));

  // The handed-over batch does not count, so four more items fit in the queue.
  for (std::uint64_t id = 2; id < 6; ++id) {
    EXPECT_EQ(processor.try_add(make_row(id)), BatchAddResult::kAdded) << "id " << id;
  }
  EXPECT_EQ(processor.try_add(make_row(6)), BatchAddResult::kFull);
  EXPECT_EQ(processor.try_add_for(make_row(6), 1ms), BatchAddResult::kFull);

  std::atomic<bool> add_returned{false};
  std::thread blocked_adder([&] {
    processor.add(make_row(6));
    add_returned.store(true);
  });
  // Gives an add() that wrongly ignores the full queue time to return. A correct add() cannot
  // return however long this takes, because the flusher is blocked in the sink.
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(add_returned.load());
  EXPECT_EQ(processor.stats().added, 6U);

  sink.open();
  blocked_adder.join();
  EXPECT_TRUE(add_returned.load());
  processor.flush();
  EXPECT_TRUE(has_each_id_once(sink.stored_ids(), ids_in_range(0, 7)));
}

TEST(BatchProcessorTest, AddAfterStopIsRejected) {
  MemorySink sink;
  BatchProcessor<PaymentRow> processor(sink);
  processor.stop();

  EXPECT_THROW(processor.add(make_row(1)), std::logic_error);
  EXPECT_EQ(processor.try_add(make_row(2)), BatchAddResult::kStopped);
  EXPECT_EQ(processor.try_add_for(make_row(3), 1ms), BatchAddResult::kStopped);
  EXPECT_EQ(processor.stats().added, 0U);
  EXPECT_TRUE(sink.stored_ids().empty());
}

TEST(BatchProcessorTest, StopWakesBlockedAdder) {
  GatedSink sink;
  BatchProcessor<PaymentRow> processor(
      sink, {.max_batch_size = 2, .max_delay = kNeverDue, .queue_capacity = 2});
  processor.add(make_row(0));
  processor.add(make_row(1));
  ASSERT_TRUE(eventually([&] { return sink.entered_calls() == 1; }));
  processor.add(make_row(2));
  processor.add(make_row(3));

  // The queue stays full while the sink is closed, so this add() can only end by throwing.
  std::atomic<bool> add_threw{false};
  std::thread blocked_adder([&] {
    try {
      processor.add(make_row(4));
    } catch (const std::logic_error&) {
      add_threw.store(true);
    }
  });
  std::thread stopper([&] { processor.stop(); });
  ASSERT_TRUE(eventually([&] { return add_threw.load(); }));

  sink.open();
  stopper.join();
  blocked_adder.join();
  EXPECT_EQ(processor.stats().added, 4U);
  EXPECT_TRUE(has_each_id_once(sink.stored_ids(), ids_in_range(0, 4)));
}

TEST(BatchProcessorTest, RejectedItemIsNotMovedFrom) {
  IntPointerSink sink;
  BatchProcessor<std::unique_ptr<int>> processor(sink);
  processor.add(std::make_unique<int>(1));
  processor.stop();

  auto item = std::make_unique<int>(2);
  EXPECT_EQ(processor.try_add(std::move(item)), BatchAddResult::kStopped);
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(processor.try_add_for(std::move(item), 1ms), BatchAddResult::kStopped);
  ASSERT_NE(item, nullptr);
  EXPECT_THROW(processor.add(std::move(item)), std::logic_error);
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(*item, 2);
  EXPECT_EQ(sink.values(), std::vector<int>{1});
}

TEST(BatchProcessorTest, InvalidOptionsAreRejected) {
  MemorySink sink;
  try {
    BatchProcessor<PaymentRow> processor(sink, {.max_batch_size = 0});
    FAIL() << "max_batch_size 0 was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_TRUE(contains(error.what(), "max_batch_size 0")) << error.what();
  }
  try {
    BatchProcessor<PaymentRow> processor(sink, {.max_batch_size = 100, .queue_capacity = 99});
    FAIL() << "queue_capacity below max_batch_size was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_TRUE(contains(error.what(), "queue_capacity 99 is below max_batch_size 100"))
        << error.what();
  }
  try {
    BatchProcessor<PaymentRow> processor(sink, {.max_delay = -1ms});
    FAIL() << "a negative max_delay was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_TRUE(contains(error.what(), "max_delay -1000000 ns")) << error.what();
  }
}

TEST(BatchProcessorTest, ZeroMaxDelayWritesWithoutFlush) {
  MemorySink sink;
  BatchProcessor<PaymentRow> processor(
      sink, {.max_batch_size = 1000, .max_delay = 0ns, .queue_capacity = 1000});
  for (std::uint64_t id = 0; id < 3; ++id) {
    processor.add(make_row(id));
  }
  ASSERT_TRUE(eventually([&] { return processor.stats().written == 3; }));
  EXPECT_TRUE(has_each_id_once(sink.stored_ids(), ids_in_range(0, 3)));
}

TEST(BatchAddResultTest, NamesEveryResult) {
  EXPECT_EQ(to_string(BatchAddResult::kAdded), "added");
  EXPECT_EQ(to_string(BatchAddResult::kFull), "full");
  EXPECT_EQ(to_string(BatchAddResult::kStopped), "stopped");
}

}  // namespace
}  // namespace paybench::testing
