// The change charts of the compare and gate pages: their layout, and the rows that a
// RunComparison and a GateReport give.
#include "change_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "change_views.h"
#include "paybench/reports/gate_output.h"
#include "paybench/reports/run_comparison.h"
#include "paybench/reports/run_comparison_output.h"
#include "view_results.h"

namespace paybench::reports {
namespace {

using testing::add_instance;

constexpr const char* kHostileName = "<img src=x onerror=alert(1)>";
constexpr const char* kHostileNameEscaped = "&lt;img src=x onerror=alert(1)&gt;";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

ChangeChartSpec two_rows() {
  ChangeChartSpec spec;
  spec.title = "Change";
  spec.rows = {{"faster/one", -0.30, -0.35, -0.25, 0.05, "faster", "-30.0%", "tooltip 1"},
               {"slower/one", 0.12, std::nullopt, std::nullopt, std::nullopt, "slower", "+12.0%",
                "tooltip 2"}};
  return spec;
}

TEST(ChangeChart, BarsGrowFromZero) {
  const ChangeChart chart = layout_change_chart(two_rows());

  ASSERT_EQ(chart.rows.size(), 2u);
  const ChangeRow& faster = chart.rows[0];
  const ChangeRow& slower = chart.rows[1];
  EXPECT_DOUBLE_EQ(faster.bar_x + faster.bar_width, chart.zero_x) << "ends at 0";
  EXPECT_DOUBLE_EQ(slower.bar_x, chart.zero_x) << "starts at 0";
  EXPECT_GT(faster.bar_width, slower.bar_width) << "30% is longer than 12%";
  EXPECT_GT(slower.middle_y, faster.middle_y);
}

TEST(ChangeChart, WhiskersAndThresholds) {
  const ChangeChart chart = layout_change_chart(two_rows());

  const ChangeRow& faster = chart.rows[0];
  EXPECT_TRUE(faster.has_whisker);
  EXPECT_LT(faster.whisker_low, faster.whisker_high);
  EXPECT_LT(faster.whisker_high, chart.zero_x);
  EXPECT_TRUE(faster.has_threshold);
  EXPECT_GT(faster.threshold_x, chart.zero_x);
  EXPECT_FALSE(chart.rows[1].has_whisker);
  EXPECT_FALSE(chart.rows[1].has_threshold);
}

TEST(ChangeChart, TicksAreSignedPercentages) {
  const ChangeChart chart = layout_change_chart(two_rows());

  std::vector<std::string> labels;
  for (const AxisTick& tick : chart.ticks) {
    labels.push_back(tick.label);
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"-40%", "-20%", "0", "+20%"}));
}

TEST(ChangeChart, NotFiniteChangeKeepsItsRow) {
  ChangeChartSpec spec = two_rows();
  spec.rows[1].change = std::nan("");

  const ChangeChart chart = layout_change_chart(spec);

  EXPECT_EQ(chart.rows[1].bar_width, 0);
  EXPECT_EQ(chart.rows[1].value_text, "+12.0%");
}

TEST(ChangeChart, LongNamesKeepTheirEnd) {
  ChangeChartSpec spec = two_rows();
  spec.rows[0].name = "memory/object_pool/malloc/size:1024/batch:32/allocator:jemalloc/threads:2";

  const ChangeChart chart = layout_change_chart(spec);

  EXPECT_TRUE(chart.rows[0].label.ends_with("/allocator:jemalloc/threads:2"));
  EXPECT_LE(chart.rows[0].label.size(), 52u);
}

TEST(ChangeChart, SignedPercent) {
  EXPECT_EQ(format_signed_percent(0.071), "+7.1%");
  EXPECT_EQ(format_signed_percent(-0.5), "-50.0%");
  EXPECT_EQ(format_signed_percent(std::nan("")), "n/a");
}

// Two runs of three benchmarks: "pool" 2x slower in every repetition, "map" unchanged, and
// "once" with one repetition a side, too few for the U test.
RunComparison sample_comparison() {
  Result baseline;
  Result candidate;
  const std::vector<double> steady = {100, 101, 99, 100.5, 99.5, 100.2, 99.8, 100.1, 99.9};
  std::vector<double> doubled;
  for (const double time : steady) doubled.push_back(2 * time);
  add_instance(baseline, {"f", "w", "pool", {}, 1, "", steady, {}});
  add_instance(candidate, {"f", "w", "pool", {}, 1, "", doubled, {}});
  add_instance(baseline, {"f", "w", "map", {}, 1, "", steady, {}});
  add_instance(candidate, {"f", "w", "map", {}, 1, "", {steady.rbegin(), steady.rend()}, {}});
  add_instance(baseline, {"f", "w", "once", {}, 1, "", {50}, {}});
  add_instance(candidate, {"f", "w", "once", {}, 1, "", {40}, {}});
  return compare_runs(baseline, candidate);
}

TEST(CompareChangeChart, RowPerBenchmarkColouredBySignificance) {
  const ChangeChartSpec spec = comparison_change_spec(sample_comparison());

  ASSERT_EQ(spec.rows.size(), 3u);
  EXPECT_EQ(spec.rows[0].name, "f/w/pool/threads:1");
  EXPECT_DOUBLE_EQ(spec.rows[0].change, 1.0);
  EXPECT_EQ(spec.rows[0].css_class, "slower");
  EXPECT_TRUE(spec.rows[0].value_text.starts_with("+100.0% p=0.000"));
  EXPECT_EQ(spec.rows[1].css_class, "same");
  EXPECT_DOUBLE_EQ(spec.rows[1].change, 0);
  EXPECT_EQ(spec.rows[2].css_class, "untested");
  EXPECT_EQ(spec.rows[2].value_text, "-20.0% not tested");
  EXPECT_FALSE(spec.rows[0].threshold.has_value());
}

TEST(CompareChangeChart, AggregatesAreLeftOut) {
  Result baseline;
  add_instance(baseline, {"f", "w", "pool", {}, 1, "", {100, 101}, {}});
  BenchmarkRun aggregate = baseline.benchmarks.front();
  aggregate.run_type = RunType::kAggregate;
  aggregate.aggregate_name = "median";
  aggregate.aggregate_unit = "time";
  aggregate.name += "_median";
  baseline.benchmarks.push_back(aggregate);

  const ChangeChartSpec spec = comparison_change_spec(compare_runs(baseline, baseline));

  ASSERT_EQ(spec.rows.size(), 1u);
  EXPECT_EQ(spec.rows[0].name, "f/w/pool/threads:1");
}

TEST(CompareChangeChart, PageShowsChartAndEscapesNames) {
  Result baseline;
  Result candidate;
  add_instance(baseline, {"f", kHostileName, "pool", {}, 1, "", {100, 101, 99}, {}});
  add_instance(candidate, {"f", kHostileName, "pool", {}, 1, "", {90, 91, 89}, {}});

  const std::string html = render_comparison_html(compare_runs(baseline, candidate));

  EXPECT_TRUE(contains(html, "<figure class=\"chart change-chart\">"));
  EXPECT_TRUE(contains(html, "class=\"verdict-counts\""));
  EXPECT_TRUE(contains(html, kHostileNameEscaped));
  EXPECT_FALSE(contains(html, "<img"));
  EXPECT_FALSE(contains(html, "<script"));
}

GateBenchmark gate_benchmark(const std::string& name, GateVerdict verdict, double ratio) {
  GateBenchmark benchmark;
  benchmark.name = name;
  benchmark.verdict = verdict;
  benchmark.reason = "because";
  benchmark.ratio = ratio;
  benchmark.ci_low = ratio - 0.02;
  benchmark.ci_high = ratio + 0.02;
  benchmark.threshold.max_regression = 0.05;
  benchmark.baseline_median = 100;
  benchmark.candidate_median = 100 * ratio;
  return benchmark;
}

GateReport gate_report() {
  GateReport report;
  report.benchmarks = {gate_benchmark(kHostileName, GateVerdict::kRegression, 1.2),
                       gate_benchmark("b", GateVerdict::kInconclusive, 1.03),
                       gate_benchmark("c", GateVerdict::kPass, 0.98),
                       gate_benchmark("d", GateVerdict::kIgnored, 1.5)};
  report.benchmarks[3].threshold.ignored = true;
  return report;
}

TEST(GateChangeChart, RowPerBenchmarkWithIntervalAndThreshold) {
  const ChangeChartSpec spec = gate_change_spec(gate_report());

  ASSERT_EQ(spec.rows.size(), 4u);
  EXPECT_EQ(spec.rows[0].css_class, "regression");
  EXPECT_NEAR(spec.rows[0].change, 0.2, 1e-12);
  EXPECT_NEAR(*spec.rows[0].low, 0.18, 1e-12);
  EXPECT_NEAR(*spec.rows[0].high, 0.22, 1e-12);
  EXPECT_DOUBLE_EQ(*spec.rows[0].threshold, 0.05);
  EXPECT_EQ(spec.rows[0].value_text, "+20.0% regression");
  EXPECT_EQ(spec.rows[1].css_class, "inconclusive");
  EXPECT_EQ(spec.rows[1].value_text, "+3.0% inconclusive");
  EXPECT_EQ(spec.rows[2].css_class, "pass");
  EXPECT_EQ(spec.rows[3].css_class, "ignored");
  EXPECT_FALSE(spec.rows[3].threshold.has_value()) << "an ignored benchmark has no threshold";
  EXPECT_TRUE(contains(spec.rows[0].tooltip, "threshold 5%"));
}

TEST(GateChangeChart, PageShowsChartAndEscapesNames) {
  const std::string html = render_gate_html(gate_report());

  EXPECT_TRUE(contains(html, "<figure class=\"chart change-chart\">"));
  EXPECT_TRUE(contains(html, "<g class=\"change-row inconclusive\">"));
  EXPECT_TRUE(contains(html, "class=\"threshold\""));
  EXPECT_TRUE(contains(html, kHostileNameEscaped));
  EXPECT_FALSE(contains(html, "<img"));
  EXPECT_FALSE(contains(html, "<script")) << "no flame graph, so no script";
}

}  // namespace
}  // namespace paybench::reports
