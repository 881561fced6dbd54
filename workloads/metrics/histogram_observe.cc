// metrics/histogram_observe: one latency observation per operation, into a histogram shared by
// all threads of a benchmark, as a service records the latency of each request.
//
// The values are 4096 request latencies drawn once from a log-normal distribution (median
// 2 ms, 95% between 0.3 and 14 ms) and replayed in a loop, so every variant observes the same
// values.
// - mutex_histogram: the naive version, a bucket vector under a std::mutex with a binary search
//   over the bounds.
// - histogram: Histogram, the Prometheus-style one with the same explicit bounds, lock-free.
// - latency_histogram: LatencyHistogram, log-linear buckets with percentiles to 0.39%.
// The explicit bounds are the Prometheus client libraries' default buckets, in seconds.
//
// Each benchmark checks itself: after the loop the histogram's count must have grown by exactly
// the number of observations of all threads.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "paybench/engine/workload.h"
#include "paybench/metrics/histogram.h"
#include "paybench/metrics/latency_histogram.h"

namespace {

using paybench::engine::State;

constexpr std::size_t kValueCount = 4096;

const std::vector<double> kDefaultBoundsSeconds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                   0.5,   1.0,  2.5,   5.0,  10.0};

// Request latencies in nanoseconds, the same for every variant and thread.
const std::array<std::int64_t, kValueCount>& latencies_ns() {
  static const std::array<std::int64_t, kValueCount> values = [] {
    std::array<std::int64_t, kValueCount> drawn{};
    std::mt19937_64 random(42);
    std::lognormal_distribution<double> milliseconds(std::log(2.0), 1.0);
    for (std::int64_t& value : drawn) {
      value = static_cast<std::int64_t>(milliseconds(random) * 1e6);
    }
    return drawn;
  }();
  return values;
}

// The naive histogram: counts per bucket under one mutex.
class MutexHistogram {
 public:
  explicit MutexHistogram(std::vector<double> upper_bounds)
      : upper_bounds_(std::move(upper_bounds)), counts_(upper_bounds_.size() + 1) {}

  void observe(double value) {
    const auto bucket = static_cast<std::size_t>(
        std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) -
        upper_bounds_.begin());
    std::lock_guard lock(mutex_);
    ++counts_[bucket];
    ++count_;
    sum_ += value;
  }

  std::uint64_t count() const {
    std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  const std::vector<double> upper_bounds_;
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> counts_;  // Guarded by mutex_.
  std::uint64_t count_ = 0;            // Guarded by mutex_.
  double sum_ = 0.0;                   // Guarded by mutex_.
};

// Each histogram type's process-wide instance and how one observation and the count are made.
struct MutexHistogramUse {
  static MutexHistogram& instance() {
    static MutexHistogram histogram(kDefaultBoundsSeconds);
    return histogram;
  }
  static void observe(std::int64_t nanoseconds) { instance().observe(nanoseconds * 1e-9); }
  static std::uint64_t count() { return instance().count(); }
};

struct HistogramUse {
  static paybench::Histogram& instance() {
    static paybench::Histogram histogram(kDefaultBoundsSeconds);
    return histogram;
  }
  static void observe(std::int64_t nanoseconds) { instance().observe(nanoseconds * 1e-9); }
  static std::uint64_t count() { return instance().count(); }
};

struct LatencyHistogramUse {
  static paybench::LatencyHistogram& instance() {
    static paybench::LatencyHistogram histogram;
    return histogram;
  }
  static void observe(std::int64_t nanoseconds) {
    instance().record(std::chrono::nanoseconds(nanoseconds));
  }
  static std::uint64_t count() { return instance().count(); }
};

template <class Use>
void run(State& state) {
  const auto& values = latencies_ns();

  // Thread 0 reads the count before the loop's starting barrier and after its closing one (see
  // metrics/counter_increment), so the difference is every thread's observations.
  const std::uint64_t before = state.thread_index() == 0 ? Use::count() : 0;
  std::size_t next = static_cast<std::size_t>(state.thread_index()) * (kValueCount / 2);
  for (auto _ : state) {
    Use::observe(values[next % kValueCount]);
    ++next;
  }
  state.set_items_processed(state.iterations());

  if (state.thread_index() != 0) {
    return;
  }
  const std::uint64_t expected =
      static_cast<std::uint64_t>(state.iterations()) * static_cast<std::uint64_t>(state.threads());
  const std::uint64_t counted = Use::count() - before;
  if (counted != expected) {
    state.skip_with_error("the histogram counted " + std::to_string(counted) +
                          " observations, expected " + std::to_string(expected));
  }
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "metrics",
    .name = "histogram_observe",
    .description = "observe request latencies into one shared histogram; time per observation",
    .threads = {1, 2},
    .variants = {{"mutex_histogram", "bucket counts under a std::mutex, binary search on bounds",
                  &run<MutexHistogramUse>},
                 {"histogram", "Histogram: 11 explicit bounds, lock-free atomic buckets",
                  &run<HistogramUse>},
                 {"latency_histogram", "LatencyHistogram: log-linear buckets, lock-free",
                  &run<LatencyHistogramUse>}},
    .baseline = "mutex_histogram",
    .min_repetitions = 9,
}};

}  // namespace
