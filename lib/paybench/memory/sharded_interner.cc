#include "paybench/memory/sharded_interner.h"

#include <bit>
#include <mutex>
#include <stdexcept>
#include <string>

namespace paybench {

namespace {
// Shards take bits 32 and above of the hash. All texts in one shard then share those bits but
// still differ in the low bits, which a table that indexes buckets by the low bits relies on.
constexpr int kShardHashShift = 32;
static_assert(sizeof(std::size_t) * 8 > kShardHashShift, "std::size_t must be 64 bits");
}  // namespace

ShardedInterner::ShardedInterner(std::size_t shard_count, std::size_t arena_block_size) {
  const bool valid = std::has_single_bit(shard_count) && shard_count <= kMaxShardCount;
  if (!valid) {
    throw std::invalid_argument("ShardedInterner shard_count = " + std::to_string(shard_count) +
                                " is invalid: pass a power of two from 1 to " +
                                std::to_string(kMaxShardCount));
  }

  shards_.reserve(shard_count);
  for (std::size_t i = 0; i < shard_count; ++i) {
    shards_.push_back(std::make_unique<Shard>(arena_block_size));
  }
}

ShardedInterner::Shard& ShardedInterner::shard_for(std::size_t text_hash) noexcept {
  const std::size_t shard_mask = shards_.size() - 1;
  return *shards_[(text_hash >> kShardHashShift) & shard_mask];
}

std::string_view ShardedInterner::intern(std::string_view text) {
  const std::size_t text_hash = InternTable::hash(text);
  Shard& shard = shard_for(text_hash);
  {
    std::shared_lock lock(shard.mutex);
    if (const auto found = shard.table.find(text, text_hash)) {
      return *found;
    }
  }

  std::unique_lock lock(shard.mutex);
  if (const auto found = shard.table.find(text, text_hash)) {
    return *found;
  }
  return shard.table.insert(text, text_hash);
}

std::size_t ShardedInterner::size() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::shared_lock lock(shard->mutex);
    total += shard->table.size();
  }
  return total;
}

}  // namespace paybench
