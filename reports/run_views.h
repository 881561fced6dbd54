// The run report's line-chart views: throughput against thread count, and throughput and
// latency against batch size for the writes family. Internal to reports/.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "line_chart.h"
#include "paybench/reports/instance_summary.h"
#include "paybench/reports/result.h"

namespace paybench::reports {

// The family whose workloads get batch-size curves, and how its variants name a batch size:
// "batch_100", or "copy_batch_100" for a series named "copy".
inline constexpr const char* kBatchFamily = "writes";
inline constexpr const char* kBatchVariantMarker = "batch_";

// Returns one chart per workload and parameter set that ran at two or more thread counts:
// throughput against threads, one series per variant (and allocator, when the result has
// several). Throughput is the workload's items_per_second when every instance of the chart
// reports it, else operations of all threads per second, 1 / (time per operation). Failed
// instances are left out. Returns no chart for a result that counts instructions, which has
// no time to derive a throughput from.
std::vector<LineChart> thread_scaling_charts(const Result& result);

// Returns a chart of throughput against batch size for each workload of the writes family
// whose variants cover two or more batch sizes. When its instances report latency
// percentiles, a chart of the p50 and p99 latency against batch size follows. Both axes are
// logarithmic. The batch size comes from a "batch" parameter or from a variant named
// "<series>batch_<size>". Variants without a batch size, such as row_per_transaction, are
// left out, and the caption says so.
std::vector<LineChart> batch_size_charts(const Result& result);

// Returns items_per_second when `use_items` is true, else 1e9 / median_ns: operations of all
// threads per second. Returns nothing when the figure is missing or not finite and > 0.
std::optional<double> throughput_per_second(const InstanceSummary& instance, bool use_items);

// Formats parameters as the run name has them, in name order: "batch:1 size:256". Leaves out
// the parameter named `left_out`, if any.
std::string describe_params(const std::map<std::string, std::int64_t>& params,
                            const std::string& left_out = "");

// Returns `run_name` without its segments that start with one of `prefixes`, such as
// "threads:" or "allocator:".
std::string remove_name_segments(const std::string& run_name,
                                 const std::vector<std::string>& prefixes);

// Returns true when the instances of `families` ran under two or more allocators.
bool has_several_allocators(const std::vector<FamilySummary>& families);

}  // namespace paybench::reports
