// SpscRing: a bounded lock-free FIFO ring for exactly one producer thread and one consumer thread.
//
// Contract:
// - Threads: at any time at most one thread may call the push family (try_push, try_emplace,
//   push, emplace, try_push_for) and at most one thread may call the pop family (try_pop, pop,
//   try_pop_for). The producer and the consumer may be different threads or the same thread.
//   capacity(), size_approx() and empty_approx() may be called from any thread. Nothing checks
//   the one-producer rule, and breaking it corrupts the ring.
// - Capacity is exact: a ring of capacity C accepts C items and rejects the next one. The
//   constructor throws std::invalid_argument for a capacity of 0 or above kMaxCapacity. It
//   allocates storage for C + 1 items up front, because one slot always stays free to tell a
//   full ring from an empty one. Pushing never allocates beyond what constructing T allocates.
// - T needs no default constructor. Items are constructed in raw storage on push and destroyed
//   when popped or when the ring is destroyed.
// - Blocking: `try_*` never wait. `push`/`emplace`/`pop` wait until there is room or an item,
//   and `try_*_for(timeout)` wait at most about `timeout`. Waiting spins with a bounded
//   exponential backoff and then calls std::this_thread::yield() (see spin_backoff.h). It never
//   sleeps in the kernel, so a waiting thread keeps using CPU time, and the fast path notifies
//   nobody.
// - Failure to push returns false and never moves from or copies the argument.
// - Visibility: everything the producer wrote before a successful push happens-before the return
//   of the pop that returns that item.
// - The destructor destroys the items that remain. It must not run concurrently with any other
//   call, so both threads must have returned from the ring (for example by being joined) first.
//
// Layout: the producer's index and the consumer's index sit on separate cache lines. Each thread
// also keeps a private copy of the other thread's index and reads the shared one only when its
// copy shows a full ring (producer) or an empty one (consumer). A push or pop on a ring that is
// neither full nor empty from that thread's view therefore touches only its own line and the slot.
//
// Indices: both indices stay in [0, capacity], wrapping to 0 at the end of the storage, so they
// never overflow their type however many items pass through the ring.

#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "paybench/concurrency/deadline.h"
#include "paybench/concurrency/queue_capacity.h"
#include "paybench/concurrency/spin_backoff.h"
#include "paybench/memory/thread_cache.h"  // kCacheLineSize

namespace paybench {

template <class T>
class SpscRing {
 public:
  // Largest capacity accepted, which keeps the size in bytes of the storage (capacity + 1
  // items, rounded up to whole cache lines) representable.
  static constexpr std::size_t kMaxCapacity = (PTRDIFF_MAX - kCacheLineSize) / sizeof(T) - 1;

  // Creates an empty ring for `capacity` items. Throws std::invalid_argument when `capacity` is
  // 0 or above kMaxCapacity, or std::bad_alloc when the storage cannot be allocated.
  explicit SpscRing(std::size_t capacity)
      : capacity_(checked_capacity(capacity)),
        slot_count_(capacity_ + 1),
        slots_(allocate_slots(slot_count_)) {}

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // Destroys the items that remain. See the header comment for the required ordering.
  ~SpscRing() {
    std::size_t head = consumer_.head.load(std::memory_order_relaxed);
    const std::size_t tail = producer_.tail.load(std::memory_order_relaxed);
    while (head != tail) {
      std::destroy_at(&slots_[head]);
      head = next_index(head);
    }
    free_slots(slots_, slot_count_);
  }

  // Producer only. Appends a copy of `value` if the ring has room. Never waits. Returns whether
  // the item was added.
  [[nodiscard]] bool try_push(const T& value) { return try_emplace(value); }

  // Producer only. Moves `value` in if the ring has room, and otherwise leaves it untouched.
  // Never waits. Returns whether the item was added.
  [[nodiscard]] bool try_push(T&& value) { return try_emplace(std::move(value)); }

  // Producer only. Constructs an item from `args` in place if the ring has room. Never waits.
  // Returns whether the item was added. On false, `args` are not used. If T's constructor
  // throws, the ring is unchanged.
  template <class... Args>
  [[nodiscard]] bool try_emplace(Args&&... args) {
    // Only this thread writes tail, so a relaxed load returns its own last store.
    const std::size_t tail = producer_.tail.load(std::memory_order_relaxed);
    const std::size_t next_tail = next_index(tail);

    const bool full_by_cached_head = next_tail == producer_.cached_head;
    if (full_by_cached_head) {
      // Acquire pairs with the consumer's release store of head, so the consumer's destruction
      // of the item in slots_[tail] happens-before this thread constructs a new one there.
      producer_.cached_head = consumer_.head.load(std::memory_order_acquire);
      if (next_tail == producer_.cached_head) {
        return false;
      }
    }

    std::construct_at(&slots_[tail], std::forward<Args>(args)...);
    // Release publishes the constructed item to the consumer's acquire load of tail.
    producer_.tail.store(next_tail, std::memory_order_release);
    return true;
  }

  // Producer only. Appends a copy of `value`, waiting while the ring is full.
  void push(const T& value) { emplace(value); }

  // Producer only. Moves `value` in, waiting while the ring is full.
  void push(T&& value) { emplace(std::move(value)); }

  // Producer only. Constructs an item from `args` in place, waiting while the ring is full.
  template <class... Args>
  void emplace(Args&&... args) {
    // try_emplace uses `args` only when it succeeds, so forwarding them on every retry is safe.
    retry_with_backoff([&] { return try_emplace(std::forward<Args>(args)...); });
  }

  // Producer only. Appends a copy of `value`, waiting at most about `timeout` while the ring is
  // full. Returns whether the item was added.
  template <class Rep, class Period>
  [[nodiscard]] bool try_push_for(const T& value, std::chrono::duration<Rep, Period> timeout) {
    return push_for(value, timeout);
  }

  // Producer only. Moves `value` in, waiting at most about `timeout` while the ring is full.
  // Returns whether the item was added. On false, `value` is left untouched.
  template <class Rep, class Period>
  [[nodiscard]] bool try_push_for(T&& value, std::chrono::duration<Rep, Period> timeout) {
    return push_for(std::move(value), timeout);
  }

  // Consumer only. Removes and returns the oldest item, or returns std::nullopt at once when the
  // ring is empty. If T's move constructor throws, the item stays in the ring.
  [[nodiscard]] std::optional<T> try_pop() {
    if constexpr (std::is_nothrow_move_constructible_v<T>) {
      return try_pop_nothrow_move();
    } else {
      return try_pop_throwing_move();
    }
  }

  // Consumer only. Removes and returns the oldest item, waiting while the ring is empty. If T's
  // move constructor throws, the item stays in the ring.
  [[nodiscard]] T pop() {
    T* slot = nullptr;
    retry_with_backoff([&] {
      slot = front_slot();
      return slot != nullptr;
    });
    return take_front(slot);
  }

  // Consumer only. Removes and returns the oldest item, waiting at most about `timeout` while
  // the ring is empty. Returns std::nullopt on timeout. If T's move constructor throws, the item
  // stays in the ring.
  template <class Rep, class Period>
  [[nodiscard]] std::optional<T> try_pop_for(std::chrono::duration<Rep, Period> timeout) {
    const auto has_item = [&] { return front_slot() != nullptr; };
    // The first check runs before deadline_after() so that a pop that succeeds at once does not
    // read the clock. Only this thread removes items, so the item found is still there for
    // try_pop.
    if (has_item() || retry_with_backoff_until(has_item, deadline_after(timeout))) {
      return try_pop();
    }
    return std::nullopt;
  }

  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

  // Returns the number of items, approximately: the two indices are read one after the other
  // while the producer and the consumer may move them. The result is always in [0, capacity()],
  // and it is exact when neither thread is inside a push or pop.
  [[nodiscard]] std::size_t size_approx() const noexcept {
    const std::size_t head = consumer_.head.load(std::memory_order_relaxed);
    const std::size_t tail = producer_.tail.load(std::memory_order_relaxed);
    return tail >= head ? tail - head : tail + slot_count_ - head;
  }

  // Returns whether the ring is empty, with the same caveat as size_approx().
  [[nodiscard]] bool empty_approx() const noexcept { return size_approx() == 0; }

 private:
  // Fields that the producer writes. The consumer reads `tail` only when its cached copy shows
  // an empty ring.
  struct alignas(kCacheLineSize) ProducerIndex {
    // Written by the producer only: index of the slot that the next push fills.
    std::atomic<std::size_t> tail{0};
    // Producer only, not shared: the value of consumer_.head at the producer's last read.
    std::size_t cached_head = 0;
  };

  // Fields that the consumer writes. The producer reads `head` only when its cached copy shows
  // a full ring.
  struct alignas(kCacheLineSize) ConsumerIndex {
    // Written by the consumer only: index of the slot that contains the oldest item.
    std::atomic<std::size_t> head{0};
    // Consumer only, not shared: the value of producer_.tail at the consumer's last read.
    std::size_t cached_tail = 0;
  };

  // Each index struct fills exactly one cache line and starts on one, so the producer's writes
  // never invalidate the consumer's line or the other way round.
  static_assert(sizeof(ProducerIndex) == kCacheLineSize, "ProducerIndex must fill one line");
  static_assert(alignof(ProducerIndex) == kCacheLineSize, "ProducerIndex must start a line");
  static_assert(sizeof(ConsumerIndex) == kCacheLineSize, "ConsumerIndex must fill one line");
  static_assert(alignof(ConsumerIndex) == kCacheLineSize, "ConsumerIndex must start a line");
  static_assert(std::atomic<std::size_t>::is_always_lock_free,
                "SpscRing needs lock-free size_t atomics");

  static constexpr std::size_t kStorageAlignment = std::max(alignof(T), kCacheLineSize);

  static std::size_t checked_capacity(std::size_t capacity) {
    validate_queue_capacity("SpscRing", capacity, kMaxCapacity);
    return capacity;
  }

  // Whole cache lines, so that no other heap object shares a line with the first or last slot.
  static std::size_t storage_bytes(std::size_t slot_count) {
    const std::size_t bytes = slot_count * sizeof(T);
    return (bytes + kCacheLineSize - 1) / kCacheLineSize * kCacheLineSize;
  }

  static T* allocate_slots(std::size_t slot_count) {
    void* storage =
        ::operator new(storage_bytes(slot_count), std::align_val_t{kStorageAlignment});
    return static_cast<T*>(storage);
  }

  static void free_slots(T* slots, std::size_t slot_count) noexcept {
    ::operator delete(slots, storage_bytes(slot_count), std::align_val_t{kStorageAlignment});
  }

  std::size_t next_index(std::size_t index) const noexcept {
    const std::size_t next = index + 1;
    return next == slot_count_ ? 0 : next;
  }

  // Consumer only. Returns the slot of the oldest item, or nullptr when the ring is empty.
  T* front_slot() noexcept {
    // Only this thread writes head, so a relaxed load returns its own last store.
    const std::size_t head = consumer_.head.load(std::memory_order_relaxed);

    const bool empty_by_cached_tail = head == consumer_.cached_tail;
    if (empty_by_cached_tail) {
      // Acquire pairs with the producer's release store of tail, so the item's construction and
      // everything the producer wrote before pushing it happen-before this thread reads it.
      consumer_.cached_tail = producer_.tail.load(std::memory_order_acquire);
      if (head == consumer_.cached_tail) {
        return nullptr;
      }
    }
    return &slots_[head];
  }

  // Consumer only. Destroys the oldest item, whose slot front_slot() returned, and hands the slot
  // back to the producer.
  void discard_front(T* slot) {
    std::destroy_at(slot);
    const std::size_t head = consumer_.head.load(std::memory_order_relaxed);
    // Release hands the slot back: the destruction above happens-before the producer reuses it.
    consumer_.head.store(next_index(head), std::memory_order_release);
  }

  // Consumer only. Moves the oldest item out of `slot`, which front_slot() returned, and removes
  // it. If T's move constructor throws, the item stays in the ring. The single return of a named
  // local lets the compiler construct `item` in the caller's object, so no second move follows
  // the removal.
  T take_front(T* slot) {
    T item(std::move(*slot));
    discard_front(slot);
    return item;
  }

  // Consumer only. try_pop for a T whose move constructor does not throw.
  std::optional<T> try_pop_nothrow_move() {
    T* slot = front_slot();
    if (slot == nullptr) {
      return std::nullopt;
    }
    // The item goes into the std::optional only in the return statement. When the optional is
    // filled in place instead, GCC 12 at -O2 writes its value and its engaged flag with two
    // stores, and a caller that copies the optional reads both back with one 16-byte load. That
    // load cannot be forwarded from the two stores, so it waits until every earlier store has
    // left the store buffer, including the store of head, whose line the producer reads while
    // the ring is full. In queues/spsc_handoff (1 producer, 1 consumer, 8-byte items, on a
    // 2-core AMD EPYC VM) this took the time per item from about 12 ns to about 3.5 ns.
    return take_front(slot);
  }

  // Consumer only. try_pop for a T whose move constructor may throw. The item is moved once,
  // straight into the optional, so a throwing move leaves it in the ring. The single return of a
  // named local lets the compiler construct `item` in the caller's object without another move.
  std::optional<T> try_pop_throwing_move() {
    std::optional<T> item;
    T* slot = front_slot();
    if (slot != nullptr) {
      item.emplace(std::move(*slot));
      discard_front(slot);
    }
    return item;
  }

  template <class Value, class Rep, class Period>
  [[nodiscard]] bool push_for(Value&& value, std::chrono::duration<Rep, Period> timeout) {
    // try_emplace uses `value` only when it succeeds, so forwarding it on every retry is safe.
    const auto try_once = [&] { return try_emplace(std::forward<Value>(value)); };
    // The first attempt runs before deadline_after() so that a push that succeeds at once does
    // not read the clock.
    return try_once() || retry_with_backoff_until(try_once, deadline_after(timeout));
  }

  // Read-only after construction. They share no line with the indices below, which are aligned
  // to the next lines.
  const std::size_t capacity_;
  const std::size_t slot_count_;  // capacity_ + 1
  T* const slots_;                // raw storage: slots in [head, tail) contain constructed items

  ProducerIndex producer_;
  ConsumerIndex consumer_;
};

}  // namespace paybench
