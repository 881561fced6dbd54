// ShardedInterner: a string interner split into N independent shards chosen by hash, so threads
// interning different texts rarely touch the same lock.
//
// Contract: the same as SharedMutexInterner. intern() returns views that stay valid for the
// interner's lifetime, and equal texts return the same data() pointer, because a text's hash
// always selects the same shard. A hit takes only its shard's shared lock and never allocates.
// Each shard is a SharedMutexInterner-style table with its own std::shared_mutex and arena.
//
// Design choice: reads still take a shared lock. A lock-free read path (for example an
// open-addressing table with atomically published entries) would avoid the reader-count atomic
// of std::shared_mutex, but it needs safe memory reclamation when the table grows. Sharding
// already divides that cache-line contention by the shard count.

#pragma once

#include <cstddef>
#include <memory>
#include <shared_mutex>
#include <string_view>
#include <vector>

#include "paybench/memory/intern_table.h"
#include "paybench/memory/string_arena.h"
#include "paybench/memory/thread_cache.h"

namespace paybench {

class ShardedInterner {
 public:
  static constexpr std::size_t kDefaultShardCount = 16;
  static constexpr std::size_t kMaxShardCount = 1024;

  // Throws std::invalid_argument when shard_count is not a power of two in [1, kMaxShardCount].
  explicit ShardedInterner(std::size_t shard_count = kDefaultShardCount,
                           std::size_t arena_block_size = StringArena::kDefaultBlockSize);

  ShardedInterner(const ShardedInterner&) = delete;
  ShardedInterner& operator=(const ShardedInterner&) = delete;

  // Returns the interned copy of text. Throws std::bad_alloc on a miss that cannot allocate.
  [[nodiscard]] std::string_view intern(std::string_view text);

  // Returns the number of distinct texts interned. Under concurrent intern() calls the shards
  // are counted one after another, so the total is approximate.
  [[nodiscard]] std::size_t size() const;

  [[nodiscard]] std::size_t shard_count() const noexcept { return shards_.size(); }

 private:
  // Aligned so that two shards' locks never share a cache line.
  struct alignas(kCacheLineSize) Shard {
    explicit Shard(std::size_t arena_block_size) : table(arena_block_size) {}

    mutable std::shared_mutex mutex;
    // Guarded by mutex: read under a shared lock, written under the unique lock.
    InternTable table;
  };

  Shard& shard_for(std::size_t text_hash) noexcept;

  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace paybench
