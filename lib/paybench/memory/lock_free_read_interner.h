// LockFreeReadInterner: a string interner whose hit path takes no lock and performs no atomic
// read-modify-write, so concurrent readers never write to a shared cache line.
//
// Contract: the same as SharedMutexInterner. intern() returns a view of the interner's own copy
// of text, NUL-terminated, that stays valid for the interner's lifetime, and equal texts always
// return views with the same data() pointer. All members are safe to call concurrently, except
// the destructor, which must run after every other call has returned.
//
// Hit path: one acquire load of the current table pointer, then linear probing from the hash
// with one acquire load per slot, comparing the stored hash and then the bytes. It never
// allocates, never blocks, and ends at an equal entry or at an empty slot. An empty slot always
// exists because a table is never more than half full (see kMaxLoadFactor below).
//
// Miss path: inserts are serialized by insert_mutex_. The inserter probes the current table
// again under the lock, because another thread may have inserted the text since the lock-free
// probe. It then copies the text into the arena, builds an immutable Entry, and publishes the
// entry's pointer in an empty slot with a release store.
//
// Why a reader that sees an entry also sees its bytes: the inserter writes the characters (into
// the arena) and the Entry fields before the release store of the slot. A reader that loads that
// slot with acquire and gets the pointer synchronizes with the store, so every one of those
// writes happens before the reader's own reads of the Entry and of the characters. Entries and
// characters are never written again after publication.
//
// Growth: when an insert would fill more than half the slots, the inserter allocates a table of
// twice the capacity, copies the entry pointers into it, and publishes it with a release store
// of current_table_. A reader that loads the new table pointer with acquire therefore sees the
// copied slots, and through the same chain (each entry was published under the same mutex
// before the copy) the entries' bytes. A reader still probing an old table can miss an entry
// inserted after the growth. It then takes the miss path, which finds the entry in the current
// table under the lock, so the result stays correct.
//
// Memory cost of growth: old tables are retired, not freed, until the interner is destroyed,
// because a reader may still be probing one and nothing tracks when the last one leaves. The
// capacities double from the initial capacity C0 up to the current capacity C, so the retired
// tables hold C0 + 2*C0 + ... + C/2 = C - C0 slots, fewer than the current table. Retired tables
// therefore cost less than C * sizeof(void*) bytes plus one small Table header each, and all
// tables together hold fewer than 2 * C slots. Apart from tables, each distinct text costs one
// Entry (a hash and a view) in entries_ and its characters plus a NUL in the arena.

#pragma once

#include <atomic>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "paybench/memory/string_arena.h"
#include "paybench/memory/thread_cache.h"

namespace paybench {

class LockFreeReadInterner {
 public:
  // A table grows before an insert would make more than kMaxLoadFactorNumerator /
  // kMaxLoadFactorDenominator of its slots non-empty. At load factor a, the classic estimates
  // for linear probing with a uniform hash are (1 + 1/(1-a)) / 2 probes for a hit and
  // (1 + 1/(1-a)^2) / 2 for a miss, so 1.5 and 2.5 at a = 1/2. Every table also keeps an empty
  // slot, which ends every probe.
  static constexpr std::size_t kMaxLoadFactorNumerator = 1;
  static constexpr std::size_t kMaxLoadFactorDenominator = 2;
  static constexpr double kMaxLoadFactor =
      static_cast<double>(kMaxLoadFactorNumerator) / kMaxLoadFactorDenominator;
  static_assert(kMaxLoadFactorNumerator < kMaxLoadFactorDenominator,
                "probes end at an empty slot, so a table must never fill up");

  static constexpr std::size_t kMinInitialCapacity = 2;
  static constexpr std::size_t kDefaultInitialCapacity = 64;

  // Throws std::invalid_argument when initial_capacity is not a power of two of at least
  // kMinInitialCapacity, or when arena_block_size is 0. Throws std::bad_alloc when the first
  // table cannot be allocated.
  explicit LockFreeReadInterner(std::size_t initial_capacity = kDefaultInitialCapacity,
                                std::size_t arena_block_size = StringArena::kDefaultBlockSize);

  LockFreeReadInterner(const LockFreeReadInterner&) = delete;
  LockFreeReadInterner& operator=(const LockFreeReadInterner&) = delete;

  // Returns the interned copy of text. A hit takes no lock and never allocates. A miss takes
  // insert_mutex_ and throws std::bad_alloc if it cannot allocate, leaving the set of interned
  // texts unchanged.
  [[nodiscard]] std::string_view intern(std::string_view text);

  // Returns the number of distinct texts interned. Under concurrent misses the value may lag the
  // inserts in progress, but it counts every insert that happens before the call.
  [[nodiscard]] std::size_t size() const noexcept;

  // Returns the slot count of the current table, a power of two that doubles on each growth.
  [[nodiscard]] std::size_t capacity() const noexcept;

 private:
  // An interned text with its hash, so that probes compare hashes before bytes and growth never
  // hashes the characters again. Immutable once its pointer is published in a slot.
  struct Entry {
    std::size_t hash;
    std::string_view text;
  };

  using Slot = std::atomic<const Entry*>;
  static_assert(Slot::is_always_lock_free, "the hit path relies on lock-free pointer loads");
  static_assert(std::atomic<std::size_t>::is_always_lock_free,
                "size() relies on a lock-free counter load");

  // An open-addressing table of entry pointers. capacity and slot_mask never change. Slots go
  // from nullptr to an entry pointer once and never change again, and only the holder of
  // insert_mutex_ stores into them.
  struct Table {
    explicit Table(std::size_t slot_count);

    const std::size_t capacity;
    const std::size_t slot_mask;
    const std::unique_ptr<Slot[]> slots;
  };

  [[nodiscard]] static std::size_t hash(std::string_view text) noexcept;

  // Returns the entry equal to text in table, or nullptr. Safe without the lock. Never allocates.
  [[nodiscard]] static const Entry* find(const Table& table, std::string_view text,
                                         std::size_t text_hash) noexcept;

  // Stores entry in the first empty slot of its probe sequence. The caller holds insert_mutex_
  // and has checked that entry is absent and that the table has an empty slot.
  static void place(Table& table, const Entry* entry, std::memory_order order) noexcept;

  // Makes a table of twice the capacity current, retiring the old one. Requires insert_mutex_.
  // Throws std::bad_alloc, leaving the current table in place.
  Table& grow(const Table& full_table);

  // Read by every intern() call with acquire. Written only by the holder of insert_mutex_, with
  // release, when a grown table replaces it. Always points into tables_.
  alignas(kCacheLineSize) std::atomic<Table*> current_table_;

  // The fields below are written only on the miss path, so they live on other cache lines than
  // current_table_ and do not slow the readers' loads of it.
  alignas(kCacheLineSize) std::mutex insert_mutex_;

  // Written only by the holder of insert_mutex_, with relaxed stores. Read by size() with
  // relaxed loads.
  std::atomic<std::size_t> size_{0};

  // Guarded by insert_mutex_. Every table ever used, in order of growth, so the back one is
  // current. Retired tables stay here until destruction because readers may still probe them.
  std::vector<std::unique_ptr<Table>> tables_;

  // Guarded by insert_mutex_. Readers reach entries only through published slot pointers, and
  // std::deque::push_back never moves existing elements, so those pointers stay valid.
  std::deque<Entry> entries_;

  // Guarded by insert_mutex_. Readers reach the characters only through published entries.
  StringArena arena_;
};

}  // namespace paybench
