#include "paybench/concurrency/work_stealing_pool.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <utility>

namespace paybench {
namespace {

// The pool and deque index of the calling worker thread, so that submissions from a task go to
// the worker's own deque. Null on threads that are not workers of any WorkStealingPool.
thread_local const WorkStealingPool* t_current_pool = nullptr;
thread_local std::size_t t_current_worker_index = 0;

}  // namespace

WorkStealingPool::WorkStealingPool(std::size_t worker_count, std::size_t queue_capacity)
    : queue_capacity_(queue_capacity) {
  if (worker_count == 0) {
    throw std::invalid_argument("WorkStealingPool worker_count = 0 is invalid: pass at least 1");
  }
  if (queue_capacity == 0) {
    throw std::invalid_argument(
        "WorkStealingPool queue_capacity = 0 is invalid: pass at least 1");
  }

  deques_.reserve(worker_count);
  for (std::size_t i = 0; i < worker_count; ++i) {
    deques_.push_back(std::make_unique<WorkerDeque>());
  }

  workers_.reserve(worker_count);
  worker_ids_.reserve(worker_count);
  try {
    for (std::size_t i = 0; i < worker_count; ++i) {
      workers_.emplace_back([this, i] { run_worker(i); });
      worker_ids_.push_back(workers_.back().get_id());
    }
  } catch (...) {
    stop(StopMode::kCancel);
    throw;
  }
}

WorkStealingPool::~WorkStealingPool() { stop(StopMode::kDrain); }

bool WorkStealingPool::try_reserve() noexcept {
  std::size_t current = queued_.load(std::memory_order_relaxed);
  do {
    if (current >= queue_capacity_) {
      return false;
    }
    // seq_cst on success: the reservation takes part in the handshakes in the header comment.
  } while (!queued_.compare_exchange_weak(current, current + 1, std::memory_order_seq_cst,
                                          std::memory_order_relaxed));
  return true;
}

void WorkStealingPool::release_unit() noexcept {
  queued_.fetch_sub(1, std::memory_order_seq_cst);

  // Pairs with the seq_cst increment of waiting_submitters_ in submit(): either this load sees
  // the waiter, or the waiter's check of queued_ sees this release.
  if (waiting_submitters_.load(std::memory_order_seq_cst) > 0) {
    std::lock_guard lock(wait_mutex_);
    room_available_.notify_one();
  }
}

SubmitResult WorkStealingPool::try_submit(Task task) {
  assert(task && "WorkStealingPool::try_submit: the task must not be empty");

  if (stopping_.load(std::memory_order_seq_cst)) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return SubmitResult::kStopped;
  }
  if (!try_reserve()) {
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return SubmitResult::kFull;
  }
  return push_reserved(std::move(task));
}

SubmitResult WorkStealingPool::submit(Task task) {
  assert(task && "WorkStealingPool::submit: the task must not be empty");

  while (true) {
    if (stopping_.load(std::memory_order_seq_cst)) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
      return SubmitResult::kStopped;
    }
    if (try_reserve()) {
      return push_reserved(std::move(task));
    }

    // The queue is full: sleep until release_unit() or stop() wakes us, then try again, since
    // another submitter may take the freed unit first.
    waiting_submitters_.fetch_add(1, std::memory_order_seq_cst);
    {
      std::unique_lock lock(wait_mutex_);
      room_available_.wait(lock, [this] {
        return stopping_.load(std::memory_order_seq_cst) ||
               queued_.load(std::memory_order_seq_cst) < queue_capacity_;
      });
    }
    waiting_submitters_.fetch_sub(1, std::memory_order_seq_cst);
  }
}

SubmitResult WorkStealingPool::push_reserved(Task task) {
  // This load comes after the seq_cst reservation. If it reads false, every worker that later
  // sees stopping_ also sees the reservation and stays until the task has been taken.
  if (stopping_.load(std::memory_order_seq_cst)) {
    release_unit();
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return SubmitResult::kStopped;
  }

  const bool from_own_worker = t_current_pool == this;
  const std::size_t index =
      from_own_worker ? t_current_worker_index
                      : next_deque_.fetch_add(1, std::memory_order_relaxed) % deques_.size();
  // Counted before the push, so that the count happens-before the worker takes the task and
  // therefore before stop() returns.
  submitted_.fetch_add(1, std::memory_order_relaxed);
  try {
    WorkerDeque& deque = *deques_[index];
    std::lock_guard lock(deque.mutex);
    deque.tasks.push_back(std::move(task));
  } catch (...) {
    // std::bad_alloc from the deque: undo the count and the reservation, which would otherwise
    // keep the workers waiting in stop() for a task that never arrives.
    submitted_.fetch_sub(1, std::memory_order_relaxed);
    release_unit();
    throw;
  }

  // Pairs with the seq_cst increment of sleeping_workers_ in run_worker(): either this load sees
  // the sleeper, or the sleeper's check of queued_ sees the reservation.
  if (sleeping_workers_.load(std::memory_order_seq_cst) > 0) {
    std::lock_guard lock(wait_mutex_);
    task_available_.notify_one();
  }
  return SubmitResult::kAccepted;
}

std::optional<Task> WorkStealingPool::take_task(std::size_t worker_index) {
  std::optional<Task> task;

  {
    WorkerDeque& own = *deques_[worker_index];
    std::lock_guard lock(own.mutex);
    if (!own.tasks.empty()) {
      task.emplace(std::move(own.tasks.back()));
      own.tasks.pop_back();
    }
  }

  const std::size_t deque_count = deques_.size();
  for (std::size_t offset = 1; !task && offset < deque_count; ++offset) {
    WorkerDeque& victim = *deques_[(worker_index + offset) % deque_count];
    std::lock_guard lock(victim.mutex);
    if (!victim.tasks.empty()) {
      task.emplace(std::move(victim.tasks.front()));
      victim.tasks.pop_front();
    }
  }

  if (task) {
    release_unit();
  }
  return task;
}

void WorkStealingPool::run_worker(std::size_t worker_index) {
  t_current_pool = this;
  t_current_worker_index = worker_index;

  while (true) {
    if (std::optional<Task> task = take_task(worker_index)) {
      if (!detail::run_task_and_destroy(*task)) {
        failed_.fetch_add(1, std::memory_order_relaxed);
      }
      completed_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }

    // A reservation whose push is still in progress keeps queued_ above 0, so the worker loops
    // until the task appears instead of exiting without it.
    const bool stopping = stopping_.load(std::memory_order_seq_cst);
    if (stopping && queued_.load(std::memory_order_seq_cst) == 0) {
      break;
    }

    sleeping_workers_.fetch_add(1, std::memory_order_seq_cst);
    {
      std::unique_lock lock(wait_mutex_);
      task_available_.wait(lock, [this] {
        return stopping_.load(std::memory_order_seq_cst) ||
               queued_.load(std::memory_order_seq_cst) > 0;
      });
    }
    sleeping_workers_.fetch_sub(1, std::memory_order_seq_cst);
  }

  t_current_pool = nullptr;
}

void WorkStealingPool::stop(StopMode mode) {
  assert(!is_worker_thread() && "WorkStealingPool::stop: a task of this pool must not stop it");

  {
    // Stored under wait_mutex_ so that no worker or submitter can check its wait predicate
    // between this store and the notifications below and then miss them.
    std::lock_guard lock(wait_mutex_);
    stopping_.store(true, std::memory_order_seq_cst);
  }
  task_available_.notify_all();
  room_available_.notify_all();

  if (mode == StopMode::kCancel) {
    for (const std::unique_ptr<WorkerDeque>& deque : deques_) {
      // Destroyed after the deque's mutex is released, because a task's destructor may run
      // arbitrary code.
      std::deque<Task> cancelled_tasks;
      {
        std::lock_guard lock(deque->mutex);
        cancelled_tasks.swap(deque->tasks);
      }
      if (!cancelled_tasks.empty()) {
        cancelled_.fetch_add(cancelled_tasks.size(), std::memory_order_relaxed);
        queued_.fetch_sub(cancelled_tasks.size(), std::memory_order_seq_cst);
      }
    }
    // No wake-up is needed: once stopping_ is set, workers no longer sleep, and they exit as
    // soon as they see queued_ == 0.
  }

  std::lock_guard join_lock(join_mutex_);
  for (std::thread& worker : workers_) {
    if (worker.joinable()) {
      worker.join();
    }
  }
}

ExecutorCounters WorkStealingPool::counters() const {
  ExecutorCounters snapshot;
  snapshot.submitted = submitted_.load(std::memory_order_relaxed);
  snapshot.rejected = rejected_.load(std::memory_order_relaxed);
  snapshot.completed = completed_.load(std::memory_order_relaxed);
  snapshot.failed = failed_.load(std::memory_order_relaxed);
  snapshot.cancelled = cancelled_.load(std::memory_order_relaxed);
  return snapshot;
}

bool WorkStealingPool::is_worker_thread() const {
  const std::thread::id self = std::this_thread::get_id();
  return std::find(worker_ids_.begin(), worker_ids_.end(), self) != worker_ids_.end();
}

}  // namespace paybench
