#include "paybench/metrics/histogram.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace paybench {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Returns the message of the std::invalid_argument that `make` throws, or fails the test.
template <class Make>
std::string invalid_argument_message(Make make) {
  try {
    make();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  ADD_FAILURE() << "no std::invalid_argument was thrown";
  return "";
}

TEST(HistogramTest, UpperBoundsAreInclusive) {
  Histogram histogram({10, 20, 30, 40});
  ASSERT_EQ(histogram.bucket_count(), 5U);

  histogram.observe(5);
  histogram.observe(10);
  histogram.observe(10.5);
  histogram.observe(45);

  const HistogramSnapshot snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.bucket_counts, (std::vector<std::uint64_t>{2, 1, 0, 0, 1}));
  EXPECT_EQ(snapshot.count, 4U);
  EXPECT_EQ(snapshot.sum, 70.5);
  EXPECT_EQ(histogram.count(), 4U);
  EXPECT_EQ(histogram.sum(), 70.5);
}

TEST(HistogramTest, EachBoundFallsInItsOwnBucket) {
  const std::vector<double> bounds = {10, 20, 30, 40};
  for (std::size_t index = 0; index < bounds.size(); ++index) {
    Histogram histogram(bounds);
    histogram.observe(bounds[index]);
    histogram.observe(std::nextafter(bounds[index], kInfinity));

    const HistogramSnapshot snapshot = histogram.snapshot();
    EXPECT_EQ(snapshot.bucket_counts[index], 1U) << "bound " << bounds[index];
    EXPECT_EQ(snapshot.bucket_counts[index + 1], 1U) << "just above bound " << bounds[index];
  }
}

TEST(HistogramTest, InfinitiesGoToEndBuckets) {
  Histogram histogram({1, 2});
  histogram.observe(-kInfinity);
  histogram.observe(-1e300);
  histogram.observe(kInfinity);

  const HistogramSnapshot snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.bucket_counts, (std::vector<std::uint64_t>{2, 0, 1}));
  // -Inf + +Inf is NaN, as in any floating-point sum.
  EXPECT_TRUE(std::isnan(snapshot.sum));
}

TEST(HistogramTest, NanIsDroppedAndCounted) {
  Histogram histogram({1});
  histogram.observe(std::nan(""));
  histogram.observe(0.5);

  EXPECT_EQ(histogram.count(), 1U);
  EXPECT_EQ(histogram.sum(), 0.5);
  EXPECT_EQ(histogram.nan_count(), 1U);
  EXPECT_EQ(histogram.snapshot().bucket_counts, (std::vector<std::uint64_t>{1, 0}));
}

TEST(HistogramTest, RejectsEmptyBounds) {
  const std::string message = invalid_argument_message([] { Histogram histogram({}); });
  EXPECT_NE(message.find("empty"), std::string::npos) << message;
}

TEST(HistogramTest, RejectsNonFiniteBounds) {
  const std::string nan_message = invalid_argument_message([] {
    Histogram histogram({1, std::nan(""), 3});
  });
  EXPECT_NE(nan_message.find("nan at index 1"), std::string::npos) << nan_message;

  const std::string infinity_message = invalid_argument_message([] {
    Histogram histogram({1, kInfinity});
  });
  EXPECT_NE(infinity_message.find("inf at index 1"), std::string::npos) << infinity_message;

  const std::string negative_infinity_message = invalid_argument_message([] {
    Histogram histogram({-kInfinity, 1});
  });
  EXPECT_NE(negative_infinity_message.find("-inf at index 0"), std::string::npos)
      << negative_infinity_message;
}

TEST(HistogramTest, RejectsUnsortedBounds) {
  const std::string decreasing_message = invalid_argument_message([] {
    Histogram histogram({0.5, 2, 1.5});
  });
  EXPECT_NE(decreasing_message.find("1.5 at index 2"), std::string::npos) << decreasing_message;
  EXPECT_NE(decreasing_message.find("previous bound 2"), std::string::npos) << decreasing_message;

  const std::string repeated_message = invalid_argument_message([] {
    Histogram histogram({1, 1});
  });
  EXPECT_NE(repeated_message.find("1 at index 1"), std::string::npos) << repeated_message;
}

TEST(HistogramTest, ConcurrentObservationsAllCount) {
  constexpr int kThreads = 4;
  constexpr int kObservationsPerThread = 20'000;
  Histogram histogram({1, 2, 3});

  std::vector<std::thread> threads;
  for (int thread_number = 0; thread_number < kThreads; ++thread_number) {
    threads.emplace_back([&histogram, thread_number] {
      for (int i = 0; i < kObservationsPerThread; ++i) {
        histogram.observe(static_cast<double>(thread_number));  // 0, 1, 2 or 3
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  const HistogramSnapshot snapshot = histogram.snapshot();
  const auto per_thread = static_cast<std::uint64_t>(kObservationsPerThread);
  // 0 and 1 share the first bucket, 2 and 3 have their own, and nothing exceeds 3.
  EXPECT_EQ(snapshot.bucket_counts,
            (std::vector<std::uint64_t>{2 * per_thread, per_thread, per_thread, 0}));
  // Whole numbers add exactly, so the sum is exact.
  EXPECT_EQ(snapshot.sum, (0.0 + 1.0 + 2.0 + 3.0) * kObservationsPerThread);
}

}  // namespace
}  // namespace paybench
