#include "paybench/memory/thread_index.h"

#include <algorithm>
#include <cassert>
#include <functional>
#include <mutex>
#include <vector>

namespace paybench {

namespace detail {
constinit thread_local std::size_t t_thread_index = kUnassignedThreadIndex;
}  // namespace detail

namespace {

class ThreadIndexRegistry {
 public:
  std::size_t acquire() {
    std::lock_guard lock(mutex_);
    if (free_indices_.empty()) {
      // Reserving room for every index handed out so far means release() never allocates, so
      // it cannot throw from a thread_local destructor.
      free_indices_.reserve(next_index_ + 1);
      ++live_count_;
      return next_index_++;
    }

    std::pop_heap(free_indices_.begin(), free_indices_.end(), std::greater<>());
    const std::size_t index = free_indices_.back();
    free_indices_.pop_back();
    ++live_count_;
    return index;
  }

  void release(std::size_t index) noexcept {
    std::lock_guard lock(mutex_);
    assert(index < next_index_ && "released a thread index that the registry never handed out");
    --live_count_;
    free_indices_.push_back(index);
    std::push_heap(free_indices_.begin(), free_indices_.end(), std::greater<>());
  }

  std::size_t live_count() {
    std::lock_guard lock(mutex_);
    return live_count_;
  }

 private:
  std::mutex mutex_;
  // Guarded by mutex_. A min-heap (std::greater), so the smallest free index is reused first.
  // Its capacity is always at least next_index_.
  std::vector<std::size_t> free_indices_;
  // Guarded by mutex_. One past the largest index ever handed out.
  std::size_t next_index_ = 0;
  // Guarded by mutex_.
  std::size_t live_count_ = 0;
};

// The registry is never destroyed: a detached thread may exit, and release its index, after
// static destructors have run.
ThreadIndexRegistry& registry() {
  static auto* const instance = new ThreadIndexRegistry();
  return *instance;
}

// Releases the thread's index when the thread exits. Being a thread_local with a destructor, it
// costs a TLS init check on access, so only acquire_thread_index() touches it.
struct ThreadIndexOwner {
  std::size_t index = kUnassignedThreadIndex;

  ~ThreadIndexOwner() {
    if (index == kUnassignedThreadIndex) {
      return;
    }
    detail::t_thread_index = kReleasedThreadIndex;
    registry().release(index);
  }
};

thread_local ThreadIndexOwner t_index_owner;

}  // namespace

std::size_t acquire_thread_index() {
  const std::size_t current = detail::t_thread_index;
  if (current != kUnassignedThreadIndex) {
    return current;
  }

  const std::size_t index = registry().acquire();
  t_index_owner.index = index;
  detail::t_thread_index = index;
  return index;
}

std::size_t live_thread_index_count() { return registry().live_count(); }

}  // namespace paybench
