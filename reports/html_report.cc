#include "mustache_template.h"
#include "paybench/reports/html_report.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <kainjow/mustache.hpp>

#include "chart_data.h"
#include "comparison_chart.h"
#include "embedded_files.h"
#include "paybench/reports/comparisons.h"
#include "paybench/reports/flamegraph.h"
#include "paybench/reports/formatting.h"
#include "paybench/reports/instance_summary.h"
#include "profile_section.h"
#include "report_views.h"

namespace paybench::reports {
namespace {

namespace mustache = kainjow::mustache;

// Every value handed to the templates is a string or a bool: kainjow escapes & < > " ' in
// {{name}} tags. The unescaped {{{name}}} tags get only markup that paybench makes: the flame
// graph fragments, whose renderer escapes every name, and the flame graph CSS and script.
using Data = mustache::data;

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string text;
  for (const std::string& part : parts) {
    if (part.empty()) {
      continue;
    }
    text += (text.empty() ? "" : std::string(separator)) + part;
  }
  return text;
}

Data fact(const std::string& term, const std::string& value) {
  Data item;
  item.set("term", term);
  item.set("value", value);
  return item;
}

std::string format_bytes(std::int64_t bytes) {
  constexpr std::int64_t kKibibyte = 1024;
  if (bytes >= kKibibyte * kKibibyte && bytes % (kKibibyte * kKibibyte) == 0) {
    return fmt::format("{} MiB", bytes / (kKibibyte * kKibibyte));
  }
  if (bytes >= kKibibyte && bytes % kKibibyte == 0) {
    return fmt::format("{} KiB", bytes / kKibibyte);
  }
  return fmt::format("{} B", bytes);
}

// real_time in nanoseconds of the usable repetitions of one instance.
std::vector<double> samples_ns(const Result& result, const std::string& run_name,
                               const std::string& allocator) {
  std::vector<double> samples;
  for (const BenchmarkRun& run : result.benchmarks) {
    const bool matches = run.run_type == RunType::kIteration && !run.error_occurred &&
                         run.run_name == run_name && run.allocator == allocator;
    if (matches) {
      samples.push_back(convert_time(run.real_time, run.time_unit, "ns"));
    }
  }
  return samples;
}

Data header_facts(const Result& result) {
  const Context& context = result.context;
  std::vector<Data> facts;
  const auto add = [&](const std::string& term, const std::string& value) {
    if (!value.empty()) {
      facts.push_back(fact(term, value));
    }
  };
  add("Suite", context.suite);
  add("Interrupted", context.interrupted ? "yes: SIGINT or SIGTERM stopped the run early; only "
                                           "the benchmarks that finished are shown"
                                         : "");
  add("Date", context.date);
  add("Host", join({context.host_name, context.cpu_model}, ", "));
  add("paybench", join({context.paybench_version,
                        context.git_commit.empty() ? "" : "commit " + context.git_commit},
                       ", "));
  add("Build", join({context.build_type, context.compiler}, ", "));
  if (context.repetitions > 0) {
    // Workloads may require more repetitions than the suite (the queue workloads run at least
    // 9), so the range comes from the runs themselves.
    std::int64_t min_repetitions = std::numeric_limits<std::int64_t>::max();
    std::int64_t max_repetitions = 0;
    for (const BenchmarkRun& run : result.benchmarks) {
      if (run.run_type != RunType::kIteration || run.repetitions <= 0) continue;
      min_repetitions = std::min(min_repetitions, run.repetitions);
      max_repetitions = std::max(max_repetitions, run.repetitions);
    }
    if (max_repetitions == 0) min_repetitions = max_repetitions = context.repetitions;

    const std::string count =
        min_repetitions == max_repetitions
            ? std::to_string(min_repetitions)
            : fmt::format("{} to {}", min_repetitions, max_repetitions);
    add("Repetitions", fmt::format("{} per benchmark, at least {:g} s each", count,
                                   context.min_time_s));
  }

  std::vector<std::string> allocator_names;
  for (const Context::Allocator& allocator : context.allocators) {
    allocator_names.push_back(join({allocator.name, allocator.version}, " "));
  }
  add("Allocators", join(allocator_names, ", "));
  return list_of(facts);
}

Data outcome_data(const Comparison& comparison) {
  Data outcome;
  const bool by_allocator = is_allocator_comparison(comparison);
  outcome.set("has_prefix", by_allocator);
  outcome.set("prefix", by_allocator ? "vs " + comparison.baseline_allocator + ":" : "");
  outcome.set("ratio_text",
              format_ratio_interval(comparison.ratio, comparison.ci_low, comparison.ci_high));
  outcome.set("verdict", std::string(to_string(comparison.verdict)));
  outcome.set("verdict_class", verdict_css_class(comparison.verdict));
  return outcome;
}

Data row_data(const InstanceSummary& instance, const Result& result) {
  Data row;
  row.set("name", instance.display_name);
  // The name split after each '/', so the template can offer a line break there (<wbr>) and a
  // narrow table never breaks a name inside "threads:1".
  kainjow::mustache::data segments{kainjow::mustache::data::type::list};
  std::size_t start = 0;
  while (start < instance.display_name.size()) {
    const std::size_t slash = instance.display_name.find('/', start);
    const std::size_t end = slash == std::string::npos ? instance.display_name.size() : slash + 1;
    segments.push_back(kainjow::mustache::data{"segment", instance.display_name.substr(start, end - start)});
    start = end;
  }
  row.set("name_segments", segments);
  row.set("has_label", !instance.label.empty());
  row.set("label", instance.label);
  row.set("allocator", instance.allocator);

  const bool failed = instance.error_runs > 0 && instance.real_times_ns.empty();
  row.set("failed", failed);
  row.set("error_message", instance.error_message);

  const auto text_of = [](const std::optional<double>& value, auto format) {
    return value ? format(*value) : std::string("-");
  };
  const auto cost = [&result](double value) { return format_cost(value, result.context); };
  row.set("time", text_of(instance.median_ns, cost));
  row.set("cv", text_of(instance.cv, format_percent));
  row.set("allocs", text_of(instance.allocs_per_op, format_count));
  row.set("bytes", text_of(instance.bytes_per_op, format_count));
  row.set("latency", instance.latency_p50_ns
                         ? fmt::format("{} / {} / {}", format_time(*instance.latency_p50_ns),
                                       text_of(instance.latency_p99_ns, format_time),
                                       text_of(instance.latency_p999_ns, format_time))
                         : std::string("-"));

  std::vector<Data> outcomes;
  for (std::size_t i : instance.candidate_in) {
    outcomes.push_back(outcome_data(result.comparisons[i]));
  }
  row.set("outcomes", list_of(outcomes));

  const bool is_variant_baseline =
      std::any_of(instance.baseline_in.begin(), instance.baseline_in.end(),
                  [&](std::size_t i) { return !is_allocator_comparison(result.comparisons[i]); });
  std::string baseline_text;
  if (is_variant_baseline) {
    baseline_text = "baseline";
  } else if (!instance.baseline_in.empty()) {
    baseline_text = "baseline allocator";
  } else if (instance.is_anchor) {
    baseline_text = "anchor, not compared";
  }
  row.set("has_baseline_text", !baseline_text.empty());
  row.set("baseline_text", baseline_text);

  const bool partly_failed = instance.error_runs > 0 && !failed;
  row.set("has_partial_error", partly_failed);
  row.set("partial_error",
          partly_failed ? fmt::format("error in {} of {} repetitions: {}", instance.error_runs,
                                      instance.iteration_runs, instance.error_message)
                        : "");
  return row;
}

Data families_data(const Result& result) {
  const bool show_allocator =
      std::any_of(result.benchmarks.begin(), result.benchmarks.end(),
                  [](const BenchmarkRun& run) { return !run.allocator.empty(); });
  std::vector<Data> families;
  for (const FamilySummary& family : summarize_instances(result)) {
    Data item;
    item.set("family", family.family);
    item.set("show_allocator", show_allocator);
    const bool show_latency =
        std::any_of(family.instances.begin(), family.instances.end(),
                    [](const InstanceSummary& instance) { return instance.latency_p50_ns.has_value(); });
    item.set("show_latency", show_latency);
    std::vector<Data> rows;
    for (const InstanceSummary& instance : family.instances) {
      rows.push_back(row_data(instance, result));
    }
    item.set("rows", list_of(rows));
    families.push_back(std::move(item));
  }
  return list_of(families);
}

// Charts grouped by (family, workload), groups in the order of their first comparison.
Data comparison_groups_data(const Result& result) {
  std::vector<std::pair<std::string, std::string>> group_order;
  std::vector<std::vector<Data>> group_charts;
  for (const Comparison& comparison : result.comparisons) {
    const auto key = std::make_pair(comparison.family, comparison.workload);
    auto it = std::find(group_order.begin(), group_order.end(), key);
    if (it == group_order.end()) {
      group_order.push_back(key);
      group_charts.emplace_back();
      it = group_order.end() - 1;
    }
    const ComparisonChart chart = layout_comparison_chart(
        comparison,
        samples_ns(result, comparison.baseline_run_name, comparison.baseline_allocator),
        samples_ns(result, comparison.candidate_run_name, comparison.candidate_allocator));
    group_charts[static_cast<std::size_t>(it - group_order.begin())].push_back(
        comparison_chart_data(chart));
  }

  std::vector<Data> groups;
  for (std::size_t i = 0; i < group_order.size(); ++i) {
    Data group;
    group.set("family", group_order[i].first);
    group.set("workload", group_order[i].second);
    group.set("charts", list_of(group_charts[i]));
    groups.push_back(std::move(group));
  }
  return list_of(groups);
}

Data context_rows_data(const Context& context) {
  std::vector<std::string> loads;
  for (double load : context.load_avg) {
    loads.push_back(fmt::format("{:.2f}", load));
  }
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"Date", context.date},
      {"Host name", context.host_name},
      {"Executable", context.executable},
      {"CPU model", context.cpu_model},
      {"CPUs", std::to_string(context.num_cpus)},
      {"Cores", std::to_string(context.cores)},
      {"MHz per CPU", fmt::format("{:g}", context.mhz_per_cpu)},
      {"CPU frequency scaling", context.cpu_scaling_enabled ? "enabled" : "disabled"},
      {"Load average (1, 5, 15 min)", join(loads, ", ")},
      {"Kernel", context.kernel},
      {"paybench version", context.paybench_version},
      {"Git commit", context.git_commit},
      {"Build type", context.build_type},
      {"Compiler", context.compiler},
      {"Compiler flags", context.compiler_flags},
      // Debian builds libbenchmark without NDEBUG, so it reports "debug" although it is
      // compiled with -O2. The label explains this, so readers do not distrust the timings.
      {"Google Benchmark library build type",
       context.library_build_type == "debug"
           ? "debug (as the library reports itself: Debian's build keeps assertions on, with -O2)"
           : context.library_build_type},
      {"Command line", context.command_line},
      {"Suite", context.suite},
      // Workloads with a minimum repetition count run more than requested; the header states
      // what ran.
      {"Repetitions requested", std::to_string(context.repetitions)},
      {"Minimum time per repetition", fmt::format("{:g} s", context.min_time_s)},
      {"Result schema version", std::to_string(context.paybench_schema_version)},
  };
  std::vector<Data> items;
  for (const auto& [key, value] : rows) {
    Data item;
    item.set("key", key);
    item.set("value", value.empty() ? "-" : value);
    items.push_back(std::move(item));
  }
  return list_of(items);
}

Data allocators_data(const Context& context) {
  std::vector<Data> items;
  for (const Context::Allocator& allocator : context.allocators) {
    Data item;
    item.set("name", allocator.name);
    item.set("version", allocator.version.empty() ? "-" : allocator.version);
    item.set("library", allocator.library.empty() ? "-" : allocator.library);
    items.push_back(std::move(item));
  }
  return list_of(items);
}

Data caches_data(const Context& context) {
  std::vector<Data> items;
  for (const CacheInfo& cache : context.caches) {
    Data item;
    item.set("type", cache.type);
    item.set("level", std::to_string(cache.level));
    item.set("size", format_bytes(cache.size_bytes));
    item.set("num_sharing", std::to_string(cache.num_sharing));
    items.push_back(std::move(item));
  }
  return list_of(items);
}

}  // namespace

std::string render_html_report(const Result& result,
                               const std::optional<std::filesystem::path>& result_directory) {
  const Context& context = result.context;
  Data page;

  const std::string generator =
      context.paybench_version.empty() ? "paybench" : "paybench " + context.paybench_version;
  const std::string subtitle = join(
      {context.suite.empty() ? "" : context.suite + " suite", context.date, context.host_name},
      ", ");
  page.set("generator", generator);
  page.set("title", subtitle.empty() ? "paybench report" : "paybench report: " + subtitle);
  page.set("subtitle", subtitle);
  page.set("has_command_line", !context.command_line.empty());
  page.set("command_line", context.command_line);
  page.set("facts", header_facts(result));
  const bool counts_instructions = result.context.counts_instructions();
  page.set("cost_header", counts_instructions ? "Instr/op" : "Time/op");
  page.set("cost_note", counts_instructions
                            ? "Instr/op is the number of instructions per operation that "
                              "valgrind's callgrind counted in one repetition (paybench run "
                              "--measure instructions); CV is 0 with one repetition. A ratio is "
                              "candidate / baseline instructions"
                            : "Time/op is the median real time per operation over the "
                              "repetitions; CV is their coefficient of variation. A ratio is "
                              "candidate time / baseline time");
  page.set("verdict_rule",
           fmt::format("a verdict needs the {:g}% interval of the ratio to lie below {:g} "
                       "(faster) or above {:g} (slower); otherwise it reads no difference, which means this "
                       "run cannot tell the two apart, not that they are equal.",
                       kComparisonConfidence * 100, 1 - kNoiseThreshold, 1 + kNoiseThreshold));

  page.set("families", families_data(result));
  page.set("has_comparisons", !result.comparisons.empty());
  page.set("comparison_groups", comparison_groups_data(result));
  page.set("context_rows", context_rows_data(context));
  page.set("has_allocators", !context.allocators.empty());
  page.set("allocators", allocators_data(context));
  page.set("has_caches", !context.caches.empty());
  page.set("caches", caches_data(context));

  // The flame graphs need their script, which the Content-Security-Policy must then allow.
  // Without them the page stays free of scripts.
  ProfileSection profiles = build_profile_section(result, result_directory);
  page.set("has_profiles", profiles.has_profiles);
  page.set("profiles", std::move(profiles.data));
  page.set("has_flame_graphs", profiles.has_flame_graphs);
  page.set("flamegraph_css", profiles.has_flame_graphs ? std::string(flamegraph_css()) : "");
  page.set("flamegraph_script",
           profiles.has_flame_graphs ? std::string(flamegraph_script()) : "");

  add_overview(result, page);
  add_view_sections(result, page);
  add_navigation(profiles.has_profiles, page);
  add_chart_partials(page);
  page.set("profile_section",
           mustache::partial([] { return std::string(embedded::profile_section_html_mustache); }));

  return render_builtin_template(embedded::report_html_mustache, page, "HTML report");
}

}  // namespace paybench::reports
