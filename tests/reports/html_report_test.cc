#include "paybench/reports/html_report.h"

#include <gtest/gtest.h>

#include <string>

#include "sample_result.h"

namespace paybench::reports {
namespace {

constexpr const char* kScriptName = "<img src=x onerror=alert(1)>";
constexpr const char* kScriptNameEscaped = "&lt;img src=x onerror=alert(1)&gt;";
constexpr const char* kQuotes = "\"'&";
constexpr const char* kQuotesEscaped = "&quot;&apos;&amp;";

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

// Puts hostile text into every kind of field the report shows.
Result hostile_result() {
  Result result = testing::make_fixed_result();
  for (BenchmarkRun& run : result.benchmarks) {
    if (run.variant == "free_list") {
      run.run_name = std::string("pool/") + kScriptName;
      run.name = run.run_name;
      run.label = kQuotes;
      run.allocator = kScriptName;
    }
    if (run.error_occurred) {
      run.run_name = "pool/failing";
      run.error_message = kScriptName;
    }
  }
  Comparison& comparison = result.comparisons.at(0);
  comparison.candidate_run_name = std::string("pool/") + kScriptName;
  comparison.candidate = kScriptName;
  comparison.workload = kQuotes;
  result.context.command_line = std::string("paybench run --filter '") + kScriptName + "'";
  result.context.host_name = kQuotes;
  result.context.allocators.push_back({kScriptName, kQuotes, kScriptName});
  result.context.caches.push_back({kScriptName, 4, 1024, 1});
  return result;
}

TEST(HtmlReport, EscapesNamesFromInput) {
  const std::string html = render_html_report(hostile_result());

  EXPECT_FALSE(contains(html, "<img")) << "unescaped tag in output";
  EXPECT_FALSE(contains(html, kQuotes)) << "unescaped quotes in output";
  EXPECT_TRUE(contains(html, kScriptNameEscaped));
  EXPECT_TRUE(contains(html, kQuotesEscaped));
  // Benchmark name, allocator column, chart label and tooltip, error, command line, context.
  EXPECT_GE(count_of(html, kScriptNameEscaped), 8u);
}

TEST(HtmlReport, LoadsNothingExternal) {
  const std::string html = render_html_report(testing::make_sample_result());

  for (const char* forbidden : {"http://", "https://", "<script", "<link", "<iframe", "<img",
                                "src=", "@import", "url(", "@font-face", "=\"//"}) {
    EXPECT_FALSE(contains(html, forbidden)) << "found " << forbidden;
  }
  // The table of contents links into the page, and nothing else links anywhere.
  EXPECT_GT(count_of(html, "href=\"#"), 0u);
  EXPECT_EQ(count_of(html, "href="), count_of(html, "href=\"#"));
  EXPECT_TRUE(contains(html, "default-src 'none'"));
}

TEST(HtmlReport, HasAllSections) {
  const Result result = testing::make_sample_result();

  const std::string html = render_html_report(result);

  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_TRUE(contains(html, "<h2>Summary</h2>"));
  EXPECT_TRUE(contains(html, "<h2>Comparisons</h2>"));
  EXPECT_TRUE(contains(html, "<h2>Machine and build</h2>"));
  EXPECT_TRUE(contains(html, result.context.command_line));
  EXPECT_TRUE(contains(html, "<h3>pool / get_put</h3>"));
  EXPECT_TRUE(contains(html, "<h3>queue / transfer</h3>"));
  EXPECT_TRUE(contains(html, "AMD EPYC 7B13"));
  EXPECT_TRUE(contains(html, "32 MiB"));
  EXPECT_FALSE(contains(html, "{{")) << "unrendered template tag";
}

TEST(HtmlReport, OneChartPerComparison) {
  const Result result = testing::make_sample_result({.allocators = {"glibc", "jemalloc"}});

  const std::string html = render_html_report(result);

  ASSERT_GT(result.comparisons.size(), 4u);
  EXPECT_EQ(count_of(html, "<p class=\"chart-result\">"), result.comparisons.size());
  EXPECT_EQ(count_of(html, "class=\"whisker\""), 3 * 2 * result.comparisons.size());
  EXPECT_EQ(count_of(html, "percentile-bootstrap interval of each median"),
            result.comparisons.size());
}

TEST(HtmlReport, SummaryCellsOfFixedResult) {
  const std::string html = render_html_report(testing::make_fixed_result());

  EXPECT_TRUE(contains(html, "<td class=\"num\">6.16 ns</td>"));
  EXPECT_TRUE(contains(html, "<td class=\"num\">0.8%</td>"));
  EXPECT_TRUE(contains(html, "<span class=\"tag baseline\">baseline</span>"));
  EXPECT_TRUE(contains(html, "<span class=\"mono\">0.32x ["));
  EXPECT_TRUE(contains(html, "<span class=\"tag faster\">faster</span>"));
  EXPECT_TRUE(contains(html, "error: size exceeds the pool&apos;s slab"));
}

TEST(HtmlReport, EmptyResultStillRenders) {
  const std::string html = render_html_report(Result{});

  EXPECT_TRUE(contains(html, "No benchmark ran."));
  EXPECT_TRUE(contains(html, "</html>"));
}

TEST(HtmlReport, NoComparisonsSectionWithoutComparisons) {
  // Every benchmark failed, so nothing could be compared.
  Result result = testing::make_fixed_result();
  for (BenchmarkRun& run : result.benchmarks) {
    run.error_occurred = true;
    run.error_message = "crashed";
  }
  result.comparisons.clear();

  const std::string html = render_html_report(result);

  EXPECT_FALSE(contains(html, "<section id=\"comparisons\">"));
  EXPECT_FALSE(contains(html, "<a href=\"#comparisons\">"));
  EXPECT_FALSE(contains(html, "This run has no comparisons."));
  EXPECT_TRUE(contains(html, "<section id=\"summary\">"));
}

TEST(HtmlReport, ComparisonsSectionWithComparisons) {
  const std::string html = render_html_report(testing::make_fixed_result());

  EXPECT_TRUE(contains(html, "<section id=\"comparisons\">"));
  EXPECT_TRUE(contains(html, "<a href=\"#comparisons\">"));
}

}  // namespace
}  // namespace paybench::reports

namespace paybench::reports {
namespace {

TEST(HtmlReport, LatencyColumnOnlyWhenReported) {
  Result result = testing::make_fixed_result();
  const std::string without = render_html_report(result);
  EXPECT_EQ(without.find("Latency p50"), std::string::npos);

  for (BenchmarkRun& run : result.benchmarks) {
    run.counters["latency_p50_ns"] = 1500;
    run.counters["latency_p99_ns"] = 42000;
    run.counters["latency_p999_ns"] = 2500000;
  }
  const std::string with = render_html_report(result);
  EXPECT_NE(with.find("Latency p50 / p99 / p99.9"), std::string::npos);
  EXPECT_NE(with.find("1.50 us / 42.0 us / 2.50 ms"), std::string::npos);
}

}  // namespace
}  // namespace paybench::reports
