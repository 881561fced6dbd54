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

#include "json_special_numbers.h"
#include "paybench/reports/input_file.h"
#include "paybench/reports/result_json.h"

namespace paybench::reports {
namespace {

// Read as nlohmann::json, whose objects are std::maps: the ordered_json that the writer uses looks
// keys up linearly, which makes parsing an object with n keys take time in n squared.
using Json = nlohmann::json;

constexpr std::size_t kMaxQuotedLength = 40;

std::string describe(const Json& value) {
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    if (const auto special = special_number_from_placeholder(text)) {
      return *special > 0 ? "Infinity" : "-Infinity";
    }
    if (text.size() > kMaxQuotedLength) {
      text = text.substr(0, kMaxQuotedLength) + "...";
    }
    return "string \"" + text + "\"";
  }
  if (value.is_number() || value.is_boolean()) {
    return std::string(value.type_name()) + " " + value.dump();
  }
  return value.type_name();
}

// A JSON value together with its path, so that every error names where it occurred.
class Node {
 public:
  Node(const Json& value, std::string path, std::string_view source)
      : value_(value), path_(std::move(path)), source_(source) {}

  const Json& value() const { return value_; }
  const std::string& path() const { return path_; }
  std::string_view source() const { return source_; }

  [[noreturn]] void fail(const std::string& problem) const {
    throw InputError(std::string(source_), path_, problem);
  }

  [[noreturn]] void fail_expected(const std::string& expected) const {
    fail("expected " + expected + ", found " + describe(value_));
  }

  void expect_object() const {
    if (!value_.is_object()) {
      fail_expected("an object");
    }
  }

  void expect_array() const {
    if (!value_.is_array()) {
      fail_expected("an array");
    }
  }

  std::optional<Node> find(const std::string& key) const {
    const auto it = value_.find(key);
    if (it == value_.end()) {
      return std::nullopt;
    }
    return Node(*it, path_.empty() ? key : path_ + "." + key, source_);
  }

  Node at(const std::string& key) const {
    std::optional<Node> child = find(key);
    if (!child) {
      fail("missing required key \"" + key + "\"");
    }
    return *child;
  }

  Node element(std::size_t index) const {
    return Node(value_[index], path_ + "[" + std::to_string(index) + "]", source_);
  }

  std::string as_string() const {
    if (!value_.is_string() || special_number_from_placeholder(value_.get<std::string>())) {
      fail_expected("a string");
    }
    return value_.get<std::string>();
  }

  bool as_bool() const {
    if (!value_.is_boolean()) {
      fail_expected("true or false");
    }
    return value_.get<bool>();
  }

  // Accepts 3 and 3.0 but not 3.5, so that hand-edited files with a float still read.
  std::int64_t as_integer() const {
    if (value_.is_number_integer()) {
      if (value_.is_number_unsigned() &&
          value_.get<std::uint64_t>() >
              static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail_expected("an integer within the 64-bit signed range");
      }
      return value_.get<std::int64_t>();
    }
    if (value_.is_number_float()) {
      const double number = value_.get<double>();
      const bool fits = number >= -9.2e18 && number <= 9.2e18;
      if (fits && std::trunc(number) == number) {
        return static_cast<std::int64_t>(number);
      }
    }
    fail_expected("an integer");
  }

  int as_int() const {
    const std::int64_t number = as_integer();
    if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max()) {
      fail_expected("an integer within the 32-bit signed range");
    }
    return static_cast<int>(number);
  }

  // Reads a number. With `allow_not_a_number`, null and Google Benchmark's NaN and Infinity
  // tokens are accepted too (null reads as NaN).
  double as_number(bool allow_not_a_number) const {
    if (value_.is_number()) {
      return value_.get<double>();
    }
    if (allow_not_a_number) {
      if (value_.is_null()) {
        return std::numeric_limits<double>::quiet_NaN();
      }
      if (value_.is_string()) {
        if (const auto special = special_number_from_placeholder(value_.get<std::string>())) {
          return *special;
        }
      }
      fail_expected("a number or null");
    }
    fail_expected("a number");
  }

  bool is_number_like() const {
    return value_.is_number() || value_.is_null() ||
           (value_.is_string() && special_number_from_placeholder(value_.get<std::string>()));
  }

 private:
  const Json& value_;
  std::string path_;
  std::string_view source_;
};

// Field readers: a missing key is an error when `required`, otherwise the field keeps its value.
void read(const Node& object, const std::string& key, bool required, std::string& field) {
  if (const auto child = required ? std::optional<Node>(object.at(key)) : object.find(key)) {
    field = child->as_string();
  }
}

void read(const Node& object, const std::string& key, bool required, std::int64_t& field) {
  if (const auto child = required ? std::optional<Node>(object.at(key)) : object.find(key)) {
    field = child->as_integer();
  }
}

void read(const Node& object, const std::string& key, bool required, int& field) {
  if (const auto child = required ? std::optional<Node>(object.at(key)) : object.find(key)) {
    field = child->as_int();
  }
}

void read(const Node& object, const std::string& key, bool required, bool& field) {
  if (const auto child = required ? std::optional<Node>(object.at(key)) : object.find(key)) {
    field = child->as_bool();
  }
}

void read_number(const Node& object, const std::string& key, bool required,
                 bool allow_not_a_number, double& field) {
  if (const auto child = required ? std::optional<Node>(object.at(key)) : object.find(key)) {
    field = child->as_number(allow_not_a_number);
  }
}

void require_one_of(const Node& node, const std::string& value,
                    std::initializer_list<std::string_view> allowed) {
  for (std::string_view candidate : allowed) {
    if (value == candidate) {
      return;
    }
  }
  std::string list;
  for (std::string_view candidate : allowed) {
    list += (list.empty() ? "\"" : ", \"") + std::string(candidate) + "\"";
  }
  const std::string shown =
      value.size() > kMaxQuotedLength ? value.substr(0, kMaxQuotedLength) + "..." : value;
  node.fail("expected one of " + list + ", found \"" + shown + "\"");
}

void require_at_least(const Node& node, std::int64_t value, std::int64_t minimum) {
  if (value < minimum) {
    node.fail("expected an integer >= " + std::to_string(minimum) + ", found " +
              std::to_string(value));
  }
}

std::map<std::string, std::int64_t> read_params(const Node& node) {
  node.expect_object();
  std::map<std::string, std::int64_t> params;
  for (const auto& [key, value] : node.value().items()) {
    params[key] = Node(value, node.path() + "." + key, node.source()).as_integer();
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
  read(node, "num_cpus", required, context.num_cpus);
  read_number(node, "mhz_per_cpu", required, false, context.mhz_per_cpu);
  read(node, "cpu_scaling_enabled", required, context.cpu_scaling_enabled);
  if (const auto caches = required ? std::optional<Node>(node.at("caches")) : node.find("caches")) {
    caches->expect_array();
    for (std::size_t i = 0; i < caches->value().size(); ++i) {
      const Node entry = caches->element(i);
      entry.expect_object();
      CacheInfo cache;
      read(entry, "type", true, cache.type);
      read(entry, "level", true, cache.level);
      read(entry, "size", true, cache.size_bytes);
      read(entry, "num_sharing", true, cache.num_sharing);
      context.caches.push_back(std::move(cache));
    }
  }
  if (const auto loads = required ? std::optional<Node>(node.at("load_avg"))
                                  : node.find("load_avg")) {
    loads->expect_array();
    for (std::size_t i = 0; i < loads->value().size(); ++i) {
      context.load_avg.push_back(loads->element(i).as_number(false));
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
  read(node, "cores", true, context.cores);
  read(node, "kernel", true, context.kernel);
  read(node, "suite", true, context.suite);
  read(node, "repetitions", true, context.repetitions);
  read_number(node, "min_time_s", true, false, context.min_time_s);
  // Files written before instruction mode existed have no "measure": they hold times.
  if (const auto measure = node.find("measure")) {
    context.measure = measure->as_string();
    require_one_of(*measure, context.measure, {kMeasureTime, kMeasureInstructions});
  }
  read(node, "instruction_iterations", context.counts_instructions(),
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
  read_number(node, "allocs_per_op", true, false, files.allocs_per_op);
  read_number(node, "bytes_per_op", true, false, files.bytes_per_op);
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
    read_number(site, "allocs_per_op", true, false, read_site.allocs_per_op);
    read_number(site, "bytes_per_op", true, false, read_site.bytes_per_op);
  }
  return files;
}

BenchmarkRun read_benchmark(const Node& node, bool is_paybench) {
  node.expect_object();
  BenchmarkRun run;
  const bool required = is_paybench;

  read(node, "name", true, run.name);
  read(node, "family_index", required, run.family_index);
  read(node, "per_family_instance_index", required, run.per_family_instance_index);
  run.run_name = run.name;
  read(node, "run_name", required, run.run_name);
  if (const auto type = required ? std::optional<Node>(node.at("run_type"))
                                 : node.find("run_type")) {
    const std::string text = type->as_string();
    require_one_of(*type, text, {"iteration", "aggregate"});
    run.run_type = *parse_run_type(text);
  }
  const bool is_aggregate = run.run_type == RunType::kAggregate;
  read(node, "repetitions", required, run.repetitions);
  read(node, "repetition_index", required && !is_aggregate, run.repetition_index);
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
  read(node, "iterations", required, run.iterations);
  read_number(node, "real_time", required, true, run.real_time);
  read_number(node, "cpu_time", required, true, run.cpu_time);
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
    const Node counter(value, node.path() + "." + key, node.source());
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
  read(node, "threads", true, comparison.threads);
  read(node, "baseline_allocator", true, comparison.baseline_allocator);
  read(node, "candidate_allocator", true, comparison.candidate_allocator);
  read(node, "metric", true, comparison.metric);
  const Node unit = node.at("time_unit");
  comparison.time_unit = unit.as_string();
  require_one_of(unit, comparison.time_unit, {"ns", "us", "ms", "s"});
  read_number(node, "baseline_median", true, false, comparison.baseline_median);
  read_number(node, "candidate_median", true, false, comparison.candidate_median);
  read_number(node, "ratio", true, false, comparison.ratio);
  read_number(node, "ci_low", true, false, comparison.ci_low);
  read_number(node, "ci_high", true, false, comparison.ci_high);
  read(node, "baseline_samples", true, comparison.baseline_samples);
  read(node, "candidate_samples", true, comparison.candidate_samples);
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
    // nlohmann's message starts with "[json.exception.parse_error.101] ": keep the part after.
    std::string message = error.what();
    if (const auto end = message.find("] "); message.starts_with("[json.") && end != std::string::npos) {
      message = message.substr(end + 2);
    }
    throw InputError(std::string(source), "", "not valid JSON: " + message);
  }
  return read_result(json, source);
}

Result read_result_file(const std::filesystem::path& path) {
  return result_from_json_text(read_input_file(path, "a JSON result file"), path.string());
}

}  // namespace paybench::reports
