// BatchProcessor: collects items from any number of threads and hands them to a BatchSink in
// batches, from one background flusher thread. Batching amortizes the cost of a commit (an
// fsync, a transaction) over many items and adds up to max_delay of latency to each item.
//
// Contract:
// - A batch is written when max_batch_size items are pending, when the oldest pending item has
//   waited max_delay, when flush() requests the items added before it, or when stop() drains
//   the queue. Items reach the sink in the order in which they entered the queue. A batch
//   contains at most max_batch_size items.
// - Backpressure: at most queue_capacity items wait in the queue. Items already handed to the
//   sink do not count, so up to queue_capacity + max_batch_size items are held in memory.
//   `add` blocks while the queue is full, `try_add` never waits for room, and `try_add_for`
//   waits at most about the timeout. Every add form may wait briefly for the internal mutex.
// - An item counts as written only after sink.write_batch() returned for its batch. When
//   write_batch() throws (any exception, not only SinkError), every item of that batch counts
//   as failed and none as written. Failed items are not retried: the caller decides what to do
//   with them. The flusher then goes on with the next batch, so a transient failure does not
//   stop the processor.
// - Errors: each failed batch is reported once, by the first flush() or stop() that returns
//   after the failure, as a BatchWriteError. stats() keeps the totals and the last message.
// - stop() rejects new items, writes every item already added, joins the flusher and is
//   idempotent. Nothing that was added is dropped. The destructor calls stop() and writes an
//   error that no flush() or stop() reported to stderr, because a destructor cannot throw.
// - Visibility: everything a thread wrote before adding an item happens-before the sink reads
//   that item, because both sides take the internal mutex.
// - The sink must outlive the processor. Its write_batch() is only called from the flusher
//   thread, one batch at a time, so a sink needs no locking against this processor. It must not
//   call flush() or stop() of the processor that calls it, which would wait for itself.

#pragma once

#include <algorithm>
#include <cassert>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "paybench/concurrency/deadline.h"
#include "paybench/metrics/latency_histogram.h"
#include "paybench/writes/batch_sink.h"

namespace paybench {

enum class BatchAddResult {
  kAdded,    // The item is queued and will be written or counted as failed.
  kFull,     // The queue was full (try_add), or stayed full until the timeout (try_add_for).
  kStopped,  // stop() has begun, so the item was not added.
};

[[nodiscard]] constexpr std::string_view to_string(BatchAddResult result) noexcept {
  switch (result) {
    case BatchAddResult::kAdded:
      return "added";
    case BatchAddResult::kFull:
      return "full";
    case BatchAddResult::kStopped:
      return "stopped";
  }
  return "unknown";
}

// The defaults are a starting point, not measured optima. 500 items per batch spread a commit
// over many rows, and 5 ms bounds the latency that batching adds. A queue of four batches lets
// adders go on while one batch is written. Write benchmarks set their own values.
struct BatchProcessorOptions {
  // Number of pending items that triggers a write, and the maximum size of a batch. At least 1.
  std::size_t max_batch_size = 500;
  // Maximum time that the oldest pending item waits before its batch is written, even if the
  // batch is not full. 0 writes whatever is pending as soon as the flusher is free.
  std::chrono::nanoseconds max_delay = std::chrono::milliseconds(5);
  // Maximum number of items added but not yet handed to the sink. At least max_batch_size, so
  // that a full batch fits in the queue.
  std::size_t queue_capacity = 2000;
};

// A snapshot of a processor's counters. Taken under one lock, so the fields are consistent with
// each other: added == written + failed + the items still queued or being written. After stop()
// returns, added == written + failed.
struct BatchProcessorStats {
  // Items accepted by add, try_add or try_add_for.
  std::uint64_t added = 0;
  // Items whose batch the sink confirmed by returning from write_batch().
  std::uint64_t written = 0;
  // Items whose batch write_batch() rejected by throwing.
  std::uint64_t failed = 0;
  std::uint64_t batches_written = 0;
  std::uint64_t batches_failed = 0;
  // what() of the most recent exception from write_batch(), or empty if no batch failed.
  std::string last_error;
};

// Failed batches that flush() or stop() reports: how many items and batches failed since the
// previous report, and the message of the first of those failures.
class BatchWriteError : public std::runtime_error {
 public:
  BatchWriteError(std::string_view sink_name, std::string sink_message, std::uint64_t failed_items,
                  std::uint64_t failed_batches)
      : std::runtime_error(describe(sink_name, sink_message, failed_items, failed_batches)),
        sink_message_(std::move(sink_message)),
        failed_items_(failed_items),
        failed_batches_(failed_batches) {}

  // what() of the exception that the sink threw for the first failed batch.
  [[nodiscard]] const std::string& sink_message() const noexcept { return sink_message_; }
  [[nodiscard]] std::uint64_t failed_items() const noexcept { return failed_items_; }
  [[nodiscard]] std::uint64_t failed_batches() const noexcept { return failed_batches_; }

 private:
  static std::string describe(std::string_view sink_name, const std::string& sink_message,
                              std::uint64_t failed_items, std::uint64_t failed_batches) {
    const bool one_item = failed_items == 1;
    const bool one_batch = failed_batches == 1;
    std::string message = "BatchProcessor: writing " + std::to_string(failed_items) +
                          (one_item ? " item in " : " items in ") + std::to_string(failed_batches) +
                          (one_batch ? " batch" : " batches") + " to sink '" +
                          std::string(sink_name) +
                          "' failed, so they are not stored and were not retried. ";
    message += one_batch ? "Error: " : "First error: ";
    message += sink_message;
    return message;
  }

  std::string sink_message_;
  std::uint64_t failed_items_;
  std::uint64_t failed_batches_;
};

template <class T>
class BatchProcessor {
  // Moving items into and out of the queue must not throw, so that an item is never half
  // added or lost between the queue and a batch.
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "BatchProcessor needs an item type whose move constructor is noexcept");

 public:
  using Clock = std::chrono::steady_clock;

  // Starts the flusher thread. The sink must outlive the processor. Throws
  // std::invalid_argument naming the option when max_batch_size is 0, queue_capacity is below
  // max_batch_size or max_delay is negative, and std::system_error when the thread cannot be
  // started.
  explicit BatchProcessor(BatchSink<T>& sink, BatchProcessorOptions options = {})
      : options_(validated(options)), sink_(sink), sink_name_(sink.name()) {
    flusher_ = std::thread([this] { run_flusher(); });
  }

  BatchProcessor(const BatchProcessor&) = delete;
  BatchProcessor& operator=(const BatchProcessor&) = delete;

  // Calls stop(). A BatchWriteError that it throws is written to stderr, because a destructor
  // must not throw. Call stop() first to handle that error instead.
  ~BatchProcessor() {
    try {
      stop();
    } catch (const BatchWriteError& error) {
      std::fprintf(stderr,
                   "paybench: %s (reported by ~BatchProcessor: call stop() before destruction "
                   "to handle this error)\n",
                   error.what());
    }
  }

  // Adds an item, blocking while the queue is full. Throws std::logic_error when stop() has
  // begun, before or during the wait, and then leaves `item` untouched.
  void add(const T& item) { throw_if_stopped(add_with(item, wait_for_room())); }
  void add(T&& item) { throw_if_stopped(add_with(std::move(item), wait_for_room())); }

  // Adds an item if the queue has room, without waiting for room. Returns kAdded, kFull or
  // kStopped. Leaves `item` untouched unless the result is kAdded.
  [[nodiscard]] BatchAddResult try_add(const T& item) { return add_with(item, no_wait()); }
  [[nodiscard]] BatchAddResult try_add(T&& item) { return add_with(std::move(item), no_wait()); }

  // Adds an item, waiting at most about `timeout` while the queue is full. Returns kAdded,
  // kFull on timeout, or kStopped. Leaves `item` untouched unless the result is kAdded.
  template <class Rep, class Period>
  [[nodiscard]] BatchAddResult try_add_for(const T& item,
                                           std::chrono::duration<Rep, Period> timeout) {
    return add_with(item, wait_for_room_until(deadline_after(timeout)));
  }
  template <class Rep, class Period>
  [[nodiscard]] BatchAddResult try_add_for(T&& item, std::chrono::duration<Rep, Period> timeout) {
    return add_with(std::move(item), wait_for_room_until(deadline_after(timeout)));
  }

  // Writes the items added before this call without waiting for max_delay, and returns once
  // each of them is written or failed. Items added concurrently may go into the same batches.
  // Then throws BatchWriteError if any batch failed since the previous report, which may
  // include items added after this call began. Must not be called from the sink.
  void flush() {
    assert(current_flusher != this && "BatchProcessor::flush: the sink must not call it");
    std::unique_lock lock(mutex_);

    const std::uint64_t target = added_;
    if (completed_locked() < target) {
      flush_target_ = std::max(flush_target_, target);
      work_available_.notify_one();
      batch_completed_.wait(lock, [this, target] { return completed_locked() >= target; });
    }
    throw_unreported_failures_locked();
  }

  // Rejects new items, writes every item already added, and joins the flusher. Then throws
  // BatchWriteError if any batch failed since the previous report. Later calls return once the
  // flusher is joined, and throw only for failures not yet reported. Must not be called from
  // the sink.
  void stop() {
    assert(current_flusher != this && "BatchProcessor::stop: the sink must not call it");
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    work_available_.notify_all();
    room_available_.notify_all();

    {
      std::lock_guard join_lock(join_mutex_);
      if (flusher_.joinable()) {
        flusher_.join();
      }
    }

    std::lock_guard lock(mutex_);
    throw_unreported_failures_locked();
  }

  [[nodiscard]] BatchProcessorStats stats() const {
    std::lock_guard lock(mutex_);
    return BatchProcessorStats{
        .added = added_,
        .written = written_,
        .failed = failed_,
        .batches_written = batches_written_,
        .batches_failed = batches_failed_,
        .last_error = last_error_,
    };
  }

  // Time of each written item from entering the queue to the return of the sink's
  // write_batch(). An add() that waits for room starts the clock once the item is queued.
  // Failed items are not recorded. Safe to read while the processor runs.
  [[nodiscard]] const LatencyHistogram& commit_latency() const noexcept { return commit_latency_; }

  [[nodiscard]] const BatchProcessorOptions& options() const noexcept { return options_; }

 private:
  struct PendingItem {
    T item;
    Clock::time_point enqueued_at;
  };

  // Failures not yet reported by flush() or stop().
  struct UnreportedFailures {
    std::uint64_t items = 0;
    std::uint64_t batches = 0;
    std::string first_message;
  };

  static BatchProcessorOptions validated(const BatchProcessorOptions& options) {
    if (options.max_batch_size == 0) {
      throw std::invalid_argument("BatchProcessor max_batch_size 0 is invalid: use at least 1");
    }
    if (options.queue_capacity < options.max_batch_size) {
      throw std::invalid_argument(
          "BatchProcessor queue_capacity " + std::to_string(options.queue_capacity) +
          " is below max_batch_size " + std::to_string(options.max_batch_size) +
          ": use a queue_capacity of at least " + std::to_string(options.max_batch_size) +
          " so that a full batch fits in the queue");
    }
    if (options.max_delay < std::chrono::nanoseconds::zero()) {
      throw std::invalid_argument("BatchProcessor max_delay " +
                                  std::to_string(options.max_delay.count()) +
                                  " ns is invalid: use 0 ns or more");
    }
    return options;
  }

  // Room policies for add_with(). Each is called with mutex_ held and returns once the queue
  // has room, stopping_ is set, or it gives up.
  auto wait_for_room() {
    return [this](std::unique_lock<std::mutex>& lock) {
      room_available_.wait(lock, [this] { return has_room_or_stopping_locked(); });
    };
  }
  auto wait_for_room_until(Clock::time_point deadline) {
    return [this, deadline](std::unique_lock<std::mutex>& lock) {
      room_available_.wait_until(lock, deadline, [this] { return has_room_or_stopping_locked(); });
    };
  }
  static auto no_wait() {
    return [](std::unique_lock<std::mutex>&) {};
  }

  [[nodiscard]] bool has_room_or_stopping_locked() const {
    return stopping_ || pending_.size() < options_.queue_capacity;
  }

  template <class U, class RoomPolicy>
  [[nodiscard]] BatchAddResult add_with(U&& item, RoomPolicy wait) {
    std::unique_lock lock(mutex_);
    wait(lock);
    if (stopping_) {
      return BatchAddResult::kStopped;
    }
    if (pending_.size() >= options_.queue_capacity) {
      return BatchAddResult::kFull;
    }

    // emplace_back allocates before it constructs, so `item` is untouched if allocation fails.
    pending_.emplace_back(std::forward<U>(item), Clock::now());
    ++added_;

    // The flusher sleeps without a deadline while the queue is empty, so the first item must
    // wake it to start the max_delay timer. A full batch must wake it early. Other adds need
    // no wake-up, which spares a system call per item.
    const bool first_pending = pending_.size() == 1;
    const bool batch_filled = pending_.size() == options_.max_batch_size;
    lock.unlock();
    if (first_pending || batch_filled) {
      work_available_.notify_one();
    }
    return BatchAddResult::kAdded;
  }

  static void throw_if_stopped(BatchAddResult result) {
    if (result == BatchAddResult::kStopped) {
      throw std::logic_error(
          "BatchProcessor::add called after stop() began: the item was not added. Call stop() "
          "only after the last add()");
    }
  }

  // Body of the flusher thread: writes due batches until stop() is called and the queue is
  // empty.
  void run_flusher() {
    current_flusher = this;
    std::vector<T> batch;
    std::vector<Clock::time_point> enqueued_at;
    batch.reserve(options_.max_batch_size);
    enqueued_at.reserve(options_.max_batch_size);

    std::unique_lock lock(mutex_);
    while (wait_for_due_batch(lock)) {
      const std::size_t batch_size = std::min(pending_.size(), options_.max_batch_size);
      for (std::size_t i = 0; i < batch_size; ++i) {
        PendingItem& pending = pending_.front();
        batch.push_back(std::move(pending.item));
        enqueued_at.push_back(pending.enqueued_at);
        pending_.pop_front();
      }
      taken_ += batch_size;
      lock.unlock();
      room_available_.notify_all();

      // The sink runs without the lock, so adders keep filling the queue during the write.
      std::optional<std::string> error = write_to_sink(batch);
      if (!error) {
        const Clock::time_point confirmed_at = Clock::now();
        for (const Clock::time_point queued : enqueued_at) {
          commit_latency_.record(confirmed_at - queued);
        }
      }
      batch.clear();
      enqueued_at.clear();

      lock.lock();
      record_outcome_locked(batch_size, std::move(error));
      batch_completed_.notify_all();
    }
  }

  // Waits until a batch is due and returns true, or returns false once stop() was called and
  // nothing is pending. Called by the flusher with mutex_ held through `lock`.
  bool wait_for_due_batch(std::unique_lock<std::mutex>& lock) {
    while (true) {
      if (pending_.empty()) {
        if (stopping_) {
          return false;
        }
        work_available_.wait(lock);
        continue;
      }

      const bool batch_full = pending_.size() >= options_.max_batch_size;
      const bool flush_requested = flush_target_ > taken_;
      const Clock::time_point deadline =
          saturating_deadline(pending_.front().enqueued_at, options_.max_delay);
      const bool delay_expired = Clock::now() >= deadline;
      if (batch_full || flush_requested || stopping_ || delay_expired) {
        return true;
      }
      work_available_.wait_until(lock, deadline);
    }
  }

  // Returns enqueued_at + max_delay, or time_point::max() where the sum would overflow.
  static Clock::time_point saturating_deadline(Clock::time_point enqueued_at,
                                               std::chrono::nanoseconds max_delay) {
    const Clock::duration remaining = Clock::time_point::max() - enqueued_at;
    if (max_delay >= remaining) {
      return Clock::time_point::max();
    }
    return enqueued_at + max_delay;
  }

  // Hands the batch to the sink and returns std::nullopt, or the exception's message when the
  // sink throws. Every exception is caught, not only SinkError, because an exception that left
  // the flusher thread would terminate the program, and the contract counts the batch as failed
  // instead.
  std::optional<std::string> write_to_sink(const std::vector<T>& batch) {
    try {
      sink_.write_batch(std::span<const T>(batch));
      return std::nullopt;
    } catch (const std::exception& error) {
      return std::string(error.what());
    } catch (...) {
      return std::string("write_batch threw an exception not derived from std::exception");
    }
  }

  void record_outcome_locked(std::size_t batch_size, std::optional<std::string> error) {
    if (!error) {
      written_ += batch_size;
      ++batches_written_;
      return;
    }

    failed_ += batch_size;
    ++batches_failed_;
    if (unreported_.batches == 0) {
      unreported_.first_message = *error;
    }
    unreported_.items += batch_size;
    ++unreported_.batches;
    last_error_ = std::move(*error);
  }

  void throw_unreported_failures_locked() {
    if (unreported_.batches == 0) {
      return;
    }
    UnreportedFailures failures = std::exchange(unreported_, UnreportedFailures{});
    throw BatchWriteError(sink_name_, std::move(failures.first_message), failures.items,
                          failures.batches);
  }

  [[nodiscard]] std::uint64_t completed_locked() const { return written_ + failed_; }

  // The processor whose flusher runs on this thread, if any. Lets the asserts in flush() and
  // stop() catch a sink that calls them, which would wait for itself.
  static inline thread_local const BatchProcessor* current_flusher = nullptr;

  const BatchProcessorOptions options_;
  BatchSink<T>& sink_;
  // Copied once, so that error messages never call the sink from another thread.
  const std::string sink_name_;

  // Recorded by the flusher without the lock. LatencyHistogram is safe to read meanwhile.
  LatencyHistogram commit_latency_;

  mutable std::mutex mutex_;
  // The flusher waits on it for items, a full batch, a flush request, stop, or max_delay.
  std::condition_variable work_available_;
  // Blocked adders wait on it for room or for stopping_. Notified when the flusher takes a
  // batch and by stop().
  std::condition_variable room_available_;
  // flush() waits on it. Notified after every batch, written or failed.
  std::condition_variable batch_completed_;

  // Guarded by mutex_. Items added but not yet taken into a batch, oldest first.
  std::deque<PendingItem> pending_;
  // Guarded by mutex_. Counts of items: added_ >= taken_ >= written_ + failed_. The items are
  // taken and completed in the order in which they were added, so "the first N added are
  // complete" is the same as written_ + failed_ >= N.
  std::uint64_t added_ = 0;
  std::uint64_t taken_ = 0;
  std::uint64_t written_ = 0;
  std::uint64_t failed_ = 0;
  // Guarded by mutex_. The first flush_target_ items added must be written without waiting for
  // max_delay, because a flush() waits for them.
  std::uint64_t flush_target_ = 0;
  std::uint64_t batches_written_ = 0;  // Guarded by mutex_.
  std::uint64_t batches_failed_ = 0;   // Guarded by mutex_.
  std::string last_error_;             // Guarded by mutex_.
  UnreportedFailures unreported_;      // Guarded by mutex_.
  bool stopping_ = false;              // Guarded by mutex_. Set once by stop(), never cleared.

  // Serializes the join in stop(), so that concurrent stop() calls never join twice. Taken
  // without holding mutex_, because the flusher needs mutex_ to finish.
  std::mutex join_mutex_;
  // Started last in the constructor, once every other field is initialized.
  std::thread flusher_;
};

}  // namespace paybench
