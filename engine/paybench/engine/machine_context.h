// The machine and build a result comes from.
#pragma once

#include <benchmark/benchmark.h>

#include "paybench/reports/result.h"

namespace paybench::engine {

// Fills Google Benchmark's context fields exactly as its JSON reporter writes them, then
// paybench's: version, git commit, build, compiler, CPU model, cores, kernel and the active
// allocator (as detected in this process).
reports::Context collect_context(const benchmark::BenchmarkReporter::Context& benchmark_context);

// As above, outside a run: for a process that measures nothing itself, such as the parent of
// the processes that measure each workload.
reports::Context collect_context();

}  // namespace paybench::engine
