#include "paybench/reports/instance_summary.h"

#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "paybench/reports/formatting.h"
#include "paybench/reports/statistics.h"

namespace paybench::reports {
namespace {

std::string family_of(const BenchmarkRun& run) {
  if (!run.family.empty()) {
    return run.family;
  }
  return run.run_name.substr(0, run.run_name.find('/'));
}

std::string display_name_of(const std::string& run_name, const std::string& family) {
  const std::string prefix = family + "/";
  if (run_name.starts_with(prefix) && run_name.size() > prefix.size()) {
    return run_name.substr(prefix.size());
  }
  return run_name;
}

std::optional<double> median_of_present(const std::vector<double>& values) {
  if (values.empty()) {
    return std::nullopt;
  }
  return median(values);
}

// Collects the raw material of one instance while the runs are scanned.
struct InstanceBuilder {
  InstanceSummary summary;
  std::vector<double> allocs_per_op;
  std::vector<double> bytes_per_op;
  std::vector<double> latency_p50_ns;
  std::vector<double> latency_p99_ns;
  std::vector<double> latency_p999_ns;
  std::vector<double> items_per_second;
  const BenchmarkRun* median_aggregate = nullptr;
  const BenchmarkRun* cv_aggregate = nullptr;

  void add(const BenchmarkRun& run) {
    if (summary.label.empty()) {
      summary.label = run.label;
    }

    if (run.run_type == RunType::kAggregate) {
      if (run.aggregate_name == "median" && run.aggregate_unit != "percentage") {
        median_aggregate = &run;
      } else if (run.aggregate_name == "cv") {
        cv_aggregate = &run;
      }
      return;
    }

    ++summary.iteration_runs;
    if (run.error_occurred) {
      if (summary.error_runs == 0) {
        summary.error_message = run.error_message;
      }
      ++summary.error_runs;
      return;
    }
    if (!std::isnan(run.real_time)) {
      summary.real_times_ns.push_back(convert_time(run.real_time, run.time_unit, "ns"));
    }
    add_counter(run, kAllocsPerOpCounter, allocs_per_op);
    add_counter(run, kBytesPerOpCounter, bytes_per_op);
    add_counter(run, kLatencyP50Counter, latency_p50_ns);
    add_counter(run, kLatencyP99Counter, latency_p99_ns);
    add_counter(run, kLatencyP999Counter, latency_p999_ns);
    add_counter(run, kItemsPerSecondCounter, items_per_second);
  }

  static void add_counter(const BenchmarkRun& run, const char* name, std::vector<double>& values) {
    const auto it = run.counters.find(name);
    if (it != run.counters.end() && !std::isnan(it->second)) {
      values.push_back(it->second);
    }
  }

  InstanceSummary finish() && {
    if (!summary.real_times_ns.empty()) {
      summary.median_ns = median(summary.real_times_ns);
      summary.cv = coefficient_of_variation(summary.real_times_ns);
    } else {
      if (median_aggregate != nullptr && !std::isnan(median_aggregate->real_time)) {
        summary.median_ns =
            convert_time(median_aggregate->real_time, median_aggregate->time_unit, "ns");
        add_counter(*median_aggregate, kAllocsPerOpCounter, allocs_per_op);
        add_counter(*median_aggregate, kBytesPerOpCounter, bytes_per_op);
      }
      // Google Benchmark's cv aggregate stores the fraction itself in real_time.
      if (cv_aggregate != nullptr && !std::isnan(cv_aggregate->real_time)) {
        summary.cv = cv_aggregate->real_time;
      }
    }
    summary.allocs_per_op = median_of_present(allocs_per_op);
    summary.bytes_per_op = median_of_present(bytes_per_op);
    summary.latency_p50_ns = median_of_present(latency_p50_ns);
    summary.latency_p99_ns = median_of_present(latency_p99_ns);
    summary.latency_p999_ns = median_of_present(latency_p999_ns);
    summary.items_per_second = median_of_present(items_per_second);
    return std::move(summary);
  }
};

}  // namespace

bool is_allocator_comparison(const Comparison& comparison) {
  return comparison.baseline == comparison.candidate &&
         comparison.baseline_allocator != comparison.candidate_allocator;
}

std::vector<FamilySummary> summarize_instances(const Result& result) {
  std::vector<std::string> family_order;
  std::map<std::string, std::vector<InstanceBuilder>> builders_by_family;
  // (family, run_name, allocator) to the index in the family's builders.
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> position;

  for (const BenchmarkRun& run : result.benchmarks) {
    const std::string family = family_of(run);
    auto [family_it, new_family] = builders_by_family.try_emplace(family);
    if (new_family) {
      family_order.push_back(family);
    }
    std::vector<InstanceBuilder>& builders = family_it->second;

    const auto key = std::make_tuple(family, run.run_name, run.allocator);
    auto [it, inserted] = position.try_emplace(key, builders.size());
    if (inserted) {
      InstanceBuilder builder;
      builder.summary.family = family;
      builder.summary.workload = run.workload;
      builder.summary.run_name = run.run_name;
      builder.summary.display_name = display_name_of(run.run_name, family);
      builder.summary.allocator = run.allocator;
      builder.summary.variant = run.variant;
      builder.summary.params = run.params;
      builder.summary.threads = run.threads;
      builders.push_back(std::move(builder));
    }
    builders[it->second].add(run);
  }

  std::vector<FamilySummary> families;
  for (const std::string& family : family_order) {
    FamilySummary summary{family, {}};
    for (InstanceBuilder& builder : builders_by_family[family]) {
      summary.instances.push_back(std::move(builder).finish());
    }
    families.push_back(std::move(summary));
  }

  for (FamilySummary& family : families) {
    for (InstanceSummary& instance : family.instances) {
      for (std::size_t i = 0; i < result.comparisons.size(); ++i) {
        const Comparison& comparison = result.comparisons[i];
        if (comparison.candidate_run_name == instance.run_name &&
            comparison.candidate_allocator == instance.allocator) {
          instance.candidate_in.push_back(i);
        }
        if (comparison.baseline_run_name == instance.run_name &&
            comparison.baseline_allocator == instance.allocator) {
          instance.baseline_in.push_back(i);
        }
      }
    }
  }

  for (FamilySummary& family : families) {
    std::set<std::string> compared_workloads;
    for (const Comparison& comparison : result.comparisons) {
      if (comparison.family == family.family) compared_workloads.insert(comparison.workload);
    }
    for (InstanceSummary& instance : family.instances) {
      const bool in_no_comparison = instance.candidate_in.empty() && instance.baseline_in.empty();
      instance.is_anchor = in_no_comparison && !instance.workload.empty() &&
                           instance.error_runs == 0 &&
                           compared_workloads.count(instance.workload) > 0;
    }
  }
  return families;
}

}  // namespace paybench::reports
