// A count of finished work items with a wake-up for the benchmark thread, shared by the
// workloads that hand work to threads they do not own (executors, pipeline).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>

namespace paybench::workloads {

class CompletionCounter {
 public:
  // Sets the count at which wait_for_target() returns. Call before handing over the items that
  // reach it: the hand-off's happens-before edge then makes the target visible to the workers.
  void set_target(std::uint64_t target) { target_.store(target, std::memory_order_relaxed); }

  // Counts one finished item. The item that reaches the target wakes the waiter.
  void add_one() {
    const std::uint64_t finished = finished_.fetch_add(1, std::memory_order_release) + 1;
    if (finished != target_.load(std::memory_order_relaxed)) return;

    // Taking the mutex orders this notification after the waiter's last check of the count,
    // so the wake-up cannot fall between that check and the wait.
    std::lock_guard lock(mutex_);
    reached_.notify_one();
  }

  // Blocks until the count reaches the target. Returns false after `timeout`.
  template <class Rep, class Period>
  [[nodiscard]] bool wait_for_target(std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock lock(mutex_);
    return reached_.wait_for(lock, timeout, [this] {
      return finished_.load(std::memory_order_acquire) >= target_.load(std::memory_order_relaxed);
    });
  }

  [[nodiscard]] std::uint64_t finished() const { return finished_.load(std::memory_order_acquire); }

 private:
  // Written by the worker threads.
  alignas(64) std::atomic<std::uint64_t> finished_{0};
  // Written by the benchmark thread before each batch.
  alignas(64) std::atomic<std::uint64_t> target_{std::numeric_limits<std::uint64_t>::max()};
  std::mutex mutex_;
  std::condition_variable reached_;
};

}  // namespace paybench::workloads
