// MpmcRing: a bounded lock-free FIFO ring for any number of producer and consumer threads, after
// Dmitry Vyukov's bounded MPMC queue. Every cell carries a sequence number. It records whether
// the cell is free for the producer of a given position or contains the item for its consumer.
//
// Contract:
// - Threads: any number of threads may call any member function at once, except the destructor.
// - Capacity is rounded up to a power of two, so that a position maps to its cell with a mask
//   and that mapping stays continuous when the 64-bit positions wrap. The minimum is 2, because
//   in a ring of one cell a full cell for position p has the sequence number p + 1, which is also
//   the number that marks it free for position p + 1. capacity() returns the rounded value, and a ring accepts exactly capacity() items and rejects the next one. The
//   constructor throws std::invalid_argument for a capacity of 0 or above kMaxCapacity.
// - T needs no default constructor, but its move constructor and destructor must not throw: a
//   throw after a thread has claimed a cell would leave that cell unpublished, and every later
//   operation would wait for it forever. try_emplace and emplace therefore accept only arguments
//   that construct T without throwing. A copy that may throw is made before a cell is claimed.
// - Blocking: `try_*` never wait for room or an item. They loop only while their
//   compare-and-swap fails, which happens when another thread of the same side claimed the
//   position first, or spuriously. `push`/`emplace`/`pop` wait until there is room or an item,
//   and `try_*_for(timeout)` wait at most about `timeout`. Waiting spins with a bounded
//   exponential backoff and then calls std::this_thread::yield() (see spin_backoff.h). It never
//   sleeps in the kernel, so a waiting thread keeps using CPU time, and the fast path notifies
//   nobody.
// - Failure to push returns false and never moves from the argument.
// - Order: each position is claimed by exactly one producer and then by exactly one consumer, in
//   increasing order. So each producer's items are popped in the order it pushed them, and each
//   consumer receives any one producer's items in that order.
// - Visibility: everything a producer wrote before a successful push happens-before the return
//   of the pop that returns that item.
// - The destructor destroys the items that remain. It must not run concurrently with any other
//   call, so every thread must have returned from the ring (for example by being joined) first.
//
// When an operation fails although the other side is active:
// - try_pop returns std::nullopt when the cell at the dequeue position is not yet published.
//   That happens when the ring is empty, but also while the producer that claimed that position
//   is still constructing its item. Then try_pop reports an empty ring although items at later
//   positions may already be published by other producers. They become poppable once the slow
//   producer publishes.
// - try_push returns false when the cell at the enqueue position still contains the item from one
//   lap earlier. That happens when the ring is full, but also while a consumer that has claimed
//   that item is still moving it out. Then try_push reports a full ring although a pop has
//   already begun.
// The blocking and `_for` forms retry in both cases.
//
// Positions: enqueue and dequeue positions are unsigned 64-bit counters that wrap at 2^64. Every
// comparison of positions or sequence numbers uses their difference cast to a signed type, never
// `<`, so the order stays correct across the wrap. The two-argument constructor starts both
// positions at any value, which lets a test cross the wrap within a few operations.
//
// Layout: each cell is aligned to a cache line and padded to whole lines, so producers and
// consumers working on neighbouring cells never share a line. The cost is memory: a cell takes
// its 8-byte sequence number plus sizeof(T), rounded up to a multiple of 64 bytes, so a ring of
// 1024 eight-byte items takes 64 KiB instead of 16 KiB. The enqueue and dequeue positions sit on
// separate lines too.

#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
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
class MpmcRing {
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "MpmcRing<T> needs a noexcept move constructor: a throw after a cell is claimed "
                "would block the ring forever");
  static_assert(std::is_nothrow_destructible_v<T>, "MpmcRing<T> needs a noexcept destructor");

 public:
  // Enqueue and dequeue positions, and the sequence numbers of cells.
  using Position = std::uint64_t;

 private:
  using PositionDifference = std::make_signed_t<Position>;

  struct alignas(kCacheLineSize) Cell {
    // Written by the producer that fills the cell, to position + 1, and by the consumer that
    // empties it, to position + capacity. The cell is free for a push at position p when the
    // sequence equals p, and contains the item for a pop at p when it equals p + 1.
    std::atomic<Position> sequence{0};
    alignas(T) std::byte storage[sizeof(T)];
  };

 public:
  // Largest capacity accepted: a power of two that keeps the size in bytes of the cells
  // representable.
  static constexpr std::size_t kMaxCapacity = std::bit_floor(PTRDIFF_MAX / sizeof(Cell));

  // Creates an empty ring for `capacity` items, rounded up to a power of two of at least 2.
  // Throws std::invalid_argument when `capacity` is 0 or above kMaxCapacity, or std::bad_alloc
  // when the cells cannot be allocated.
  explicit MpmcRing(std::size_t capacity) : MpmcRing(capacity, 0) {}

  // Like MpmcRing(capacity), but the first push and the first pop use `first_position` instead
  // of 0. The ring behaves the same for every value. Tests pass a value just below the maximum
  // of Position to push and pop across the wrap of the counters.
  MpmcRing(std::size_t capacity, Position first_position)
      : capacity_(rounded_capacity(capacity)),
        index_mask_(capacity_ - 1),
        cells_(std::make_unique<Cell[]>(capacity_)) {
    for (std::size_t i = 0; i < capacity_; ++i) {
      const Position position = first_position + i;
      cells_[position & index_mask_].sequence.store(position, std::memory_order_relaxed);
    }
    enqueue_.position.store(first_position, std::memory_order_relaxed);
    dequeue_.position.store(first_position, std::memory_order_relaxed);
  }

  MpmcRing(const MpmcRing&) = delete;
  MpmcRing& operator=(const MpmcRing&) = delete;

  // Destroys the items that remain. See the header comment for the required ordering.
  ~MpmcRing() {
    const Position end = enqueue_.position.load(std::memory_order_relaxed);
    for (Position position = dequeue_.position.load(std::memory_order_relaxed);
         position != end; ++position) {
      std::destroy_at(item_in(cells_[position & index_mask_]));
    }
  }

  // Appends a copy of `value` if the ring has room. Never waits. Returns whether the item was
  // added. When copying T may throw, the copy is made first, even if the ring turns out full.
  [[nodiscard]] bool try_push(const T& value) {
    if constexpr (std::is_nothrow_copy_constructible_v<T>) {
      return try_emplace(value);
    } else {
      T copy(value);
      return try_emplace(std::move(copy));
    }
  }

  // Moves `value` in if the ring has room, and otherwise leaves it untouched. Never waits.
  // Returns whether the item was added.
  [[nodiscard]] bool try_push(T&& value) { return try_emplace(std::move(value)); }

  // Constructs an item from `args` in place if the ring has room. Never waits. Returns whether
  // the item was added. On false, `args` are not used.
  template <class... Args>
  [[nodiscard]] bool try_emplace(Args&&... args) {
    static_assert(std::is_nothrow_constructible_v<T, Args&&...>,
                  "MpmcRing::try_emplace and emplace need arguments that construct T without "
                  "throwing: construct the T first and push it with try_push(T&&) or push(T&&)");

    Position position = 0;
    Cell* cell = claim_for_push(position);
    if (cell == nullptr) {
      return false;
    }

    std::construct_at(item_in(*cell), std::forward<Args>(args)...);
    // Release publishes the item to the consumer whose acquire load reads position + 1.
    cell->sequence.store(position + 1, std::memory_order_release);
    return true;
  }

  // Appends a copy of `value`, waiting while the ring is full.
  void push(const T& value) {
    if constexpr (std::is_nothrow_copy_constructible_v<T>) {
      emplace(value);
    } else {
      emplace(T(value));
    }
  }

  // Moves `value` in, waiting while the ring is full.
  void push(T&& value) { emplace(std::move(value)); }

  // Constructs an item from `args` in place, waiting while the ring is full. The arguments must
  // construct T without throwing, as for try_emplace.
  template <class... Args>
  void emplace(Args&&... args) {
    // try_emplace uses `args` only when it succeeds, so forwarding them on every retry is safe.
    retry_with_backoff([&] { return try_emplace(std::forward<Args>(args)...); });
  }

  // Appends a copy of `value`, waiting at most about `timeout` while the ring is full. Returns
  // whether the item was added.
  template <class Rep, class Period>
  [[nodiscard]] bool try_push_for(const T& value, std::chrono::duration<Rep, Period> timeout) {
    if constexpr (std::is_nothrow_copy_constructible_v<T>) {
      return push_for(value, timeout);
    } else {
      return push_for(T(value), timeout);
    }
  }

  // Moves `value` in, waiting at most about `timeout` while the ring is full. Returns whether
  // the item was added. On false, `value` is left untouched.
  template <class Rep, class Period>
  [[nodiscard]] bool try_push_for(T&& value, std::chrono::duration<Rep, Period> timeout) {
    return push_for(std::move(value), timeout);
  }

  // Removes and returns the oldest published item, or returns std::nullopt at once when the cell
  // at the dequeue position is not yet published (see the header comment).
  [[nodiscard]] std::optional<T> try_pop() {
    Position position = 0;
    Cell* cell = claim_for_pop(position);
    if (cell == nullptr) {
      return std::nullopt;
    }
    // The item goes into the std::optional only in the return statement, which keeps GCC 12
    // from building the optional in memory (see take_item).
    return take_item(*cell, position);
  }

  // Removes and returns the oldest item, waiting while the ring is empty.
  [[nodiscard]] T pop() {
    Position position = 0;
    Cell* cell = nullptr;
    retry_with_backoff([&] {
      cell = claim_for_pop(position);
      return cell != nullptr;
    });
    return take_item(*cell, position);
  }

  // Removes and returns the oldest item, waiting at most about `timeout` while the ring is empty.
  // Returns std::nullopt on timeout.
  template <class Rep, class Period>
  [[nodiscard]] std::optional<T> try_pop_for(std::chrono::duration<Rep, Period> timeout) {
    Position position = 0;
    Cell* cell = nullptr;
    const auto try_once = [&] {
      cell = claim_for_pop(position);
      return cell != nullptr;
    };
    // The first attempt runs before deadline_after() so that a pop that succeeds at once does
    // not read the clock.
    if (try_once() || retry_with_backoff_until(try_once, deadline_after(timeout))) {
      return take_item(*cell, position);
    }
    return std::nullopt;
  }

  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

  // Returns the number of items, approximately: the two positions are read one after the other
  // while other threads move them, and items still being pushed or popped are counted. The
  // result is always in [0, capacity()], and it is exact when no thread is inside a push or pop.
  [[nodiscard]] std::size_t size_approx() const noexcept {
    // Reading dequeue first keeps the difference from going negative, because the enqueue
    // position never falls behind a dequeue position that was read earlier.
    const Position dequeue = dequeue_.position.load(std::memory_order_relaxed);
    const Position enqueue = enqueue_.position.load(std::memory_order_relaxed);
    const PositionDifference size = difference(enqueue, dequeue);
    if (size <= 0) {
      return 0;
    }
    return std::min(static_cast<std::size_t>(size), capacity_);
  }

  // Returns whether the ring is empty, with the same caveat as size_approx().
  [[nodiscard]] bool empty_approx() const noexcept { return size_approx() == 0; }

 private:
  // Each position counter fills exactly one cache line and starts on one.
  struct alignas(kCacheLineSize) PositionCounter {
    std::atomic<Position> position{0};
  };

  static_assert(sizeof(PositionCounter) == kCacheLineSize, "PositionCounter must fill one line");
  static_assert(alignof(PositionCounter) == kCacheLineSize, "PositionCounter must start a line");
  static_assert(sizeof(Cell) % kCacheLineSize == 0, "a Cell must fill whole cache lines");
  static_assert(alignof(Cell) % kCacheLineSize == 0, "a Cell must start a cache line");
  static_assert(std::atomic<Position>::is_always_lock_free,
                "MpmcRing needs lock-free 64-bit atomics");

  // Smallest capacity that keeps a full cell's sequence number distinct from a free one's.
  static constexpr std::size_t kMinCapacity = 2;

  static std::size_t rounded_capacity(std::size_t capacity) {
    validate_queue_capacity("MpmcRing", capacity, kMaxCapacity);
    return std::bit_ceil(std::max<std::size_t>(capacity, kMinCapacity));
  }

  // Returns `later - earlier` as a signed number, which orders two positions correctly across
  // the wrap as long as they are less than 2^63 apart.
  static PositionDifference difference(Position later, Position earlier) noexcept {
    return static_cast<PositionDifference>(later - earlier);
  }

  static T* item_in(Cell& cell) noexcept {
    return std::launder(reinterpret_cast<T*>(cell.storage));
  }

  // Claims the cell for the next enqueue position, stores that position in `position` and
  // returns the cell, or returns nullptr when the cell still contains the previous lap's item.
  Cell* claim_for_push(Position& position) noexcept {
    position = enqueue_.position.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[position & index_mask_];
      // Acquire pairs with the release store of the consumer that last emptied the cell, so
      // its destruction of the old item happens-before this thread constructs a new one.
      const Position sequence = cell.sequence.load(std::memory_order_acquire);
      const PositionDifference lag = difference(sequence, position);

      if (lag == 0) {
        // The cell is free for `position`. The CAS only decides which producer gets it, and the
        // cell's sequence number carries the data, so relaxed order is enough. On failure, the
        // CAS loads the current enqueue position into `position`.
        if (enqueue_.position.compare_exchange_weak(position, position + 1,
                                                    std::memory_order_relaxed,
                                                    std::memory_order_relaxed)) {
          return &cell;
        }
      } else if (lag < 0) {
        // The cell still contains the item pushed at position - capacity: the ring is full, or
        // the consumer that claimed that item has not finished moving it out.
        return nullptr;
      } else {
        // Another producer has claimed `position` since this thread read it.
        position = enqueue_.position.load(std::memory_order_relaxed);
      }
    }
  }

  // Claims the cell for the next dequeue position, stores that position in `position` and
  // returns the cell, or returns nullptr when that cell's item is not yet published.
  Cell* claim_for_pop(Position& position) noexcept {
    position = dequeue_.position.load(std::memory_order_relaxed);
    for (;;) {
      Cell& cell = cells_[position & index_mask_];
      // Acquire pairs with the producer's release store, so the item's construction and
      // everything the producer wrote before pushing it happen-before this thread reads it.
      const Position sequence = cell.sequence.load(std::memory_order_acquire);
      const PositionDifference lag = difference(sequence, position + 1);

      if (lag == 0) {
        // The cell contains the item for `position`. Relaxed order for the same reason as in
        // claim_for_push.
        if (dequeue_.position.compare_exchange_weak(position, position + 1,
                                                    std::memory_order_relaxed,
                                                    std::memory_order_relaxed)) {
          return &cell;
        }
      } else if (lag < 0) {
        // The ring is empty, or the producer that claimed `position` has not published yet.
        return nullptr;
      } else {
        // Another consumer has claimed `position` since this thread read it.
        position = dequeue_.position.load(std::memory_order_relaxed);
      }
    }
  }

  // Moves the item out of `cell`, which this thread claimed for the pop at `position`, and hands
  // the cell to the producer of position + capacity.
  //
  // It returns a plain T, which try_pop wraps in a std::optional only in its return statement.
  // When the optional is filled in place instead, GCC 12 at -O2 writes its value and its engaged
  // flag with two stores, and a caller that copies the optional reads both back with one 16-byte
  // load. That load cannot be forwarded from the two stores, so it waits until every earlier
  // store has left the store buffer, including the release store of the cell's sequence number.
  // In queues/spsc_handoff (1 producer, 1 consumer, 8-byte items, on a 2-core AMD EPYC VM) this
  // took the time per item from about 18 ns to about 8 ns.
  T take_item(Cell& cell, Position position) noexcept {
    T* slot = item_in(cell);
    T item(std::move(*slot));
    std::destroy_at(slot);
    // Release hands the cell to the producer of position + capacity: the destruction above
    // happens-before that producer constructs its item here.
    cell.sequence.store(position + capacity_, std::memory_order_release);
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

  // Read-only after construction. They share no line with the counters below, which are aligned
  // to the next lines.
  const std::size_t capacity_;    // a power of two
  const std::size_t index_mask_;  // capacity_ - 1: maps a position to its cell
  const std::unique_ptr<Cell[]> cells_;

  // Written by producers only, with the CAS in claim_for_push. Consumers never read it; only
  // size_approx() and the destructor do.
  PositionCounter enqueue_;
  // Written by consumers only, with the CAS in claim_for_pop. Producers never read it; only
  // size_approx() and the destructor do.
  PositionCounter dequeue_;
};

}  // namespace paybench
