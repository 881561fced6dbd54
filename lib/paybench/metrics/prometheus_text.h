// Writers for the Prometheus text exposition format, version 0.0.4, and its name rules: the
// lines that MetricsRegistry::write_prometheus() is made of.
//
// The format is line based with "\n" line endings. `# HELP` text escapes backslash and line feed
// as \\ and \n. Label values also escape the double quote as \". Values are written so that Go's
// strconv.ParseFloat, which Prometheus uses, reads them back exactly.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "paybench/metrics/histogram.h"

namespace paybench::prometheus {

// A series' labels as name/value pairs, written in the order given.
using LabelPairs = std::vector<std::pair<std::string, std::string>>;

// Returns whether `name` matches the metric name rule [a-zA-Z_:][a-zA-Z0-9_:]*.
[[nodiscard]] bool is_valid_metric_name(std::string_view name) noexcept;

// Returns whether `name` matches the label name rule [a-zA-Z_][a-zA-Z0-9_]*. Names starting
// with "__" match it, although Prometheus reserves them for its own use.
[[nodiscard]] bool is_valid_label_name(std::string_view name) noexcept;

// Appends `value` as the shortest decimal that reads back as the same double, or as "+Inf",
// "-Inf" or "NaN".
void append_value(std::string& out, double value);

// Appends `# HELP <name> <help>` with the help text escaped, or nothing when `help` is empty.
void append_help_line(std::string& out, std::string_view name, std::string_view help);

// Appends `# TYPE <name> <type>`, where type is counter, gauge or histogram.
void append_type_line(std::string& out, std::string_view name, std::string_view type);

// Appends `<name>{labels} <value>`, with the value as an integer.
void append_counter_sample(std::string& out, std::string_view name, const LabelPairs& labels,
                           std::uint64_t value);

// Appends `<name>{labels} <value>`.
void append_gauge_sample(std::string& out, std::string_view name, const LabelPairs& labels,
                         double value);

// Appends one cumulative `<name>_bucket{labels,le="<bound>"}` line per upper bound, then
// le="+Inf", `<name>_sum` and `<name>_count`. The +Inf bucket and the count are both
// snapshot.count, so they always agree.
void append_histogram_samples(std::string& out, std::string_view name, const LabelPairs& labels,
                              const std::vector<double>& upper_bounds,
                              const HistogramSnapshot& snapshot);

}  // namespace paybench::prometheus
