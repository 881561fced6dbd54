// A per-thread bounded cache of raw pointers with a bounded shared overflow: the storage behind
// ObjectPool and BufferPool.
//
// Contract:
// - `take()` returns a cached item or nullptr, and `put(item)` caches the item or disposes of it.
//   The cache owns every item it contains and disposes of all of them in its destructor.
// - Bounds: each thread's slot contains at most `limits.per_thread` items and the shared
//   overflow at most `limits.shared`. An item that fits in neither is disposed of at once, so
//   `cached_count() <= per_thread * slots_used + shared` at all times, where slots_used counts
//   the distinct thread indices below max_threads that have called take() or put().
// - Threads whose index (see thread_index.h) is below `limits.max_threads` own one slot each.
//   Other threads, threads during exit, and caches with `per_thread == 0` use the shared overflow
//   under its mutex for every call.
// - When a thread exits, the items in its slot stay there and belong to the next thread that
//   receives the same thread index. thread_index.h explains why that hand-over is race free.
// - The destructor must not run concurrently with any other call, and the caller must ensure
//   that every thread's last call happens before it (for example by joining the threads).
//
// Fast path: `take()` and `put()` inline to a thread-local load, a bounds check and one slot
// access, with no lock, no read-modify-write atomic and no call. A slot's count is a relaxed
// atomic only so that `cached_count()` may read it from another thread: the owner thread is its
// only writer, and a relaxed load or store compiles to a plain move on x86-64 and ARM64.
// Slow path: an empty slot refills from the shared overflow, taking up to half a slot at once,
// and a full slot spills its oldest half to the shared overflow. A long run of only gets or only
// puts therefore takes the lock about once per per_thread/2 calls.

#pragma once

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "paybench/memory/thread_index.h"

namespace paybench {

// Assumed size of a cache line, which is 64 bytes on x86-64 and most ARM64 cores. GCC's
// std::hardware_destructive_interference_size is avoided because its value may change with
// -mtune, which would change the layout between translation units.
inline constexpr std::size_t kCacheLineSize = 64;

// Bounds of a pool's cache. Items beyond them are freed rather than cached.
struct PoolLimits {
  // Maximum items in one thread's slot. Only the owner thread touches its slot.
  std::size_t per_thread = 64;
  // Maximum items in the overflow shared by all threads, which is guarded by a mutex.
  std::size_t shared = 1024;
  // Number of per-thread slots. Threads with a larger thread index use only the shared overflow.
  std::size_t max_threads = 64;

  // Largest accepted values. They keep a slot's count in 32 bits and the memory that the cache
  // reserves up front (pointers for the shared overflow, 64 bytes for each slot) below 9 MiB.
  static constexpr std::size_t kMaxPerThread = std::size_t{1} << 20;
  static constexpr std::size_t kMaxShared = std::size_t{1} << 20;
  static constexpr std::size_t kMaxThreads = std::size_t{1} << 12;
};

// Throws std::invalid_argument naming the field when a limit exceeds its maximum.
inline void validate_pool_limits(const PoolLimits& limits) {
  const auto check = [](const char* field, std::size_t value, std::size_t max) {
    if (value > max) {
      throw std::invalid_argument("PoolLimits." + std::string(field) + " = " +
                                  std::to_string(value) + " is above the maximum " +
                                  std::to_string(max) + ": choose a smaller bound");
    }
  };
  check("per_thread", limits.per_thread, PoolLimits::kMaxPerThread);
  check("shared", limits.shared, PoolLimits::kMaxShared);
  check("max_threads", limits.max_threads, PoolLimits::kMaxThreads);
}

// A Disposer frees one item that the cache will not keep. It must not throw, because the cache
// calls it from its destructor.
template <class Disposer, class Item>
concept ItemDisposer = std::is_nothrow_invocable_v<Disposer&, Item*>;

template <class Item, ItemDisposer<Item> Disposer>
class ThreadCache {
 public:
  explicit ThreadCache(PoolLimits limits, Disposer disposer = Disposer())
      : max_threads_(limits.max_threads),
        per_thread_(static_cast<std::uint32_t>(limits.per_thread)),
        batch_size_(std::max<std::uint32_t>(1, per_thread_ / 2)),
        shared_limit_(limits.shared),
        disposer_(std::move(disposer)) {
    validate_pool_limits(limits);
    slot_storage_ = std::make_unique<Slot[]>(kLeadingPadSlots + max_threads_);
    slots_ = slot_storage_.get() + kLeadingPadSlots;
    // Reserving the whole overflow now means that pushing under the mutex never allocates.
    shared_.reserve(shared_limit_);
  }

  ThreadCache(const ThreadCache&) = delete;
  ThreadCache& operator=(const ThreadCache&) = delete;

  ~ThreadCache() {
    for (std::size_t index = 0; index < max_threads_; ++index) {
      Slot& slot = slots_[index];
      const std::uint32_t count = slot.count.load(std::memory_order_relaxed);
      for (std::uint32_t i = 0; i < count; ++i) {
        disposer_(slot.items[i]);
      }
      free_slot_items(slot.items);
    }
    for (Item* item : shared_) {
      disposer_(item);
    }
  }

  // Removes and returns an item cached by this thread, else up to half a slot of items from the
  // shared overflow, else returns nullptr. The slow path takes the mutex and may allocate the
  // thread's slot storage (std::bad_alloc leaves the cache unchanged).
  [[nodiscard]] Item* take() {
    const std::size_t index = current_thread_index();
    if (index < max_threads_) [[likely]] {
      Slot& slot = slots_[index];
      const std::uint32_t count = slot.count.load(std::memory_order_relaxed);
      if (count != 0) [[likely]] {
        slot.count.store(count - 1, std::memory_order_relaxed);
        return slot.items[count - 1];
      }
    }
    return take_slow();
  }

  // Caches the item, taking ownership, or disposes of it when both this thread's slot and the
  // shared overflow are full. Returns true when the item was cached.
  bool put(Item* item) {
    assert(item != nullptr && "ThreadCache::put(nullptr): cache only items that exist");
    const std::size_t index = current_thread_index();
    if (index < max_threads_) [[likely]] {
      Slot& slot = slots_[index];
      const std::uint32_t count = slot.count.load(std::memory_order_relaxed);
      if (count < slot.capacity) [[likely]] {
        slot.items[count] = item;
        slot.count.store(count + 1, std::memory_order_relaxed);
        return true;
      }
    }
    return put_slow(item);
  }

  // Returns the number of cached items: exact when no other thread is calling take() or put(),
  // an approximation while they do.
  [[nodiscard]] std::size_t cached_count() const {
    std::size_t total = 0;
    for (std::size_t index = 0; index < max_threads_; ++index) {
      total += slots_[index].count.load(std::memory_order_relaxed);
    }
    std::lock_guard lock(mutex_);
    return total + shared_.size();
  }

 private:
  // One thread's cache. Only the thread with the slot's thread index reads or writes it. The
  // exceptions are cached_count(), which reads `count`, and the destructor.
  struct alignas(kCacheLineSize) Slot {
    // Number of items in items[0, count). Written only by the owner thread.
    std::atomic<std::uint32_t> count{0};
    // Length of `items`: 0 until the owner thread first uses the slot, per_thread_ afterwards.
    // A capacity of 0 sends put() to the slow path, which allocates `items`.
    std::uint32_t capacity = 0;
    // A stack: items[count - 1] is the most recently cached, which is likely still in cache.
    Item** items = nullptr;
  };
  static_assert(sizeof(Slot) == kCacheLineSize, "one slot per cache line avoids false sharing");
  static_assert(alignof(Slot) == kCacheLineSize, "slots must start on a cache line");
  static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

  // Slot storage is aligned to and sized in whole cache lines, so two threads' arrays never share
  // a line.
  static Item** allocate_slot_items(std::uint32_t capacity) {
    const std::size_t bytes = round_up_to_cache_line(capacity * sizeof(Item*));
    return static_cast<Item**>(::operator new(bytes, std::align_val_t{kCacheLineSize}));
  }

  static void free_slot_items(Item** items) noexcept {
    ::operator delete(items, std::align_val_t{kCacheLineSize});
  }

  static constexpr std::size_t round_up_to_cache_line(std::size_t bytes) {
    return (bytes + kCacheLineSize - 1) / kCacheLineSize * kCacheLineSize;
  }

  // Returns this thread's slot, assigning the thread index and allocating the slot's storage on
  // first use, or nullptr when this thread must use the shared overflow only.
  Slot* own_slot() {
    const std::size_t index = acquire_thread_index();
    const bool uses_shared_only = index >= max_threads_ || per_thread_ == 0;
    if (uses_shared_only) {
      return nullptr;
    }

    Slot& slot = slots_[index];
    if (slot.capacity == 0) {
      slot.items = allocate_slot_items(per_thread_);
      slot.capacity = per_thread_;
    }
    return &slot;
  }

  [[gnu::noinline]] Item* take_slow() {
    Slot* slot = own_slot();
    if (slot == nullptr) {
      std::lock_guard lock(mutex_);
      if (shared_.empty()) {
        return nullptr;
      }
      Item* item = shared_.back();
      shared_.pop_back();
      return item;
    }

    // The fast path also lands here when the thread had no index yet, so the slot may hold items.
    const std::uint32_t count = slot->count.load(std::memory_order_relaxed);
    if (count != 0) {
      slot->count.store(count - 1, std::memory_order_relaxed);
      return slot->items[count - 1];
    }

    std::uint32_t moved = 0;
    {
      std::lock_guard lock(mutex_);
      moved = static_cast<std::uint32_t>(std::min<std::size_t>(batch_size_, shared_.size()));
      const auto first_moved = shared_.end() - moved;
      std::copy(first_moved, shared_.end(), slot->items);
      shared_.erase(first_moved, shared_.end());
    }
    if (moved == 0) {
      return nullptr;
    }
    slot->count.store(moved - 1, std::memory_order_relaxed);
    return slot->items[moved - 1];
  }

  [[gnu::noinline]] bool put_slow(Item* item) {
    Slot* slot = own_slot();
    if (slot == nullptr) {
      {
        std::lock_guard lock(mutex_);
        if (shared_.size() < shared_limit_) {
          shared_.push_back(item);
          return true;
        }
      }
      disposer_(item);
      return false;
    }

    const std::uint32_t count = slot->count.load(std::memory_order_relaxed);
    if (count < slot->capacity) {
      slot->items[count] = item;
      slot->count.store(count + 1, std::memory_order_relaxed);
      return true;
    }

    // The slot is full: spill its oldest items, which are the least likely to be in the CPU
    // cache, to the shared overflow as far as the overflow has room.
    std::uint32_t moved = 0;
    {
      std::lock_guard lock(mutex_);
      const std::size_t room = shared_limit_ - shared_.size();
      moved = static_cast<std::uint32_t>(std::min<std::size_t>(batch_size_, room));
      shared_.insert(shared_.end(), slot->items, slot->items + moved);
    }
    if (moved == 0) {
      disposer_(item);
      return false;
    }

    const std::uint32_t kept = count - moved;
    std::memmove(slot->items, slot->items + moved, kept * sizeof(Item*));
    slot->items[kept] = item;
    slot->count.store(kept + 1, std::memory_order_relaxed);
    return true;
  }

  // The slot array starts one cache line into its allocation. jemalloc, tcmalloc and mimalloc
  // return 4 KiB-aligned blocks for 4 KiB requests, so without the pad slot 0's count would share
  // an L1 set with the first line of every pooled 4 KiB object. Measured with
  // `paybench run 'memory/object_pool/*/size:4096/batch:32/threads:1' --allocator tcmalloc`, the
  // pool's get+put went from 26 ns to 11 ns per pair with the pad.
  static constexpr std::size_t kLeadingPadSlots = 1;

  // Read-only after construction, and read by every fast-path call.
  std::unique_ptr<Slot[]> slot_storage_;
  Slot* slots_ = nullptr;  // slot_storage_ + kLeadingPadSlots
  const std::size_t max_threads_;
  const std::uint32_t per_thread_;
  // Number of items moved per refill or spill.
  const std::uint32_t batch_size_;
  const std::size_t shared_limit_;
  [[no_unique_address]] Disposer disposer_;

  // Kept off the line of the read-only fields above, which every thread reads on every call.
  alignas(kCacheLineSize) mutable std::mutex mutex_;
  // Guarded by mutex_. Its capacity is shared_limit_ from construction on.
  std::vector<Item*> shared_;
};

}  // namespace paybench
