// The writing half of result_json.h.
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

#include "paybench/reports/atomic_file.h"
#include "paybench/reports/result_json.h"

namespace paybench::reports {
namespace {

using Json = nlohmann::ordered_json;

// Keys of a benchmark entry that are not counters. A counter with one of these names would be
// read back as the field; "big_o" is Google Benchmark's complexity string.
const std::set<std::string, std::less<>>& reserved_benchmark_keys() {
  static const std::set<std::string, std::less<>> keys = {
      "name",           "family_index",  "per_family_instance_index",
      "run_name",       "run_type",      "repetitions",
      "repetition_index", "threads",     "aggregate_name",
      "aggregate_unit", "error_occurred", "error_message",
      "iterations",     "real_time",     "cpu_time",
      "time_unit",      "label",         "big_o",
      "family",         "workload",      "variant",
      "params",         "allocator",     "cpu_profile",
      "heap_profile"};
  return keys;
}

// JSON has no NaN or infinity: see the file comment of result_json.h.
Json number_or_null(double value) {
  if (!std::isfinite(value)) {
    return Json(nullptr);
  }
  return Json(value);
}

Json params_to_json(const std::map<std::string, std::int64_t>& params) {
  Json object = Json::object();
  for (const auto& [key, value] : params) {
    object[key] = value;
  }
  return object;
}

Json context_to_json(const Context& context) {
  Json json = Json::object();

  // Google Benchmark's keys, in its order.
  json["date"] = context.date;
  json["host_name"] = context.host_name;
  json["executable"] = context.executable;
  json["num_cpus"] = context.num_cpus;
  json["mhz_per_cpu"] = context.mhz_per_cpu;
  json["cpu_scaling_enabled"] = context.cpu_scaling_enabled;
  Json caches = Json::array();
  for (const CacheInfo& cache : context.caches) {
    Json entry = Json::object();
    entry["type"] = cache.type;
    entry["level"] = cache.level;
    entry["size"] = cache.size_bytes;
    entry["num_sharing"] = cache.num_sharing;
    caches.push_back(std::move(entry));
  }
  json["caches"] = std::move(caches);
  Json load_avg = Json::array();
  for (double load : context.load_avg) {
    load_avg.push_back(load);
  }
  json["load_avg"] = std::move(load_avg);
  json["library_build_type"] = context.library_build_type;

  // paybench's keys.
  json["paybench_schema_version"] = context.paybench_schema_version;
  json["paybench_version"] = context.paybench_version;
  json["git_commit"] = context.git_commit;
  json["build_type"] = context.build_type;
  json["compiler"] = context.compiler;
  json["compiler_flags"] = context.compiler_flags;
  json["command_line"] = context.command_line;
  Json allocators = Json::array();
  for (const Context::Allocator& allocator : context.allocators) {
    Json entry = Json::object();
    entry["name"] = allocator.name;
    entry["version"] = allocator.version;
    entry["library"] = allocator.library;
    allocators.push_back(std::move(entry));
  }
  json["allocators"] = std::move(allocators);
  json["cpu_model"] = context.cpu_model;
  json["cores"] = context.cores;
  json["kernel"] = context.kernel;
  json["suite"] = context.suite;
  json["repetitions"] = context.repetitions;
  json["min_time_s"] = context.min_time_s;
  json["measure"] = context.measure;
  if (context.counts_instructions()) json["instruction_iterations"] = context.instruction_iterations;
  json["interrupted"] = context.interrupted;
  return json;
}

// The numbers come from counts divided by a positive iteration count, so they are finite.
Json heap_profile_to_json(const HeapProfileFiles& profile) {
  Json json = Json::object();
  json["heap"] = profile.heap;
  json["folded"] = profile.folded;
  json["flamegraph"] = profile.flamegraph;
  json["allocs_per_op"] = profile.allocs_per_op;
  json["bytes_per_op"] = profile.bytes_per_op;
  Json sites = Json::array();
  for (const AllocationSite& site : profile.sites) {
    Json entry = Json::object();
    entry["function"] = site.function;
    entry["allocs_per_op"] = site.allocs_per_op;
    entry["bytes_per_op"] = site.bytes_per_op;
    sites.push_back(std::move(entry));
  }
  json["sites"] = std::move(sites);
  if (!profile.allocator.empty()) json["allocator"] = profile.allocator;
  return json;
}

Json benchmark_to_json(const BenchmarkRun& run) {
  const bool is_aggregate = run.run_type == RunType::kAggregate;
  Json json = Json::object();

  // Google Benchmark's keys, in the order its JSON reporter writes them.
  json["name"] = run.name;
  json["family_index"] = run.family_index;
  json["per_family_instance_index"] = run.per_family_instance_index;
  json["run_name"] = run.run_name;
  json["run_type"] = to_string(run.run_type);
  json["repetitions"] = run.repetitions;
  if (!is_aggregate) {
    json["repetition_index"] = run.repetition_index;
  }
  json["threads"] = run.threads;
  if (is_aggregate) {
    json["aggregate_name"] = run.aggregate_name;
    json["aggregate_unit"] = run.aggregate_unit;
  }
  if (run.error_occurred) {
    json["error_occurred"] = true;
    json["error_message"] = run.error_message;
  }
  json["iterations"] = run.iterations;
  json["real_time"] = number_or_null(run.real_time);
  json["cpu_time"] = number_or_null(run.cpu_time);
  json["time_unit"] = run.time_unit;
  for (const auto& [counter, value] : run.counters) {
    if (reserved_benchmark_keys().contains(counter)) {
      throw std::invalid_argument("counter \"" + counter + "\" of benchmark \"" + run.name +
                                  "\" has the name of a result file key: rename the counter");
    }
    json[counter] = number_or_null(value);
  }
  if (!run.label.empty()) {
    json["label"] = run.label;
  }

  // paybench's keys.
  json["family"] = run.family;
  json["workload"] = run.workload;
  json["variant"] = run.variant;
  json["params"] = params_to_json(run.params);
  json["allocator"] = run.allocator;
  if (run.cpu_profile) {
    Json profile = Json::object();
    profile["prof"] = run.cpu_profile->prof;
    profile["folded"] = run.cpu_profile->folded;
    profile["flamegraph"] = run.cpu_profile->flamegraph;
    profile["samples"] = run.cpu_profile->samples;
    json["cpu_profile"] = std::move(profile);
  }
  if (run.heap_profile) json["heap_profile"] = heap_profile_to_json(*run.heap_profile);
  return json;
}

// Comparison numbers come from positive finite times, so a non-finite one is a bug upstream;
// the reader and the schema reject null there.
double finite_comparison_number(const Comparison& comparison, const char* key, double value) {
  if (!std::isfinite(value)) {
    throw std::invalid_argument("comparison of " + comparison.candidate_run_name + " against " +
                                comparison.baseline_run_name + " has a non-finite " + key);
  }
  return value;
}

Json comparison_to_json(const Comparison& comparison) {
  Json json = Json::object();
  json["workload"] = comparison.workload;
  json["family"] = comparison.family;
  json["baseline"] = comparison.baseline;
  json["candidate"] = comparison.candidate;
  json["baseline_run_name"] = comparison.baseline_run_name;
  json["candidate_run_name"] = comparison.candidate_run_name;
  json["params"] = params_to_json(comparison.params);
  json["threads"] = comparison.threads;
  json["baseline_allocator"] = comparison.baseline_allocator;
  json["candidate_allocator"] = comparison.candidate_allocator;
  json["metric"] = comparison.metric;
  json["time_unit"] = comparison.time_unit;
  json["baseline_median"] = finite_comparison_number(comparison, "baseline_median", comparison.baseline_median);
  json["candidate_median"] = finite_comparison_number(comparison, "candidate_median", comparison.candidate_median);
  json["ratio"] = finite_comparison_number(comparison, "ratio", comparison.ratio);
  json["ci_low"] = finite_comparison_number(comparison, "ci_low", comparison.ci_low);
  json["ci_high"] = finite_comparison_number(comparison, "ci_high", comparison.ci_high);
  json["baseline_samples"] = comparison.baseline_samples;
  json["candidate_samples"] = comparison.candidate_samples;
  json["verdict"] = to_string(comparison.verdict);
  return json;
}

}  // namespace

nlohmann::ordered_json to_json(const Result& result) {
  Json json = Json::object();
  json["context"] = context_to_json(result.context);

  Json benchmarks = Json::array();
  for (const BenchmarkRun& run : result.benchmarks) {
    benchmarks.push_back(benchmark_to_json(run));
  }
  json["benchmarks"] = std::move(benchmarks);

  Json comparisons = Json::array();
  for (const Comparison& comparison : result.comparisons) {
    comparisons.push_back(comparison_to_json(comparison));
  }
  json["comparisons"] = std::move(comparisons);
  return json;
}

std::string to_json_text(const Result& result) {
  // Invalid UTF-8 (a label copied from binary data, say) becomes U+FFFD instead of failing the
  // whole file.
  constexpr bool kEnsureAscii = false;
  return to_json(result).dump(2, ' ', kEnsureAscii, nlohmann::ordered_json::error_handler_t::replace) +
         "\n";
}

void write_result_file(const std::filesystem::path& path, const Result& result) {
  write_text_file_atomically(path, to_json_text(result));
}

}  // namespace paybench::reports
