#include "paybench/metrics/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace paybench {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr double kPercentiles[] = {0.001, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100};

// Returns the nearest-rank percentile of sorted samples: the sample of rank ceil(p / 100 * n).
std::int64_t exact_percentile(const std::vector<std::int64_t>& sorted, double p) {
  const auto rank =
      static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size()) / 100.0));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// Records the samples with each supported precision and checks every percentile in
// kPercentiles against the exact one.
void expect_percentiles_within_bound(std::vector<std::int64_t> samples, const char* distribution) {
  std::sort(samples.begin(), samples.end());
  for (const int sub_bucket_bits : {1, 3, LatencyHistogram::kDefaultSubBucketBits, 10}) {
    LatencyHistogram histogram(sub_bucket_bits);
    for (const std::int64_t sample : samples) {
      histogram.record(nanoseconds(sample));
    }

    for (const double p : kPercentiles) {
      const std::int64_t exact = exact_percentile(samples, p);
      const std::int64_t reported = histogram.percentile(p).count();
      const double allowed = static_cast<double>(exact) * histogram.max_relative_error();
      EXPECT_LE(std::abs(static_cast<double>(reported - exact)), allowed)
          << distribution << ", k = " << sub_bucket_bits << ", p = " << p << ": exact " << exact
          << " ns, reported " << reported << " ns";
    }
  }
}

TEST(LatencyHistogramTest, EmptyReportsZero) {
  const LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0U);
  EXPECT_EQ(histogram.percentile(50), nanoseconds(0));
  EXPECT_EQ(histogram.min(), nanoseconds(0));
  EXPECT_EQ(histogram.max(), nanoseconds(0));
  EXPECT_EQ(histogram.mean().count(), 0.0);
}

TEST(LatencyHistogramTest, DefaultGeometry) {
  const LatencyHistogram histogram;
  EXPECT_EQ(histogram.sub_bucket_bits(), 7);
  EXPECT_EQ(histogram.max_relative_error(), 1.0 / 256);
  EXPECT_EQ(histogram.bucket_count(), 36U * 128U);  // (43 - 7) groups of 2^7 sub-buckets
}

TEST(LatencyHistogramTest, RejectsInvalidSubBucketBits) {
  EXPECT_THROW(LatencyHistogram(0), std::invalid_argument);
  EXPECT_THROW(LatencyHistogram(LatencyHistogram::kMaxSubBucketBits + 1), std::invalid_argument);
  EXPECT_NO_THROW(LatencyHistogram(LatencyHistogram::kMaxSubBucketBits));
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram histogram(4);  // values 0 to 15 ns have their own buckets
  for (std::int64_t value = 0; value < 16; ++value) {
    histogram.record(nanoseconds(value));
  }
  for (std::int64_t value = 0; value < 16; ++value) {
    const double p = 100.0 * static_cast<double>(value + 1) / 16.0;
    EXPECT_EQ(histogram.percentile(p), nanoseconds(value)) << "p = " << p;
  }
}

TEST(LatencyHistogramTest, UniformWithinErrorBound) {
  std::mt19937_64 random(1);
  std::uniform_int_distribution<std::int64_t> latency_ns(1, 10'000'000);
  std::vector<std::int64_t> samples(100'000);
  for (std::int64_t& sample : samples) {
    sample = latency_ns(random);
  }
  expect_percentiles_within_bound(samples, "uniform 1 ns to 10 ms");
}

TEST(LatencyHistogramTest, ExponentialWithinErrorBound) {
  std::mt19937_64 random(2);
  std::exponential_distribution<double> latency_ns(1.0 / 50'000.0);  // mean 50 us
  std::vector<std::int64_t> samples(100'000);
  for (std::int64_t& sample : samples) {
    sample = static_cast<std::int64_t>(latency_ns(random));
  }
  expect_percentiles_within_bound(samples, "exponential, mean 50 us");
}

TEST(LatencyHistogramTest, BimodalWithinErrorBound) {
  // A fast path around 20 us and, for 5% of requests, a slow path around 80 ms.
  std::mt19937_64 random(3);
  std::normal_distribution<double> fast_ns(20'000.0, 2'000.0);
  std::normal_distribution<double> slow_ns(80'000'000.0, 10'000'000.0);
  std::bernoulli_distribution is_slow(0.05);
  std::vector<std::int64_t> samples(100'000);
  for (std::int64_t& sample : samples) {
    const double latency = is_slow(random) ? slow_ns(random) : fast_ns(random);
    sample = std::max<std::int64_t>(0, static_cast<std::int64_t>(latency));
  }
  expect_percentiles_within_bound(samples, "bimodal 20 us / 80 ms");
}

TEST(LatencyHistogramTest, WideRangeWithinErrorBound) {
  // One sample at every power of two and its neighbours, from 1 ns to the highest trackable.
  std::vector<std::int64_t> samples;
  for (int exponent = 0; exponent < 42; ++exponent) {
    const std::int64_t power = std::int64_t{1} << exponent;
    samples.push_back(power);
    samples.push_back(power + power / 3);
    samples.push_back(2 * power - 1);
  }
  expect_percentiles_within_bound(samples, "powers of two");
}

TEST(LatencyHistogramTest, CountMinMaxMeanAreExact) {
  LatencyHistogram histogram;
  histogram.record(microseconds(3));
  histogram.record(nanoseconds(1'001));
  histogram.record(milliseconds(2));

  EXPECT_EQ(histogram.count(), 3U);
  EXPECT_EQ(histogram.min(), nanoseconds(1'001));
  EXPECT_EQ(histogram.max(), milliseconds(2));
  EXPECT_DOUBLE_EQ(histogram.mean().count(), (3'000.0 + 1'001.0 + 2'000'000.0) / 3.0);
  EXPECT_EQ(histogram.percentile(100), milliseconds(2));
  EXPECT_EQ(histogram.saturated_count(), 0U);
}

TEST(LatencyHistogramTest, SaturatesAboveHighestTrackable) {
  LatencyHistogram histogram;
  histogram.record(hours(2));
  histogram.record(LatencyHistogram::kHighestTrackable);
  histogram.record(nanoseconds::max());

  EXPECT_EQ(histogram.count(), 3U);
  EXPECT_EQ(histogram.saturated_count(), 2U);
  EXPECT_EQ(histogram.max(), LatencyHistogram::kHighestTrackable);
  EXPECT_EQ(histogram.min(), LatencyHistogram::kHighestTrackable);
  EXPECT_EQ(histogram.percentile(50), LatencyHistogram::kHighestTrackable);
  EXPECT_GE(LatencyHistogram::kHighestTrackable, hours(1));
}

TEST(LatencyHistogramTest, RejectsNegativeLatency) {
  LatencyHistogram histogram;
  try {
    histogram.record(nanoseconds(-5));
    FAIL() << "a negative latency was recorded";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("-5 ns"), std::string::npos) << error.what();
  }
  EXPECT_EQ(histogram.count(), 0U);
}

TEST(LatencyHistogramTest, RejectsInvalidPercentile) {
  LatencyHistogram histogram;
  histogram.record(nanoseconds(1));
  for (const double p : {0.0, -1.0, 100.5, std::nan(""), std::numeric_limits<double>::infinity()}) {
    EXPECT_THROW((void)histogram.percentile(p), std::invalid_argument) << "p = " << p;
  }
  EXPECT_EQ(histogram.percentile(100), nanoseconds(1));
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverything) {
  LatencyHistogram first;
  LatencyHistogram second;
  LatencyHistogram everything;
  std::mt19937_64 random(4);
  std::uniform_int_distribution<std::int64_t> latency_ns(100, 5'000'000);
  for (int i = 0; i < 10'000; ++i) {
    const nanoseconds latency(latency_ns(random));
    (i % 3 == 0 ? first : second).record(latency);
    everything.record(latency);
  }
  second.record(hours(3));
  everything.record(hours(3));

  first.merge(second);

  EXPECT_EQ(first.count(), everything.count());
  EXPECT_EQ(first.min(), everything.min());
  EXPECT_EQ(first.max(), everything.max());
  EXPECT_EQ(first.mean(), everything.mean());
  EXPECT_EQ(first.saturated_count(), 1U);
  for (const double p : kPercentiles) {
    EXPECT_EQ(first.percentile(p), everything.percentile(p)) << "p = " << p;
  }
}

TEST(LatencyHistogramTest, MergeOfEmptyChangesNothing) {
  LatencyHistogram histogram;
  histogram.record(microseconds(5));
  const LatencyHistogram empty;

  histogram.merge(empty);

  EXPECT_EQ(histogram.count(), 1U);
  EXPECT_EQ(histogram.min(), microseconds(5));
  EXPECT_EQ(histogram.max(), microseconds(5));
}

TEST(LatencyHistogramTest, MergeRejectsOtherPrecisionAndSelf) {
  LatencyHistogram histogram(7);
  const LatencyHistogram coarser(5);
  try {
    histogram.merge(coarser);
    FAIL() << "histograms with different sub_bucket_bits were merged";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("has 7 and the other has 5"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW(histogram.merge(histogram), std::invalid_argument);
}

TEST(LatencyHistogramTest, ResetEmpties) {
  LatencyHistogram histogram;
  histogram.record(milliseconds(1));
  histogram.record(hours(5));

  histogram.reset();

  EXPECT_EQ(histogram.count(), 0U);
  EXPECT_EQ(histogram.saturated_count(), 0U);
  EXPECT_EQ(histogram.min(), nanoseconds(0));
  EXPECT_EQ(histogram.max(), nanoseconds(0));
  histogram.record(microseconds(7));
  EXPECT_EQ(histogram.min(), microseconds(7));
  EXPECT_EQ(histogram.max(), microseconds(7));
  EXPECT_EQ(histogram.percentile(50), microseconds(7));
}

TEST(LatencyHistogramTest, ConcurrentRecordsAllCount) {
  constexpr int kThreads = 4;
  constexpr int kRecordsPerThread = 20'000;
  LatencyHistogram histogram;

  std::vector<std::thread> threads;
  for (int thread_number = 0; thread_number < kThreads; ++thread_number) {
    threads.emplace_back([&histogram, thread_number] {
      for (int i = 1; i <= kRecordsPerThread; ++i) {
        histogram.record(nanoseconds(i * (thread_number + 1)));
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  EXPECT_EQ(histogram.count(), static_cast<std::uint64_t>(kThreads * kRecordsPerThread));
  EXPECT_EQ(histogram.min(), nanoseconds(1));
  EXPECT_EQ(histogram.max(), nanoseconds(kThreads * kRecordsPerThread));
  // Sum of i * (t + 1) over i = 1..R and t = 0..T-1: R(R+1)/2 * T(T+1)/2.
  const double expected_sum =
      kRecordsPerThread * (kRecordsPerThread + 1) / 2.0 * (kThreads * (kThreads + 1) / 2.0);
  EXPECT_DOUBLE_EQ(histogram.mean().count(), expected_sum / (kThreads * kRecordsPerThread));
}

}  // namespace
}  // namespace paybench
