// Allocation counts of the calling thread, as Go's -benchmem reports them.
//
// The paybench executable links malloc_hooks.cc, which replaces malloc and its family and the
// global operator new/delete with forwarding versions that count each allocation here before
// calling the active allocator (glibc, or the library in LD_PRELOAD). Sanitizer builds count
// through the sanitizer's allocation hooks instead. A binary without either reports counting
// as inactive and every count stays zero.
#pragma once

#include <cstdint>

namespace paybench::engine {

struct AllocationCounts {
  std::uint64_t allocations = 0;
  std::uint64_t bytes = 0;  // bytes requested, not the allocator's rounded-up size

  AllocationCounts operator-(const AllocationCounts& earlier) const {
    return {allocations - earlier.allocations, bytes - earlier.bytes};
  }
  AllocationCounts& operator+=(const AllocationCounts& other) {
    allocations += other.allocations;
    bytes += other.bytes;
    return *this;
  }
};

namespace detail {

// Constant-initialized and trivially destructible, so the allocation hooks can update them from
// any thread at any time, including before main and during thread exit, with no TLS wrapper
// call. Written only by the owning thread.
inline constinit thread_local std::uint64_t t_allocations = 0;
inline constinit thread_local std::uint64_t t_bytes = 0;

// Called by the allocation hooks on every allocation; not for other callers.
inline void count_allocation(std::uint64_t bytes) noexcept {
  ++t_allocations;
  t_bytes += bytes;
}

void mark_allocation_counting_active() noexcept;

}  // namespace detail

// Returns this thread's totals since the thread started.
inline AllocationCounts thread_allocation_counts() noexcept {
  return {detail::t_allocations, detail::t_bytes};
}

// Returns whether allocations are counted in this binary.
bool allocation_counting_active() noexcept;

}  // namespace paybench::engine
