// The per-instance figures that the terminal summary and the HTML report show: a benchmark
// instance is one run_name under one allocator, summarized over its repetitions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "paybench/reports/result.h"

namespace paybench::reports {

// Counters that workloads report per operation and the reports show in their own columns.
inline constexpr const char* kAllocsPerOpCounter = "allocs_per_op";
inline constexpr const char* kBytesPerOpCounter = "bytes_per_op";
// Hand-off latency percentiles in nanoseconds, reported by workloads that time items between
// threads (the queue workloads).
inline constexpr const char* kLatencyP50Counter = "latency_p50_ns";
inline constexpr const char* kLatencyP99Counter = "latency_p99_ns";
inline constexpr const char* kLatencyP999Counter = "latency_p999_ns";
// Google Benchmark's throughput counter (SetItemsProcessed): items of all threads per second.
inline constexpr const char* kItemsPerSecondCounter = "items_per_second";

struct InstanceSummary {
  std::string family;        // the run's family, or the first part of run_name when it has none
  std::string workload;      // the run's workload; empty for plain Google Benchmark results
  std::string run_name;
  std::string display_name;  // run_name without the leading "<family>/"
  std::string allocator;
  std::string label;
  // From the instance's first run: paybench's variant and parameters (both empty for plain
  // Google Benchmark results) and the thread count.
  std::string variant;
  std::map<std::string, std::int64_t> params;
  std::int64_t threads = 1;

  // real_time of the non-error iteration runs, in nanoseconds, in file order.
  std::vector<double> real_times_ns;
  // Median real time and coefficient of variation (a fraction) over real_times_ns. With no
  // usable iteration runs they come from the "median" and "cv" aggregates when the file has
  // them (Google Benchmark's --benchmark_report_aggregates_only), else they are empty.
  std::optional<double> median_ns;
  std::optional<double> cv;
  // Medians of the counters over the runs that report them.
  std::optional<double> allocs_per_op;
  std::optional<double> bytes_per_op;
  std::optional<double> latency_p50_ns;
  std::optional<double> latency_p99_ns;
  std::optional<double> latency_p999_ns;
  std::optional<double> items_per_second;

  int iteration_runs = 0;  // with or without an error
  int error_runs = 0;
  std::string error_message;  // of the first run with an error

  // Indices into Result::comparisons.
  std::vector<std::size_t> candidate_in;  // comparisons with this instance as the candidate
  std::vector<std::size_t> baseline_in;   // comparisons with this instance as the baseline
  // True for a variant measured as a reference point: in no comparison, while other variants
  // of its workload are (a bare call next to the breakers that wrap it).
  bool is_anchor = false;
};

struct FamilySummary {
  std::string family;
  std::vector<InstanceSummary> instances;  // in the order their first run appears
};

// Groups the result's runs into instances by family, families in the order their first run
// appears.
std::vector<FamilySummary> summarize_instances(const Result& result);

// Returns true when the comparison pits two allocators against each other (same variant).
bool is_allocator_comparison(const Comparison& comparison);

}  // namespace paybench::reports
