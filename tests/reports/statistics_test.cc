#include "paybench/reports/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

namespace paybench::reports {
namespace {

// Times with multiplicative log-normal noise around `median_ns`; the log-normal's median is
// exactly `median_ns`, so the true ratio of two such samples' medians is known.
std::vector<double> noisy_times(std::mt19937_64& generator, double median_ns, double sigma,
                                int count) {
  std::lognormal_distribution<double> noise(0.0, sigma);
  std::vector<double> times;
  for (int i = 0; i < count; ++i) {
    times.push_back(median_ns * noise(generator));
  }
  return times;
}

TEST(Median, OddCount) { EXPECT_EQ(median({5, 1, 3}), 3); }

TEST(Median, EvenCountTakesMeanOfMiddle) { EXPECT_EQ(median({4, 1, 3, 2}), 2.5); }

TEST(Median, SingleValue) { EXPECT_EQ(median({7}), 7); }

TEST(Median, EmptyThrows) { EXPECT_THROW(median({}), std::invalid_argument); }

TEST(Median, NanThrows) {
  EXPECT_THROW(median({1, std::numeric_limits<double>::quiet_NaN()}), std::invalid_argument);
}

TEST(CoefficientOfVariation, UsesSampleStandardDeviation) {
  const std::vector<double> values = {1, 2, 3, 4};

  // mean 2.5, sample variance (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5 / 3
  EXPECT_NEAR(coefficient_of_variation(values), std::sqrt(5.0 / 3.0) / 2.5, 1e-15);
}

TEST(CoefficientOfVariation, FewerThanTwoValuesIsZero) {
  EXPECT_EQ(coefficient_of_variation(std::vector<double>{3}), 0);
  EXPECT_EQ(coefficient_of_variation(std::vector<double>{}), 0);
}

TEST(CoefficientOfVariation, ZeroMeanIsNan) {
  EXPECT_TRUE(std::isnan(coefficient_of_variation(std::vector<double>{-1, 1})));
}

TEST(BootstrapRatio, SameSeedSameInterval) {
  std::mt19937_64 generator(7);
  const std::vector<double> baseline = noisy_times(generator, 100, 0.05, 10);
  const std::vector<double> candidate = noisy_times(generator, 90, 0.05, 10);

  const RatioInterval first = bootstrap_ratio_of_medians(baseline, candidate);
  const RatioInterval second = bootstrap_ratio_of_medians(baseline, candidate);
  const RatioInterval other_seed =
      bootstrap_ratio_of_medians(baseline, candidate, 0.95, 10000, kDefaultSeed + 1);

  EXPECT_EQ(first.low, second.low);
  EXPECT_EQ(first.high, second.high);
  EXPECT_EQ(first.ratio, other_seed.ratio);
  EXPECT_TRUE(first.low != other_seed.low || first.high != other_seed.high);
}

TEST(BootstrapRatio, IdenticalInputsGiveOneInsideInterval) {
  std::mt19937_64 generator(11);
  const std::vector<double> times = noisy_times(generator, 50, 0.02, 12);

  const RatioInterval interval = bootstrap_ratio_of_medians(times, times);

  EXPECT_EQ(interval.ratio, 1);
  EXPECT_LE(interval.low, 1);
  EXPECT_GE(interval.high, 1);
  EXPECT_LT(interval.low, interval.high);
}

TEST(BootstrapRatio, TwofoldShiftExcludesOne) {
  std::mt19937_64 generator(13);
  const std::vector<double> baseline = noisy_times(generator, 100, 0.03, 10);
  const std::vector<double> candidate = noisy_times(generator, 200, 0.03, 10);

  const RatioInterval interval = bootstrap_ratio_of_medians(baseline, candidate);

  EXPECT_GT(interval.low, 1.5);
  EXPECT_LT(interval.low, 2);
  EXPECT_GT(interval.high, 2);
  EXPECT_LT(interval.high, 2.5);
  EXPECT_NEAR(interval.ratio, 2, 0.1);
}

// About 95% of the intervals of 200 synthetic pairs must contain the true ratio. A percentile
// bootstrap of medians from 15 samples is known to cover a little less than nominal, so the
// band is loose.
TEST(BootstrapRatio, CoverageOfKnownRatio) {
  constexpr double kTrueRatio = 0.8;
  constexpr int kPairs = 200;
  constexpr int kResamples = 2000;
  std::mt19937_64 generator(2024);

  int covered = 0;
  for (int pair = 0; pair < kPairs; ++pair) {
    const std::vector<double> baseline = noisy_times(generator, 100, 0.05, 15);
    const std::vector<double> candidate = noisy_times(generator, 100 * kTrueRatio, 0.05, 15);
    const RatioInterval interval = bootstrap_ratio_of_medians(
        baseline, candidate, 0.95, kResamples, kDefaultSeed + static_cast<std::uint64_t>(pair));
    if (interval.low <= kTrueRatio && kTrueRatio <= interval.high) {
      ++covered;
    }
  }

  const double coverage = static_cast<double>(covered) / kPairs;
  EXPECT_GE(coverage, 0.88);
  EXPECT_LE(coverage, 0.99);
}

TEST(BootstrapRatio, RejectsBadInput) {
  const std::vector<double> two = {1, 2};
  const std::vector<double> one = {1};
  const std::vector<double> with_zero = {1, 0};
  const std::vector<double> with_nan = {1, std::numeric_limits<double>::quiet_NaN()};

  EXPECT_THROW(bootstrap_ratio_of_medians(one, two), std::invalid_argument);
  EXPECT_THROW(bootstrap_ratio_of_medians(two, one), std::invalid_argument);
  EXPECT_THROW(bootstrap_ratio_of_medians(two, with_zero), std::invalid_argument);
  EXPECT_THROW(bootstrap_ratio_of_medians(with_nan, two), std::invalid_argument);
  EXPECT_THROW(bootstrap_ratio_of_medians(two, two, 1.0), std::invalid_argument);
  EXPECT_THROW(bootstrap_ratio_of_medians(two, two, 0.95, kMinResamples - 1),
               std::invalid_argument);
}

TEST(BootstrapMedian, IntervalContainsMedian) {
  std::mt19937_64 generator(3);
  const std::vector<double> times = noisy_times(generator, 40, 0.05, 10);

  const MedianInterval interval = bootstrap_median_interval(times);

  EXPECT_EQ(interval.median, median(times));
  EXPECT_LE(interval.low, interval.median);
  EXPECT_GE(interval.high, interval.median);
  EXPECT_GE(interval.low, *std::min_element(times.begin(), times.end()));
  EXPECT_LE(interval.high, *std::max_element(times.begin(), times.end()));
}

}  // namespace
}  // namespace paybench::reports
