// The reading half of result_json.h: validates while it reads, so every problem is reported
// with the JSON path where it sits.
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string>

#include "json_node.h"
#include "json_parse_error.h"
#include "json_special_numbers.h"
#include "paybench/reports/input_file.h"
#include "paybench/reports/input_text.h"
#include "paybench/reports/result_json.h"

namespace paybench::reports {
namespace {

using namespace json_input;

std::map<std::string, std::int64_t> read_params(const Node& node) {
  node.expect_object();
  std::map<std::string, std::int64_t> params;
  for (const auto& [key, value] : node.value().items()) {
    params[key] = Node(value, node.path() + "." + shorten_input(key), node.source()).as_integer();
  }
  return params;
}

Context read_context(const Node& node, bool is_paybench) {
  node.expect_object();
  Context context;
  const bool required = is_paybench;

  read(node, "date", required, context.date);
  read(node, "host_name", required, context.host_name);
  read(node, "executable", required, context.executable);
  read_count(node, "num_cpus", required, context.num_cpus);
  read_non_negative_number(node, "mhz_per_cpu", required, false, context.mhz_per_cpu);
  read(node, "cpu_scaling_enabled", required, context.cpu_scaling_enabled);
  if (const auto caches = required ? std::optional<Node>(node.at("caches")) : node.find("caches")) {
    caches->expect_array();
    for (std::size_t i = 0; i < caches->value().size(); ++i) {
      const Node entry = caches->element(i);
      entry.expect_object();
      CacheInfo cache;
      read(entry, "type", true, cache.type);
      read_count(entry, "level", true, cache.level);
      read_count(entry, "size", true, cache.size_bytes);
      read_count(entry, "num_sharing", true, cache.num_sharing);
      context.caches.push_back(std::move(cache));
    }
  }
  if (const auto loads = required ? std::optional<Node>(node.at("load_avg"))
                                  : node.find("load_avg")) {
    loads->expect_array();
    for (std::size_t i = 0; i < loads->value().size(); ++i) {
      context.load_avg.push_back(loads->element(i).as_non_negative_number(false));
    }
  }
  read(node, "library_build_type", required, context.library_build_type);

  if (!is_paybench) {
    context.paybench_schema_version = 0;
    return context;
  }
  const Node version = node.at("paybench_schema_version");
  context.paybench_schema_version = version.as_int();
  if (context.paybench_schema_version < 1) {
    version.fail("expected a schema version >= 1, found " +
                 std::to_string(context.paybench_schema_version));
  }
  if (context.paybench_schema_version > kResultSchemaVersion) {
    version.fail("the file was written by a newer paybench (result schema version " +
                 std::to_string(context.paybench_schema_version) + "); this paybench reads up to " +
                 std::to_string(kResultSchemaVersion) + ": upgrade paybench to read it");
  }
  read(node, "paybench_version", true, context.paybench_version);
  read(node, "git_commit", true, context.git_commit);
  read(node, "build_type", true, context.build_type);
  read(node, "compiler", true, context.compiler);
  read(node, "compiler_flags", true, context.compiler_flags);
  read(node, "command_line", true, context.command_line);
  const Node allocators = node.at("allocators");
  allocators.expect_array();
  for (std::size_t i = 0; i < allocators.value().size(); ++i) {
    const Node entry = allocators.element(i);
    entry.expect_object();
    Context::Allocator allocator;
    read(entry, "name", true, allocator.name);
    read(entry, "version", true, allocator.version);
    read(entry, "library", true, allocator.library);
    context.allocators.push_back(std::move(allocator));
  }
  read(node, "cpu_model", true, context.cpu_model);
  read_count(node, "cores", true, context.cores);
  read(node, "kernel", true, context.kernel);
  read(node, "suite", true, context.suite);
  read_count(node, "repetitions", true, context.repetitions);
  read_non_negative_number(node, "min_time_s", true, false, context.min_time_s);
  // Files written before instruction mode existed have no "measure": they hold times.
  if (const auto measure = node.find("measure")) {
    context.measure = measure->as_string();
    require_one_of(*measure, context.measure, {kMeasureTime, kMeasureInstructions});
  }
  read_count(node, "instruction_iterations", context.counts_instructions(),
             context.instruction_iterations);
  // Files written before interruption was recorded have no "interrupted": they were complete.
  read(node, "interrupted", false, context.interrupted);
  return context;
}

// Keys of a benchmark entry with a meaning of their own; every other key is a user counter.
bool is_known_benchmark_key(const std::string& key) {
  static const std::set<std::string, std::less<>> keys = {
      "name",       "family_index",   "per_family_instance_index",
      "run_name",   "run_type",       "repetitions",
      "repetition_index", "threads",  "aggregate_name",
      "aggregate_unit", "error_occurred", "error_message",
      "iterations", "real_time",      "cpu_time",
      "time_unit",  "label",          "family",
      "workload",   "variant",        "params",
      "allocator",  "cpu_profile",    "heap_profile"};
  return keys.contains(key);
}

HeapProfileFiles read_heap_profile(const Node& node) {
  node.expect_object();
  HeapProfileFiles files;
  read(node, "heap", true, files.heap);
  read(node, "folded", true, files.folded);
  read(node, "flamegraph", true, files.flamegraph);
  read_non_negative_number(node, "allocs_per_op", true, false, files.allocs_per_op);
  read_non_negative_number(node, "bytes_per_op", true, false, files.bytes_per_op);
  read(node, "allocator", false, files.allocator);

  const Node sites = node.at("sites");
  sites.expect_array();
  if (sites.value().size() > kMaxAllocationSites) {
    sites.fail("expected at most " + std::to_string(kMaxAllocationSites) + " sites, found " +
               std::to_string(sites.value().size()));
  }
  for (std::size_t i = 0; i < sites.value().size(); ++i) {
    const Node site = sites.element(i);
    site.expect_object();
    AllocationSite& read_site = files.sites.emplace_back();
    read(site, "function", true, read_site.function);
    read_non_negative_number(site, "allocs_per_op", true, false, read_site.allocs_per_op);
    read_non_negative_number(site, "bytes_per_op", true, false, read_site.bytes_per_op);
  }
  return files;
}

BenchmarkRun read_benchmark(const Node& node, bool is_paybench) {
  node.expect_object();
  BenchmarkRun run;
  const bool required = is_paybench;

  read(node, "name", true, run.name);
  read_count(node, "family_index", required, run.family_index);
  read_count(node, "per_family_instance_index", required, run.per_family_instance_index);
  run.run_name = run.name;
  read(node, "run_name", required, run.run_name);
  if (const auto type = required ? std::optional<Node>(node.at("run_type"))
                                 : node.find("run_type")) {
    const std::string text = type->as_string();
    require_one_of(*type, text, {"iteration", "aggregate"});
    run.run_type = *parse_run_type(text);
  }
  const bool is_aggregate = run.run_type == RunType::kAggregate;
  read_count(node, "repetitions", required, run.repetitions);
  read_count(node, "repetition_index", required && !is_aggregate, run.repetition_index);
  if (const auto threads = required ? std::optional<Node>(node.at("threads"))
                                    : node.find("threads")) {
    run.threads = threads->as_integer();
    require_at_least(*threads, run.threads, 1);
  }
  read(node, "aggregate_name", required && is_aggregate, run.aggregate_name);
  if (const auto unit = node.find("aggregate_unit")) {
    run.aggregate_unit = unit->as_string();
    require_one_of(*unit, run.aggregate_unit, {"time", "percentage"});
  } else if (required && is_aggregate) {
    node.at("aggregate_unit");
  }
  read(node, "error_occurred", false, run.error_occurred);
  read(node, "error_message", required && run.error_occurred, run.error_message);
  read_count(node, "iterations", required, run.iterations);
  read_non_negative_number(node, "real_time", required, true, run.real_time);
  read_non_negative_number(node, "cpu_time", required, true, run.cpu_time);
  if (const auto unit = required ? std::optional<Node>(node.at("time_unit"))
                                 : node.find("time_unit")) {
    run.time_unit = unit->as_string();
    require_one_of(*unit, run.time_unit, {"ns", "us", "ms", "s"});
  }
  read(node, "label", false, run.label);

  read(node, "family", required, run.family);
  read(node, "workload", required, run.workload);
  read(node, "variant", required, run.variant);
  if (const auto params = required ? std::optional<Node>(node.at("params"))
                                   : node.find("params")) {
    run.params = read_params(*params);
  }
  read(node, "allocator", required, run.allocator);
  if (const auto profile = node.find("cpu_profile")) {
    profile->expect_object();
    CpuProfileFiles files;
    read(*profile, "prof", true, files.prof);
    read(*profile, "folded", true, files.folded);
    read(*profile, "flamegraph", true, files.flamegraph);
    std::int64_t samples = 0;
    read(*profile, "samples", true, samples);
    require_at_least(profile->at("samples"), samples, 0);
    files.samples = static_cast<std::uint64_t>(samples);
    run.cpu_profile = std::move(files);
  }
  if (const auto profile = node.find("heap_profile")) run.heap_profile = read_heap_profile(*profile);

  for (const auto& [key, value] : node.value().items()) {
    if (is_known_benchmark_key(key)) {
      continue;
    }
    const Node counter(value, node.path() + "." + shorten_input(key), node.source());
    // Google Benchmark writes the complexity of a BigO aggregate as a string; paybench has no
    // field for it. The key is no counter either, because the writer could not write it back.
    if (key == "big_o") {
      if (!value.is_string()) {
        counter.fail_expected("a string such as \"N\", the complexity Google Benchmark writes");
      }
      continue;
    }
    if (!counter.is_number_like()) {
      counter.fail_expected("a number, because unknown keys of a benchmark entry are user counters");
    }
    run.counters[key] = counter.as_number(true);
  }
  return run;
}

Comparison read_comparison(const Node& node) {
  node.expect_object();
  Comparison comparison;
  read(node, "workload", true, comparison.workload);
  read(node, "family", true, comparison.family);
  read(node, "baseline", true, comparison.baseline);
  read(node, "candidate", true, comparison.candidate);
  read(node, "baseline_run_name", true, comparison.baseline_run_name);
  read(node, "candidate_run_name", true, comparison.candidate_run_name);
  comparison.params = read_params(node.at("params"));
  comparison.threads = node.at("threads").as_integer();
  require_at_least(node.at("threads"), comparison.threads, 1);
  read(node, "baseline_allocator", true, comparison.baseline_allocator);
  read(node, "candidate_allocator", true, comparison.candidate_allocator);
  read(node, "metric", true, comparison.metric);
  const Node unit = node.at("time_unit");
  comparison.time_unit = unit.as_string();
  require_one_of(unit, comparison.time_unit, {"ns", "us", "ms", "s"});
  read_positive_number(node, "baseline_median", comparison.baseline_median);
  read_positive_number(node, "candidate_median", comparison.candidate_median);
  read_positive_number(node, "ratio", comparison.ratio);
  read_positive_number(node, "ci_low", comparison.ci_low);
  read_positive_number(node, "ci_high", comparison.ci_high);
  read(node, "baseline_samples", true, comparison.baseline_samples);
  require_at_least(node.at("baseline_samples"), comparison.baseline_samples, 1);
  read(node, "candidate_samples", true, comparison.candidate_samples);
  require_at_least(node.at("candidate_samples"), comparison.candidate_samples, 1);
  const Node verdict = node.at("verdict");
  const std::string verdict_text = verdict.as_string();
  require_one_of(verdict, verdict_text, {"faster", "slower", "no difference"});
  comparison.verdict = *parse_verdict(verdict_text);
  return comparison;
}

Result read_result(const Json& json, std::string_view source) {
  const Node root(json, "", source);
  if (!json.is_object()) {
    root.fail_expected("a JSON object with \"context\" and \"benchmarks\" at the top level");
  }

  const std::optional<Node> context = root.find("context");
  const bool is_paybench = context && context->value().is_object() &&
                           context->value().contains("paybench_schema_version");

  Result result;
  if (context) {
    result.context = read_context(*context, is_paybench);
  } else {
    result.context.paybench_schema_version = 0;
  }

  const Node benchmarks = root.at("benchmarks");
  benchmarks.expect_array();
  for (std::size_t i = 0; i < benchmarks.value().size(); ++i) {
    result.benchmarks.push_back(read_benchmark(benchmarks.element(i), is_paybench));
  }

  if (const auto comparisons = is_paybench ? std::optional<Node>(root.at("comparisons"))
                                           : root.find("comparisons")) {
    comparisons->expect_array();
    for (std::size_t i = 0; i < comparisons->value().size(); ++i) {
      result.comparisons.push_back(read_comparison(comparisons->element(i)));
    }
  }
  return result;
}

}  // namespace

Result result_from_json(const nlohmann::ordered_json& json, std::string_view source) {
  return read_result(Json(json), source);
}

Result result_from_json(const nlohmann::json& json, std::string_view source) {
  return read_result(json, source);
}

Result result_from_json_text(std::string_view text, std::string_view source) {
  const std::string parseable = replace_special_number_tokens(text);
  Json json;
  try {
    json = Json::parse(parseable);
  } catch (const Json::exception& error) {
    throw InputError(std::string(source), "",
                     "not valid JSON: " + describe_json_parse_error(error.what()));
  }
  return read_result(json, source);
}

Result read_result_file(const std::filesystem::path& path) {
  return result_from_json_text(read_input_file(path, "a JSON result file"), path.string());
}

}  // namespace paybench::reports
