// Three monotonic event counters with one API, so that workloads can compare the cost of counting
// under contention: MutexCounter (a std::mutex and an integer, the naive baseline), AtomicCounter
// (one shared atomic) and ShardedCounter (one cache line per thread).
//
// Shared contract:
// - `increment(n)` adds n and `value()` returns the total. Both may be called from any thread at
//   once. Totals wrap modulo 2^64, as std::uint64_t arithmetic does.
// - Counting publishes nothing: an increment does not make the incrementing thread's other
//   writes visible to a thread that reads value(). Use a separate release/acquire pair (or join
//   the thread) for that.
// - value() is exact once every increment happens-before the call, for example after the
//   incrementing threads were joined. ShardedCounter documents what it returns while increments
//   run concurrently.

#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "paybench/memory/thread_cache.h"  // kCacheLineSize
#include "paybench/memory/thread_index.h"

namespace paybench {

// A counter guarded by one std::mutex: every increment and every read takes the lock. The
// baseline that the lock-free counters are compared with. Aligned to a cache line so that
// neighbouring objects add no false sharing to the measurement.
class alignas(kCacheLineSize) MutexCounter {
 public:
  MutexCounter() = default;
  MutexCounter(const MutexCounter&) = delete;
  MutexCounter& operator=(const MutexCounter&) = delete;

  // Adds `n` under the mutex. Blocks while another thread holds it.
  void increment(std::uint64_t n = 1) {
    std::lock_guard lock(mutex_);
    value_ += n;
  }

  // Returns the total under the mutex: a linearizable read.
  [[nodiscard]] std::uint64_t value() const {
    std::lock_guard lock(mutex_);
    return value_;
  }

 private:
  mutable std::mutex mutex_;
  std::uint64_t value_ = 0;  // Guarded by mutex_.
};

// A counter in one shared std::atomic. Every increment is a locked read-modify-write on the same
// cache line, so threads on different cores take turns owning that line. Aligned to a cache line
// so that only the counter itself is contended.
class alignas(kCacheLineSize) AtomicCounter {
 public:
  AtomicCounter() = default;
  AtomicCounter(const AtomicCounter&) = delete;
  AtomicCounter& operator=(const AtomicCounter&) = delete;

  // Adds `n`. Lock-free, never blocks.
  void increment(std::uint64_t n = 1) noexcept {
    // Relaxed: the counter orders nothing else, and the read-modify-write alone makes every
    // increment count exactly once.
    value_.fetch_add(n, std::memory_order_relaxed);
  }

  // Returns the total. Successive calls from one thread never return less, because all reads of
  // one atomic respect its modification order.
  [[nodiscard]] std::uint64_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

 private:
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free,
                "AtomicCounter needs lock-free 64-bit atomics");

  std::atomic<std::uint64_t> value_{0};  // Written by every incrementing thread.
};

// A counter split into per-thread shards, one cache line each, indexed by the thread index from
// thread_index.h.
//
// Fast path: a thread whose index is below shard_count() is the only writer of its shard, so
// increment() is a relaxed load, an add and a relaxed store. These are plain moves on x86-64 and
// ARM64, with no lock prefix and no cache line shared with another writer. A thread index passes
// to a new thread only after the previous owner exited, and thread_index.h guarantees that the
// old owner's writes happen-before the new owner's, so a reused shard loses no increment.
//
// Slow path: a thread without an index acquires one on its first increment (which takes the
// thread index registry's mutex once per thread). Threads whose index is shard_count() or more,
// and threads that increment during their own exit after the index was released, add to a
// shared overflow shard with an atomic fetch_add, which is as costly as AtomicCounter.
//
// value() while increments run: it sums the shards one after the other with relaxed loads, so
// it is not a snapshot of one instant. It includes every increment that happens-before the call
// and at most the increments made so far, and successive calls from one thread never return
// less (until the total wraps past 2^64). Two threads that read concurrently may see concurrent
// increments in different orders.
//
// Memory: shard_count() + 1 cache lines, 4 KiB plus 64 bytes with the default shard count.
class alignas(kCacheLineSize) ShardedCounter {
 public:
  // Default number of shards. Thread indices are process-wide and reused after a thread exits,
  // so this covers any process that runs at most 64 threads at once.
  static constexpr std::size_t kDefaultShardCount = 64;
  // Largest accepted shard count: 4096 shards take 256 KiB.
  static constexpr std::size_t kMaxShardCount = 4096;

  // Creates a counter with `shard_count` per-thread shards and a shared overflow shard. Throws
  // std::invalid_argument when shard_count is 0 or above kMaxShardCount.
  explicit ShardedCounter(std::size_t shard_count = kDefaultShardCount)
      : shard_count_(checked_shard_count(shard_count)),
        shards_(std::make_unique<Shard[]>(shard_count)) {}

  ShardedCounter(const ShardedCounter&) = delete;
  ShardedCounter& operator=(const ShardedCounter&) = delete;

  // Adds `n`. Lock-free and never blocks, except that a thread's first call may take the thread
  // index registry's mutex and allocate (see thread_index.h).
  void increment(std::uint64_t n = 1) {
    const std::size_t index = current_thread_index();
    if (index < shard_count_) [[likely]] {
      add_to_own_shard(shards_[index], n);
      return;
    }
    increment_slow(n);
  }

  // Returns the sum of all shards. See the class comment for what it guarantees while other
  // threads increment.
  [[nodiscard]] std::uint64_t value() const noexcept {
    std::uint64_t total = overflow_.value.load(std::memory_order_relaxed);
    for (std::size_t index = 0; index < shard_count_; ++index) {
      total += shards_[index].value.load(std::memory_order_relaxed);
    }
    return total;
  }

  [[nodiscard]] std::size_t shard_count() const noexcept { return shard_count_; }

 private:
  struct alignas(kCacheLineSize) Shard {
    // Written by the thread that owns the shard's thread index, or, for the overflow shard, by
    // any thread with fetch_add. Read by value() from any thread.
    std::atomic<std::uint64_t> value{0};
  };
  static_assert(sizeof(Shard) == kCacheLineSize, "a Shard must fill exactly one cache line");
  static_assert(alignof(Shard) == kCacheLineSize, "a Shard must start a cache line");
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free,
                "ShardedCounter needs lock-free 64-bit atomics");

  static std::size_t checked_shard_count(std::size_t shard_count) {
    if (shard_count == 0 || shard_count > kMaxShardCount) {
      throw std::invalid_argument("ShardedCounter shard count " + std::to_string(shard_count) +
                                  " is invalid: expected 1 to " + std::to_string(kMaxShardCount));
    }
    return shard_count;
  }

  // Only the owner of the shard's thread index may call this.
  static void add_to_own_shard(Shard& shard, std::uint64_t n) noexcept {
    // Relaxed load and store without a read-modify-write: this thread is the shard's only
    // writer, so the load returns its own last store (or the previous owner's, which
    // happens-before it). Readers need no ordering beyond the atomicity of each store.
    const std::uint64_t current = shard.value.load(std::memory_order_relaxed);
    shard.value.store(current + n, std::memory_order_relaxed);
  }

  void increment_slow(std::uint64_t n) {
    const std::size_t index = acquire_thread_index();
    if (index < shard_count_) {
      add_to_own_shard(shards_[index], n);
      return;
    }
    // Relaxed: as in AtomicCounter, the read-modify-write alone makes the add count exactly once.
    overflow_.value.fetch_add(n, std::memory_order_relaxed);
  }

  // Read-only after construction, on the object's first cache line, which no writer touches.
  const std::size_t shard_count_;
  const std::unique_ptr<Shard[]> shards_;

  // Starts the next cache line because Shard is aligned to one.
  Shard overflow_;
};

}  // namespace paybench
