// The HTML page of a RunComparison, from templates/compare.html.mustache in the style of the run
// report (templates/report.css.mustache).
#include <fmt/format.h>

#include <array>
#include <kainjow/mustache.hpp>
#include <map>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "change_views.h"
#include "chart_data.h"
#include "embedded_files.h"
#include "mustache_template.h"
#include "paybench/reports/run_comparison_output.h"
#include "run_comparison_cells.h"

namespace paybench::reports {
namespace {

namespace mustache = kainjow::mustache;

// Every value handed to the template is a string or a bool: kainjow escapes & < > " ' in
// {{name}} tags, and the templates use no unescaped {{{name}}} tag.
using Data = mustache::data;

// Names listed in a note before "and N more".
constexpr std::size_t kMaxListedNames = 50;

// The name split after each '/', so that the template can offer a line break there (<wbr>) and
// a narrow column never breaks a name inside "threads:1".
Data name_segments(const std::string& name) {
  std::vector<Data> segments;
  std::size_t start = 0;
  while (start < name.size()) {
    const std::size_t slash = name.find('/', start);
    const std::size_t end = slash == std::string::npos ? name.size() : slash + 1;
    Data segment;
    segment.set("segment", name.substr(start, end - start));
    segments.push_back(segment);
    start = end;
  }
  return list_of(segments);
}

const char* change_class(double change) {
  switch (direction_of(change)) {
    case ChangeDirection::kFaster:
      return "faster";
    case ChangeDirection::kSlower:
      return "slower";
    case ChangeDirection::kNeutral:
      return "";
  }
  return "";
}

const char* p_value_class(bool significant) {
  return significant ? "significant" : "not-significant";
}

Data measurement_row(const std::string& name, const std::string& label, double time_change,
                     double cpu_change, const std::array<std::string, 4>& values) {
  Data row;
  row.set("is_measurement", true);
  row.set("is_p_value", false);
  row.set("is_geomean", false);
  row.set("name_segments", name_segments(name));
  row.set("has_label", !label.empty());
  row.set("label", label);
  row.set("time_change", format_change(time_change));
  row.set("cpu_change", format_change(cpu_change));
  row.set("time_class", change_class(time_change));
  row.set("cpu_class", change_class(cpu_change));
  row.set("time_old", values[0]);
  row.set("time_new", values[1]);
  row.set("cpu_old", values[2]);
  row.set("cpu_new", values[3]);
  return row;
}

Data p_value_row(const BenchmarkDifference& benchmark, double alpha) {
  const UTest& test = *benchmark.u_test;
  Data row;
  row.set("is_measurement", false);
  row.set("is_p_value", true);
  row.set("name_segments", name_segments(u_test_row_name(benchmark)));
  row.set("time_change", format_p_value(test.real_time.p_value));
  row.set("cpu_change", format_p_value(test.cpu_time.p_value));
  row.set("time_class", p_value_class(test.real_time_significant));
  row.set("cpu_class", p_value_class(test.cpu_time_significant));
  row.set("description", describe_u_test(test, alpha));
  const std::string warning = u_test_warning(test);
  row.set("has_warning", !warning.empty());
  row.set("warning", warning);
  return row;
}

Data rows_data(const RunComparison& comparison) {
  std::vector<Data> rows;
  for (const BenchmarkDifference& benchmark : comparison.benchmarks) {
    for (const MeasurementChange& pair : benchmark.measurements) {
      rows.push_back(measurement_row(benchmark.name, benchmark.label, pair.real_time_change,
                                     pair.cpu_time_change,
                                     {format_measured_value(pair.baseline_real_time, benchmark),
                                      format_measured_value(pair.candidate_real_time, benchmark),
                                      format_measured_value(pair.baseline_cpu_time, benchmark),
                                      format_measured_value(pair.candidate_cpu_time, benchmark)}));
    }
    if (benchmark.u_test) {
      rows.push_back(p_value_row(benchmark, comparison.alpha));
    }
  }
  if (comparison.overall_geomean) {
    const GeomeanDifference& geomean = *comparison.overall_geomean;
    Data row = measurement_row(
        kOverallGeomeanName, "", geomean.real_time_change, geomean.cpu_time_change,
        {format_seconds(geomean.baseline_real_time_s),
         format_seconds(geomean.candidate_real_time_s), format_seconds(geomean.baseline_cpu_time_s),
         format_seconds(geomean.candidate_cpu_time_s)});
    row.set("is_geomean", true);
    rows.push_back(row);
  }
  return list_of(rows);
}

Data text_item(const std::string& text) {
  Data item;
  item.set("text", text);
  return item;
}

std::vector<Data> notes_of(const RunComparison& comparison) {
  std::vector<Data> notes;
  const auto add = [&](const std::string& text, bool is_error) {
    Data note = text_item(text);
    note.set("is_error", is_error);
    notes.push_back(note);
  };
  for (const FailedBenchmark& failure : comparison.failures) {
    add("Failed: " + describe_failure(failure), true);
  }
  for (const TimeUnitMismatch& mismatch : comparison.time_unit_mismatches) {
    add("Time unit differs: " + describe_mismatch(mismatch), false);
  }
  if (!comparison.only_in_baseline.empty()) {
    add(fmt::format("Only in the baseline ({}): {}", comparison.only_in_baseline.size(),
                    join_names(comparison.only_in_baseline, kMaxListedNames)),
        false);
  }
  if (!comparison.only_in_candidate.empty()) {
    add(fmt::format("Only in the candidate ({}): {}", comparison.only_in_candidate.size(),
                    join_names(comparison.only_in_candidate, kMaxListedNames)),
        false);
  }
  return notes;
}

std::string allocator_names(const Context& context) {
  std::vector<std::string> names;
  for (const Context::Allocator& allocator : context.allocators) {
    names.push_back(allocator.version.empty() ? allocator.name
                                              : allocator.name + " " + allocator.version);
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

Data context_rows(const Context& baseline, const Context& candidate) {
  const auto or_dash = [](const std::string& text) {
    return text.empty() ? std::string("-") : text;
  };
  const auto cpus = [](const Context& context) {
    return context.num_cpus > 0 ? std::to_string(context.num_cpus) : std::string();
  };
  const std::vector<std::tuple<std::string, std::string, std::string>> rows = {
      {"Date", baseline.date, candidate.date},
      {"Host name", baseline.host_name, candidate.host_name},
      {"CPU model", baseline.cpu_model, candidate.cpu_model},
      {"CPUs", cpus(baseline), cpus(candidate)},
      {"paybench version", baseline.paybench_version, candidate.paybench_version},
      {"Git commit", baseline.git_commit, candidate.git_commit},
      {"Build type", baseline.build_type, candidate.build_type},
      {"Compiler", baseline.compiler, candidate.compiler},
      {"Allocators", allocator_names(baseline), allocator_names(candidate)},
      {"Suite", baseline.suite, candidate.suite},
      {"Command line", baseline.command_line, candidate.command_line},
  };
  std::vector<Data> items;
  for (const auto& [key, baseline_value, candidate_value] : rows) {
    Data item;
    item.set("key", key);
    item.set("baseline", or_dash(baseline_value));
    item.set("candidate", or_dash(candidate_value));
    items.push_back(item);
  }
  return list_of(items);
}

// Counts the change chart's rows by colour, for the verdicts at a glance.
Data change_counts(const ChangeChartSpec& spec) {
  std::map<std::string, int> counts;
  for (const ChangeRowSpec& row : spec.rows) {
    ++counts[row.css_class];
  }
  Data data;
  for (const char* css_class : {"faster", "slower", "same", "untested"}) {
    data.set(css_class, std::to_string(counts[css_class]));
  }
  data.set("has_untested", counts["untested"] > 0);
  return data;
}

}  // namespace

std::string render_comparison_html(const RunComparison& comparison) {
  Data page;
  const std::string generator = comparison.candidate_context.paybench_version.empty()
                                    ? "paybench"
                                    : "paybench " + comparison.candidate_context.paybench_version;
  page.set("generator", generator);
  page.set("title", fmt::format("paybench comparison: {} against {}", comparison.candidate_label,
                                comparison.baseline_label));
  page.set("baseline", describe_side(comparison, ComparisonSide::kBaseline));
  page.set("candidate", describe_side(comparison, ComparisonSide::kCandidate));
  page.set("alpha", fmt::format("{:g}", comparison.alpha));

  std::vector<Data> explanations;
  for (const std::string& explanation : column_explanations(comparison)) {
    explanations.push_back(text_item(explanation));
  }
  page.set("explanations", list_of(explanations));
  const bool has_rows = !comparison.benchmarks.empty() || comparison.overall_geomean.has_value();
  page.set("has_rows", has_rows);
  page.set("rows", rows_data(comparison));
  const std::vector<Data> notes = notes_of(comparison);
  page.set("has_notes", !notes.empty());
  page.set("notes", list_of(notes));
  page.set("context_rows", context_rows(comparison.baseline_context, comparison.candidate_context));

  const ChangeChartSpec change_spec = comparison_change_spec(comparison);
  page.set("has_change_chart", !change_spec.rows.empty());
  page.set("change_counts", change_counts(change_spec));
  page.set("change_chart_data", change_chart_data(layout_change_chart(change_spec)));
  add_chart_partials(page);

  return render_builtin_template(embedded::compare_html_mustache, page, "comparison");
}

}  // namespace paybench::reports
