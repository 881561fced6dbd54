// The result of a paybench run: what was measured, where, and what the comparisons concluded.
//
// The JSON form (see result_json.h) is a superset of Google Benchmark's JSON output, so that
// Google Benchmark's tools/compare.py reads it. Field names follow Google Benchmark where the
// concept is the same; paybench's own fields are added beside them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace paybench::reports {

// Version of the result file layout. Bump it when a reader of an older file would misread a
// newer one; reports/schema/result.schema.json carries the same number.
inline constexpr int kResultSchemaVersion = 1;

struct CacheInfo {
  std::string type;  // "Data", "Instruction" or "Unified", as Google Benchmark names them
  int level = 0;
  std::int64_t size_bytes = 0;
  int num_sharing = 0;

  friend bool operator==(const CacheInfo&, const CacheInfo&) = default;
};

// The machine, build and invocation a result came from.
inline constexpr const char* kMeasureTime = "time";
inline constexpr const char* kMeasureInstructions = "instructions";

struct Context {
  // Google Benchmark's context fields.
  std::string date;  // ISO 8601 with time zone, as Google Benchmark writes it
  std::string host_name;
  std::string executable;
  int num_cpus = 0;
  double mhz_per_cpu = 0;
  bool cpu_scaling_enabled = false;
  std::vector<CacheInfo> caches;
  std::vector<double> load_avg;
  std::string library_build_type;  // of the Google Benchmark library itself

  // paybench's additions.
  // 0 when the result was read from a plain Google Benchmark file.
  int paybench_schema_version = kResultSchemaVersion;
  std::string paybench_version;
  std::string git_commit;
  std::string build_type;
  std::string compiler;
  std::string compiler_flags;
  std::string command_line;
  // The allocators that were active in the measuring processes, as verified inside them.
  // One entry for a plain run, several for an allocator matrix (--allocators).
  struct Allocator {
    std::string name;     // glibc, jemalloc, tcmalloc or mimalloc
    std::string version;  // as the library itself reports it
    std::string library;  // the shared object that provides malloc

    friend bool operator==(const Allocator&, const Allocator&) = default;
  };
  std::vector<Allocator> allocators;
  std::string cpu_model;
  int cores = 0;
  std::string kernel;
  std::string suite;  // quick, full or profile
  int repetitions = 0;
  double min_time_s = 0;
  // What real_time and cpu_time hold: "time", or "instructions" per op counted by callgrind
  // (paybench run --measure instructions), where time_unit stays "ns" only because Google
  // Benchmark's format requires a time unit.
  std::string measure = kMeasureTime;
  std::int64_t instruction_iterations = 0;  // iterations per thread in instruction mode
  // Whether SIGINT or SIGTERM stopped the run early: the benchmarks are those that finished,
  // and the benchmarks left unfinished or not started are missing.
  bool interrupted = false;

  bool counts_instructions() const { return measure == kMeasureInstructions; }

  friend bool operator==(const Context&, const Context&) = default;
};

enum class RunType { kIteration, kAggregate };

// The CPU profile of a benchmark instance (paybench run --cpu-profile): the files written for
// it, as paths relative to the directory of the result file.
struct CpuProfileFiles {
  std::string prof;        // gperftools' binary profile
  std::string folded;      // folded stacks with function names
  std::string flamegraph;  // self-contained HTML flame graph
  std::uint64_t samples = 0;

  friend bool operator==(const CpuProfileFiles&, const CpuProfileFiles&) = default;
};

// A function that allocates inside the measured region, with its share of the allocations.
struct AllocationSite {
  std::string function;  // the first caller outside the allocator, as the symbolizer names it
  double allocs_per_op = 0;
  double bytes_per_op = 0;

  friend bool operator==(const AllocationSite&, const AllocationSite&) = default;
};

// The heap profile of a benchmark instance's measured region, recorded by gperftools' heap
// profiler under its tcmalloc. Paths are relative to the directory of the result file.
struct HeapProfileFiles {
  std::string heap;        // gperftools' heap profile when the last measured region ended
  std::string folded;      // bytes allocated in the measured regions, by call stack
  std::string flamegraph;  // self-contained HTML flame graph of the folded file
  // The allocator the heap pass ran under, which may differ from the run's: "tcmalloc 2.10
  // (/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4.5.10)". Empty in files written before it.
  std::string allocator;
  // Every allocation of the measured regions, per iteration of all threads, as the profile
  // accounts them; the run's allocs_per_op and bytes_per_op counters are the reference.
  double allocs_per_op = 0;
  double bytes_per_op = 0;
  // The functions with the most allocations per op first, at most kMaxAllocationSites.
  std::vector<AllocationSite> sites;

  friend bool operator==(const HeapProfileFiles&, const HeapProfileFiles&) = default;
};

// The allocation sites that a result keeps per heap profile; the folded file has all of them.
inline constexpr std::size_t kMaxAllocationSites = 10;

// One Google Benchmark run: a single repetition (kIteration) or an aggregate over the
// repetitions (kAggregate: mean, median, stddev, cv).
struct BenchmarkRun {
  // Google Benchmark's fields, in Google Benchmark's meaning.
  std::string name;      // run_name plus "_<aggregate>" for aggregates
  std::int64_t family_index = 0;
  std::int64_t per_family_instance_index = 0;
  std::string run_name;  // family/workload/variant/param:value/.../threads:N
  RunType run_type = RunType::kIteration;
  std::int64_t repetitions = 0;
  std::int64_t repetition_index = 0;  // iterations only
  std::int64_t threads = 1;
  std::string aggregate_name;  // aggregates only
  std::string aggregate_unit;  // "time" or "percentage", aggregates only
  bool error_occurred = false;
  std::string error_message;
  std::int64_t iterations = 0;
  double real_time = 0;  // per iteration, in time_unit
  double cpu_time = 0;   // per iteration, in time_unit
  std::string time_unit = "ns";
  // User counters: allocs_per_op, bytes_per_op, items_per_second and workload-specific ones.
  std::map<std::string, double> counters;
  std::string label;

  // paybench's additions: where the run comes from.
  std::string family;
  std::string workload;
  std::string variant;
  std::map<std::string, std::int64_t> params;  // without threads, which has its own field
  std::string allocator;
  // Set on every run of a profiled instance. The profile covers all its repetitions.
  std::optional<CpuProfileFiles> cpu_profile;
  std::optional<HeapProfileFiles> heap_profile;

  friend bool operator==(const BenchmarkRun&, const BenchmarkRun&) = default;
};

enum class Verdict { kFaster, kSlower, kNoDifference };

// A declared comparison of one candidate variant against the workload's baseline variant, at
// one set of parameters, thread count and allocator.
struct Comparison {
  std::string family;
  std::string workload;
  std::string baseline;   // variant name
  std::string candidate;  // variant name
  std::string baseline_run_name;
  std::string candidate_run_name;
  std::map<std::string, std::int64_t> params;
  std::int64_t threads = 1;
  // The allocator both sides ran under. For an allocator comparison (the same variant under
  // two allocators) baseline and candidate are the same variant and these two differ.
  std::string baseline_allocator;
  std::string candidate_allocator;
  std::string metric = "real_time";  // lower is better
  std::string time_unit = "ns";
  double baseline_median = 0;
  double candidate_median = 0;
  double ratio = 0;    // candidate median / baseline median
  double ci_low = 0;   // 95% bootstrap interval of the ratio
  double ci_high = 0;
  int baseline_samples = 0;
  int candidate_samples = 0;
  Verdict verdict = Verdict::kNoDifference;

  friend bool operator==(const Comparison&, const Comparison&) = default;
};

struct Result {
  Context context;
  std::vector<BenchmarkRun> benchmarks;
  std::vector<Comparison> comparisons;

  // Field-by-field equality, for round-trip checks. A NaN anywhere makes it false, as for double.
  friend bool operator==(const Result&, const Result&) = default;
};

const char* to_string(RunType type);
const char* to_string(Verdict verdict);
std::optional<RunType> parse_run_type(const std::string& text);
std::optional<Verdict> parse_verdict(const std::string& text);

}  // namespace paybench::reports
