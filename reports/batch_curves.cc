// Batch-size curves of the writes family: throughput and latency against batch size.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "paybench/reports/formatting.h"
#include "run_views.h"

namespace paybench::reports {
namespace {

constexpr const char* kBatchParam = "batch";

// An instance's place on a batch-size curve.
struct BatchPoint {
  std::string series;  // the variant name before "batch_", or "" for plain batch_N variants
  std::int64_t batch_size = 0;
};

// Returns the batch size from the "batch" parameter or the variant name, or nothing.
std::optional<BatchPoint> batch_point_of(const InstanceSummary& instance) {
  const auto param = instance.params.find(kBatchParam);
  if (param != instance.params.end()) {
    return BatchPoint{instance.variant, param->second};
  }
  const std::size_t marker = instance.variant.rfind(kBatchVariantMarker);
  if (marker == std::string::npos) {
    return std::nullopt;
  }
  const std::string_view digits =
      std::string_view(instance.variant)
          .substr(marker + std::string_view(kBatchVariantMarker).size());
  std::int64_t size = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
  if (error != std::errc() || end != digits.data() + digits.size() || size <= 0) {
    return std::nullopt;
  }
  std::string series = instance.variant.substr(0, marker);
  while (!series.empty() && series.back() == '_') {
    series.pop_back();
  }
  return BatchPoint{series, size};
}

struct CurveSeries {
  std::string name;
  std::vector<std::pair<std::int64_t, const InstanceSummary*>> points;  // batch size, instance
};

struct CurveGroup {
  std::string title;
  std::vector<CurveSeries> series;
  std::set<std::int64_t> batch_sizes;
  std::set<std::string> left_out_variants;  // without a batch size
};

std::string group_title(const InstanceSummary& instance) {
  std::string title = instance.family + "/" + instance.workload;
  const std::string params = describe_params(instance.params, kBatchParam);
  if (!params.empty()) {
    title += " " + params;
  }
  if (instance.threads != 1) {
    title += fmt::format(" threads:{}", instance.threads);
  }
  return title;
}

std::string left_out_note(const CurveGroup& group) {
  if (group.left_out_variants.empty()) {
    return "";
  }
  return fmt::format(" Not drawn, because their names give no batch size: {}.",
                     fmt::join(group.left_out_variants, ", "));
}

LineChart throughput_chart(const CurveGroup& group) {
  LineChartSpec spec;
  spec.title = group.title + ": throughput";
  spec.x_label = "batch size";
  spec.y_label = "rows per second";
  spec.x_scale = AxisScale::kLogarithmic;
  spec.y_scale = AxisScale::kLogarithmic;
  spec.format_x = format_plain_tick;
  spec.format_y_tick = format_rate;
  spec.format_y = format_rate;
  for (const CurveSeries& source : group.series) {
    LineSeriesSpec series;
    series.name = source.name;
    for (const auto& [batch_size, instance] : source.points) {
      const bool counts_items = instance->items_per_second.has_value();
      series.points.push_back(
          {static_cast<double>(batch_size),
           throughput_per_second(*instance, counts_items).value_or(std::nan(""))});
    }
    spec.series.push_back(std::move(series));
  }
  spec.caption =
      "Rows written per second: the workload's items_per_second (1 / time per row where a "
      "workload does not report it), the median over the repetitions. Both axes are "
      "logarithmic." +
      left_out_note(group);
  return layout_line_chart(spec);
}

LineChart latency_chart(const CurveGroup& group) {
  LineChartSpec spec;
  spec.title = group.title + ": latency";
  spec.x_label = "batch size";
  spec.y_label = "latency from add to commit";
  spec.x_scale = AxisScale::kLogarithmic;
  spec.y_scale = AxisScale::kLogarithmic;
  spec.format_x = format_plain_tick;
  spec.format_y_tick = format_time_tick;
  spec.format_y = format_time;

  // Each series in two lines of one style: the p50 solid, the p99 dashed.
  for (std::size_t i = 0; i < group.series.size(); ++i) {
    const CurveSeries& source = group.series[i];
    const auto add = [&](const char* percentile, bool is_dashed, auto member) {
      LineSeriesSpec series;
      series.name = source.name + " " + percentile;
      series.is_dashed = is_dashed;
      series.style = i;
      for (const auto& [batch_size, instance] : source.points) {
        const std::optional<double>& latency = instance->*member;
        series.points.push_back({static_cast<double>(batch_size), latency.value_or(std::nan(""))});
      }
      spec.series.push_back(std::move(series));
    };
    add("p50", false, &InstanceSummary::latency_p50_ns);
    add("p99", true, &InstanceSummary::latency_p99_ns);
  }

  spec.caption =
      "Time from adding a row to the sink's confirmation of its batch: the wait that batching "
      "adds to each row. Solid lines are the median (p50), dashed lines the 99th percentile, "
      "each the median over the repetitions. Both axes are logarithmic." +
      left_out_note(group);
  return layout_line_chart(spec);
}

}  // namespace

std::vector<LineChart> batch_size_charts(const Result& result) {
  if (result.context.counts_instructions()) {
    return {};
  }
  const std::vector<FamilySummary> families = summarize_instances(result);
  const bool several_allocators = has_several_allocators(families);

  std::vector<CurveGroup> groups;
  for (const FamilySummary& family : families) {
    if (family.family != kBatchFamily) {
      continue;
    }
    for (const InstanceSummary& instance : family.instances) {
      if (instance.workload.empty()) {
        continue;
      }
      const std::string title = group_title(instance);
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const CurveGroup& g) { return g.title == title; });
      if (group == groups.end()) {
        groups.push_back({title, {}, {}, {}});
        group = groups.end() - 1;
      }

      const std::optional<BatchPoint> point = batch_point_of(instance);
      if (!point) {
        group->left_out_variants.insert(instance.variant);
        continue;
      }
      if (!instance.median_ns) {
        continue;  // failed in every repetition
      }
      std::string name = point->series.empty() ? instance.workload : point->series;
      if (several_allocators && !instance.allocator.empty()) {
        name += " under " + instance.allocator;
      }
      auto series = std::find_if(group->series.begin(), group->series.end(),
                                 [&](const CurveSeries& s) { return s.name == name; });
      if (series == group->series.end()) {
        group->series.push_back({name, {}});
        series = group->series.end() - 1;
      }
      series->points.emplace_back(point->batch_size, &instance);
      group->batch_sizes.insert(point->batch_size);
    }
  }

  std::vector<LineChart> charts;
  for (const CurveGroup& group : groups) {
    if (group.batch_sizes.size() < 2) {
      continue;
    }
    charts.push_back(throughput_chart(group));
    const bool reports_latency =
        std::any_of(group.series.begin(), group.series.end(), [](const CurveSeries& series) {
          return std::any_of(series.points.begin(), series.points.end(),
                             [](const auto& point) { return point.second->latency_p50_ns; });
        });
    if (reports_latency) {
      charts.push_back(latency_chart(group));
    }
  }
  return charts;
}

}  // namespace paybench::reports
