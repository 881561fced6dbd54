// What paybench_heap_profile_capture allocates, for the tests that read its heap profile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace paybench::engine::testing {

inline constexpr std::size_t kBlockBytes = 48;
inline constexpr std::size_t kMeasuredBlocks = 100;
inline constexpr std::size_t kUnmeasuredBlocks = 7;
inline constexpr std::int64_t kMeasuredIterations = 25;

// The demangled name that the symbolizer should find for allocate_blocks().
inline constexpr const char* kAllocateBlocksName =
    "paybench::engine::testing::allocate_blocks(unsigned long)";

// Allocates `count` blocks of kBlockBytes with malloc, plus the vector that holds them.
std::vector<void*> allocate_blocks(std::size_t count);

}  // namespace paybench::engine::testing
