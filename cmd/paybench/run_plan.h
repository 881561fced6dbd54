// The validated request of one `paybench run`: which benchmark instances this process measures,
// and how.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "paybench/engine/allocator.h"
#include "paybench/engine/registry.h"
#include "paybench/engine/runner.h"
#include "run_command.h"

namespace paybench::cli {

// gperftools reads the sampling rate from this variable when its library is loaded.
inline constexpr const char* kProfilerFrequencyVariable = "CPUPROFILE_FREQUENCY";
// gperftools' own default of 100 samples per second gives a quick-suite repetition of 0.02 s
// about 2 samples. Each sample walks the stack in a signal handler, so a higher rate adds more
// to the measured times.
// NOTE: Linux checks ITIMER_PROF at its scheduler tick (CONFIG_HZ), so fewer samples may
// arrive than requested: a single busy thread got 250 per CPU second at 1000 on a Linux 6.18
// kernel. The profile file still records the requested period, so times derived from sample
// counts can be too low, while the shares of functions stay right.
inline constexpr int kDefaultCpuProfileHz = 1000;
inline constexpr int kMaxCpuProfileHz = 10000;

struct RunPlan {
  // The instances the options select, or in a workload's child (--workload) those of that
  // workload alone.
  std::vector<engine::BenchmarkInstance> instances;
  // The position of instances.front() among all the instances that the options select. Profile
  // files are numbered by that position, so a workload's child names them as the whole run does.
  std::size_t first_instance_index = 0;
  engine::RunSettings settings;
  std::vector<const engine::AllocatorInfo*> allocators;  // empty: whichever is active
  std::int64_t instruction_iterations = 0;               // 0: measure time
  // --timeout: how long the process of one workload may run, or nullopt for the default, which
  // default_workload_timeout() computes per workload.
  std::optional<std::chrono::duration<double>> workload_timeout;
};

// Validates `options` and selects the instances. Throws UsageError naming the option, the
// value and the expected form.
RunPlan plan_run(const RunOptions& options);

}  // namespace paybench::cli
