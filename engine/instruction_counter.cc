#include "paybench/engine/instruction_counter.h"

#include <valgrind/callgrind.h>
#include <valgrind/valgrind.h>

#include <atomic>

namespace paybench::engine {
namespace {

// Written by the runner before any benchmark starts; read by thread 0 of each benchmark.
std::atomic<bool> counting{false};

}  // namespace

bool running_under_valgrind() { return RUNNING_ON_VALGRIND != 0; }

void enable_instruction_counting(bool enabled) {
  counting.store(enabled, std::memory_order_relaxed);
}

void mark_instruction_region_start() {
  if (counting.load(std::memory_order_relaxed)) CALLGRIND_START_INSTRUMENTATION;
}

void mark_instruction_region_end() {
  if (counting.load(std::memory_order_relaxed)) CALLGRIND_STOP_INSTRUMENTATION;
}

void dump_instruction_counts(const std::string& benchmark_name) {
  if (counting.load(std::memory_order_relaxed)) CALLGRIND_DUMP_STATS_AT(benchmark_name.c_str());
}

}  // namespace paybench::engine
