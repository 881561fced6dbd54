#include "paybench/concurrency/worker_pool.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <string>
#include <utility>

namespace paybench {

WorkerPool::WorkerPool(std::size_t worker_count, std::size_t queue_capacity)
    : queue_capacity_(queue_capacity) {
  if (worker_count == 0) {
    throw std::invalid_argument("WorkerPool worker_count = 0 is invalid: pass at least 1");
  }
  if (queue_capacity == 0) {
    throw std::invalid_argument("WorkerPool queue_capacity = 0 is invalid: pass at least 1");
  }

  workers_.reserve(worker_count);
  worker_ids_.reserve(worker_count);
  try {
    for (std::size_t i = 0; i < worker_count; ++i) {
      workers_.emplace_back([this] { run_worker(); });
      worker_ids_.push_back(workers_.back().get_id());
    }
  } catch (...) {
    stop(StopMode::kCancel);
    throw;
  }
}

WorkerPool::~WorkerPool() { stop(StopMode::kDrain); }

SubmitResult WorkerPool::try_submit(Task task) {
  assert(task && "WorkerPool::try_submit: the task must not be empty");
  std::unique_lock lock(mutex_);

  if (stopping_) {
    ++rejected_;
    return SubmitResult::kStopped;
  }
  if (queue_.size() >= queue_capacity_) {
    ++rejected_;
    return SubmitResult::kFull;
  }

  enqueue(lock, std::move(task));
  return SubmitResult::kAccepted;
}

SubmitResult WorkerPool::submit(Task task) {
  assert(task && "WorkerPool::submit: the task must not be empty");
  std::unique_lock lock(mutex_);

  room_available_.wait(lock, [this] { return stopping_ || queue_.size() < queue_capacity_; });
  if (stopping_) {
    ++rejected_;
    return SubmitResult::kStopped;
  }

  enqueue(lock, std::move(task));
  return SubmitResult::kAccepted;
}

void WorkerPool::enqueue(std::unique_lock<std::mutex>& lock, Task task) {
  queue_.push_back(std::move(task));
  ++submitted_;

  // Unlocking before the notification spares the woken worker from blocking on mutex_ at once.
  lock.unlock();
  task_available_.notify_one();
}

void WorkerPool::stop(StopMode mode) {
  assert(!is_worker_thread() && "WorkerPool::stop: a task of this pool must not stop it");

  // Destroyed after mutex_ is released, because a task's destructor may run arbitrary code.
  std::deque<Task> cancelled_tasks;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (mode == StopMode::kCancel) {
      cancelled_ += queue_.size();
      cancelled_tasks.swap(queue_);
    }
  }
  task_available_.notify_all();
  room_available_.notify_all();
  cancelled_tasks.clear();

  std::lock_guard join_lock(join_mutex_);
  for (std::thread& worker : workers_) {
    if (worker.joinable()) {
      worker.join();
    }
  }
}

ExecutorCounters WorkerPool::counters() const {
  ExecutorCounters snapshot;
  {
    std::lock_guard lock(mutex_);
    snapshot.submitted = submitted_;
    snapshot.rejected = rejected_;
    snapshot.cancelled = cancelled_;
  }
  snapshot.completed = completed_.load(std::memory_order_relaxed);
  snapshot.failed = failed_.load(std::memory_order_relaxed);
  return snapshot;
}

void WorkerPool::run_worker() {
  while (true) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      task_available_.wait(lock, [this] { return stopping_ || !queue_.empty(); });

      // After stop(kDrain) the queue still has tasks, so a stopping worker exits only once the
      // queue is empty. After stop(kCancel) it is empty already.
      if (queue_.empty()) {
        return;
      }
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    room_available_.notify_one();

    if (!detail::run_task_and_destroy(task)) {
      failed_.fetch_add(1, std::memory_order_relaxed);
    }
    completed_.fetch_add(1, std::memory_order_relaxed);
  }
}

bool WorkerPool::is_worker_thread() const {
  const std::thread::id self = std::this_thread::get_id();
  return std::find(worker_ids_.begin(), worker_ids_.end(), self) != worker_ids_.end();
}

}  // namespace paybench
