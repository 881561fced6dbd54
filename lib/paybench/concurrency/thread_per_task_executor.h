// ThreadPerTaskExecutor: the naive baseline that starts a new std::thread for every task.
//
// Contract: the executor contract in executor.h. In addition:
// - There is no queue. The bound is max_live_threads tasks running at once: try_submit returns
//   kFull beyond it, and submit blocks until a running task finishes.
// - StopMode::kDrain and StopMode::kCancel behave alike, because every accepted task is already
//   running on its own thread. `cancelled` therefore stays 0.
// - Starting a thread can fail with std::system_error (for example at a process thread limit).
//   submit and try_submit then rethrow it, and the task counts as neither submitted nor
//   rejected.
//
// Cost: each task pays a thread creation and a join. On Linux that is an estimated 10 to 50
// microseconds for clone(), a new stack (glibc reserves RLIMIT_STACK, usually 8 MiB, of virtual
// memory) and scheduler work, whereas a queue hand-off in WorkerPool takes well under a
// microsecond. Finished threads are joined by the next submit call and by stop(), so at most
// max_live_threads threads run tasks at once, but up to twice as many may exist while finished
// ones wait to be joined.

#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <thread>

#include "paybench/concurrency/executor.h"

namespace paybench {

class ThreadPerTaskExecutor {
 public:
  // Throws std::invalid_argument when max_live_threads is 0.
  explicit ThreadPerTaskExecutor(std::size_t max_live_threads);

  ThreadPerTaskExecutor(const ThreadPerTaskExecutor&) = delete;
  ThreadPerTaskExecutor& operator=(const ThreadPerTaskExecutor&) = delete;

  // Calls stop(StopMode::kDrain), so every accepted task finishes before the destructor returns.
  ~ThreadPerTaskExecutor();

  // Starts a thread for task without waiting for a running task to finish. Returns kAccepted,
  // kFull when max_live_threads tasks are running, or kStopped once stop() has begun. A rejected
  // task is destroyed unrun.
  [[nodiscard]] SubmitResult try_submit(Task task);

  // Starts a thread for task, blocking while max_live_threads tasks are running. Returns
  // kAccepted, or kStopped when stop() begins before a thread is free.
  [[nodiscard]] SubmitResult submit(Task task);

  // Rejects further submissions, wakes blocked submitters, waits for every running task and
  // joins every thread. mode makes no difference here (see above). Idempotent. Must not be
  // called from a task of this executor.
  void stop(StopMode mode);

  [[nodiscard]] ExecutorCounters counters() const;

  [[nodiscard]] std::size_t max_live_threads() const noexcept { return max_live_threads_; }

 private:
  struct TaskThread {
    std::thread thread;
    std::thread::id id;
  };
  using ThreadList = std::list<TaskThread>;

  // Starts task on a new thread. The caller holds lock and has checked that a thread is free.
  void start_thread(std::unique_lock<std::mutex>& lock, Task task);

  // Runs task, then moves its own entry from running_ to finished_.
  void run_task(Task task, ThreadList::iterator self);

  // Joins the threads in finished_. The caller holds lock, which is released during the joins.
  void join_finished(std::unique_lock<std::mutex>& lock);

  [[nodiscard]] bool is_task_thread() const;

  const std::size_t max_live_threads_;

  mutable std::mutex mutex_;
  // Blocked submitters and stop() wait on it for a running task to finish, and stop() for
  // joins_in_progress_ to reach 0.
  std::condition_variable thread_finished_;
  // Guarded by mutex_. Threads whose task has not finished yet. A thread splices its own entry
  // into finished_ under mutex_, so list iterators stay valid throughout.
  ThreadList running_;
  // Guarded by mutex_. Threads whose task has finished but which are not joined yet.
  ThreadList finished_;
  // Guarded by mutex_. Set once by the first stop() and never cleared.
  bool stopping_ = false;
  // Guarded by mutex_. Calls of join_finished() that are joining threads with mutex_ released.
  std::size_t joins_in_progress_ = 0;
  // Guarded by mutex_.
  std::uint64_t submitted_ = 0;
  std::uint64_t rejected_ = 0;
  std::uint64_t completed_ = 0;
  std::uint64_t failed_ = 0;
};

}  // namespace paybench
