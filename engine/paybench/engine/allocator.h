// The allocators paybench can measure under, and which one is active in this process.
//
// `paybench run --allocator NAME` re-executes paybench with the allocator's Debian library in
// LD_PRELOAD (glibc: with no LD_PRELOAD). The result records what detect_active_allocator()
// finds inside the measuring process, never just the requested name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace paybench::engine {

struct AllocatorInfo {
  std::string name;            // glibc, jemalloc, tcmalloc or mimalloc
  std::string library_path;    // shared object to preload; empty for glibc
  std::string debian_package;  // the package that installs library_path
};

// glibc, jemalloc, tcmalloc (gperftools' tcmalloc_minimal) and mimalloc, in that order.
const std::vector<AllocatorInfo>& known_allocators();

// gperftools' full tcmalloc (libtcmalloc.so.4), which contains the heap profiler. It is the
// "tcmalloc" allocator with more in it: measure with known_allocators()' tcmalloc_minimal.
const AllocatorInfo& heap_profiling_allocator();

// Returns the allocator called `name`, or nullptr.
const AllocatorInfo* find_allocator(std::string_view name);

// Returns the names of known_allocators() joined with ", ", for messages.
std::string known_allocator_names();

struct ActiveAllocator {
  std::string name;     // as in known_allocators(), or "unknown"
  std::string version;  // as the library reports it
  std::string library;  // path of the shared object that provides malloc
};

// Finds the shared object that provides malloc to this process and queries its version
// (jemalloc's mallctl("version"), tcmalloc's tc_version, mimalloc's mi_version, glibc's
// gnu_get_libc_version).
ActiveAllocator detect_active_allocator();

// Returns `environment` with LD_PRELOAD set for `allocator` (removed for glibc).
std::vector<std::string> environment_with_allocator(const std::vector<std::string>& environment,
                                                    const AllocatorInfo& allocator);

}  // namespace paybench::engine
