// MutexQueue: a bounded multi-producer/multi-consumer FIFO queue built from one std::mutex and two
// std::condition_variables. It is the locking baseline that the lock-free rings (SpscRing,
// MpmcRing) are compared with, and the blocking queue with close() that pipelines use.
//
// Contract:
// - Capacity is exact: a queue of capacity C contains at most C items. The constructor throws
//   std::invalid_argument for a capacity of 0 or above kMaxCapacity. The storage for C items is
//   allocated up front, so pushing never allocates beyond what constructing T allocates.
// - Any number of threads may call any member function at once, except the destructor.
// - Blocking: `push`/`emplace` wait on a condition variable while the queue is full, and `pop`
//   waits while it is empty. `try_*` never wait. They take the mutex, so they may wait for it
//   while another thread holds it, but never for room or for an item. `try_*_for(timeout)` wait at
//   most about `timeout` for room or an item.
// - Closing: after `close()`, every push fails and leaves its argument untouched, while pops
//   still return the items that remain, oldest first, and fail once the queue is empty. close()
//   wakes every thread that waits in this queue. A queue cannot be reopened.
// - Failure to push returns false and never moves from or copies the argument. A push can fail
//   because the queue is full (only the try_* forms) or closed (every form): is_closed()
//   distinguishes the two.
// - Order: items are popped in the order in which their pushes took the mutex, so each producer's
//   items leave in the order that producer pushed them.
// - Visibility: everything a producer wrote before a successful push happens-before the return of
//   the pop that returns that item, because both run under mutex_.
// - The destructor destroys the items that remain. It must not run concurrently with any other
//   call, so every thread that uses the queue must have returned from it (for example by being
//   joined) before the queue is destroyed.

#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "paybench/concurrency/deadline.h"
#include "paybench/concurrency/queue_capacity.h"

namespace paybench {

template <class T>
class MutexQueue {
 public:
  // Largest capacity accepted, which keeps the size in bytes of the storage representable.
  static constexpr std::size_t kMaxCapacity = PTRDIFF_MAX / sizeof(std::optional<T>);

  // Creates an empty, open queue for `capacity` items. Throws std::invalid_argument when
  // `capacity` is 0 or above kMaxCapacity.
  explicit MutexQueue(std::size_t capacity)
      : capacity_(checked_capacity(capacity)), slots_(capacity_) {}

  MutexQueue(const MutexQueue&) = delete;
  MutexQueue& operator=(const MutexQueue&) = delete;

  // Destroys the items that remain. See the header comment for the required ordering.
  ~MutexQueue() = default;

  // Appends a copy of `value` if the queue has room and is open. Never waits for room. Returns
  // whether the item was added.
  [[nodiscard]] bool try_push(const T& value) { return try_emplace(value); }

  // Moves `value` in if the queue has room and is open, and otherwise leaves it untouched. Never
  // waits for room. Returns whether the item was added.
  [[nodiscard]] bool try_push(T&& value) { return try_emplace(std::move(value)); }

  // Constructs an item from `args` in place if the queue has room and is open. Never waits for
  // room. Returns whether the item was added. On false, `args` are not used.
  template <class... Args>
  [[nodiscard]] bool try_emplace(Args&&... args) {
    {
      std::lock_guard lock(mutex_);
      if (closed_ || size_ == capacity_) {
        return false;
      }
      emplace_locked(std::forward<Args>(args)...);
    }
    not_empty_.notify_one();
    return true;
  }

  // Appends a copy of `value`, waiting while the queue is full. Returns true once the item was
  // added, or false without adding it when the queue is or becomes closed.
  [[nodiscard]] bool push(const T& value) { return emplace(value); }

  // Moves `value` in, waiting while the queue is full. Returns true once the item was added, or
  // false when the queue is or becomes closed, and then leaves `value` untouched.
  [[nodiscard]] bool push(T&& value) { return emplace(std::move(value)); }

  // Constructs an item from `args` in place, waiting while the queue is full. Returns true once
  // the item was added, or false without using `args` when the queue is or becomes closed.
  template <class... Args>
  [[nodiscard]] bool emplace(Args&&... args) {
    {
      std::unique_lock lock(mutex_);
      not_full_.wait(lock, [this] { return closed_ || size_ < capacity_; });
      if (closed_) {
        return false;
      }
      emplace_locked(std::forward<Args>(args)...);
    }
    not_empty_.notify_one();
    return true;
  }

  // Appends a copy of `value`, waiting at most about `timeout` while the queue is full. Returns
  // whether the item was added: false on timeout or when the queue is or becomes closed.
  template <class Rep, class Period>
  [[nodiscard]] bool try_push_for(const T& value, std::chrono::duration<Rep, Period> timeout) {
    return emplace_until(deadline_after(timeout), value);
  }

  // Moves `value` in, waiting at most about `timeout` while the queue is full. Returns whether
  // the item was added. On false (timeout or closed), `value` is left untouched.
  template <class Rep, class Period>
  [[nodiscard]] bool try_push_for(T&& value, std::chrono::duration<Rep, Period> timeout) {
    return emplace_until(deadline_after(timeout), std::move(value));
  }

  // Removes and returns the oldest item, or returns std::nullopt at once when the queue is empty.
  [[nodiscard]] std::optional<T> try_pop() {
    std::unique_lock lock(mutex_);
    if (size_ == 0) {
      return std::nullopt;
    }
    std::optional<T> item = take_locked();
    lock.unlock();

    not_full_.notify_one();
    return item;
  }

  // Removes and returns the oldest item, waiting while the queue is empty and open. Returns
  // std::nullopt only when the queue is closed and empty, so a consumer loop
  // `while (auto item = queue.pop())` ends once the queue is closed and drained.
  [[nodiscard]] std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [this] { return closed_ || size_ > 0; });
    if (size_ == 0) {
      return std::nullopt;
    }
    std::optional<T> item = take_locked();
    lock.unlock();

    not_full_.notify_one();
    return item;
  }

  // Removes and returns the oldest item, waiting at most about `timeout` while the queue is
  // empty. Returns std::nullopt on timeout, or earlier when the queue is closed and empty.
  template <class Rep, class Period>
  [[nodiscard]] std::optional<T> try_pop_for(std::chrono::duration<Rep, Period> timeout) {
    const std::chrono::steady_clock::time_point deadline = deadline_after(timeout);

    std::unique_lock lock(mutex_);
    not_empty_.wait_until(lock, deadline, [this] { return closed_ || size_ > 0; });
    if (size_ == 0) {
      return std::nullopt;
    }
    std::optional<T> item = take_locked();
    lock.unlock();

    not_full_.notify_one();
    return item;
  }

  // Closes the queue and wakes every waiting thread. Later pushes fail, and pops fail once the
  // items that remain are gone. Calling close() again has no effect. Everything the closing
  // thread wrote before close() happens-before a push or pop returns failure because of it.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    not_full_.notify_all();
    not_empty_.notify_all();
  }

  // Returns whether close() has been called. Once true, it stays true.
  [[nodiscard]] bool is_closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

  // Returns the number of items. The count is exact while the mutex is held, but other threads
  // may change it before the caller reads it, hence the name, which matches the lock-free rings.
  [[nodiscard]] std::size_t size_approx() const {
    std::lock_guard lock(mutex_);
    return size_;
  }

  // Returns whether the queue is empty, with the same caveat as size_approx().
  [[nodiscard]] bool empty_approx() const { return size_approx() == 0; }

 private:
  static std::size_t checked_capacity(std::size_t capacity) {
    validate_queue_capacity("MutexQueue", capacity, kMaxCapacity);
    return capacity;
  }

  template <class... Args>
  [[nodiscard]] bool emplace_until(std::chrono::steady_clock::time_point deadline,
                                   Args&&... args) {
    {
      std::unique_lock lock(mutex_);
      not_full_.wait_until(lock, deadline, [this] { return closed_ || size_ < capacity_; });
      const bool has_room = !closed_ && size_ < capacity_;
      if (!has_room) {
        return false;
      }
      emplace_locked(std::forward<Args>(args)...);
    }
    not_empty_.notify_one();
    return true;
  }

  // Requires mutex_ held and size_ < capacity_. If T's constructor throws, the queue is
  // unchanged.
  template <class... Args>
  void emplace_locked(Args&&... args) {
    std::size_t tail = head_ + size_;
    if (tail >= capacity_) {
      tail -= capacity_;
    }
    slots_[tail].emplace(std::forward<Args>(args)...);
    ++size_;
  }

  // Requires mutex_ held and size_ > 0. If T's move constructor throws, the queue is unchanged.
  std::optional<T> take_locked() {
    std::optional<T>& slot = slots_[head_];
    std::optional<T> item(std::move(slot));
    slot.reset();

    ++head_;
    if (head_ == capacity_) {
      head_ = 0;
    }
    --size_;
    return item;
  }

  const std::size_t capacity_;

  mutable std::mutex mutex_;
  // Waited on by pushes while the queue is full. Notified by pops and by close().
  std::condition_variable not_full_;
  // Waited on by pops while the queue is empty. Notified by pushes and by close().
  std::condition_variable not_empty_;

  // Guarded by mutex_. A ring of capacity_ slots: the items are the size_ slots starting at
  // head_, wrapping at the end, and exactly those slots are engaged.
  std::vector<std::optional<T>> slots_;
  std::size_t head_ = 0;  // Guarded by mutex_. Index of the oldest item.
  std::size_t size_ = 0;  // Guarded by mutex_.
  bool closed_ = false;   // Guarded by mutex_. Set once by close(), never cleared.
};

}  // namespace paybench
