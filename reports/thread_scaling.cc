// Thread scaling: throughput against thread count, one chart per workload and parameter set.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "paybench/reports/formatting.h"
#include "run_views.h"

namespace paybench::reports {
namespace {

constexpr double kNanosecondsPerSecond = 1e9;

// The instances of one chart, by series.
struct ScalingGroup {
  std::string title;
  std::vector<std::string> series_names;  // in the order they first appear
  std::map<std::string, std::vector<const InstanceSummary*>> series;
  std::set<std::int64_t> thread_counts;
};

std::string chart_title(const InstanceSummary& instance) {
  if (instance.workload.empty()) {
    return remove_name_segments(instance.run_name, {"threads:", "allocator:"});
  }
  const std::string params = describe_params(instance.params);
  return instance.family + "/" + instance.workload + (params.empty() ? "" : " " + params);
}

std::string series_name(const InstanceSummary& instance, bool several_allocators) {
  std::string name = instance.variant;
  if (several_allocators && !instance.allocator.empty()) {
    name += name.empty() ? instance.allocator : " under " + instance.allocator;
  }
  return name.empty() ? chart_title(instance) : name;
}

LineChart scaling_chart(const ScalingGroup& group, int cpu_count) {
  bool every_instance_counts_items = true;
  for (const auto& [name, instances] : group.series) {
    for (const InstanceSummary* instance : instances) {
      every_instance_counts_items = every_instance_counts_items && instance->items_per_second;
    }
  }

  LineChartSpec spec;
  spec.title = group.title;
  spec.x_label = "threads";
  spec.y_label = every_instance_counts_items ? "items per second, all threads"
                                             : "operations per second, all threads";
  spec.x_scale = AxisScale::kLogarithmic;
  spec.y_scale = AxisScale::kLinear;
  spec.format_x = format_plain_tick;
  spec.format_y_tick = format_rate;
  spec.format_y = format_rate;
  for (const std::string& name : group.series_names) {
    LineSeriesSpec series;
    series.name = name;
    for (const InstanceSummary* instance : group.series.at(name)) {
      const std::optional<double> throughput =
          throughput_per_second(*instance, every_instance_counts_items);
      series.points.push_back(
          {static_cast<double>(instance->threads), throughput.value_or(std::nan(""))});
    }
    spec.series.push_back(std::move(series));
  }

  spec.caption = every_instance_counts_items
                     ? "Throughput is the workload's items_per_second, the median over the "
                       "repetitions."
                     : "Throughput is 1 / (median time per operation): operations of all "
                       "threads per second.";
  spec.caption +=
      " A line that doubles with twice the threads scales perfectly; a flat line gains nothing "
      "from more threads.";
  if (cpu_count > 0) {
    spec.caption += fmt::format(" The machine has {} CPUs, so above {} threads they share CPUs.",
                                cpu_count, cpu_count);
  }
  return layout_line_chart(spec);
}

}  // namespace

std::optional<double> throughput_per_second(const InstanceSummary& instance, bool use_items) {
  const std::optional<double> value =
      use_items
          ? instance.items_per_second
          : (instance.median_ns ? std::optional<double>(kNanosecondsPerSecond / *instance.median_ns)
                                : std::nullopt);
  if (!value || !std::isfinite(*value) || *value <= 0) {
    return std::nullopt;
  }
  return value;
}

std::string describe_params(const std::map<std::string, std::int64_t>& params,
                            const std::string& left_out) {
  std::string text;
  for (const auto& [key, value] : params) {
    if (key == left_out) {
      continue;
    }
    text += fmt::format("{}{}:{}", text.empty() ? "" : " ", key, value);
  }
  return text;
}

std::string remove_name_segments(const std::string& run_name,
                                 const std::vector<std::string>& prefixes) {
  std::string remaining;
  std::size_t start = 0;
  while (start <= run_name.size()) {
    const std::size_t slash = std::min(run_name.find('/', start), run_name.size());
    const std::string segment = run_name.substr(start, slash - start);
    const bool is_removed = std::any_of(prefixes.begin(), prefixes.end(), [&](const auto& prefix) {
      return segment.starts_with(prefix);
    });
    if (!is_removed) {
      remaining += (remaining.empty() ? "" : "/") + segment;
    }
    start = slash + 1;
  }
  return remaining;
}

bool has_several_allocators(const std::vector<FamilySummary>& families) {
  std::set<std::string> allocators;
  for (const FamilySummary& family : families) {
    for (const InstanceSummary& instance : family.instances) {
      allocators.insert(instance.allocator);
    }
  }
  return allocators.size() > 1;
}

std::vector<LineChart> thread_scaling_charts(const Result& result) {
  if (result.context.counts_instructions()) {
    return {};
  }
  const std::vector<FamilySummary> families = summarize_instances(result);
  const bool several_allocators = has_several_allocators(families);

  std::vector<ScalingGroup> groups;
  for (const FamilySummary& family : families) {
    for (const InstanceSummary& instance : family.instances) {
      if (!instance.median_ns) {
        continue;  // failed in every repetition
      }
      const std::string title = chart_title(instance);
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const ScalingGroup& g) { return g.title == title; });
      if (group == groups.end()) {
        groups.push_back({title, {}, {}, {}});
        group = groups.end() - 1;
      }
      const std::string name = series_name(instance, several_allocators);
      auto [series, is_new_series] = group->series.try_emplace(name);
      if (is_new_series) {
        group->series_names.push_back(name);
      }
      series->second.push_back(&instance);
      group->thread_counts.insert(instance.threads);
    }
  }

  std::vector<LineChart> charts;
  for (const ScalingGroup& group : groups) {
    if (group.thread_counts.size() >= 2) {
      charts.push_back(scaling_chart(group, result.context.num_cpus));
    }
  }
  return charts;
}

}  // namespace paybench::reports
