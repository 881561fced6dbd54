// Naming the allocations of measured regions: folded stacks of the bytes allocated and the
// allocation sites that account for a variant's allocs/op and bytes/op.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "paybench/engine/heap_profile.h"
#include "paybench/engine/symbolizer.h"
#include "paybench/reports/folded_stacks.h"
#include "paybench/reports/result.h"

namespace paybench::engine {

struct NamedAllocations {
  // Bytes allocated per call stack, root first, the allocating function last. Stacks whose
  // names are identical are merged.
  reports::FoldedProfile bytes_by_stack;
  // Every allocating function, the one with the most allocations first (then the most bytes,
  // then by name), with allocations per iteration.
  std::vector<reports::AllocationSite> sites;
  std::uint64_t objects = 0;
  std::uint64_t bytes = 0;
};

// Returns whether `function` belongs to the allocator rather than to the program that asks it
// for memory: malloc and its family, operator new and delete, tcmalloc's entry points and
// paybench's allocation counter.
bool is_allocator_function(std::string_view function);

// Names each stack of `allocations` with `symbolizer` (every address is a return address),
// drops the allocator's own frames at the top of each stack, and divides by `iterations`
// (which must be > 0) for the sites. A stack made only of allocator frames keeps its last one.
NamedAllocations name_allocations(
    const std::map<std::vector<std::uint64_t>, AllocationDelta>& allocations,
    const Symbolizer& symbolizer, std::int64_t iterations);

}  // namespace paybench::engine
