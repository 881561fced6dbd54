#include "report_views.h"

#include <fmt/format.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "chart_data.h"
#include "paybench/reports/instance_summary.h"
#include "run_views.h"

namespace paybench::reports {
namespace {

struct VerdictCounts {
  int faster = 0;
  int slower = 0;
  int no_difference = 0;

  void add(Verdict verdict) {
    switch (verdict) {
      case Verdict::kFaster:
        ++faster;
        break;
      case Verdict::kSlower:
        ++slower;
        break;
      case Verdict::kNoDifference:
        ++no_difference;
        break;
    }
  }
  int total() const { return faster + slower + no_difference; }
};

MustacheData counts_data(const VerdictCounts& counts) {
  MustacheData data;
  data.set("faster", std::to_string(counts.faster));
  data.set("slower", std::to_string(counts.slower));
  data.set("no_difference", std::to_string(counts.no_difference));
  data.set("comparisons", std::to_string(counts.total()));
  return data;
}

std::string plural(int count, const char* singular, const char* plural_form) {
  return fmt::format("{} {}", count, count == 1 ? singular : plural_form);
}

bool is_set(const MustacheData& page, const char* flag) {
  const MustacheData* value = page.get(flag);
  return value != nullptr && value->is_true();
}

}  // namespace

void add_overview(const Result& result, MustacheData& page) {
  const std::vector<FamilySummary> families = summarize_instances(result);

  std::map<std::string, VerdictCounts> counts_by_family;
  VerdictCounts all_counts;
  for (const Comparison& comparison : result.comparisons) {
    counts_by_family[comparison.family].add(comparison.verdict);
    all_counts.add(comparison.verdict);
  }

  int instances = 0;
  int failed = 0;
  std::vector<MustacheData> rows;
  for (const FamilySummary& family : families) {
    int family_failed = 0;
    for (const InstanceSummary& instance : family.instances) {
      const bool has_failed = instance.error_runs > 0 && instance.real_times_ns.empty();
      family_failed += has_failed ? 1 : 0;
    }
    instances += static_cast<int>(family.instances.size());
    failed += family_failed;

    MustacheData row = counts_data(counts_by_family[family.family]);
    row.set("family", family.family);
    row.set("benchmarks", std::to_string(family.instances.size()));
    row.set("failed", std::to_string(family_failed));
    row.set("has_failed", family_failed > 0);
    rows.push_back(std::move(row));
  }

  std::string ran = fmt::format("{} in {}", plural(instances, "benchmark", "benchmarks"),
                                plural(static_cast<int>(families.size()), "family", "families"));
  if (failed > 0) {
    ran += fmt::format(", {} failed", failed);
  }
  page.set("overview_ran", ran);
  page.set("overview_has_failed", failed > 0);
  page.set("overview_has_comparisons", all_counts.total() > 0);
  page.set("overview_counts", counts_data(all_counts));
  page.set("overview_rows", list_of(std::move(rows)));
}

void add_view_sections(const Result& result, MustacheData& page) {
  const std::vector<LineChart> scaling = thread_scaling_charts(result);
  page.set("has_thread_scaling", !scaling.empty());
  page.set("thread_scaling", list_of(scaling, line_chart_data));

  const std::vector<LineChart> batch = batch_size_charts(result);
  page.set("has_batch_curves", !batch.empty());
  page.set("batch_curves", list_of(batch, line_chart_data));

  const std::vector<LatencyChart> latency = latency_charts(result);
  page.set("has_latency", !latency.empty());
  page.set("latency_charts", list_of(latency, latency_chart_data));

  const std::vector<HeatMap> heat_maps = allocator_heat_maps(result);
  page.set("has_allocator_matrix", !heat_maps.empty());
  page.set("heat_maps", list_of(heat_maps, heat_map_data));
}

void add_navigation(bool has_profiles, MustacheData& page) {
  const std::vector<std::pair<const char*, const char*>> optional_sections = {
      {"has_comparisons", "comparisons"},
      {"has_thread_scaling", "thread-scaling"},
      {"has_batch_curves", "batch-size"},
      {"has_latency", "latency"},
      {"has_allocator_matrix", "allocator-matrix"},
  };
  const std::map<std::string, std::string> titles = {
      {"summary", "Summary"},
      {"comparisons", "Comparisons"},
      {"thread-scaling", "Thread scaling"},
      {"batch-size", "Batch size"},
      {"latency", "Latency percentiles"},
      {"allocator-matrix", "Allocator matrix"},
      {"profiles", "Profiles"},
      {"context", "Machine and build"},
  };

  std::vector<std::string> ids = {"summary"};
  for (const auto& [flag, id] : optional_sections) {
    if (is_set(page, flag)) {
      ids.push_back(id);
    }
  }
  if (has_profiles) {
    ids.push_back("profiles");
  }
  ids.push_back("context");

  std::vector<MustacheData> sections;
  for (const std::string& id : ids) {
    MustacheData section;
    section.set("id", id);
    section.set("title", titles.at(id));
    sections.push_back(std::move(section));
  }
  page.set("sections", list_of(std::move(sections)));
}

}  // namespace paybench::reports
