#include "paybench/reports/statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

namespace paybench::reports {
namespace {

// Median of values[0, size), reordering them. The caller guarantees size >= 1 and no NaN.
double median_in_place(std::span<double> values) {
  const std::size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle),
                   values.end());
  const double upper = values[middle];
  if (values.size() % 2 == 1) {
    return upper;
  }
  // The lower middle value is the largest of the lower half, which nth_element left unsorted.
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle));
  return lower + (upper - lower) / 2;
}

// Quantile of sorted values with linear interpolation between order statistics (the method
// numpy and R use by default).
double quantile_of_sorted(const std::vector<double>& sorted, double probability) {
  const double position = probability * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

void check_bootstrap_side(std::span<const double> values, const char* side) {
  if (values.size() < 2) {
    throw std::invalid_argument(std::string("bootstrap needs at least 2 ") + side +
                                " values, got " + std::to_string(values.size()));
  }
  for (double value : values) {
    if (!std::isfinite(value) || value <= 0) {
      throw std::invalid_argument(std::string("bootstrap ") + side +
                                  " values must be finite times > 0, got " +
                                  std::to_string(value));
    }
  }
}

void check_bootstrap_settings(double confidence, int resamples) {
  if (!(confidence > 0 && confidence < 1)) {
    throw std::invalid_argument("confidence must be in (0, 1), got " + std::to_string(confidence));
  }
  if (resamples < kMinResamples) {
    throw std::invalid_argument("resamples must be >= " + std::to_string(kMinResamples) +
                                ", got " + std::to_string(resamples));
  }
}

// Draws a resample of `source` into `target` (same size) and returns its median.
class Resampler {
 public:
  explicit Resampler(std::uint64_t seed) : generator_(seed) {}

  double resampled_median(std::span<const double> source, std::vector<double>& target) {
    target.resize(source.size());
    for (double& value : target) {
      value = source[index_below(source.size())];
    }
    return median_in_place(target);
  }

 private:
  // Draws uniformly from [0, bound): draws below 2^64 mod bound are rejected, so that every
  // remainder is equally likely.
  std::size_t index_below(std::size_t bound) {
    const std::uint64_t range = bound;
    const std::uint64_t rejected_below = (0 - range) % range;
    std::uint64_t draw = generator_();
    while (draw < rejected_below) {
      draw = generator_();
    }
    return static_cast<std::size_t>(draw % range);
  }

  std::mt19937_64 generator_;
};

}  // namespace

double median(std::vector<double> values) {
  if (values.empty()) {
    throw std::invalid_argument("median of an empty set of values");
  }
  if (std::any_of(values.begin(), values.end(), [](double value) { return std::isnan(value); })) {
    throw std::invalid_argument("median of values that contain NaN");
  }
  return median_in_place(values);
}

double coefficient_of_variation(std::span<const double> values) {
  if (values.size() < 2) {
    return 0;
  }
  const double count = static_cast<double>(values.size());
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / count;
  if (mean == 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  double squared_deviations = 0;
  for (double value : values) {
    squared_deviations += (value - mean) * (value - mean);
  }
  const double sample_stddev = std::sqrt(squared_deviations / (count - 1));
  return sample_stddev / mean;
}

RatioInterval bootstrap_ratio_of_medians(std::span<const double> baseline,
                                         std::span<const double> candidate, double confidence,
                                         int resamples, std::uint64_t seed) {
  check_bootstrap_side(baseline, "baseline");
  check_bootstrap_side(candidate, "candidate");
  check_bootstrap_settings(confidence, resamples);

  const double ratio = median(std::vector<double>(candidate.begin(), candidate.end())) /
                       median(std::vector<double>(baseline.begin(), baseline.end()));

  Resampler resampler(seed);
  std::vector<double> scratch;
  std::vector<double> ratios;
  ratios.reserve(static_cast<std::size_t>(resamples));
  for (int round = 0; round < resamples; ++round) {
    const double baseline_median = resampler.resampled_median(baseline, scratch);
    const double candidate_median = resampler.resampled_median(candidate, scratch);
    ratios.push_back(candidate_median / baseline_median);
  }
  std::sort(ratios.begin(), ratios.end());

  const double tail = (1 - confidence) / 2;
  return RatioInterval{ratio, quantile_of_sorted(ratios, tail),
                       quantile_of_sorted(ratios, 1 - tail)};
}

MedianInterval bootstrap_median_interval(std::span<const double> values, double confidence,
                                         int resamples, std::uint64_t seed) {
  check_bootstrap_side(values, "sample");
  check_bootstrap_settings(confidence, resamples);

  Resampler resampler(seed);
  std::vector<double> scratch;
  std::vector<double> medians;
  medians.reserve(static_cast<std::size_t>(resamples));
  for (int round = 0; round < resamples; ++round) {
    medians.push_back(resampler.resampled_median(values, scratch));
  }
  std::sort(medians.begin(), medians.end());

  const double tail = (1 - confidence) / 2;
  return MedianInterval{median(std::vector<double>(values.begin(), values.end())),
                        quantile_of_sorted(medians, tail), quantile_of_sorted(medians, 1 - tail)};
}

}  // namespace paybench::reports
