// The run report's overview, table of contents and chart views, rendered as HTML.
#include <gtest/gtest.h>

#include <string>

#include "paybench/reports/comparisons.h"
#include "paybench/reports/html_report.h"
#include "sample_result.h"
#include "view_results.h"

namespace paybench::reports {
namespace {

using testing::add_instance;

constexpr const char* kHostileName = "<img src=x onerror=alert(1)>";
constexpr const char* kHostileNameEscaped = "&lt;img src=x onerror=alert(1)&gt;";

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Returns the HTML of the section with `id`, up to its end.
std::string section_of(const std::string& html, const std::string& id) {
  const std::size_t start = html.find("<section id=\"" + id + "\">");
  if (start == std::string::npos) {
    return "";
  }
  return html.substr(start, html.find("</section>", start) - start);
}

// Every view at once, with `name` as a workload, variant, allocator and label, under two
// allocators: two thread counts, writes batch sizes with latency, and a queue with latency.
Result every_view_result(const std::string& name) {
  Result result;
  result.context.allocators = {{"glibc", "2.36", ""}, {name, "1", ""}};
  for (const std::string allocator : {"glibc", name.c_str()}) {
    for (const std::int64_t threads : {1, 2}) {
      add_instance(result,
                   {"memory", name, "copy", {}, threads, allocator, {20.0, 21.0, 19.5}, {}});
      add_instance(result, {"memory", name, name, {}, threads, allocator, {10.0, 10.5, 9.5}, {}});
    }
    for (const std::int64_t size : {1, 100}) {
      add_instance(result, {"writes",
                            "memory",
                            name + "_batch_" + std::to_string(size),
                            {},
                            1,
                            allocator,
                            {1000.0 / static_cast<double>(size), 1000.0},
                            {{"items_per_second", 1e6 * static_cast<double>(size)},
                             {"latency_p50_ns", 2000.0 * static_cast<double>(size)},
                             {"latency_p99_ns", 9000.0 * static_cast<double>(size)}}});
    }
  }
  for (BenchmarkRun& run : result.benchmarks) {
    run.label = name;
  }
  result.comparisons = compute_comparisons(result.benchmarks, {{"memory", name, "copy", name}});
  std::vector<Comparison> by_allocator = compute_allocator_comparisons(result.benchmarks, "glibc");
  result.comparisons.insert(result.comparisons.end(), by_allocator.begin(), by_allocator.end());
  return result;
}

TEST(HtmlReportViews, EveryViewWithItsSectionAndLink) {
  const std::string html = render_html_report(every_view_result("interner"));

  for (const char* id : {"summary", "comparisons", "thread-scaling", "batch-size", "latency",
                         "allocator-matrix", "context"}) {
    EXPECT_EQ(count_of(html, std::string("<section id=\"") + id + "\">"), 1u) << id;
    EXPECT_EQ(count_of(html, std::string("<a href=\"#") + id + "\">"), 1u) << id;
  }
  EXPECT_FALSE(contains(html, "<a href=\"#profiles\">"));
  EXPECT_FALSE(contains(html, "<script")) << "the views are static SVG";

  // One chart for the workload, with a series per variant and allocator.
  const std::string scaling = section_of(html, "thread-scaling");
  EXPECT_EQ(count_of(scaling, "<figure class=\"chart line-chart\">"), 1u);
  EXPECT_EQ(count_of(scaling, "<g class=\"series "), 4u);
  EXPECT_EQ(count_of(scaling, "<table class=\"chart-data\">"), 1u);
  EXPECT_EQ(count_of(section_of(html, "batch-size"), "<figure class=\"chart line-chart\">"), 2u);
  EXPECT_EQ(count_of(section_of(html, "latency"), "<g class=\"latency-row\">"), 4u);
  // 4 memory and 2 writes benchmarks, under 2 allocators.
  EXPECT_EQ(count_of(section_of(html, "allocator-matrix"), "<g class=\"heat-cell\">"), 12u);
}

TEST(HtmlReportViews, ViewsWithoutDataAreLeftOut) {
  const std::string html = render_html_report(testing::make_fixed_result());

  for (const char* id : {"thread-scaling", "batch-size", "latency", "allocator-matrix"}) {
    EXPECT_FALSE(contains(html, std::string("<section id=\"") + id + "\">")) << id;
    EXPECT_FALSE(contains(html, std::string("<a href=\"#") + id + "\">")) << id;
  }
}

TEST(HtmlReportViews, OverviewCountsVerdictsPerFamily) {
  const Result result = testing::make_sample_result();
  const std::string html = render_html_report(result);
  const std::string overview =
      html.substr(html.find("<div class=\"overview\">"),
                  html.find("</div>", html.find("<div class=\"overview\">")) -
                      html.find("<div class=\"overview\">"));

  // make_sample_result: 9 instances in 3 families, one of them failed.
  EXPECT_TRUE(contains(overview, "9 benchmarks in 3 families, 1 failed"));
  int faster = 0;
  for (const Comparison& comparison : result.comparisons) {
    faster += comparison.verdict == Verdict::kFaster ? 1 : 0;
  }
  EXPECT_TRUE(contains(overview,
                       "<span class=\"tag faster\">" + std::to_string(faster) + " faster</span>"));
  EXPECT_TRUE(
      contains(overview, "in " + std::to_string(result.comparisons.size()) + " comparisons"));
  EXPECT_TRUE(contains(overview,
                       "<tr><td>queue</td><td class=\"num\">3</td><td class=\"num "
                       "error\">1</td>"));
}

TEST(HtmlReportViews, ComparisonChartsDrawEachRepetition) {
  const Result result = testing::make_sample_result();
  const std::string html = render_html_report(result);

  std::size_t repetitions = 0;
  for (const Comparison& comparison : result.comparisons) {
    repetitions +=
        static_cast<std::size_t>(comparison.baseline_samples + comparison.candidate_samples);
  }
  EXPECT_EQ(count_of(html, "<circle class=\"repetition\""), repetitions);
  EXPECT_TRUE(contains(html, "<title>repetition 1: "));
  EXPECT_TRUE(contains(html, "Dots: each repetition."));
}

TEST(HtmlReportViews, EscapesNamesInEveryView) {
  const std::string html = render_html_report(every_view_result(kHostileName));

  EXPECT_FALSE(contains(html, "<img")) << "unescaped tag in output";
  for (const char* id :
       {"summary", "comparisons", "thread-scaling", "batch-size", "latency", "allocator-matrix"}) {
    EXPECT_TRUE(contains(section_of(html, id), kHostileNameEscaped)) << id;
  }
}

}  // namespace
}  // namespace paybench::reports
