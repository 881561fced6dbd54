#include "paybench/metrics/metrics_registry.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <variant>

#include "paybench/metrics/prometheus_text.h"
#include "paybench/metrics/series_index.h"

namespace paybench {
namespace {

using detail::MetricType;
using detail::SeriesIndex;

// The type's name in a `# TYPE` line and in error messages.
std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "unknown";
}

// Suffixes that a histogram named x appends to x in the names of its samples.
constexpr std::string_view kHistogramSuffixes[] = {"_bucket", "_sum", "_count"};

// A series' labels as the registry stores them: sorted by name, each name once.
using OwnedLabels = prometheus::LabelPairs;

using Metric = std::variant<std::unique_ptr<ShardedCounter>, std::unique_ptr<Gauge>,
                            std::unique_ptr<Histogram>>;

Metric make_metric(MetricType type, const std::vector<double>* upper_bounds) {
  switch (type) {
    case MetricType::kCounter:
      return std::make_unique<ShardedCounter>();
    case MetricType::kGauge:
      return std::make_unique<Gauge>();
    case MetricType::kHistogram:
      return std::make_unique<Histogram>(*upper_bounds);
  }
  throw std::logic_error("MetricsRegistry: unknown metric type " +
                         std::to_string(static_cast<int>(type)));
}

void* metric_address(const Metric& metric) {
  return std::visit([](const auto& owned) -> void* { return owned.get(); }, metric);
}

// --- Validation ---

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

void validate_metric_name(std::string_view name) {
  if (!prometheus::is_valid_metric_name(name)) {
    throw std::invalid_argument("metric name " + quoted(name) +
                                " is invalid: expected [a-zA-Z_:][a-zA-Z0-9_:]*, such as "
                                "\"payments_total\"");
  }
}

void validate_label_name(std::string_view metric_name, MetricType type, std::string_view label) {
  if (!prometheus::is_valid_label_name(label)) {
    throw std::invalid_argument("label name " + quoted(label) + " of metric " +
                                quoted(metric_name) +
                                " is invalid: expected [a-zA-Z_][a-zA-Z0-9_]*, such as \"route\"");
  }
  if (label.starts_with("__")) {
    throw std::invalid_argument("label name " + quoted(label) + " of metric " +
                                quoted(metric_name) +
                                " is invalid: names starting with \"__\" are reserved by "
                                "Prometheus, so drop the leading underscores");
  }
  if (type == MetricType::kHistogram && label == "le") {
    throw std::invalid_argument("label name \"le\" of histogram " + quoted(metric_name) +
                                " is invalid: histogram buckets use \"le\" for their upper "
                                "bound, so choose another label name");
  }
}

// Validates the labels and returns them sorted by name.
OwnedLabels canonical_labels(std::string_view metric_name, MetricType type,
                             std::span<const Label> labels) {
  OwnedLabels owned;
  owned.reserve(labels.size());
  for (const auto& [label, value] : labels) {
    validate_label_name(metric_name, type, label);
    owned.emplace_back(label, value);
  }

  std::sort(owned.begin(), owned.end());
  const auto same_name = [](const auto& left, const auto& right) {
    return left.first == right.first;
  };
  const auto duplicate = std::adjacent_find(owned.begin(), owned.end(), same_name);
  if (duplicate != owned.end()) {
    throw std::invalid_argument("label name " + quoted(duplicate->first) + " of metric " +
                                quoted(metric_name) + " is given twice: pass each label name once");
  }
  return owned;
}

std::string join_label_names(const std::vector<std::string>& names) {
  std::string joined = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    joined += (i == 0 ? "" : ", ") + names[i];
  }
  return joined + "}";
}

}  // namespace

// --- State ---

struct MetricsRegistry::State {
  struct Family {
    MetricType type;
    std::string help;
    std::vector<std::string> label_names;  // sorted
    std::vector<double> upper_bounds;      // histograms only
    std::map<OwnedLabels, Metric> series;  // sorted by labels, for deterministic output
  };

  // Serializes registrations and guards `families`. find() takes no lock, because `index` is
  // safe to read while one thread inserts. Metric objects need no lock either.
  mutable std::mutex mutex;
  std::map<std::string, Family, std::less<>> families;  // Guarded by mutex.
  SeriesIndex index;  // Inserted into under mutex, read without it. Refers into `families`.

  void* find(MetricType type, std::string_view name, std::span<const Label> labels) const {
    const SeriesIndex::Entry* entry = index.find(detail::series_hash(name, labels), name, labels);
    const bool found = entry != nullptr && entry->type == type;
    return found ? entry->metric : nullptr;
  }

  void* register_series(MetricType type, std::string_view name, std::string_view help,
                        std::span<const Label> labels, const std::vector<double>* upper_bounds);

  // Throws when the family exists with another type, help, label names or bounds.
  static void check_family_matches(const Family& family, std::string_view name, MetricType type,
                                   std::string_view help, const OwnedLabels& labels,
                                   const std::vector<double>* upper_bounds);

  // Throws when a new family named `name` would write a sample name that a histogram writes,
  // or the other way round. Requires mutex held.
  void check_no_histogram_clash(std::string_view name, MetricType type) const;
};

void MetricsRegistry::State::check_family_matches(const Family& family, std::string_view name,
                                                  MetricType type, std::string_view help,
                                                  const OwnedLabels& labels,
                                                  const std::vector<double>* upper_bounds) {
  if (family.type != type) {
    throw std::invalid_argument("metric " + quoted(name) + " is already registered as a " +
                                std::string(type_name(family.type)) +
                                ", so it cannot be registered as a " +
                                std::string(type_name(type)) + ": choose another name");
  }
  if (family.help != help) {
    throw std::invalid_argument("metric " + quoted(name) + " is already registered with help " +
                                quoted(family.help) + ", but this call passes " + quoted(help) +
                                ": pass the same help text for every series of a metric");
  }

  std::vector<std::string> label_names;
  for (const auto& [label, value] : labels) {
    label_names.push_back(label);
  }
  if (label_names != family.label_names) {
    throw std::invalid_argument("metric " + quoted(name) + " has the label names " +
                                join_label_names(family.label_names) + ", but this call passes " +
                                join_label_names(label_names) +
                                ": every series of a metric needs the same label names");
  }

  if (upper_bounds != nullptr && *upper_bounds != family.upper_bounds) {
    throw std::invalid_argument("histogram " + quoted(name) +
                                " is already registered with other upper bounds: pass the same "
                                "bounds for every series of a histogram");
  }
}

void MetricsRegistry::State::check_no_histogram_clash(std::string_view name,
                                                      MetricType type) const {
  const auto is_histogram = [&](std::string_view family_name) {
    const auto family = families.find(family_name);
    return family != families.end() && family->second.type == MetricType::kHistogram;
  };

  for (const std::string_view suffix : kHistogramSuffixes) {
    if (type == MetricType::kHistogram &&
        families.contains(std::string(name) + std::string(suffix))) {
      throw std::invalid_argument("histogram " + quoted(name) + " would write samples named " +
                                  quoted(std::string(name) + std::string(suffix)) +
                                  ", which is already a metric: choose another name");
    }
    if (name.ends_with(suffix) && is_histogram(name.substr(0, name.size() - suffix.size()))) {
      throw std::invalid_argument(
          "metric name " + quoted(name) + " is already used by the samples of histogram " +
          quoted(name.substr(0, name.size() - suffix.size())) + ": choose another name");
    }
  }
}

void* MetricsRegistry::State::register_series(MetricType type, std::string_view name,
                                              std::string_view help, std::span<const Label> labels,
                                              const std::vector<double>* upper_bounds) {
  validate_metric_name(name);
  OwnedLabels owned_labels = canonical_labels(name, type, labels);
  const std::size_t hash = detail::series_hash(name, owned_labels);

  std::lock_guard lock(mutex);

  auto family = families.find(name);
  const bool is_new_family = family == families.end();
  if (is_new_family) {
    check_no_histogram_clash(name, type);
  } else {
    check_family_matches(family->second, name, type, help, owned_labels, upper_bounds);
    const auto existing = family->second.series.find(owned_labels);
    if (existing != family->second.series.end()) {
      return metric_address(existing->second);
    }
  }

  // Creating the metric first means that a throwing constructor (such as Histogram's, for bad
  // bounds) leaves the registry unchanged.
  Metric metric = make_metric(type, upper_bounds);
  void* const address = metric_address(metric);

  if (is_new_family) {
    Family created{.type = type, .help = std::string(help)};
    for (const auto& [label, value] : owned_labels) {
      created.label_names.push_back(label);
    }
    if (upper_bounds != nullptr) {
      created.upper_bounds = *upper_bounds;
    }
    family = families.emplace(std::string(name), std::move(created)).first;
  }

  const auto series =
      family->second.series.emplace(std::move(owned_labels), std::move(metric)).first;
  try {
    index.insert(SeriesIndex::Entry{.hash = hash,
                                    .type = type,
                                    .name = family->first,
                                    .labels = &series->first,
                                    .metric = address});
  } catch (...) {
    // Keeps `families` and `index` in step when the index cannot grow.
    family->second.series.erase(series);
    if (is_new_family) {
      families.erase(family);
    }
    throw;
  }
  return address;
}

// --- MetricsRegistry ---

MetricsRegistry::MetricsRegistry() : state_(std::make_unique<State>()) {}

MetricsRegistry::~MetricsRegistry() = default;

ShardedCounter& MetricsRegistry::register_counter(std::string_view name, std::string_view help,
                                                  std::span<const Label> labels) {
  return *static_cast<ShardedCounter*>(
      state_->register_series(MetricType::kCounter, name, help, labels, nullptr));
}

ShardedCounter& MetricsRegistry::register_counter(std::string_view name, std::string_view help,
                                                  std::initializer_list<Label> labels) {
  return register_counter(name, help, std::span<const Label>(labels.begin(), labels.size()));
}

Gauge& MetricsRegistry::register_gauge(std::string_view name, std::string_view help,
                                       std::span<const Label> labels) {
  return *static_cast<Gauge*>(
      state_->register_series(MetricType::kGauge, name, help, labels, nullptr));
}

Gauge& MetricsRegistry::register_gauge(std::string_view name, std::string_view help,
                                       std::initializer_list<Label> labels) {
  return register_gauge(name, help, std::span<const Label>(labels.begin(), labels.size()));
}

Histogram& MetricsRegistry::register_histogram(std::string_view name, std::string_view help,
                                               const std::vector<double>& upper_bounds,
                                               std::span<const Label> labels) {
  return *static_cast<Histogram*>(
      state_->register_series(MetricType::kHistogram, name, help, labels, &upper_bounds));
}

Histogram& MetricsRegistry::register_histogram(std::string_view name, std::string_view help,
                                               const std::vector<double>& upper_bounds,
                                               std::initializer_list<Label> labels) {
  return register_histogram(name, help, upper_bounds,
                            std::span<const Label>(labels.begin(), labels.size()));
}

ShardedCounter* MetricsRegistry::find_counter(std::string_view name,
                                              std::span<const Label> labels) const {
  return static_cast<ShardedCounter*>(state_->find(MetricType::kCounter, name, labels));
}

ShardedCounter* MetricsRegistry::find_counter(std::string_view name,
                                              std::initializer_list<Label> labels) const {
  return find_counter(name, std::span<const Label>(labels.begin(), labels.size()));
}

Gauge* MetricsRegistry::find_gauge(std::string_view name, std::span<const Label> labels) const {
  return static_cast<Gauge*>(state_->find(MetricType::kGauge, name, labels));
}

Gauge* MetricsRegistry::find_gauge(std::string_view name,
                                   std::initializer_list<Label> labels) const {
  return find_gauge(name, std::span<const Label>(labels.begin(), labels.size()));
}

Histogram* MetricsRegistry::find_histogram(std::string_view name,
                                           std::span<const Label> labels) const {
  return static_cast<Histogram*>(state_->find(MetricType::kHistogram, name, labels));
}

Histogram* MetricsRegistry::find_histogram(std::string_view name,
                                           std::initializer_list<Label> labels) const {
  return find_histogram(name, std::span<const Label>(labels.begin(), labels.size()));
}

std::string MetricsRegistry::to_prometheus() const {
  std::string out;
  std::lock_guard lock(state_->mutex);

  for (const auto& [name, family] : state_->families) {
    prometheus::append_help_line(out, name, family.help);
    prometheus::append_type_line(out, name, type_name(family.type));

    for (const auto& [labels, metric] : family.series) {
      switch (family.type) {
        case MetricType::kCounter:
          prometheus::append_counter_sample(out, name, labels, std::get<0>(metric)->value());
          break;
        case MetricType::kGauge:
          prometheus::append_gauge_sample(out, name, labels, std::get<1>(metric)->value());
          break;
        case MetricType::kHistogram: {
          const Histogram& histogram = *std::get<2>(metric);
          prometheus::append_histogram_samples(out, name, labels, histogram.upper_bounds(),
                                               histogram.snapshot());
          break;
        }
      }
    }
  }
  return out;
}

void MetricsRegistry::write_prometheus(std::ostream& out) const { out << to_prometheus(); }

}  // namespace paybench
