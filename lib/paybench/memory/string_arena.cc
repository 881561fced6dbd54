#include "paybench/memory/string_arena.h"

#include <cstring>
#include <stdexcept>

namespace paybench {

namespace {
// A text longer than a quarter block gets a block of its own, so that a large text never wastes
// most of the current block's free space.
constexpr std::size_t kDedicatedBlockDivisor = 4;
}  // namespace

StringArena::StringArena(std::size_t block_size) : block_size_(block_size) {
  if (block_size == 0) {
    throw std::invalid_argument("StringArena block_size = 0 is invalid: pass 1 byte or more");
  }
}

std::string_view StringArena::store(std::string_view text) {
  const std::size_t bytes = text.size() + 1;

  char* destination = nullptr;
  const bool needs_dedicated_block = bytes > block_size_ / kDedicatedBlockDivisor;
  if (bytes <= remaining_bytes_) {
    destination = cursor_;
    cursor_ += bytes;
    remaining_bytes_ -= bytes;
  } else if (needs_dedicated_block) {
    destination = allocate_block(bytes);
  } else {
    destination = allocate_block(block_size_);
    cursor_ = destination + bytes;
    remaining_bytes_ = block_size_ - bytes;
  }

  if (!text.empty()) {
    std::memcpy(destination, text.data(), text.size());
  }
  destination[text.size()] = '\0';
  return {destination, text.size()};
}

char* StringArena::allocate_block(std::size_t bytes) {
  // Reserve the slot first so that push_back cannot throw after the block exists.
  blocks_.reserve(blocks_.size() + 1);
  blocks_.push_back(std::make_unique_for_overwrite<char[]>(bytes));
  return blocks_.back().get();
}

}  // namespace paybench
