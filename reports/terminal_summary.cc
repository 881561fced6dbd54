#include "paybench/reports/terminal_summary.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "paybench/reports/formatting.h"
#include "paybench/reports/input_text.h"
#include "paybench/reports/instance_summary.h"

namespace paybench::reports {
namespace {

constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kRed = "\x1b[31m";
constexpr std::string_view kGreen = "\x1b[32m";
constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kReset = "\x1b[0m";

constexpr std::string_view kColumnGap = "  ";

constexpr std::string_view kInterruptedNote =
    "interrupted: SIGINT or SIGTERM stopped the run early; only the benchmarks that finished are "
    "shown";

enum class Align { kLeft, kRight };

// A cell may span several lines (an instance that is the candidate of several comparisons).
struct Line {
  std::string text;
  std::string_view color;  // empty for the default colour
};
using Cell = std::vector<Line>;

struct Row {
  std::vector<Cell> cells;
  // A row whose runs all failed: the message is printed after the name and takes no column.
  std::optional<std::string> error;
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
    if (!use_color_ || color.empty()) {
      return std::string(text);
    }
    return fmt::format("{}{}{}", color, text, kReset);
  }

 private:
  bool use_color_;
};

std::string_view verdict_color(Verdict verdict) {
  switch (verdict) {
    case Verdict::kFaster:
      return kGreen;
    case Verdict::kSlower:
      return kRed;
    case Verdict::kNoDifference:
      return kDim;
  }
  return {};
}

Cell comparison_cell(const InstanceSummary& instance, const Result& result) {
  Cell cell;
  const bool is_variant_baseline =
      std::any_of(instance.baseline_in.begin(), instance.baseline_in.end(),
                  [&](std::size_t i) { return !is_allocator_comparison(result.comparisons[i]); });
  const bool is_allocator_baseline = !instance.baseline_in.empty() && !is_variant_baseline;

  if (is_variant_baseline) {
    cell.push_back({"baseline", {}});
  }
  for (std::size_t i : instance.candidate_in) {
    const Comparison& comparison = result.comparisons[i];
    std::string text = format_comparison(comparison);
    if (is_allocator_comparison(comparison)) {
      text = fmt::format("vs {}: {}", escape_control_characters(comparison.baseline_allocator),
                         text);
    }
    cell.push_back({std::move(text), verdict_color(comparison.verdict)});
  }
  if (is_allocator_baseline) {
    cell.push_back({"baseline allocator", {}});
  }
  if (instance.is_anchor) {
    cell.push_back({"anchor, not compared", kDim});
  }
  return cell;
}

Row instance_row(const InstanceSummary& instance, const Result& result, bool show_allocator,
                 bool show_latency) {
  Row row;
  row.cells.push_back({{escape_control_characters(instance.display_name), {}}});
  if (show_allocator) {
    row.cells.push_back({{escape_control_characters(instance.allocator), {}}});
  }

  const bool all_failed = instance.error_runs > 0 && instance.real_times_ns.empty();
  if (all_failed) {
    row.error = "error: " + escape_control_characters(instance.error_message);
    return row;
  }

  const auto optional_text = [](const std::optional<double>& value, auto format) {
    return value ? format(*value) : std::string("-");
  };
  const auto cost = [&result](double value) { return format_cost(value, result.context); };
  row.cells.push_back({{optional_text(instance.median_ns, cost), {}}});
  row.cells.push_back({{optional_text(instance.cv, format_percent), {}}});
  row.cells.push_back({{optional_text(instance.allocs_per_op, format_count), {}}});
  row.cells.push_back({{optional_text(instance.bytes_per_op, format_count), {}}});
  if (show_latency) {
    const bool has_latency = instance.latency_p50_ns && instance.latency_p99_ns;
    row.cells.push_back({{has_latency ? fmt::format("{} / {}", format_time(*instance.latency_p50_ns),
                                                    format_time(*instance.latency_p99_ns))
                                      : std::string("-"),
                          {}}});
  }

  Cell comparison = comparison_cell(instance, result);
  if (instance.error_runs > 0) {
    comparison.push_back({fmt::format("error in {} of {} repetitions: {}", instance.error_runs,
                                      instance.iteration_runs,
                                      escape_control_characters(instance.error_message)),
                          kRed});
  }
  row.cells.push_back(std::move(comparison));
  return row;
}

void render_table(std::string& out, const std::vector<std::string>& headers,
                  const std::vector<Align>& aligns, const std::vector<Row>& rows,
                  const Painter& painter) {
  std::vector<std::size_t> widths(headers.size(), 0);
  for (std::size_t column = 0; column < headers.size(); ++column) {
    widths[column] = display_width(headers[column]);
  }
  for (const Row& row : rows) {
    for (std::size_t column = 0; column < row.cells.size(); ++column) {
      for (const Line& line : row.cells[column]) {
        widths[column] = std::max(widths[column], display_width(line.text));
      }
    }
  }

  // Pads `text` to its column; the last column is not padded on the right.
  const auto aligned = [&](std::string_view text, std::size_t column) {
    const std::size_t padding = widths[column] - std::min(widths[column], display_width(text));
    const bool is_last = column + 1 == headers.size();
    if (aligns[column] == Align::kRight) {
      return std::string(padding, ' ') + std::string(text);
    }
    return std::string(text) + (is_last ? "" : std::string(padding, ' '));
  };

  std::string header_line = "  ";
  for (std::size_t column = 0; column < headers.size(); ++column) {
    header_line += (column == 0 ? "" : std::string(kColumnGap)) + aligned(headers[column], column);
  }
  out += painter.paint(header_line, kBold) + "\n";

  for (const Row& row : rows) {
    std::size_t line_count = 1;
    for (const Cell& cell : row.cells) {
      line_count = std::max(line_count, cell.size());
    }
    for (std::size_t line_index = 0; line_index < line_count; ++line_index) {
      std::string line = "  ";
      for (std::size_t column = 0; column < row.cells.size(); ++column) {
        const Cell& cell = row.cells[column];
        const Line empty;
        const Line& part = line_index < cell.size() ? cell[line_index] : empty;
        line += (column == 0 ? "" : std::string(kColumnGap)) +
                painter.paint(aligned(part.text, column), part.color);
      }
      if (row.error && line_index == 0) {
        line += std::string(kColumnGap) + painter.paint(*row.error, kRed);
      }
      // Empty last cells would leave trailing spaces: drop them.
      while (!line.empty() && line.back() == ' ') {
        line.pop_back();
      }
      out += line + "\n";
    }
  }
}

std::string render_heading(const Context& context) {
  std::vector<std::string> parts;
  if (!context.paybench_version.empty()) {
    parts.push_back("paybench " + context.paybench_version);
  }
  if (!context.suite.empty()) {
    parts.push_back("suite " + context.suite);
  }
  if (!context.host_name.empty()) {
    parts.push_back("host " + context.host_name);
  }
  if (!context.date.empty()) {
    parts.push_back(context.date);
  }
  std::string heading;
  for (const std::string& part : parts) {
    heading += (heading.empty() ? "" : ", ") + part;
  }
  return escape_control_characters(heading);
}

}  // namespace

std::string render_terminal_summary(const Result& result, bool use_color) {
  const Painter painter(use_color);
  const std::vector<FamilySummary> families = summarize_instances(result);
  const bool show_allocator =
      std::any_of(result.benchmarks.begin(), result.benchmarks.end(),
                  [](const BenchmarkRun& run) { return !run.allocator.empty(); });

  std::vector<std::string> headers = {"benchmark"};
  std::vector<Align> aligns = {Align::kLeft};
  if (show_allocator) {
    headers.push_back("allocator");
    aligns.push_back(Align::kLeft);
  }
  const char* cost_header = result.context.counts_instructions() ? "instr/op" : "time/op";
  for (const char* numeric : {cost_header, "CV", "allocs/op", "bytes/op"}) {
    headers.push_back(numeric);
    aligns.push_back(Align::kRight);
  }
  // The latency column goes before "vs baseline" in families whose workloads report latency.
  const std::size_t latency_column = headers.size();

  std::string out;
  if (const std::string heading = render_heading(result.context); !heading.empty()) {
    out += heading + "\n";
  }
  if (result.context.interrupted) {
    out += painter.paint(kInterruptedNote, kRed) + "\n";
  }
  for (const FamilySummary& family : families) {
    out += "\n" + painter.paint(escape_control_characters(family.family), kBold) + "\n";
    const bool show_latency =
        std::any_of(family.instances.begin(), family.instances.end(),
                    [](const InstanceSummary& instance) { return instance.latency_p50_ns; });
    std::vector<std::string> family_headers = headers;
    std::vector<Align> family_aligns = aligns;
    if (show_latency) {
      family_headers.insert(family_headers.begin() + latency_column, "latency p50 / p99");
      family_aligns.insert(family_aligns.begin() + latency_column, Align::kRight);
    }
    family_headers.push_back("vs baseline");
    family_aligns.push_back(Align::kLeft);

    std::vector<Row> rows;
    for (const InstanceSummary& instance : family.instances) {
      rows.push_back(instance_row(instance, result, show_allocator, show_latency));
    }
    render_table(out, family_headers, family_aligns, rows, painter);
  }
  if (families.empty()) {
    out += "no benchmark ran\n";
  }

  const bool has_latency = std::any_of(families.begin(), families.end(), [](const auto& family) {
    return std::any_of(family.instances.begin(), family.instances.end(),
                       [](const InstanceSummary& instance) { return instance.latency_p50_ns; });
  });
  if (has_latency) {
    out += "\n" + painter.paint("latency: for queues the time from push to pop of every 64th "
                                 "item; for writes the time from adding a row to the sink's "
                                 "confirmation of its batch.",
                                 kDim) +
           "\n";
  }

  const bool has_multi_threaded_runs =
      std::any_of(result.benchmarks.begin(), result.benchmarks.end(),
                  [](const BenchmarkRun& run) { return run.threads > 1; });
  if (has_multi_threaded_runs) {
    out += "\n" + painter.paint("threads:N rows: time/op is wall time divided by the operations "
                                 "of all N threads, the inverse of throughput; one operation "
                                 "costs each thread N times that.",
                                 kDim) +
           "\n";
  }
  return out;
}

}  // namespace paybench::reports
