// Geometry of the report's allocator matrix: per family of a run under several allocators
// (paybench run --allocators), a heat map with one row per benchmark and one column per
// allocator. Each cell shows the time per operation and its ratio to the baseline allocator.
// A cell whose allocator comparison found it faster or slower is coloured by that ratio; any
// other cell stays neutral. templates/allocator_matrix.svg.mustache places these numbers.
// Internal to reports/.
#pragma once

#include <string>
#include <vector>

#include "paybench/reports/result.h"

namespace paybench::reports {

struct HeatMapCell {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
  std::string fill;        // "#rrggbb", from the ratio and verdict, never from input text
  std::string text_class;  // heat-text-dark or heat-text-light, whichever reads on the fill
  double text_x = 0;
  double value_y = 0;
  double ratio_y = 0;
  std::string value_text;  // "6.16 ns", or "failed"
  std::string ratio_text;  // "0.57x", "baseline", or "" for a failed or missing cell
  std::string tooltip;
};

struct HeatMapRow {
  // The benchmark in two lines left of the row, each shortened when long: workload/variant,
  // then its parameters and threads ("size:64/threads:1"; empty when it has none).
  std::string label;
  std::string label_detail;
  std::string full_label;  // in the row's tooltip
  double label_x = 0;
  double label_y = 0;
  double detail_y = 0;
  std::vector<HeatMapCell> cells;  // one per column
};

struct HeatMapColumn {
  std::string allocator;
  double x = 0;  // centre of the column
};

struct HeatMapSwatch {
  double x = 0;
  std::string fill;
  std::string label;  // "0.5x"
  double text_x = 0;
};

struct HeatMap {
  std::string title;  // the family
  std::string aria_label;
  std::string caption;
  std::string baseline_allocator;
  double width = 0;
  double height = 0;
  double header_y = 0;
  double legend_y = 0;  // top of the swatches
  double legend_text_y = 0;
  double swatch_width = 0;
  double swatch_height = 0;
  double legend_label_x = 0;
  std::vector<HeatMapColumn> columns;
  std::vector<HeatMapRow> rows;
  std::vector<HeatMapSwatch> legend;
};

// Returns one heat map per family when the result's runs use two or more allocators, else
// none. Columns follow Context::allocators, then any other allocator in the order it first
// appears. The baseline is the allocator that the result's allocator comparisons use, else
// the first column. Rows are the family's benchmarks without their allocator:NAME segment, in
// file order. A benchmark that failed under an allocator reads "failed" in that cell, and one
// that did not run under it reads "-". A cell gets heat_fill(ratio) only when the result's
// comparison of that instance against the baseline allocator has the verdict faster or slower.
// Without such a verdict (no difference, or no comparison) it gets heat_fill(1), whatever its
// ratio.
std::vector<HeatMap> allocator_heat_maps(const Result& result);

// Returns the fill of a cell whose time is `ratio` times the baseline's: white at 1, turning
// green towards 0.5x and faster, red towards 2x and slower. Not finite or <= 0: grey.
std::string heat_fill(double ratio);

}  // namespace paybench::reports
