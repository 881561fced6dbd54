// Reading the heap profiles that gperftools' heap profiler (HeapProfilerDump) writes, and the
// allocations made between two of them.
//
// The file is text. Its first line is the header
//   heap profile: <in-use objects>: <in-use bytes> [<allocated objects>: <allocated bytes>] @ heapprofile
// Each following line is one call stack of allocations, the caller of the allocator first:
//   <in-use objects>: <in-use bytes> [<allocated objects>: <allocated bytes>] @ 0x... 0x...
// The allocated columns count every allocation since HeapProfilerStart; the in-use columns
// subtract the frees. A line "MAPPED_LIBRARIES:" ends the stacks and the text of
// /proc/self/maps follows it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "paybench/engine/cpu_profile.h"
#include "paybench/reports/input_error.h"

namespace paybench::engine {

// The allocations made with one call stack.
struct HeapBucket {
  std::int64_t in_use_objects = 0;
  std::int64_t in_use_bytes = 0;
  // gperftools counts objects in a 32-bit integer that wraps around; differences of two dumps
  // are right modulo 2^32 (see allocations_between()).
  std::uint32_t allocated_objects = 0;
  std::int64_t allocated_bytes = 0;
  // Return addresses, the caller of the allocator first, as in the file.
  std::vector<std::uint64_t> stack;
};

struct HeapProfile {
  std::vector<HeapBucket> buckets;
  // The lines of the maps text that parse_maps() recognises.
  std::vector<MappedObject> mappings;
};

// A heap profile that is not in the expected format. what() reads
// "<source>: line <n>: <problem>; expected <form>".
class HeapProfileError : public reports::InputError {
 public:
  HeapProfileError(std::string source, std::size_t line_number, std::string problem);
  std::size_t line_number() const noexcept { return line_number_; }

 private:
  std::size_t line_number_;
};

// gperftools records at most 32 frames. A deeper stack in a file is rejected rather than
// trusted, so a hostile file cannot make the reader allocate without bound.
inline constexpr std::size_t kMaxHeapStackDepth = 256;

// Parses the text of a heap profile. Throws HeapProfileError naming `source_name`, the 1-based
// line and the expected form when the text is empty, has no header, or lacks the
// MAPPED_LIBRARIES line (a cut file). It also throws for a malformed stack line, a stack of more
// than kMaxHeapStackDepth frames, an allocated object count beyond 32 bits and a negative
// allocated byte count.
HeapProfile parse_heap_profile(std::string_view text, std::string_view source_name);

// Reads and parses the heap profile at `path`. Throws reports::InputError when the file cannot
// be read, and HeapProfileError as parse_heap_profile() does.
HeapProfile read_heap_profile(const std::filesystem::path& path);

// Allocations made with one call stack between two dumps.
struct AllocationDelta {
  std::uint64_t objects = 0;
  std::uint64_t bytes = 0;
};

// Adds to `into` the allocations of each call stack made after `before` and up to `after`,
// two dumps of one HeapProfilerStart. A stack absent from `before` counts from zero. Stacks
// without new allocations are left out.
void add_allocations_between(const HeapProfile& before, const HeapProfile& after,
                             std::map<std::vector<std::uint64_t>, AllocationDelta>& into);

}  // namespace paybench::engine
