// InternTable: the unsynchronized set of interned strings that both interners build on.
//
// Contract: find() and insert() take the text's hash from InternTable::hash(), so a caller that
// picks a shard by hash computes it once. The table stores each distinct text once in its own
// StringArena, so returned views stay valid and keep the same data() for the table's lifetime.
// find() never allocates. Not thread-safe: the interners guard each table with a shared_mutex
// (find() under a shared lock, insert() under the unique lock).

#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "paybench/memory/string_arena.h"

namespace paybench {

class InternTable {
 public:
  explicit InternTable(std::size_t arena_block_size = StringArena::kDefaultBlockSize)
      : arena_(arena_block_size) {}

  [[nodiscard]] static std::size_t hash(std::string_view text) noexcept {
    return std::hash<std::string_view>{}(text);
  }

  // Returns the stored view equal to text, or std::nullopt. Never allocates.
  [[nodiscard]] std::optional<std::string_view> find(std::string_view text,
                                                     std::size_t text_hash) const {
    const auto found = entries_.find(Entry{text, text_hash});
    if (found == entries_.end()) {
      return std::nullopt;
    }
    return found->text;
  }

  // Copies text into the arena and returns the stored view. The caller must have checked with
  // find() that the text is absent. Throws std::bad_alloc.
  std::string_view insert(std::string_view text, std::size_t text_hash);

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

 private:
  // A text with its hash, so that lookups and rehashing never hash the characters again.
  struct Entry {
    std::string_view text;
    std::size_t hash;
  };

  struct EntryHash {
    std::size_t operator()(const Entry& entry) const noexcept { return entry.hash; }
  };

  struct EntryEqual {
    bool operator()(const Entry& left, const Entry& right) const noexcept {
      return left.hash == right.hash && left.text == right.text;
    }
  };

  StringArena arena_;
  std::unordered_set<Entry, EntryHash, EntryEqual> entries_;
};

}  // namespace paybench
