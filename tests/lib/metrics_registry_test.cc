// Tests for MetricsRegistry and the Prometheus text format writers it uses.

#include "paybench/metrics/metrics_registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "paybench/metrics/prometheus_text.h"

namespace paybench {
namespace {

// Returns the message of the std::invalid_argument that `call` throws, or fails the test.
template <class Call>
std::string invalid_argument_message(Call call) {
  try {
    call();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  ADD_FAILURE() << "no std::invalid_argument was thrown";
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(MetricsRegistryTest, SameNameAndLabelsReturnSameObject) {
  MetricsRegistry registry;
  ShardedCounter& first = registry.register_counter("payments_total", "Payments.",
                                                    {{"route", "/pay"}, {"code", "200"}});
  ShardedCounter& again = registry.register_counter("payments_total", "Payments.",
                                                    {{"code", "200"}, {"route", "/pay"}});
  ShardedCounter& other = registry.register_counter("payments_total", "Payments.",
                                                    {{"route", "/pay"}, {"code", "500"}});

  EXPECT_EQ(&first, &again);
  EXPECT_NE(&first, &other);
  EXPECT_EQ(registry.find_counter("payments_total", {{"route", "/pay"}, {"code", "200"}}), &first);
  EXPECT_EQ(registry.find_counter("payments_total", {{"code", "200"}, {"route", "/pay"}}), &first);
  EXPECT_EQ(registry.find_counter("payments_total", {{"code", "500"}, {"route", "/pay"}}), &other);

  Gauge& gauge = registry.register_gauge("in_flight", "Requests in flight.");
  EXPECT_EQ(registry.find_gauge("in_flight"), &gauge);
  Histogram& histogram = registry.register_histogram("latency_seconds", "Latency.", {0.1, 1});
  EXPECT_EQ(registry.find_histogram("latency_seconds"), &histogram);
  EXPECT_EQ(&registry.register_histogram("latency_seconds", "Latency.", {0.1, 1}), &histogram);
}

TEST(MetricsRegistryTest, FindWithSpanOfLabels) {
  MetricsRegistry registry;
  ShardedCounter& counter = registry.register_counter("requests_total", "", {{"route", "/pay"}});

  const std::string route = "/pay";
  const std::vector<Label> labels = {{"route", route}};
  EXPECT_EQ(registry.find_counter("requests_total", labels), &counter);
  EXPECT_EQ(&registry.register_counter("requests_total", "", labels), &counter);
}

TEST(MetricsRegistryTest, FindMissesReturnNull) {
  MetricsRegistry registry;
  registry.register_counter("payments_total", "Payments.", {{"route", "/pay"}, {"code", "200"}});

  EXPECT_EQ(registry.find_counter("refunds_total", {{"route", "/pay"}, {"code", "200"}}), nullptr);
  EXPECT_EQ(registry.find_counter("payments_total"), nullptr);
  EXPECT_EQ(registry.find_counter("payments_total", {{"route", "/pay"}}), nullptr);
  EXPECT_EQ(registry.find_counter("payments_total", {{"route", "/pay"}, {"code", "201"}}), nullptr);
  EXPECT_EQ(registry.find_counter("payments_total",
                                  {{"route", "/pay"}, {"code", "200"}, {"region", "eu"}}),
            nullptr);
  EXPECT_EQ(registry.find_counter("payments_total", {{"route", "/pay"}, {"route", "/pay"}}),
            nullptr);
  // A swapped name and value is another label.
  EXPECT_EQ(registry.find_counter("payments_total", {{"/pay", "route"}, {"code", "200"}}), nullptr);
  // The right name and labels, but another type.
  EXPECT_EQ(registry.find_gauge("payments_total", {{"route", "/pay"}, {"code", "200"}}), nullptr);
  EXPECT_EQ(registry.find_histogram("payments_total", {{"route", "/pay"}, {"code", "200"}}),
            nullptr);
}

TEST(MetricsRegistryTest, RejectsTypeClash) {
  MetricsRegistry registry;
  registry.register_counter("payments_total", "Payments.");

  const std::string message =
      invalid_argument_message([&] { registry.register_gauge("payments_total", "Payments."); });
  EXPECT_TRUE(contains(message, "\"payments_total\" is already registered as a counter"))
      << message;
  EXPECT_TRUE(contains(message, "as a gauge")) << message;

  EXPECT_THROW(registry.register_histogram("payments_total", "Payments.", {1}),
               std::invalid_argument);
}

TEST(MetricsRegistryTest, RejectsInvalidMetricNames) {
  MetricsRegistry registry;
  for (const char* name : {"", "1payments", "payments-total", "payments total", "päyments"}) {
    const std::string message =
        invalid_argument_message([&] { registry.register_counter(name, "Help."); });
    EXPECT_TRUE(contains(message, "metric name \"" + std::string(name) + "\" is invalid"))
        << message;
  }
  for (const char* name : {"payments_total", "_payments", ":payments", "a:b_c9"}) {
    EXPECT_NO_THROW(registry.register_counter(name, "Help.")) << name;
  }
}

TEST(MetricsRegistryTest, RejectsInvalidLabelNames) {
  MetricsRegistry registry;
  for (const char* label : {"", "1code", "status-code", "status:code", "__code"}) {
    const std::string message = invalid_argument_message([&] {
      registry.register_counter("payments_total", "Payments.", {{label, "200"}});
    });
    EXPECT_TRUE(contains(message, "label name \"" + std::string(label) + "\"")) << message;
  }

  const std::string duplicate_message = invalid_argument_message([&] {
    registry.register_counter("payments_total", "Payments.", {{"code", "200"}, {"code", "500"}});
  });
  EXPECT_TRUE(contains(duplicate_message, "\"code\"")) << duplicate_message;
  EXPECT_TRUE(contains(duplicate_message, "twice")) << duplicate_message;

  const std::string le_message = invalid_argument_message([&] {
    registry.register_histogram("latency_seconds", "Latency.", {1}, {{"le", "1"}});
  });
  EXPECT_TRUE(contains(le_message, "\"le\"")) << le_message;
  // Only histograms reserve "le".
  EXPECT_NO_THROW(registry.register_gauge("threshold", "Threshold.", {{"le", "1"}}));
}

TEST(MetricsRegistryTest, RejectsInconsistentFamily) {
  MetricsRegistry registry;
  registry.register_counter("payments_total", "Payments.", {{"code", "200"}});
  registry.register_histogram("latency_seconds", "Latency.", {0.1, 1});

  const std::string help_message = invalid_argument_message([&] {
    registry.register_counter("payments_total", "Other.", {{"code", "500"}});
  });
  EXPECT_TRUE(contains(help_message, "\"Payments.\"")) << help_message;
  EXPECT_TRUE(contains(help_message, "\"Other.\"")) << help_message;

  const std::string labels_message = invalid_argument_message([&] {
    registry.register_counter("payments_total", "Payments.", {{"route", "/pay"}});
  });
  EXPECT_TRUE(contains(labels_message, "{code}")) << labels_message;
  EXPECT_TRUE(contains(labels_message, "{route}")) << labels_message;

  const std::string bounds_message = invalid_argument_message([&] {
    registry.register_histogram("latency_seconds", "Latency.", {0.5, 1});
  });
  EXPECT_TRUE(contains(bounds_message, "other upper bounds")) << bounds_message;
}

TEST(MetricsRegistryTest, RejectsBadHistogramBounds) {
  MetricsRegistry registry;
  EXPECT_THROW(registry.register_histogram("latency_seconds", "Latency.", {1, 0.5}),
               std::invalid_argument);
  // The failed registration left nothing behind, so other bounds are accepted.
  EXPECT_EQ(registry.find_histogram("latency_seconds"), nullptr);
  EXPECT_NO_THROW(registry.register_histogram("latency_seconds", "Latency.", {0.5, 1}));
}

TEST(MetricsRegistryTest, RejectsHistogramSampleNameClash) {
  MetricsRegistry registry;
  registry.register_histogram("latency_seconds", "Latency.", {1});
  registry.register_counter("queue_count", "Queues.");

  for (const char* name :
       {"latency_seconds_bucket", "latency_seconds_sum", "latency_seconds_count"}) {
    const std::string message =
        invalid_argument_message([&] { registry.register_gauge(name, "Clash."); });
    EXPECT_TRUE(contains(message, "histogram \"latency_seconds\"")) << message;
  }
  const std::string message =
      invalid_argument_message([&] { registry.register_histogram("queue", "Queue.", {1}); });
  EXPECT_TRUE(contains(message, "\"queue_count\"")) << message;
}

TEST(MetricsRegistryTest, GoldenTextExposition) {
  MetricsRegistry registry;
  registry
      .register_counter("payments_total", "Payments processed.",
                        {{"route", "/pay"}, {"code", "500"}})
      .increment();
  registry
      .register_counter("payments_total", "Payments processed.",
                        {{"route", "/pay"}, {"code", "200"}})
      .increment(3);
  registry.register_gauge("in_flight_requests", "Requests being served.").set(2.5);
  Histogram& latency = registry.register_histogram(
      "request_duration_seconds", "Time to serve a request.", {0.25, 0.5, 1}, {{"route", "/pay"}});
  for (const double seconds : {0.125, 0.25, 0.75, 2.0}) {
    latency.observe(seconds);
  }
  registry.register_counter("retries_total", "");

  const std::string expected =
      "# HELP in_flight_requests Requests being served.\n"
      "# TYPE in_flight_requests gauge\n"
      "in_flight_requests 2.5\n"
      "# HELP payments_total Payments processed.\n"
      "# TYPE payments_total counter\n"
      "payments_total{code=\"200\",route=\"/pay\"} 3\n"
      "payments_total{code=\"500\",route=\"/pay\"} 1\n"
      "# HELP request_duration_seconds Time to serve a request.\n"
      "# TYPE request_duration_seconds histogram\n"
      "request_duration_seconds_bucket{route=\"/pay\",le=\"0.25\"} 2\n"
      "request_duration_seconds_bucket{route=\"/pay\",le=\"0.5\"} 2\n"
      "request_duration_seconds_bucket{route=\"/pay\",le=\"1\"} 3\n"
      "request_duration_seconds_bucket{route=\"/pay\",le=\"+Inf\"} 4\n"
      "request_duration_seconds_sum{route=\"/pay\"} 3.125\n"
      "request_duration_seconds_count{route=\"/pay\"} 4\n"
      "# TYPE retries_total counter\n"
      "retries_total 0\n";
  EXPECT_EQ(registry.to_prometheus(), expected);

  std::ostringstream stream;
  registry.write_prometheus(stream);
  EXPECT_EQ(stream.str(), expected);
}

TEST(MetricsRegistryTest, HistogramWithoutLabels) {
  MetricsRegistry registry;
  registry.register_histogram("size_bytes", "Sizes.", {1e-3, 1e21}).observe(5);

  EXPECT_EQ(registry.to_prometheus(),
            "# HELP size_bytes Sizes.\n"
            "# TYPE size_bytes histogram\n"
            "size_bytes_bucket{le=\"0.001\"} 0\n"
            "size_bytes_bucket{le=\"1e+21\"} 1\n"
            "size_bytes_bucket{le=\"+Inf\"} 1\n"
            "size_bytes_sum 5\n"
            "size_bytes_count 1\n");
}

TEST(MetricsRegistryTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  registry
      .register_gauge("file_access_time_seconds", "Path C:\\DIR\nsecond \"line\"",
                      {{"path", "C:\\DIR\\FILE.TXT"}, {"error", "Cannot find file:\n\"FILE.TXT\""}})
      .set(1.5);

  EXPECT_EQ(registry.to_prometheus(),
            "# HELP file_access_time_seconds Path C:\\\\DIR\\nsecond \"line\"\n"
            "# TYPE file_access_time_seconds gauge\n"
            "file_access_time_seconds{error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\","
            "path=\"C:\\\\DIR\\\\FILE.TXT\"} 1.5\n");
}

TEST(MetricsRegistryTest, EmptyRegistryWritesNothing) {
  const MetricsRegistry registry;
  EXPECT_EQ(registry.to_prometheus(), "");
}

TEST(MetricsRegistryTest, ConcurrentRegistrationYieldsOneSeries) {
  constexpr int kThreads = 4;
  constexpr int kIncrementsPerThread = 10'000;
  MetricsRegistry registry;
  std::vector<ShardedCounter*> seen(kThreads, nullptr);

  std::vector<std::thread> threads;
  for (int thread_number = 0; thread_number < kThreads; ++thread_number) {
    threads.emplace_back([&, thread_number] {
      ShardedCounter& counter =
          registry.register_counter("events_total", "Events.", {{"kind", "payment"}});
      seen[static_cast<std::size_t>(thread_number)] = &counter;
      for (int i = 0; i < kIncrementsPerThread; ++i) {
        registry.find_counter("events_total", {{"kind", "payment"}})->increment();
      }
      (void)registry.to_prometheus();
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  for (ShardedCounter* counter : seen) {
    EXPECT_EQ(counter, seen[0]);
  }
  EXPECT_EQ(seen[0]->value(), static_cast<std::uint64_t>(kThreads * kIncrementsPerThread));
  EXPECT_TRUE(contains(registry.to_prometheus(), "events_total{kind=\"payment\"} 40000\n"));
}

TEST(MetricsRegistryTest, FindsEverySeriesAfterGrowth) {
  // 500 series make the index grow several times past its initial 64 slots.
  constexpr int kSeries = 500;
  MetricsRegistry registry;
  std::vector<ShardedCounter*> registered;
  for (int i = 0; i < kSeries; ++i) {
    const std::string shard = std::to_string(i);
    registered.push_back(&registry.register_counter("shard_events_total", "", {{"shard", shard}}));
  }

  for (int i = 0; i < kSeries; ++i) {
    const std::string shard = std::to_string(i);
    EXPECT_EQ(registry.find_counter("shard_events_total", {{"shard", shard}}),
              registered[static_cast<std::size_t>(i)])
        << "shard " << shard;
  }
  EXPECT_EQ(registry.find_counter("shard_events_total", {{"shard", "500"}}), nullptr);
}

TEST(MetricsRegistryTest, FindSeesSeriesRegisteredConcurrently) {
  constexpr int kSeries = 1000;
  constexpr int kLookahead = 4;
  MetricsRegistry registry;
  std::vector<ShardedCounter*> registered(kSeries, nullptr);
  std::atomic<int> published{0};
  const auto shard_value = [](int i) { return std::to_string(i); };

  std::thread writer([&] {
    for (int i = 0; i < kSeries; ++i) {
      const std::string shard = shard_value(i);
      registered[static_cast<std::size_t>(i)] =
          &registry.register_counter("shard_events_total", "", {{"shard", shard}});
      published.store(i + 1, std::memory_order_release);
    }
  });

  // While the writer inserts and grows the index, the latest published series must be found
  // with its registered address. The series just ahead may be found or not, but looking them up
  // reads entries that only the index's own release and acquire operations publish, which is
  // what TSan checks here.
  int mismatches = 0;
  for (int seen = 0; seen < kSeries;) {
    seen = published.load(std::memory_order_acquire);
    if (seen > 0) {
      const std::string latest = shard_value(seen - 1);
      if (registry.find_counter("shard_events_total", {{"shard", latest}}) !=
          registered[static_cast<std::size_t>(seen - 1)]) {
        ++mismatches;
      }
    }
    for (int i = seen; i < std::min(seen + kLookahead, kSeries); ++i) {
      const std::string ahead = shard_value(i);
      (void)registry.find_counter("shard_events_total", {{"shard", ahead}});
    }
  }
  writer.join();

  EXPECT_EQ(mismatches, 0);
  for (int i = 0; i < kSeries; ++i) {
    const std::string shard = shard_value(i);
    EXPECT_EQ(registry.find_counter("shard_events_total", {{"shard", shard}}),
              registered[static_cast<std::size_t>(i)])
        << "shard " << shard;
  }
}

TEST(PrometheusTextTest, FormatsSpecialValues) {
  const auto format = [](double value) {
    std::string out;
    prometheus::append_value(out, value);
    return out;
  };
  EXPECT_EQ(format(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format(std::nan("")), "NaN");
  EXPECT_EQ(format(0.1), "0.1");
  EXPECT_EQ(format(-2), "-2");
  EXPECT_EQ(format(1.5e-7), "1.5e-07");
}

TEST(PrometheusTextTest, NameRules) {
  EXPECT_TRUE(prometheus::is_valid_metric_name("http:requests_total9"));
  EXPECT_FALSE(prometheus::is_valid_metric_name("9requests"));
  EXPECT_FALSE(prometheus::is_valid_metric_name(""));
  EXPECT_TRUE(prometheus::is_valid_label_name("_code9"));
  EXPECT_FALSE(prometheus::is_valid_label_name("code:9"));
  EXPECT_FALSE(prometheus::is_valid_label_name("9code"));
}

}  // namespace
}  // namespace paybench
