// The HTML page of a GateReport, from templates/gate.html.mustache in the style of the run
// report (templates/report.css.mustache).
#include <fmt/format.h>

#include <kainjow/mustache.hpp>
#include <map>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "change_views.h"
#include "chart_data.h"
#include "embedded_files.h"
#include "gate_cells.h"
#include "mustache_template.h"
#include "paybench/reports/flamegraph.h"
#include "paybench/reports/gate_output.h"
#include "run_comparison_cells.h"

namespace paybench::reports {
namespace {

namespace mustache = kainjow::mustache;

// Every value handed to the template is a string or a bool: kainjow escapes & < > " ' in
// {{name}} tags. The unescaped {{{name}}} tags get only markup that paybench makes: the flame
// graph fragments, whose renderer escapes every name, and the flame graph CSS and script.
using Data = mustache::data;

// Names listed in a note before "and N more".
constexpr std::size_t kMaxListedNames = 50;

// The id of the i-th flame graph's element, for the links from the table. Ids are numbered
// rather than made from names, which may hold any character.
std::string flame_graph_id(std::size_t index) { return fmt::format("flame-graph-{}", index + 1); }

std::string describe_side(const std::string& label, const Context& context) {
  return context.date.empty() ? label : fmt::format("{} ({})", label, context.date);
}

Data row_data(const GateReport& report, const GateBenchmark& benchmark,
              const std::map<std::string, std::string>& flame_graph_ids) {
  const auto median_text = [&](double median) {
    return median > 0 ? format_gate_value(report, median) : std::string("-");
  };
  Data row;
  row.set("verdict", to_string(benchmark.verdict));
  row.set("name", benchmark.name);
  row.set("baseline", median_text(benchmark.baseline_median));
  row.set("candidate", median_text(benchmark.candidate_median));
  row.set("change", format_gate_change(benchmark.ratio));
  row.set("interval", format_gate_interval(benchmark));
  row.set("p_value", format_gate_p_value(benchmark.p_value));
  row.set("holm_p_value", format_gate_p_value(benchmark.holm_p_value));
  row.set("threshold", format_gate_threshold(benchmark, report.exact_counts));
  row.set("reason", benchmark.reason);

  const auto id = flame_graph_ids.find(benchmark.name);
  row.set("has_flame_graph", id != flame_graph_ids.end());
  row.set("flame_graph_id", id != flame_graph_ids.end() ? id->second : "");
  return row;
}

std::vector<Data> not_judged_data(const GateReport& report) {
  std::vector<Data> items;
  const auto add = [&](const std::vector<std::string>& names, const char* description) {
    if (names.empty()) return;
    Data item;
    item.set("text", fmt::format("{} ({}): {}", description, names.size(),
                                 join_names(names, kMaxListedNames)));
    items.push_back(item);
  };
  add(report.failed, "Failed on a side");
  add(report.only_in_baseline, "Only in the baseline");
  add(report.only_in_candidate, "Only in the candidate");
  return items;
}

std::string allocator_names(const Context& context) {
  std::vector<std::string> names;
  for (const Context::Allocator& allocator : context.allocators) {
    names.push_back(allocator.version.empty() ? allocator.name
                                              : allocator.name + " " + allocator.version);
  }
  return fmt::format("{}", fmt::join(names, ", "));
}

// Returns the machine and build of both results side by side, because a gate across machines
// or build types measures those differences rather than the change.
Data context_rows(const Context& baseline, const Context& candidate) {
  const auto or_dash = [](const std::string& text) {
    return text.empty() ? std::string("-") : text;
  };
  const auto number = [](int value) { return value > 0 ? std::to_string(value) : std::string(); };
  const std::vector<std::tuple<std::string, std::string, std::string>> rows = {
      {"Date", baseline.date, candidate.date},
      {"Host name", baseline.host_name, candidate.host_name},
      {"CPU model", baseline.cpu_model, candidate.cpu_model},
      {"CPUs", number(baseline.num_cpus), number(candidate.num_cpus)},
      {"paybench version", baseline.paybench_version, candidate.paybench_version},
      {"Git commit", baseline.git_commit, candidate.git_commit},
      {"Build type", baseline.build_type, candidate.build_type},
      {"Compiler", baseline.compiler, candidate.compiler},
      {"Allocators", allocator_names(baseline), allocator_names(candidate)},
      {"Repetitions", number(baseline.repetitions), number(candidate.repetitions)},
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

}  // namespace

std::string render_gate_html(const GateReport& report,
                             const std::vector<GateFlameGraph>& flame_graphs) {
  Data page;
  const std::string generator = report.candidate_context.paybench_version.empty()
                                    ? "paybench"
                                    : "paybench " + report.candidate_context.paybench_version;
  const std::string verdict = to_string(report.overall());
  page.set("generator", generator);
  page.set("title", fmt::format("paybench gate: {}, {} against {}", verdict, report.candidate_label,
                                report.baseline_label));
  page.set("verdict", verdict);
  const std::string counts = describe_gate_counts(report);
  page.set("has_counts", !counts.empty());
  page.set("counts", counts);
  page.set("baseline", describe_side(report.baseline_label, report.baseline_context));
  page.set("candidate", describe_side(report.candidate_label, report.candidate_context));
  page.set("measure", report.exact_counts ? "instructions per op, counted by callgrind"
                                          : "median real time over the repetitions");
  page.set("rule", describe_gate_rule(report));

  // Flame graphs without a fragment or a file have nothing to show.
  std::vector<Data> graphs;
  std::map<std::string, std::string> flame_graph_ids;  // benchmark name -> first graph's id
  bool has_fragments = false;
  for (const GateFlameGraph& graph : flame_graphs) {
    if (graph.fragment.empty() && graph.file.empty()) continue;
    const std::string id = flame_graph_id(graphs.size());
    flame_graph_ids.try_emplace(graph.benchmark, id);
    has_fragments = has_fragments || !graph.fragment.empty();
    Data item;
    item.set("id", id);
    item.set("benchmark", graph.benchmark);
    item.set("has_fragment", !graph.fragment.empty());
    item.set("fragment", graph.fragment);
    item.set("file", graph.file);
    graphs.push_back(item);
  }

  std::vector<Data> rows;
  for (const GateBenchmark& benchmark : report.benchmarks) {
    rows.push_back(row_data(report, benchmark, flame_graph_ids));
  }
  page.set("has_rows", !rows.empty());
  page.set("rows", list_of(rows));
  const std::vector<Data> not_judged = not_judged_data(report);
  page.set("has_not_judged", !not_judged.empty());
  page.set("not_judged", list_of(not_judged));
  page.set("has_flame_graph_section", !graphs.empty());
  page.set("flame_graphs", list_of(graphs));
  page.set("context_rows", context_rows(report.baseline_context, report.candidate_context));
  page.set("change_chart_data", change_chart_data(layout_change_chart(gate_change_spec(report))));

  // The flame graphs need their script, which the Content-Security-Policy must then allow.
  // Without them the page stays free of scripts.
  page.set("has_flame_graphs", has_fragments);
  page.set("flamegraph_css", has_fragments ? std::string(flamegraph_css()) : "");
  page.set("flamegraph_script", has_fragments ? std::string(flamegraph_script()) : "");
  add_chart_partials(page);

  return render_builtin_template(embedded::gate_html_mustache, page, "gate");
}

}  // namespace paybench::reports
