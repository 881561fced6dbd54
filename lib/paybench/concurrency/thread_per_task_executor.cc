#include "paybench/concurrency/thread_per_task_executor.h"

#include <algorithm>
#include <cassert>
#include <stdexcept>
#include <utility>

namespace paybench {

ThreadPerTaskExecutor::ThreadPerTaskExecutor(std::size_t max_live_threads)
    : max_live_threads_(max_live_threads) {
  if (max_live_threads == 0) {
    throw std::invalid_argument(
        "ThreadPerTaskExecutor max_live_threads = 0 is invalid: pass at least 1");
  }
}

ThreadPerTaskExecutor::~ThreadPerTaskExecutor() { stop(StopMode::kDrain); }

SubmitResult ThreadPerTaskExecutor::try_submit(Task task) {
  assert(task && "ThreadPerTaskExecutor::try_submit: the task must not be empty");
  std::unique_lock lock(mutex_);

  if (stopping_) {
    ++rejected_;
    return SubmitResult::kStopped;
  }
  if (running_.size() >= max_live_threads_) {
    ++rejected_;
    return SubmitResult::kFull;
  }

  start_thread(lock, std::move(task));
  join_finished(lock);
  return SubmitResult::kAccepted;
}

SubmitResult ThreadPerTaskExecutor::submit(Task task) {
  assert(task && "ThreadPerTaskExecutor::submit: the task must not be empty");
  std::unique_lock lock(mutex_);

  thread_finished_.wait(lock,
                        [this] { return stopping_ || running_.size() < max_live_threads_; });
  if (stopping_) {
    ++rejected_;
    return SubmitResult::kStopped;
  }

  start_thread(lock, std::move(task));
  join_finished(lock);
  return SubmitResult::kAccepted;
}

void ThreadPerTaskExecutor::start_thread([[maybe_unused]] std::unique_lock<std::mutex>& lock,
                                         Task task) {
  assert(lock.owns_lock() && "ThreadPerTaskExecutor::start_thread: mutex_ must be held");

  // The new thread splices its entry out of running_ under mutex_, which this thread holds until
  // the entry is complete, so the thread never sees a half-built entry.
  running_.emplace_back();
  const ThreadList::iterator self = std::prev(running_.end());
  try {
    self->thread = std::thread([this, self, task = std::move(task)]() mutable {
      run_task(std::move(task), self);
    });
  } catch (...) {
    running_.erase(self);
    throw;
  }
  self->id = self->thread.get_id();
  ++submitted_;
}

void ThreadPerTaskExecutor::run_task(Task task, ThreadList::iterator self) {
  const bool returned = detail::run_task_and_destroy(task);

  {
    std::lock_guard lock(mutex_);
    ++completed_;
    if (!returned) {
      ++failed_;
    }
    finished_.splice(finished_.end(), running_, self);
  }
  // notify_all, since stop() and blocked submitters wait on the same condition.
  thread_finished_.notify_all();
}

void ThreadPerTaskExecutor::join_finished(std::unique_lock<std::mutex>& lock) {
  ThreadList to_join;
  to_join.swap(finished_);
  if (to_join.empty()) {
    return;
  }

  // Counted so that stop() does not return while another caller is still joining threads.
  ++joins_in_progress_;
  lock.unlock();
  for (TaskThread& finished : to_join) {
    finished.thread.join();
  }
  lock.lock();
  --joins_in_progress_;
  thread_finished_.notify_all();
}

void ThreadPerTaskExecutor::stop(StopMode mode) {
  (void)mode;  // Both modes behave alike: there is no queue to drain or cancel.
  assert(!is_task_thread() && "ThreadPerTaskExecutor::stop: a task must not stop its executor");

  std::unique_lock lock(mutex_);
  stopping_ = true;
  thread_finished_.notify_all();

  thread_finished_.wait(lock, [this] { return running_.empty(); });
  join_finished(lock);
  thread_finished_.wait(lock, [this] { return joins_in_progress_ == 0; });
}

ExecutorCounters ThreadPerTaskExecutor::counters() const {
  std::lock_guard lock(mutex_);
  ExecutorCounters snapshot;
  snapshot.submitted = submitted_;
  snapshot.rejected = rejected_;
  snapshot.completed = completed_;
  snapshot.failed = failed_;
  return snapshot;
}

bool ThreadPerTaskExecutor::is_task_thread() const {
  const std::thread::id self = std::this_thread::get_id();
  std::lock_guard lock(mutex_);
  const auto is_self = [self](const TaskThread& entry) { return entry.id == self; };
  return std::any_of(running_.begin(), running_.end(), is_self);
}

}  // namespace paybench
