// Merging the results of one run per allocator (`paybench run --allocators LIST`).
#pragma once

#include <string>
#include <vector>

#include "paybench/reports/result.h"

namespace paybench::engine {

// Returns `run_name` with an allocator:NAME segment before its threads:N segment, so that the
// same benchmark under two allocators keeps two distinct Google Benchmark names.
std::string run_name_with_allocator(const std::string& run_name, const std::string& allocator);

// Merges per-allocator results, in the given order, into one: the context of the first with
// every allocator listed, and all benchmarks renamed with run_name_with_allocator(). Comparisons
// are not merged: the caller computes them on the merged benchmarks.
reports::Result merge_allocator_results(const std::vector<reports::Result>& results);

}  // namespace paybench::engine
