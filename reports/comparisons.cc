#include "paybench/reports/comparisons.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "paybench/reports/formatting.h"
#include "paybench/reports/statistics.h"

namespace paybench::reports {
namespace {

// The identity of one benchmark instance, to pair it across variants and allocators.
struct InstanceKey {
  std::string family;
  std::string workload;
  std::string variant;
  std::map<std::string, std::int64_t> params;
  std::int64_t threads = 1;
  std::string allocator;

  friend auto operator<=>(const InstanceKey&, const InstanceKey&) = default;
};

// The usable samples of one instance: real_time of its non-error iteration runs, all in the
// time unit of its first run.
struct InstanceSamples {
  InstanceKey key;
  std::string run_name;
  std::string time_unit;
  std::vector<double> real_times;
};

class InstanceIndex {
 public:
  explicit InstanceIndex(const std::vector<BenchmarkRun>& runs) {
    for (const BenchmarkRun& run : runs) {
      const bool is_usable = run.run_type == RunType::kIteration && !run.error_occurred;
      if (!is_usable) {
        continue;
      }
      InstanceKey key{run.family, run.workload, run.variant, run.params, run.threads,
                      run.allocator};
      auto [it, inserted] = position_.try_emplace(key, instances_.size());
      if (inserted) {
        instances_.push_back(InstanceSamples{key, run.run_name, run.time_unit, {}});
      }
      InstanceSamples& instance = instances_[it->second];
      instance.real_times.push_back(convert_time(run.real_time, run.time_unit, instance.time_unit));
    }
  }

  // Instances in the order their first run appears.
  const std::vector<InstanceSamples>& instances() const { return instances_; }

  const InstanceSamples* find(const InstanceKey& key) const {
    const auto it = position_.find(key);
    return it == position_.end() ? nullptr : &instances_[it->second];
  }

 private:
  std::vector<InstanceSamples> instances_;
  std::map<InstanceKey, std::size_t> position_;
};

bool has_enough_samples(const std::vector<double>& times, bool exact_counts) {
  const bool all_valid = std::all_of(times.begin(), times.end(), [](double time) {
    return std::isfinite(time) && time > 0;
  });
  const std::size_t min_samples = exact_counts ? 1 : 2;
  return times.size() >= min_samples && all_valid;
}

std::optional<Comparison> compare(const InstanceSamples& baseline, const InstanceSamples& candidate,
                                  bool exact_counts) {
  std::vector<double> candidate_times;
  candidate_times.reserve(candidate.real_times.size());
  for (double time : candidate.real_times) {
    candidate_times.push_back(convert_time(time, candidate.time_unit, baseline.time_unit));
  }
  if (!has_enough_samples(baseline.real_times, exact_counts) ||
      !has_enough_samples(candidate_times, exact_counts)) {
    return std::nullopt;
  }

  const double exact_ratio = median(candidate_times) / median(baseline.real_times);
  const RatioInterval interval =
      exact_counts
          ? RatioInterval{exact_ratio, exact_ratio, exact_ratio}
          : bootstrap_ratio_of_medians(baseline.real_times, candidate_times, kComparisonConfidence);

  Comparison comparison;
  comparison.family = baseline.key.family;
  comparison.workload = baseline.key.workload;
  comparison.baseline = baseline.key.variant;
  comparison.candidate = candidate.key.variant;
  comparison.baseline_run_name = baseline.run_name;
  comparison.candidate_run_name = candidate.run_name;
  comparison.params = baseline.key.params;
  comparison.threads = baseline.key.threads;
  comparison.baseline_allocator = baseline.key.allocator;
  comparison.candidate_allocator = candidate.key.allocator;
  comparison.metric = exact_counts ? "instructions" : "real_time";
  comparison.time_unit = baseline.time_unit;
  comparison.baseline_median = median(baseline.real_times);
  comparison.candidate_median = median(candidate_times);
  comparison.ratio = interval.ratio;
  comparison.ci_low = interval.low;
  comparison.ci_high = interval.high;
  comparison.baseline_samples = static_cast<int>(baseline.real_times.size());
  comparison.candidate_samples = static_cast<int>(candidate_times.size());
  comparison.verdict = verdict_for_interval(interval.low, interval.high);
  return comparison;
}

}  // namespace

Verdict verdict_for_interval(double ci_low, double ci_high) {
  if (ci_high < 1 - kNoiseThreshold) {
    return Verdict::kFaster;
  }
  if (ci_low > 1 + kNoiseThreshold) {
    return Verdict::kSlower;
  }
  return Verdict::kNoDifference;
}

std::vector<Comparison> compute_comparisons(const std::vector<BenchmarkRun>& runs,
                                            const std::vector<ComparisonRequest>& requests,
                                            bool exact_counts) {
  const InstanceIndex index(runs);
  std::vector<Comparison> comparisons;

  for (const ComparisonRequest& request : requests) {
    for (const InstanceSamples& baseline : index.instances()) {
      const bool is_requested_baseline = baseline.key.family == request.family &&
                                         baseline.key.workload == request.workload &&
                                         baseline.key.variant == request.baseline_variant;
      if (!is_requested_baseline) {
        continue;
      }
      InstanceKey candidate_key = baseline.key;
      candidate_key.variant = request.candidate_variant;
      const InstanceSamples* candidate = index.find(candidate_key);
      if (candidate == nullptr) {
        continue;
      }
      if (std::optional<Comparison> comparison = compare(baseline, *candidate, exact_counts)) {
        comparisons.push_back(std::move(*comparison));
      }
    }
  }
  return comparisons;
}

std::vector<Comparison> compute_allocator_comparisons(const std::vector<BenchmarkRun>& runs,
                                                      const std::string& baseline_allocator) {
  std::vector<std::string> allocators;  // in order of first appearance
  for (const BenchmarkRun& run : runs) {
    if (std::find(allocators.begin(), allocators.end(), run.allocator) == allocators.end()) {
      allocators.push_back(run.allocator);
    }
  }
  if (allocators.size() < 2) {
    return {};
  }
  if (std::find(allocators.begin(), allocators.end(), baseline_allocator) == allocators.end()) {
    std::string present;
    for (const std::string& allocator : allocators) {
      present += (present.empty() ? "" : ", ") + allocator;
    }
    throw std::invalid_argument("baseline allocator \"" + baseline_allocator +
                                "\" has no runs; the runs use " + present +
                                ": choose one of these as the baseline");
  }

  const InstanceIndex index(runs);
  std::vector<Comparison> comparisons;
  for (const InstanceSamples& baseline : index.instances()) {
    if (baseline.key.allocator != baseline_allocator) {
      continue;
    }
    for (const std::string& allocator : allocators) {
      if (allocator == baseline_allocator) {
        continue;
      }
      InstanceKey candidate_key = baseline.key;
      candidate_key.allocator = allocator;
      const InstanceSamples* candidate = index.find(candidate_key);
      if (candidate == nullptr) {
        continue;
      }
      // Instruction counts are never measured under several allocators.
      const bool exact_counts = false;
      if (std::optional<Comparison> comparison = compare(baseline, *candidate, exact_counts)) {
        comparisons.push_back(std::move(*comparison));
      }
    }
  }
  return comparisons;
}

}  // namespace paybench::reports
