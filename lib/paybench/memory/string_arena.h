// StringArena: append-only storage for characters whose addresses never change.
//
// Contract: `store(text)` copies the text followed by a NUL into the arena and returns a view of
// the copy. The view (and its data() as a C string) stays valid until the arena is destroyed,
// however many strings are stored later, because blocks are never moved or freed before then.
// Every call returns a distinct address, even for an empty text. Not thread-safe: the owner
// serializes calls.

#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace paybench {

class StringArena {
 public:
  static constexpr std::size_t kDefaultBlockSize = 16 * 1024;

  // Throws std::invalid_argument when block_size is 0.
  explicit StringArena(std::size_t block_size = kDefaultBlockSize);

  StringArena(const StringArena&) = delete;
  StringArena& operator=(const StringArena&) = delete;

  // Copies text and a terminating NUL into the arena and returns a view of the copy (without
  // the NUL). Throws std::bad_alloc, leaving the arena unchanged.
  std::string_view store(std::string_view text);

  // Returns the number of blocks allocated so far.
  [[nodiscard]] std::size_t block_count() const noexcept { return blocks_.size(); }

 private:
  // Allocates a block of `bytes` and records it. Throws std::bad_alloc.
  char* allocate_block(std::size_t bytes);

  const std::size_t block_size_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  // Free space at the end of the current block, [cursor_, cursor_ + remaining_bytes_).
  char* cursor_ = nullptr;
  std::size_t remaining_bytes_ = 0;
};

}  // namespace paybench
