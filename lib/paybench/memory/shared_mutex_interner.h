// SharedMutexInterner: the classic string interner, one table behind one std::shared_mutex.
//
// Contract: `intern(text)` returns a view of the interner's own copy of text. The view stays
// valid for the interner's lifetime, and equal texts always return views with the same data()
// pointer. A hit (text already interned) takes only the shared lock and never allocates. A miss
// takes the unique lock, looks again because another thread may have inserted the text between
// the two locks, and copies the text into an arena. All members are safe to call concurrently.

#pragma once

#include <cstddef>
#include <shared_mutex>
#include <string_view>

#include "paybench/memory/intern_table.h"
#include "paybench/memory/string_arena.h"

namespace paybench {

class SharedMutexInterner {
 public:
  explicit SharedMutexInterner(std::size_t arena_block_size = StringArena::kDefaultBlockSize)
      : table_(arena_block_size) {}

  SharedMutexInterner(const SharedMutexInterner&) = delete;
  SharedMutexInterner& operator=(const SharedMutexInterner&) = delete;

  // Returns the interned copy of text. Throws std::bad_alloc on a miss that cannot allocate.
  [[nodiscard]] std::string_view intern(std::string_view text);

  // Returns the number of distinct texts interned.
  [[nodiscard]] std::size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  // Guarded by mutex_: read under a shared lock, written under the unique lock.
  InternTable table_;
};

}  // namespace paybench
