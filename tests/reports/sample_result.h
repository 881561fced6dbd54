// A realistic result for tests and the sample files: three families, repetitions with noise,
// Google Benchmark's aggregates, counters, one failed benchmark and computed comparisons.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "paybench/reports/result.h"

namespace paybench::reports::testing {

struct SampleOptions {
  std::uint64_t seed = 1;
  int repetitions = 10;
  // Multiplies every time of the candidate variants, to make a second, different file.
  double candidate_time_factor = 1.0;
  // Runs every benchmark under these allocators (an allocator matrix); one entry is a plain
  // run. The first is the baseline of the allocator comparisons.
  std::vector<std::string> allocators = {"glibc"};
};

Result make_sample_result(const SampleOptions& options = {});

// A small result with fixed times, for checking rendered cells. Family "pool", workload
// "get_put", size 256: variant malloc is the baseline (6.1/6.16/6.2 ns, 1 alloc and 256 bytes
// per op) and free_list the candidate (1.98/2.0/2.02 ns, no allocation), with their
// comparison. The instance "pool/get_put/free_list/size:1048576/threads:1" failed in both
// repetitions with "size exceeds the pool's slab".
Result make_fixed_result();

}  // namespace paybench::reports::testing
