// MetricsRegistry: named counters, gauges and histograms with labels, written out in the
// Prometheus text exposition format, version 0.0.4.
//
// Contract:
// - A metric (a family, in Prometheus terms) has a name, a type, help text and, for histograms,
//   bucket upper bounds. Its series differ by their labels. register_*() returns the series for
//   a name and label set, creating the metric and the series on first use. Later calls with the
//   same name and the same labels, in any order, return the same object. Objects stay at the
//   same address for the registry's lifetime and are never removed.
// - Names must match [a-zA-Z_:][a-zA-Z0-9_:]* and label names [a-zA-Z_][a-zA-Z0-9_]*, not
//   starting with "__" (reserved by Prometheus). A histogram may not use the label "le", which
//   its buckets use. Label values and help text may be any UTF-8 text. They are written as
//   given, escaped, and are not checked for valid UTF-8.
// - register_*() throws std::invalid_argument, naming the value and what to change, in these
//   cases: an invalid name or label name, or a label name given twice. A name already
//   registered with another type, other help text, other label names or other histogram bounds.
//   A name that would clash with the _bucket, _sum or _count samples of a histogram.
// - find_*() returns the series, or nullptr when the name and labels have no series of that
//   type. It validates nothing and never throws.
// - Counters are ShardedCounter with its default shard count, so each counter series takes
//   about 4 KiB.
// - Thread safety: every member function may be called from any thread at once. find_*() takes
//   no lock and performs no atomic read-modify-write (series_index.h explains how), so lookups
//   on different cores do not contend. register_*() and write_prometheus() take the registry's
//   mutex. The metrics themselves are updated without it.
//
// Output: metrics sorted by name (byte order), series sorted by label values in label-name
// order, labels written in name order. A `# HELP` line, left out when the help text is empty,
// and a `# TYPE` line precede each metric's samples. Counters are written as integers and other
// values as the shortest decimal that reads back as the same double, or +Inf, -Inf and NaN. A
// histogram series writes cumulative `_bucket` lines with le="<bound>" and a last le="+Inf",
// then `_sum` and `_count`.

#pragma once

#include <initializer_list>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "paybench/metrics/counter.h"
#include "paybench/metrics/gauge.h"
#include "paybench/metrics/histogram.h"

namespace paybench {

// A label name and its value, such as {"route", "/pay"}. The registry copies what it keeps, so
// the strings need to live only for the call.
using Label = std::pair<std::string_view, std::string_view>;

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();

  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Returns the counter series with this name and these labels, creating it if needed.
  ShardedCounter& register_counter(std::string_view name, std::string_view help,
                                   std::span<const Label> labels = {});
  ShardedCounter& register_counter(std::string_view name, std::string_view help,
                                   std::initializer_list<Label> labels);

  // Returns the gauge series with this name and these labels, creating it if needed.
  Gauge& register_gauge(std::string_view name, std::string_view help,
                        std::span<const Label> labels = {});
  Gauge& register_gauge(std::string_view name, std::string_view help,
                        std::initializer_list<Label> labels);

  // Returns the histogram series with this name and these labels, creating it if needed. Every
  // series of a histogram has the same bounds, which Histogram's constructor validates.
  Histogram& register_histogram(std::string_view name, std::string_view help,
                                const std::vector<double>& upper_bounds,
                                std::span<const Label> labels = {});
  Histogram& register_histogram(std::string_view name, std::string_view help,
                                const std::vector<double>& upper_bounds,
                                std::initializer_list<Label> labels);

  // Return the series with this name and these labels, in any order, or nullptr. Lock-free: they
  // hash the caller's strings in place, build no std::string and never allocate.
  [[nodiscard]] ShardedCounter* find_counter(std::string_view name,
                                             std::span<const Label> labels = {}) const;
  [[nodiscard]] ShardedCounter* find_counter(std::string_view name,
                                             std::initializer_list<Label> labels) const;
  [[nodiscard]] Gauge* find_gauge(std::string_view name, std::span<const Label> labels = {}) const;
  [[nodiscard]] Gauge* find_gauge(std::string_view name, std::initializer_list<Label> labels) const;
  [[nodiscard]] Histogram* find_histogram(std::string_view name,
                                          std::span<const Label> labels = {}) const;
  [[nodiscard]] Histogram* find_histogram(std::string_view name,
                                          std::initializer_list<Label> labels) const;

  // Writes every metric in the text exposition format 0.0.4 (see the file comment for the
  // order). The values are read while other threads may update them.
  void write_prometheus(std::ostream& out) const;

  // Returns what write_prometheus() writes.
  [[nodiscard]] std::string to_prometheus() const;

 private:
  // The mutex, the metrics by name, and the index that find_*() uses. Defined in the .cc file,
  // so that this header does not carry the containers.
  struct State;
  const std::unique_ptr<State> state_;
};

}  // namespace paybench
