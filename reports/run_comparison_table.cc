// The terminal table of `paybench compare`, laid out like compare.py's: one row per pair of
// values, a _pvalue row after a benchmark's pairs, the OVERALL_GEOMEAN row last. Text from the
// input files goes through escape_control_characters, so only the table's own colours reach
// the terminal.
#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "paybench/reports/input_text.h"
#include "paybench/reports/run_comparison_output.h"
#include "run_comparison_cells.h"

namespace paybench::reports {
namespace {

constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kRed = "\x1b[31m";
constexpr std::string_view kGreen = "\x1b[32m";
constexpr std::string_view kYellow = "\x1b[33m";
constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kReset = "\x1b[0m";

constexpr std::string_view kColumnGap = "  ";
constexpr std::size_t kColumns = 7;
// Names listed in a note before "and N more".
constexpr std::size_t kMaxListedNames = 10;

struct Cell {
  std::string text;
  std::string_view color;  // empty for the default colour
};

// A row of up to kColumns cells. A U test row has three, followed by its description.
struct Row {
  std::vector<Cell> cells;
  std::vector<Cell> trailer;
};

// Columns count characters, not bytes, so that names with UTF-8 characters stay aligned.
std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (char c : text) {
    const bool is_continuation_byte = (static_cast<unsigned char>(c) & 0xC0) == 0x80;
    width += is_continuation_byte ? 0 : 1;
  }
  return width;
}

class Painter {
 public:
  explicit Painter(bool use_color) : use_color_(use_color) {}

  std::string paint(std::string_view text, std::string_view color) const {
    if (!use_color_ || color.empty()) return std::string(text);
    return fmt::format("{}{}{}", color, text, kReset);
  }

 private:
  bool use_color_;
};

std::string_view change_color(double change) {
  switch (direction_of(change)) {
    case ChangeDirection::kFaster:
      return kGreen;
    case ChangeDirection::kSlower:
      return kRed;
    case ChangeDirection::kNeutral:
      return {};
  }
  return {};
}

std::string_view p_value_color(bool significant) { return significant ? kGreen : kDim; }

std::vector<Row> benchmark_rows(const BenchmarkDifference& benchmark, double alpha) {
  std::vector<Row> rows;
  for (const MeasurementChange& pair : benchmark.measurements) {
    Row row;
    row.cells = {
        {escape_control_characters(benchmark.name), {}},
        {format_change(pair.real_time_change), change_color(pair.real_time_change)},
        {format_change(pair.cpu_time_change), change_color(pair.cpu_time_change)},
        {format_measured_value(pair.baseline_real_time, benchmark), {}},
        {format_measured_value(pair.candidate_real_time, benchmark), {}},
        {format_measured_value(pair.baseline_cpu_time, benchmark), {}},
        {format_measured_value(pair.candidate_cpu_time, benchmark), {}},
    };
    rows.push_back(std::move(row));
  }

  if (benchmark.u_test) {
    const UTest& test = *benchmark.u_test;
    Row row;
    row.cells = {
        {escape_control_characters(u_test_row_name(benchmark)), {}},
        {format_p_value(test.real_time.p_value), p_value_color(test.real_time_significant)},
        {format_p_value(test.cpu_time.p_value), p_value_color(test.cpu_time_significant)},
    };
    row.trailer.push_back({describe_u_test(test, alpha), {}});
    if (const std::string warning = u_test_warning(test); !warning.empty()) {
      row.trailer.push_back({"(" + warning + ")", kYellow});
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Row geomean_row(const GeomeanDifference& geomean) {
  Row row;
  row.cells = {
      {kOverallGeomeanName, {}},
      {format_change(geomean.real_time_change), change_color(geomean.real_time_change)},
      {format_change(geomean.cpu_time_change), change_color(geomean.cpu_time_change)},
      {format_seconds(geomean.baseline_real_time_s), {}},
      {format_seconds(geomean.candidate_real_time_s), {}},
      {format_seconds(geomean.baseline_cpu_time_s), {}},
      {format_seconds(geomean.candidate_cpu_time_s), {}},
  };
  return row;
}

void render_rows(std::string& out, const std::vector<Row>& rows, const Painter& painter) {
  const std::array<std::string, kColumns> headers = {"Benchmark", "Time",    "CPU",    "Time old",
                                                     "Time new",  "CPU old", "CPU new"};
  std::array<std::size_t, kColumns> widths{};
  for (std::size_t column = 0; column < kColumns; ++column) {
    widths[column] = display_width(headers[column]);
  }
  for (const Row& row : rows) {
    for (std::size_t column = 0; column < row.cells.size(); ++column) {
      widths[column] = std::max(widths[column], display_width(row.cells[column].text));
    }
  }

  // The name column is left-aligned, numbers right-aligned.
  const auto aligned = [&](std::string_view text, std::size_t column) {
    const std::size_t padding = widths[column] - std::min(widths[column], display_width(text));
    if (column == 0) return std::string(text) + std::string(padding, ' ');
    return std::string(padding, ' ') + std::string(text);
  };

  std::string header_line;
  for (std::size_t column = 0; column < kColumns; ++column) {
    header_line += (column == 0 ? "" : std::string(kColumnGap)) + aligned(headers[column], column);
  }
  out += painter.paint(header_line, kBold) + "\n";

  for (const Row& row : rows) {
    std::string line;
    for (std::size_t column = 0; column < row.cells.size(); ++column) {
      const Cell& cell = row.cells[column];
      line += (column == 0 ? "" : std::string(kColumnGap)) +
              painter.paint(aligned(cell.text, column), cell.color);
    }
    for (const Cell& part : row.trailer) {
      line += std::string(kColumnGap) + painter.paint(part.text, part.color);
    }
    out += line + "\n";
  }
}

void render_notes(std::string& out, const RunComparison& comparison, const Painter& painter) {
  std::vector<std::string> notes;
  for (const FailedBenchmark& failure : comparison.failures) {
    notes.push_back(painter.paint(
        "failed, not compared: " + escape_control_characters(describe_failure(failure)), kRed));
  }
  for (const TimeUnitMismatch& mismatch : comparison.time_unit_mismatches) {
    notes.push_back("time unit differs: " + escape_control_characters(describe_mismatch(mismatch)));
  }
  if (!comparison.only_in_baseline.empty()) {
    notes.push_back(fmt::format("only in the baseline ({}): {}", comparison.only_in_baseline.size(),
                                join_names(comparison.only_in_baseline, kMaxListedNames)));
  }
  if (!comparison.only_in_candidate.empty()) {
    notes.push_back(fmt::format("only in the candidate ({}): {}",
                                comparison.only_in_candidate.size(),
                                join_names(comparison.only_in_candidate, kMaxListedNames)));
  }

  out += "\n";
  for (const std::string& explanation : column_explanations(comparison)) {
    out += painter.paint(explanation, kDim) + "\n";
  }
  for (const std::string& note : notes) {
    out += note + "\n";
  }
}

}  // namespace

std::string render_comparison_table(const RunComparison& comparison, bool use_color) {
  const Painter painter(use_color);
  std::string out;
  const std::string baseline = describe_side(comparison, ComparisonSide::kBaseline);
  const std::string candidate = describe_side(comparison, ComparisonSide::kCandidate);
  out += fmt::format("baseline:  {}\n", escape_control_characters(baseline));
  out += fmt::format("candidate: {}\n\n", escape_control_characters(candidate));

  std::vector<Row> rows;
  for (const BenchmarkDifference& benchmark : comparison.benchmarks) {
    std::vector<Row> benchmark_part = benchmark_rows(benchmark, comparison.alpha);
    rows.insert(rows.end(), benchmark_part.begin(), benchmark_part.end());
  }
  if (comparison.overall_geomean) {
    rows.push_back(geomean_row(*comparison.overall_geomean));
  }
  render_rows(out, rows, painter);
  render_notes(out, comparison, painter);
  return out;
}

}  // namespace paybench::reports
