#include "allocator_matrix.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "chart_axis.h"
#include "paybench/reports/formatting.h"
#include "paybench/reports/instance_summary.h"
#include "run_views.h"

namespace paybench::reports {
namespace {

// Layout in SVG user units.
constexpr double kLabelRight = 380;  // row labels end here, right-aligned
constexpr double kCellsLeft = 392;
constexpr double kColumnWidth = 120;
constexpr double kCellGap = 4;
constexpr double kHeaderBaseline = 16;
constexpr double kRowsTop = 26;
constexpr double kRowHeight = 40;
constexpr double kValueBaseline = 16;  // from the cell's top
constexpr double kRatioBaseline = 31;
constexpr double kLegendGap = 18;
constexpr double kSwatchWidth = 60;
constexpr double kSwatchHeight = 14;
constexpr double kLegendTextOffset = 28;  // from the swatches' top to their labels' baseline
constexpr double kBottomMargin = 8;
constexpr double kRightMargin = 8;
// Labels longer than this (in 12px monospace, as wide as the label column) are shortened in
// the middle. The tooltip keeps the whole text.
constexpr std::size_t kMaxLabelLength = 52;

// The colour scale saturates at half and at twice the baseline's time.
constexpr double kSaturationLog2 = 1;
// Above this share of the full colour, white text reads better than dark text.
constexpr double kLightTextThreshold = 0.55;

struct Rgb {
  double red;
  double green;
  double blue;
};
constexpr Rgb kNeutral = {246, 248, 250};
constexpr Rgb kFaster = {45, 164, 78};
constexpr Rgb kSlower = {207, 34, 46};
constexpr const char* kMissingFill = "#d1d9e0";

double signed_strength(double ratio) {
  return std::clamp(std::log2(ratio) / kSaturationLog2, -1.0, 1.0);
}

// The allocators in column order: the context's, then any others as they appear.
std::vector<std::string> column_order(const Result& result, const FamilySummary& family) {
  std::vector<std::string> columns;
  const auto add = [&columns](const std::string& name) {
    if (!name.empty() && std::find(columns.begin(), columns.end(), name) == columns.end()) {
      columns.push_back(name);
    }
  };
  for (const Context::Allocator& allocator : result.context.allocators) {
    add(allocator.name);
  }
  for (const InstanceSummary& instance : family.instances) {
    add(instance.allocator);
  }
  return columns;
}

// The comparison of `instance` against its run under `baseline_allocator`, or nullptr.
const Comparison* allocator_comparison_of(const Result& result, const InstanceSummary& instance,
                                          const std::string& baseline_allocator) {
  for (const std::size_t i : instance.candidate_in) {
    const Comparison& comparison = result.comparisons[i];
    if (is_allocator_comparison(comparison) &&
        comparison.baseline_allocator == baseline_allocator) {
      return &comparison;
    }
  }
  return nullptr;
}

std::string baseline_of(const Result& result, const std::vector<std::string>& columns) {
  for (const Comparison& comparison : result.comparisons) {
    if (is_allocator_comparison(comparison)) {
      return comparison.baseline_allocator;
    }
  }
  return columns.empty() ? "" : columns.front();
}

HeatMap layout_heat_map(const Result& result, const FamilySummary& family) {
  const std::vector<std::string> columns = column_order(result, family);
  const std::string baseline = baseline_of(result, columns);

  // Rows: benchmarks without their allocator segment, each with its instance per allocator.
  std::vector<std::string> row_names;
  std::map<std::string, std::map<std::string, const InstanceSummary*>> cells_by_row;
  for (const InstanceSummary& instance : family.instances) {
    const std::string name = remove_name_segments(instance.display_name, {"allocator:"});
    if (cells_by_row.find(name) == cells_by_row.end()) {
      row_names.push_back(name);
    }
    cells_by_row[name][instance.allocator] = &instance;
  }

  HeatMap map;
  map.title = family.family;
  map.baseline_allocator = baseline;
  map.header_y = kHeaderBaseline;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    map.columns.push_back({columns[c], kCellsLeft + (static_cast<double>(c) + 0.5) * kColumnWidth});
  }

  for (std::size_t r = 0; r < row_names.size(); ++r) {
    const std::map<std::string, const InstanceSummary*>& instances = cells_by_row[row_names[r]];
    HeatMapRow row;
    row.full_label = row_names[r];
    // The first two segments of "workload/variant/params.../threads:N" on the first line.
    const std::size_t first_slash = row.full_label.find('/');
    const std::size_t second_slash = first_slash == std::string::npos
                                         ? std::string::npos
                                         : row.full_label.find('/', first_slash + 1);
    row.label = shorten_middle(row.full_label.substr(0, second_slash), kMaxLabelLength);
    row.label_detail =
        second_slash == std::string::npos
            ? ""
            : shorten_middle(row.full_label.substr(second_slash + 1), kMaxLabelLength);
    row.label_x = kLabelRight;
    const double top = kRowsTop + static_cast<double>(r) * kRowHeight;
    row.label_y = top + kValueBaseline;
    row.detail_y = top + kRatioBaseline;

    // 0 when the row has no time under the baseline allocator.
    double baseline_ns = 0;
    const auto baseline_it = instances.find(baseline);
    if (baseline_it != instances.end() && baseline_it->second->median_ns) {
      baseline_ns = *baseline_it->second->median_ns;
    }
    for (std::size_t c = 0; c < columns.size(); ++c) {
      HeatMapCell cell;
      cell.x = kCellsLeft + static_cast<double>(c) * kColumnWidth;
      cell.y = top;
      cell.width = kColumnWidth - kCellGap;
      cell.height = kRowHeight - kCellGap;
      cell.text_x = cell.x + cell.width / 2;
      cell.value_y = top + kValueBaseline;
      cell.ratio_y = top + kRatioBaseline;
      cell.fill = kMissingFill;
      cell.text_class = "heat-text-dark";

      const auto it = instances.find(columns[c]);
      const InstanceSummary* instance = it == instances.end() ? nullptr : it->second;
      if (instance == nullptr) {
        cell.value_text = "-";
        cell.tooltip = fmt::format("{}: not run under {}", row.full_label, columns[c]);
      } else if (!instance->median_ns) {
        cell.value_text = "failed";
        cell.tooltip = fmt::format("{} under {} failed: {}", row.full_label, columns[c],
                                   instance->error_message);
      } else {
        const double time = *instance->median_ns;
        cell.value_text = format_cost(time, result.context);
        const bool is_baseline = columns[c] == baseline;
        const bool has_ratio = baseline_ns > 0;
        const double ratio = has_ratio ? time / baseline_ns : 1.0;

        // The ratio of two medians alone can be noise: colour only what the comparison's
        // interval shows to differ.
        const Comparison* comparison = allocator_comparison_of(result, *instance, baseline);
        const bool differs = comparison != nullptr && comparison->verdict != Verdict::kNoDifference;
        const double colour_ratio = has_ratio && differs ? ratio : 1.0;
        cell.fill = heat_fill(colour_ratio);
        if (std::fabs(signed_strength(colour_ratio)) > kLightTextThreshold) {
          cell.text_class = "heat-text-light";
        }
        cell.ratio_text = is_baseline ? "baseline" : (has_ratio ? format_ratio(ratio) : "");
        cell.tooltip =
            has_ratio && !is_baseline
                ? fmt::format("{} under {}: {}, {} the time under {}", row.full_label, columns[c],
                              cell.value_text, format_ratio(ratio), baseline)
                : fmt::format("{} under {}: {}", row.full_label, columns[c], cell.value_text);
        if (comparison != nullptr) {
          cell.tooltip += "; comparison: " + format_comparison(*comparison);
        }
      }
      row.cells.push_back(std::move(cell));
    }
    map.rows.push_back(std::move(row));
  }

  const double rows_bottom = kRowsTop + static_cast<double>(row_names.size()) * kRowHeight;
  map.legend_y = rows_bottom + kLegendGap;
  map.legend_text_y = map.legend_y + kLegendTextOffset;
  map.swatch_width = kSwatchWidth;
  map.swatch_height = kSwatchHeight;
  map.legend_label_x = kLabelRight;
  constexpr double kLegendRatios[] = {0.5, 0.71, 1, 1.41, 2};
  for (std::size_t i = 0; i < std::size(kLegendRatios); ++i) {
    const double x = kCellsLeft + static_cast<double>(i) * kSwatchWidth;
    map.legend.push_back(
        {x, heat_fill(kLegendRatios[i]), format_ratio(kLegendRatios[i]), x + kSwatchWidth / 2});
  }
  map.height = map.legend_text_y + kBottomMargin;
  map.width = std::max(kCellsLeft + static_cast<double>(columns.size()) * kColumnWidth,
                       kCellsLeft + static_cast<double>(std::size(kLegendRatios)) * kSwatchWidth) +
              kRightMargin;

  std::string columns_text;
  for (const std::string& column : columns) {
    columns_text += (columns_text.empty() ? "" : ", ") + column;
  }
  map.aria_label = fmt::format("{}: {} per operation of {} benchmarks under {}", family.family,
                               result.context.counts_instructions() ? "instructions" : "time",
                               row_names.size(), columns_text);
  map.caption = fmt::format(
      "Each cell: the median {} per operation under that allocator, and its ratio to {}, the "
      "baseline allocator. Green cells are faster than under {}, red ones slower, by the "
      "verdict of their comparison; the colour is strongest at 0.5x and 2x. Cells with no "
      "difference, or without a comparison, stay neutral whatever their ratio, because this run "
      "cannot tell them apart from {}. A cell reads failed where the benchmark failed under that "
      "allocator.",
      result.context.counts_instructions() ? "instruction count" : "time", baseline, baseline,
      baseline);
  return map;
}

}  // namespace

std::string heat_fill(double ratio) {
  if (!std::isfinite(ratio) || ratio <= 0) {
    return kMissingFill;
  }
  const double strength = signed_strength(ratio);
  const Rgb& extreme = strength < 0 ? kFaster : kSlower;
  const double share = std::fabs(strength);
  const auto channel = [share](double from, double to) {
    return static_cast<int>(std::lround(from + (to - from) * share));
  };
  return fmt::format("#{:02x}{:02x}{:02x}", channel(kNeutral.red, extreme.red),
                     channel(kNeutral.green, extreme.green), channel(kNeutral.blue, extreme.blue));
}

std::vector<HeatMap> allocator_heat_maps(const Result& result) {
  const std::vector<FamilySummary> families = summarize_instances(result);
  if (!has_several_allocators(families)) {
    return {};
  }
  std::vector<HeatMap> maps;
  for (const FamilySummary& family : families) {
    maps.push_back(layout_heat_map(result, family));
  }
  return maps;
}

}  // namespace paybench::reports
