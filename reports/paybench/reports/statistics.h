// Statistics over the repetitions of a benchmark: median, coefficient of variation and
// percentile-bootstrap confidence intervals.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace paybench::reports {

// Seed of the bootstrap's random generator when the caller gives none. Any fixed value would
// do: it is fixed so that the same result file always yields the same intervals.
inline constexpr std::uint64_t kDefaultSeed = 0x9e37'79b9'7f4a'7c15ULL;

// Minimum number of bootstrap rounds. Below about 1000, the 2.5% and 97.5% quantiles rest on a
// handful of rounds and move visibly from one seed to the next.
inline constexpr int kMinResamples = 1000;

// Returns the median: the middle value, or the mean of the two middle values for an even count.
// Throws std::invalid_argument when `values` is empty or contains a NaN.
double median(std::vector<double> values);

// Returns the sample standard deviation (divisor n - 1) over the mean, as Google Benchmark's
// "cv" aggregate computes it: 0 for fewer than 2 values, NaN when the mean is 0.
double coefficient_of_variation(std::span<const double> values);

// A point estimate with a confidence interval [low, high].
struct RatioInterval {
  double ratio;  // median(candidate) / median(baseline)
  double low;
  double high;
};

struct MedianInterval {
  double median;
  double low;
  double high;
};

// Estimates median(candidate) / median(baseline) with a percentile bootstrap interval. Each of
// `resamples` rounds draws both sides with replacement (sizes unchanged) and takes the ratio of
// their medians. The interval is the (1 - confidence) / 2 and (1 + confidence) / 2 quantiles
// of those ratios. The same inputs and seed always give the same interval with any C++ standard
// library, because the generator is std::mt19937_64 and indices are drawn without
// std::uniform_int_distribution.
//
// Throws std::invalid_argument when a side has fewer than 2 values, a value is not finite and
// > 0 (these are times), confidence is not in (0, 1) or resamples < kMinResamples.
RatioInterval bootstrap_ratio_of_medians(std::span<const double> baseline,
                                         std::span<const double> candidate,
                                         double confidence = 0.95, int resamples = 10000,
                                         std::uint64_t seed = kDefaultSeed);

// Estimates the median of `values` with a percentile bootstrap interval, drawn as in
// bootstrap_ratio_of_medians. Same preconditions for one side.
MedianInterval bootstrap_median_interval(std::span<const double> values,
                                         double confidence = 0.95, int resamples = 10000,
                                         std::uint64_t seed = kDefaultSeed);

}  // namespace paybench::reports
