// WorkStealingPool: worker threads with one task deque each. A worker takes the newest task
// from the back of its own deque and, when that is empty, steals the oldest task from the front
// of another worker's deque.
//
// Contract: the executor contract in executor.h. In addition:
// - Submissions from outside the pool go to the deques in round-robin order. A task that submits
//   from a worker thread of this pool pushes onto that worker's own deque, so related work stays
//   on one core until another worker steals it.
// - There is no global order: a task may start before a task accepted earlier.
// - Backpressure: at most queue_capacity tasks wait across all deques, not counting running
//   ones. try_submit returns kFull beyond that, and submit blocks until a worker takes a task.
// - submit from inside a task can deadlock once every worker blocks in it, so tasks should
//   use try_submit.
//
// Design: each deque is a std::deque behind its own mutex (not a lock-free Chase-Lev deque). An
// owner and its thieves contend only on that one mutex, and submitters spread over all of them,
// so the pool never has the single hot lock of WorkerPool. The mutex also gives the
// happens-before edge from submitter to task.
//
// The bound is a reservation counter, queued_: a submitter reserves a unit before pushing, and a
// worker releases it after popping. Workers sleep on one condition variable only when every
// deque looked empty. The sleep and wake-up use a Dekker-style handshake on sequentially
// consistent atomics, so that submitters take wait_mutex_ only when someone sleeps:
// - A sleeping worker increments sleeping_workers_ and then, under wait_mutex_, loads queued_.
//   A submitter increments queued_ and then loads sleeping_workers_. With seq_cst, at least one
//   of them sees the other's increment, so either the worker does not sleep or the submitter
//   notifies it under wait_mutex_.
// - Blocked submitters and room released by workers use the same handshake with
//   waiting_submitters_.
// - stop() sets stopping_, and a submitter loads stopping_ after reserving in queued_. A worker
//   exits only when it sees stopping_ and then queued_ == 0. So a task that a submitter accepted
//   is never left behind in a deque after the workers exit.

#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "paybench/concurrency/executor.h"
#include "paybench/memory/thread_cache.h"

namespace paybench {

class WorkStealingPool {
 public:
  // Starts worker_count threads. Throws std::invalid_argument when worker_count or
  // queue_capacity is 0, and std::system_error when a thread cannot be started (the threads
  // already started are stopped and joined first).
  WorkStealingPool(std::size_t worker_count, std::size_t queue_capacity);

  WorkStealingPool(const WorkStealingPool&) = delete;
  WorkStealingPool& operator=(const WorkStealingPool&) = delete;

  // Calls stop(StopMode::kDrain), so every accepted task runs before the destructor returns.
  ~WorkStealingPool();

  // Queues task without blocking. Returns kAccepted, kFull when queue_capacity tasks are
  // waiting, or kStopped once stop() has begun. A rejected task is destroyed unrun.
  [[nodiscard]] SubmitResult try_submit(Task task);

  // Queues task, blocking while queue_capacity tasks are waiting. Returns kAccepted, or kStopped
  // when stop() begins before there is room.
  [[nodiscard]] SubmitResult submit(Task task);

  // Rejects further submissions, wakes blocked submitters, and joins every worker. kDrain runs
  // the queued tasks first. kCancel destroys them and counts them as cancelled. A task that a
  // concurrent submit accepted while kCancel was emptying the deques may still run. Calls after
  // the first return once the workers are joined. Must not be called from a task of this pool.
  void stop(StopMode mode);

  [[nodiscard]] ExecutorCounters counters() const;

  [[nodiscard]] std::size_t worker_count() const noexcept { return deques_.size(); }
  [[nodiscard]] std::size_t queue_capacity() const noexcept { return queue_capacity_; }

 private:
  struct alignas(kCacheLineSize) WorkerDeque {
    std::mutex mutex;
    // Guarded by mutex. The owner pushes and pops at the back, thieves pop at the front.
    std::deque<Task> tasks;
  };

  // Returns true when a unit of queued_ was reserved. Never blocks.
  [[nodiscard]] bool try_reserve() noexcept;

  // Pushes task, for which the caller has reserved a unit of queued_, and wakes a sleeper.
  // Returns kStopped, releasing the unit and destroying the task, when stop() has begun.
  [[nodiscard]] SubmitResult push_reserved(Task task);

  // Returns a task from the worker's own deque or a stolen one, and releases its unit of
  // queued_. Returns std::nullopt when every deque looked empty.
  [[nodiscard]] std::optional<Task> take_task(std::size_t worker_index);

  void release_unit() noexcept;
  void run_worker(std::size_t worker_index);
  [[nodiscard]] bool is_worker_thread() const;

  const std::size_t queue_capacity_;

  // Fixed after construction. unique_ptr because WorkerDeque is neither movable nor copyable.
  std::vector<std::unique_ptr<WorkerDeque>> deques_;

  // Reserved units: accepted tasks not yet taken by a worker, plus reservations whose push is in
  // progress. Written by submitters (fetch_add/CAS) and workers (fetch_sub), all seq_cst for the
  // handshakes described above. Never exceeds queue_capacity_.
  alignas(kCacheLineSize) std::atomic<std::size_t> queued_{0};

  // Written by submitters with relaxed fetch_add. Round-robin position for outside submissions.
  alignas(kCacheLineSize) std::atomic<std::size_t> next_deque_{0};

  // Written by stop() with a seq_cst store under wait_mutex_, false to true once.
  alignas(kCacheLineSize) std::atomic<bool> stopping_{false};
  // Written by workers around their sleep, seq_cst.
  std::atomic<std::size_t> sleeping_workers_{0};
  // Written by blocked submitters around their wait, seq_cst.
  std::atomic<std::size_t> waiting_submitters_{0};
  std::mutex wait_mutex_;
  // Workers wait on it for queued_ > 0 or stopping_.
  std::condition_variable task_available_;
  // Blocked submitters wait on it for room in queued_ or stopping_.
  std::condition_variable room_available_;

  // Written with relaxed fetch_add by the thread that causes the event. Nothing is published
  // through them, and stop() joins the workers, so relaxed loads after it see every increment.
  std::atomic<std::uint64_t> submitted_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> completed_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> cancelled_{0};

  // Serializes the joins in stop(), so that two concurrent stop() calls never join one thread
  // twice.
  std::mutex join_mutex_;
  // Filled by the constructor, then joined under join_mutex_.
  std::vector<std::thread> workers_;
  // Filled by the constructor and never changed, so is_worker_thread() may read it while another
  // thread joins workers_.
  std::vector<std::thread::id> worker_ids_;
};

}  // namespace paybench
