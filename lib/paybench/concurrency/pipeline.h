// Pipeline: stages of worker threads connected by bounded queues, for example
// validate -> fraud-score -> settle on CompactPaymentRecord.
//
// Contract:
// - Each stage has its own input queue and worker_count threads. The queue is a Queue<Item> of
//   queue_capacity items: a MutexQueue by default, or an MpmcRing, whose capacity is rounded up
//   to a power of two (queue_capacity() returns the capacity in use). PipelineQueue
//   (pipeline_queue.h) gives both kinds the close() that shutdown needs.
// - A worker pops an item, calls the stage function, and pushes the result into the next
//   stage's queue, or hands it to the sink after the last stage. Several workers per stage fan
//   out, and all of them feed the one queue of the next stage, which fans in.
// - A stage function returns the item to pass on, or std::nullopt to drop it. A drop is counted
//   in that stage's `dropped`. A function that throws drops the item too and is counted in the
//   stage's `failed`, and so is a sink that throws (in the last stage's counters). The exception
//   is discarded and the worker goes on.
// - Every item passes the stages in order. With more than one worker in a stage, items may
//   leave that stage in a different order from the one in which they entered it.
// - push blocks while the first queue is full, try_push never waits for room, and try_push_for
//   waits at most the timeout. They return false once close() has been called, and never move
//   from or copy a rejected item. With MutexQueue a push that waits takes no CPU time. With
//   MpmcRing it spins, then yields, then sleeps in short steps (see IdleBackoff), and so do
//   workers that wait for an item.
// - close() stops accepting input. Every item accepted before it still flows through every
//   stage, so a clean shutdown loses no item. A push that runs concurrently with close() either
//   fails or is accepted and flows through. Each stage's queue is closed by the last worker of
//   the stage before it to exit, after that worker's final push.
// - wait() returns once close() has been called and every accepted item has left the last stage,
//   that is, after the sink returned for it or a stage dropped it. Then
//   accepted == delivered + dropped + failed, summed over the stages, provided that every push
//   call has returned.
// - Visibility: everything a producer wrote before a successful push happens-before the first
//   stage function runs on that item, each stage's writes happen-before the next stage's call,
//   and the sink's writes happen-before wait() returns.
// - Stage functions and the sink run concurrently on several threads whenever their stage has
//   more than one worker, so they must be thread-safe.
// - The destructor calls close() and wait().

#pragma once

#include <atomic>
#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "paybench/concurrency/mutex_queue.h"
#include "paybench/concurrency/pipeline_queue.h"

namespace paybench {

// Queue is MutexQueue or MpmcRing, or another queue template for which PipelineQueue<Item, Queue>
// compiles.
template <class Item, template <class> class Queue = MutexQueue>
class Pipeline {
 public:
  using StageFunction = std::function<std::optional<Item>(Item)>;
  using Sink = std::function<void(Item)>;

  struct Stage {
    // Used in counters() and in error messages.
    std::string name;
    // Threads that run this stage. At least 1.
    std::size_t worker_count = 1;
    StageFunction function;
  };

  struct StageCounters {
    std::string name;
    // Items for which the stage function returned std::nullopt.
    std::uint64_t dropped = 0;
    // Items for which the stage function, or the sink after the last stage, threw.
    std::uint64_t failed = 0;
  };

  // A snapshot of the counters. Each field is exact on its own, but while items flow the fields
  // may come from slightly different moments.
  struct Counters {
    // Items that push, try_push or try_push_for accepted.
    std::uint64_t accepted = 0;
    // Items for which the sink returned.
    std::uint64_t delivered = 0;
    std::vector<StageCounters> stages;

    // Returns the sum of dropped and failed over every stage.
    [[nodiscard]] std::uint64_t dropped_or_failed() const noexcept {
      std::uint64_t total = 0;
      for (const StageCounters& stage : stages) {
        total += stage.dropped + stage.failed;
      }
      return total;
    }
  };

  // Starts the workers of every stage. Throws std::invalid_argument when stages is empty, a
  // stage has no function or a worker_count of 0, sink is empty, or queue_capacity is 0. Throws
  // std::system_error when a thread cannot be started, after stopping the threads already
  // started.
  Pipeline(std::vector<Stage> stages, Sink sink, std::size_t queue_capacity)
      : sink_(std::move(sink)) {
    validate(stages, queue_capacity);
    if (!sink_) {
      throw std::invalid_argument("Pipeline sink is empty: pass a callable that takes an Item");
    }

    std::size_t thread_count = 0;
    for (const Stage& stage : stages) {
      thread_count += stage.worker_count;
    }
    threads_.reserve(thread_count);
    thread_ids_.reserve(thread_count);

    for (Stage& stage : stages) {
      stages_.push_back(std::make_unique<StageState>(std::move(stage), queue_capacity));
    }

    try {
      for (std::size_t index = 0; index < stages_.size(); ++index) {
        for (std::size_t worker = 0; worker < stages_[index]->stage.worker_count; ++worker) {
          threads_.emplace_back([this, index] { run_worker(index); });
          thread_ids_.push_back(threads_.back().get_id());
        }
      }
    } catch (...) {
      // Closing every queue lets each started worker exit, and no item has been accepted yet.
      for (const std::unique_ptr<StageState>& state : stages_) {
        state->input.close();
      }
      wait();
      throw;
    }
  }

  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Calls close() and wait(), so every accepted item is delivered or dropped first.
  ~Pipeline() {
    close();
    wait();
  }

  // Appends item to the first stage's queue, blocking while it is full. Returns false, leaving
  // item untouched, when the pipeline is or becomes closed.
  [[nodiscard]] bool push(const Item& item) { return count_if_accepted(first_queue().push(item)); }
  [[nodiscard]] bool push(Item&& item) {
    return count_if_accepted(first_queue().push(std::move(item)));
  }

  // Appends item if the first queue has room and the pipeline is open. Never waits for room.
  // Returns false, leaving item untouched, otherwise. is_closed() tells the two cases apart. With
  // MpmcRing it may also return false while a worker is still moving out the item that occupies
  // the next cell (see MpmcRing::try_push).
  [[nodiscard]] bool try_push(const Item& item) {
    return count_if_accepted(first_queue().try_push(item));
  }
  [[nodiscard]] bool try_push(Item&& item) {
    return count_if_accepted(first_queue().try_push(std::move(item)));
  }

  // Appends item, waiting at most about timeout while the first queue is full. Returns false,
  // leaving item untouched, on timeout or when the pipeline is or becomes closed.
  template <class Rep, class Period>
  [[nodiscard]] bool try_push_for(const Item& item, std::chrono::duration<Rep, Period> timeout) {
    return count_if_accepted(first_queue().try_push_for(item, timeout));
  }
  template <class Rep, class Period>
  [[nodiscard]] bool try_push_for(Item&& item, std::chrono::duration<Rep, Period> timeout) {
    return count_if_accepted(first_queue().try_push_for(std::move(item), timeout));
  }

  // Stops accepting input and wakes blocked producers, whose push then returns false. With
  // MpmcRing a blocked producer notices at its next backoff step, within about
  // IdleBackoff::kSleepStep. Items accepted before keep flowing. Idempotent, and never blocks on
  // the stages.
  void close() { first_queue().close(); }

  [[nodiscard]] bool is_closed() const { return stages_.front()->input.is_closed(); }

  // Returns the capacity of each stage's queue: queue_capacity for MutexQueue, and queue_capacity
  // rounded up to a power of two of at least 2 for MpmcRing.
  [[nodiscard]] std::size_t queue_capacity() const noexcept {
    return stages_.front()->input.capacity();
  }

  // Blocks until close() has been called, by any thread, and every accepted item has left the
  // last stage, then joins the workers. Safe to call from several threads and more than once.
  // Must not be called from a stage function or the sink, which would wait for itself.
  void wait() {
    assert(!is_worker_thread() &&
           "Pipeline::wait: a stage function or the sink must not wait for its pipeline");
    std::lock_guard lock(join_mutex_);
    for (std::thread& thread : threads_) {
      if (thread.joinable()) {
        thread.join();
      }
    }
  }

  // Calls close(), then wait().
  void close_and_wait() {
    close();
    wait();
  }

  [[nodiscard]] Counters counters() const {
    Counters snapshot;
    snapshot.accepted = accepted_.load(std::memory_order_relaxed);
    snapshot.delivered = delivered_.load(std::memory_order_relaxed);
    for (const std::unique_ptr<StageState>& state : stages_) {
      snapshot.stages.push_back(StageCounters{
          .name = state->stage.name,
          .dropped = state->dropped.load(std::memory_order_relaxed),
          .failed = state->failed.load(std::memory_order_relaxed),
      });
    }
    return snapshot;
  }

 private:
  struct StageState {
    StageState(Stage stage_in, std::size_t queue_capacity)
        : stage(std::move(stage_in)),
          input(queue_capacity),
          live_workers(stage.worker_count) {}

    // Never changed after construction.
    const Stage stage;
    PipelineQueue<Item, Queue> input;
    // Decremented with acq_rel by each worker of this stage as it exits. The worker that takes
    // it to 0 closes the next stage's queue, after every push of the other workers.
    std::atomic<std::size_t> live_workers;
    // Written by this stage's workers with relaxed fetch_add. wait() joins the workers, so
    // relaxed loads after it see every increment.
    std::atomic<std::uint64_t> dropped{0};
    std::atomic<std::uint64_t> failed{0};
  };

  static void validate(const std::vector<Stage>& stages, std::size_t queue_capacity) {
    if (stages.empty()) {
      throw std::invalid_argument("Pipeline has no stages: pass at least one Stage");
    }
    for (const Stage& stage : stages) {
      if (stage.worker_count == 0) {
        throw std::invalid_argument("Pipeline stage '" + stage.name +
                                    "' worker_count = 0 is invalid: pass at least 1");
      }
      if (!stage.function) {
        throw std::invalid_argument("Pipeline stage '" + stage.name +
                                    "' has an empty function: pass a callable");
      }
    }
    if (queue_capacity == 0) {
      throw std::invalid_argument("Pipeline queue_capacity = 0 is invalid: pass at least 1");
    }
  }

  [[nodiscard]] PipelineQueue<Item, Queue>& first_queue() { return stages_.front()->input; }

  [[nodiscard]] bool count_if_accepted(bool accepted) {
    if (accepted) {
      accepted_.fetch_add(1, std::memory_order_relaxed);
    }
    return accepted;
  }

  void run_worker(std::size_t index) {
    StageState& state = *stages_[index];
    const bool is_last_stage = index + 1 == stages_.size();

    while (std::optional<Item> item = state.input.pop()) {
      std::optional<Item> output;
      try {
        output = state.stage.function(std::move(*item));
      } catch (...) {
        // Documented contract: a throwing stage function drops its item and is counted.
        state.failed.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      if (!output) {
        state.dropped.fetch_add(1, std::memory_order_relaxed);
        continue;
      }

      if (is_last_stage) {
        deliver(state, std::move(*output));
        continue;
      }
      // The next queue closes only after every worker of this stage has exited. The
      // constructor's error path closes every queue earlier, but before any item was accepted,
      // so no worker gets here then.
      stages_[index + 1]->input.push_before_close(std::move(*output));
    }

    // acq_rel: the last worker to leave acquires every other worker's final push before it
    // closes the next queue, which push_before_close requires.
    const bool last_worker = state.live_workers.fetch_sub(1, std::memory_order_acq_rel) == 1;
    if (last_worker && !is_last_stage) {
      stages_[index + 1]->input.close();
    }
  }

  void deliver(StageState& last_stage, Item item) {
    try {
      sink_(std::move(item));
    } catch (...) {
      // Documented contract: a throwing sink counts as a failure of the last stage.
      last_stage.failed.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    delivered_.fetch_add(1, std::memory_order_relaxed);
  }

  [[nodiscard]] bool is_worker_thread() const {
    const std::thread::id self = std::this_thread::get_id();
    for (const std::thread::id& id : thread_ids_) {
      if (id == self) {
        return true;
      }
    }
    return false;
  }

  // Called by the last stage's workers, concurrently when that stage has several.
  const Sink sink_;
  // Fixed after construction.
  std::vector<std::unique_ptr<StageState>> stages_;

  // Written by producers with relaxed fetch_add after a successful push.
  std::atomic<std::uint64_t> accepted_{0};
  // Written by the last stage's workers with relaxed fetch_add after the sink returns.
  std::atomic<std::uint64_t> delivered_{0};

  // Serializes the joins in wait(), so that two concurrent calls never join one thread twice.
  std::mutex join_mutex_;
  // Filled by the constructor, then joined under join_mutex_.
  std::vector<std::thread> threads_;
  // Filled by the constructor and never changed after it returns.
  std::vector<std::thread::id> thread_ids_;
};

}  // namespace paybench
