// WorkerPool: a fixed set of worker threads that take tasks from one bounded FIFO queue.
//
// Contract: the executor contract in executor.h. In addition:
// - Tasks start in the order in which they were accepted. With more than one worker they may
//   finish in any order.
// - Backpressure: at most queue_capacity tasks wait in the queue, not counting the ones running.
//   try_submit returns kFull beyond that, and submit blocks until a worker takes a task.
// - submit from inside a task can deadlock once every worker blocks in it, so tasks should
//   use try_submit.
//
// Design: one mutex (mutex_) guards the queue and the stop flag, with two condition variables,
// task_available_ for workers and room_available_ for blocked submitters. The mutex gives the
// happens-before edge from submitter to task: the submitter releases mutex_ after enqueuing and
// the worker acquires it before dequeuing. Every submit and every dequeue takes the lock, so this
// pool is the simple baseline that WorkStealingPool is measured against.

#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "paybench/concurrency/executor.h"

namespace paybench {

class WorkerPool {
 public:
  // Starts worker_count threads. Throws std::invalid_argument when worker_count or
  // queue_capacity is 0, and std::system_error when a thread cannot be started (the threads
  // already started are stopped and joined first).
  WorkerPool(std::size_t worker_count, std::size_t queue_capacity);

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Calls stop(StopMode::kDrain), so every accepted task runs before the destructor returns.
  ~WorkerPool();

  // Queues task without blocking. Returns kAccepted, kFull when queue_capacity tasks are
  // waiting, or kStopped once stop() has begun. A rejected task is destroyed unrun.
  [[nodiscard]] SubmitResult try_submit(Task task);

  // Queues task, blocking while the queue is full. Returns kAccepted, or kStopped when stop()
  // begins before there is room.
  [[nodiscard]] SubmitResult submit(Task task);

  // Rejects further submissions, wakes blocked submitters, and joins every worker. kDrain runs
  // the queued tasks first. kCancel destroys them and counts them as cancelled. Calls after the
  // first return once the workers are joined. A kCancel during a kDrain cancels whatever is still
  // queued. Must not be called from a task of this pool.
  void stop(StopMode mode);

  [[nodiscard]] ExecutorCounters counters() const;

  [[nodiscard]] std::size_t worker_count() const noexcept { return worker_ids_.size(); }
  [[nodiscard]] std::size_t queue_capacity() const noexcept { return queue_capacity_; }

 private:
  // Runs tasks until the pool stops and, for kDrain, the queue is empty.
  void run_worker();

  // Enqueues task. The caller holds lock, and the queue has room and is not stopped.
  void enqueue(std::unique_lock<std::mutex>& lock, Task task);

  [[nodiscard]] bool is_worker_thread() const;

  const std::size_t queue_capacity_;

  mutable std::mutex mutex_;
  // Workers wait on it for a task or for stopping_. Notified with mutex_ held or just after.
  std::condition_variable task_available_;
  // Blocked submitters wait on it for room or for stopping_.
  std::condition_variable room_available_;
  // Guarded by mutex_.
  std::deque<Task> queue_;
  // Guarded by mutex_. Set once by the first stop() and never cleared.
  bool stopping_ = false;
  // Guarded by mutex_.
  std::uint64_t submitted_ = 0;
  // Guarded by mutex_.
  std::uint64_t rejected_ = 0;
  // Guarded by mutex_.
  std::uint64_t cancelled_ = 0;

  // Written by workers with relaxed fetch_add after a task returns or throws. stop() joins the
  // workers, so after it returns a relaxed load sees every increment.
  std::atomic<std::uint64_t> completed_{0};
  std::atomic<std::uint64_t> failed_{0};

  // Serializes the joins in stop(), so that two concurrent stop() calls never join one thread
  // twice. Always taken before mutex_, never while holding it.
  std::mutex join_mutex_;
  // Filled by the constructor, then joined under join_mutex_.
  std::vector<std::thread> workers_;
  // Filled by the constructor and never changed, so is_worker_thread() may read it while another
  // thread joins workers_.
  std::vector<std::thread::id> worker_ids_;
};

}  // namespace paybench
