#include "paybench/reports/run_comparison.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

#include "paybench/reports/formatting.h"

namespace paybench::reports {
namespace {

constexpr double kNanosecondsPerSecond = 1e9;

// A run of one side with the name it is paired by and its run_name, both after any family
// filter's replacement.
struct Entry {
  const BenchmarkRun* run;
  std::string name;
  std::string run_name;
};

// BigO and RMS aggregates carry coefficients instead of real_time and cpu_time.
bool has_times(const BenchmarkRun& run) {
  const bool is_complexity = run.run_type == RunType::kAggregate &&
                             (run.aggregate_name == "BigO" || run.aggregate_name == "RMS");
  return !is_complexity;
}

// The runs of one side that take part, named as they pair up.
std::vector<Entry> select_entries(const Result& result, const NamePattern* pattern,
                                  const std::string& replacement) {
  std::vector<Entry> entries;
  for (const BenchmarkRun& run : result.benchmarks) {
    if (!has_times(run)) continue;
    const std::string& run_name = run.run_name.empty() ? run.name : run.run_name;
    if (pattern == nullptr) {
      entries.push_back({&run, run.name, run_name});
    } else if (pattern->is_found_in(run.name)) {
      entries.push_back({&run, pattern->replace_matches(run.name, replacement),
                         pattern->replace_matches(run_name, replacement)});
    }
  }
  return entries;
}

std::vector<std::string> unique_names(const std::vector<Entry>& entries) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const Entry& entry : entries) {
    if (seen.insert(entry.name).second) names.push_back(entry.name);
  }
  return names;
}

std::vector<std::string> names_missing_from(const std::vector<std::string>& names,
                                            const std::set<std::string>& other) {
  std::vector<std::string> missing;
  for (const std::string& name : names) {
    if (!other.contains(name)) missing.push_back(name);
  }
  return missing;
}

void add_failures(const std::vector<Entry>& entries, ComparisonSide side,
                  std::vector<FailedBenchmark>& failures) {
  std::map<std::string, std::size_t> index_by_name;
  const std::size_t first_of_side = failures.size();
  for (const Entry& entry : entries) {
    if (!entry.run->error_occurred) continue;
    const auto [it, is_new] =
        index_by_name.try_emplace(entry.run->name, failures.size() - first_of_side);
    if (is_new) {
      failures.push_back({side, entry.run->name, entry.run->error_message, 0});
    }
    ++failures[first_of_side + it->second].failed_runs;
  }
}

// The runs of `name` that ran without error, split by whether their unit is `time_unit`.
struct NamedRuns {
  std::vector<const BenchmarkRun*> in_unit;
  int other_unit_count = 0;
  std::string other_unit;
};

NamedRuns runs_named(const std::vector<Entry>& entries, const std::string& name,
                     const std::string& time_unit) {
  NamedRuns runs;
  for (const Entry& entry : entries) {
    if (entry.name != name || entry.run->error_occurred) continue;
    if (entry.run->time_unit == time_unit) {
      runs.in_unit.push_back(entry.run);
    } else {
      if (runs.other_unit.empty()) runs.other_unit = entry.run->time_unit;
      ++runs.other_unit_count;
    }
  }
  return runs;
}

const Entry* first_usable_entry(const std::vector<Entry>& entries, const std::string& name) {
  for (const Entry& entry : entries) {
    if (entry.name == name && !entry.run->error_occurred) return &entry;
  }
  return nullptr;
}

std::optional<UTest> u_test_of(const std::vector<const BenchmarkRun*>& baseline,
                               const std::vector<const BenchmarkRun*>& candidate, double alpha) {
  const std::size_t min_count = std::min(baseline.size(), candidate.size());
  if (min_count < static_cast<std::size_t>(kMinUTestRepetitions)) return std::nullopt;

  std::vector<double> baseline_real, baseline_cpu, candidate_real, candidate_cpu;
  for (const BenchmarkRun* run : baseline) {
    baseline_real.push_back(run->real_time);
    baseline_cpu.push_back(run->cpu_time);
  }
  for (const BenchmarkRun* run : candidate) {
    candidate_real.push_back(run->real_time);
    candidate_cpu.push_back(run->cpu_time);
  }
  const auto has_nan = [](const std::vector<double>& values) {
    return std::any_of(values.begin(), values.end(),
                       [](double value) { return std::isnan(value); });
  };
  const bool cannot_rank = has_nan(baseline_real) || has_nan(baseline_cpu) ||
                           has_nan(candidate_real) || has_nan(candidate_cpu);
  if (cannot_rank) return std::nullopt;

  UTest test;
  test.real_time = mann_whitney_u_test(baseline_real, candidate_real);
  test.cpu_time = mann_whitney_u_test(baseline_cpu, candidate_cpu);
  test.baseline_repetitions = static_cast<int>(baseline.size());
  test.candidate_repetitions = static_cast<int>(candidate.size());
  test.has_recommended_repetitions =
      min_count >= static_cast<std::size_t>(kRecommendedUTestRepetitions);
  test.real_time_significant = test.real_time.p_value < alpha;
  test.cpu_time_significant = test.cpu_time.p_value < alpha;
  return test;
}

BenchmarkDifference difference_of(const std::string& name,
                                  const std::vector<const BenchmarkRun*>& baseline,
                                  const std::vector<const BenchmarkRun*>& candidate, double alpha) {
  const BenchmarkRun& first = *baseline.front();
  BenchmarkDifference difference;
  difference.name = name;
  difference.label = first.label;
  difference.run_type = first.run_type;
  difference.aggregate_name = first.aggregate_name;
  difference.aggregate_unit = first.aggregate_unit;
  difference.time_unit = first.time_unit;

  const std::size_t pairs = std::min(baseline.size(), candidate.size());
  for (std::size_t i = 0; i < pairs; ++i) {
    MeasurementChange change;
    change.baseline_real_time = baseline[i]->real_time;
    change.candidate_real_time = candidate[i]->real_time;
    change.real_time_change =
        relative_change(change.baseline_real_time, change.candidate_real_time);
    change.baseline_cpu_time = baseline[i]->cpu_time;
    change.candidate_cpu_time = candidate[i]->cpu_time;
    change.cpu_time_change = relative_change(change.baseline_cpu_time, change.candidate_cpu_time);
    difference.measurements.push_back(change);
  }
  difference.u_test = u_test_of(baseline, candidate, alpha);
  return difference;
}

// The geometric means of real and CPU time in seconds over the side's non-aggregate runs, as
// exp(mean(log(t))) like SciPy's gmean. A time of 0 makes the mean 0.
std::optional<std::pair<double, double>> geometric_means_s(const std::vector<Entry>& entries) {
  double real_log_sum = 0;
  double cpu_log_sum = 0;
  int count = 0;
  for (const Entry& entry : entries) {
    const BenchmarkRun& run = *entry.run;
    if (run.run_type == RunType::kAggregate || run.error_occurred) continue;
    const double seconds_per_unit = nanoseconds_per_unit(run.time_unit) / kNanosecondsPerSecond;
    real_log_sum += std::log(run.real_time * seconds_per_unit);
    cpu_log_sum += std::log(run.cpu_time * seconds_per_unit);
    ++count;
  }
  if (count == 0) return std::nullopt;
  return std::make_pair(std::exp(real_log_sum / count), std::exp(cpu_log_sum / count));
}

std::optional<GeomeanDifference> geomean_difference(const std::vector<Entry>& baseline,
                                                    const std::vector<Entry>& candidate) {
  const auto baseline_means = geometric_means_s(baseline);
  const auto candidate_means = geometric_means_s(candidate);
  // compare.py adds the row when each side has a mean that is not 0 (a NaN counts as not 0).
  const auto any_not_zero = [](const std::pair<double, double>& means) {
    return means.first != 0 || means.second != 0;
  };
  const bool has_row = baseline_means && candidate_means && any_not_zero(*baseline_means) &&
                       any_not_zero(*candidate_means);
  if (!has_row) return std::nullopt;

  GeomeanDifference geomean;
  geomean.baseline_real_time_s = baseline_means->first;
  geomean.baseline_cpu_time_s = baseline_means->second;
  geomean.candidate_real_time_s = candidate_means->first;
  geomean.candidate_cpu_time_s = candidate_means->second;
  geomean.real_time_change =
      relative_change(geomean.baseline_real_time_s, geomean.candidate_real_time_s);
  geomean.cpu_time_change =
      relative_change(geomean.baseline_cpu_time_s, geomean.candidate_cpu_time_s);
  return geomean;
}

}  // namespace

double relative_change(double old_value, double new_value) {
  if (old_value == 0 && new_value == 0) return 0;
  if (old_value == 0) return (new_value - old_value) / ((old_value + new_value) / 2);
  return (new_value - old_value) / std::fabs(old_value);
}

RunComparison compare_runs(const Result& baseline, const Result& candidate,
                           const RunComparisonOptions& options) {
  const bool alpha_in_range = options.alpha > 0 && options.alpha < 1;
  if (!alpha_in_range) {
    throw std::invalid_argument(fmt::format(
        "invalid significance level {}: expected a number between 0 and 1, such as 0.05",
        options.alpha));
  }

  RunComparison comparison;
  comparison.baseline_label = options.baseline_label;
  comparison.candidate_label = options.candidate_label;
  comparison.baseline_context = baseline.context;
  comparison.candidate_context = candidate.context;
  comparison.alpha = options.alpha;
  comparison.family_filter = options.family_filter;

  const FamilyFilter* filter = options.family_filter ? &*options.family_filter : nullptr;
  const std::string replacement = filter ? filter->replacement() : "";
  const std::vector<Entry> baseline_entries =
      select_entries(baseline, filter ? &filter->baseline : nullptr, replacement);
  const std::vector<Entry> candidate_entries =
      select_entries(candidate, filter ? &filter->candidate : nullptr, replacement);

  add_failures(baseline_entries, ComparisonSide::kBaseline, comparison.failures);
  add_failures(candidate_entries, ComparisonSide::kCandidate, comparison.failures);

  const std::vector<std::string> baseline_names = unique_names(baseline_entries);
  const std::vector<std::string> candidate_names = unique_names(candidate_entries);
  const std::set<std::string> baseline_set(baseline_names.begin(), baseline_names.end());
  const std::set<std::string> candidate_set(candidate_names.begin(), candidate_names.end());
  comparison.only_in_baseline = names_missing_from(baseline_names, candidate_set);
  comparison.only_in_candidate = names_missing_from(candidate_names, baseline_set);

  // Each row's sort key, from its baseline's first run: family, instance, whether it is an
  // aggregate, repetition. These are the keys by which compare.py sorts a file.
  using SortKey = std::tuple<std::int64_t, std::int64_t, bool, std::int64_t>;
  std::vector<std::pair<SortKey, BenchmarkDifference>> rows;
  for (const std::string& name : baseline_names) {
    if (!candidate_set.contains(name)) continue;
    const Entry* first_entry = first_usable_entry(baseline_entries, name);
    if (first_entry == nullptr) continue;  // every baseline run failed: listed in failures
    const BenchmarkRun* first = first_entry->run;

    const NamedRuns baseline_runs = runs_named(baseline_entries, name, first->time_unit);
    const NamedRuns candidate_runs = runs_named(candidate_entries, name, first->time_unit);
    const bool has_mismatch = baseline_runs.other_unit_count + candidate_runs.other_unit_count > 0;
    if (has_mismatch) {
      comparison.time_unit_mismatches.push_back(
          {name, first->time_unit,
           baseline_runs.other_unit.empty() ? candidate_runs.other_unit : baseline_runs.other_unit,
           baseline_runs.other_unit_count, candidate_runs.other_unit_count});
    }
    if (candidate_runs.in_unit.empty()) continue;

    const SortKey key{first->family_index, first->per_family_instance_index,
                      first->run_type == RunType::kAggregate, first->repetition_index};
    BenchmarkDifference difference =
        difference_of(name, baseline_runs.in_unit, candidate_runs.in_unit, options.alpha);
    difference.benchmark_name = first_entry->run_name;
    difference.counts_instructions =
        baseline.context.counts_instructions() && candidate.context.counts_instructions();
    rows.emplace_back(key, std::move(difference));
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [key, row] : rows) {
    comparison.benchmarks.push_back(std::move(row));
  }

  comparison.overall_geomean = geomean_difference(baseline_entries, candidate_entries);
  return comparison;
}

std::size_t count_compared_benchmarks(const RunComparison& comparison) {
  std::set<std::string_view> benchmark_names;
  for (const BenchmarkDifference& row : comparison.benchmarks) {
    benchmark_names.insert(row.benchmark_name);
  }
  return benchmark_names.size();
}

const char* to_string(ComparisonSide side) {
  return side == ComparisonSide::kBaseline ? "baseline" : "candidate";
}

}  // namespace paybench::reports
