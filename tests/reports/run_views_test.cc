// The run report's chart views built from hand-made results: thread scaling, batch-size
// curves, latency percentiles and the allocator matrix.
#include "run_views.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "allocator_matrix.h"
#include "latency_chart.h"
#include "paybench/reports/comparisons.h"
#include "view_results.h"

namespace paybench::reports {
namespace {

using testing::add_instance;
using testing::InstanceSpec;

// memory/interner at 1 and 2 threads, two variants, without items_per_second.
Result scaling_result() {
  Result result;
  result.context.num_cpus = 2;
  for (const std::int64_t threads : {1, 2}) {
    add_instance(result, {"memory",
                          "interner",
                          "copy",
                          {{"distinct", 1000}},
                          threads,
                          "",
                          {20.0 / threads, 20.0 / threads},
                          {}});
    add_instance(
        result,
        {"memory", "interner", "sharded", {{"distinct", 1000}}, threads, "", {40.0, 40.0}, {}});
  }
  // One thread count only: no chart.
  add_instance(result, {"memory", "record_scan", "compact", {}, 1, "", {12.0, 12.0}, {}});
  return result;
}

TEST(ThreadScaling, OneChartPerWorkloadAndParameters) {
  const std::vector<LineChart> charts = thread_scaling_charts(scaling_result());

  ASSERT_EQ(charts.size(), 1u);
  const LineChart& chart = charts[0];
  EXPECT_EQ(chart.title, "memory/interner distinct:1000");
  EXPECT_EQ(chart.x_label, "threads");
  EXPECT_EQ(chart.y_label, "operations per second, all threads");
  ASSERT_EQ(chart.series.size(), 2u);
  EXPECT_EQ(chart.series[0].name, "copy");
  EXPECT_EQ(chart.series[1].name, "sharded");
  // 1 / (time per op): 20 ns is 50M/s, 10 ns at two threads 100M/s.
  EXPECT_EQ(chart.table_rows[0].cells, (std::vector<std::string>{"50M/s", "100M/s"}));
  EXPECT_EQ(chart.table_rows[1].cells, (std::vector<std::string>{"25M/s", "25M/s"}));
  EXPECT_NE(chart.caption.find("The machine has 2 CPUs"), std::string::npos);
}

TEST(ThreadScaling, UsesItemsPerSecondCounter) {
  Result result;
  for (const std::int64_t threads : {1, 2, 4}) {
    add_instance(result, {"queues",
                          "mpmc",
                          "ring",
                          {},
                          threads,
                          "",
                          {10.0, 10.0},
                          {{"items_per_second", 1e6 * static_cast<double>(threads)}}});
  }

  const std::vector<LineChart> charts = thread_scaling_charts(result);

  ASSERT_EQ(charts.size(), 1u);
  EXPECT_EQ(charts[0].y_label, "items per second, all threads");
  EXPECT_EQ(charts[0].table_rows[0].cells, (std::vector<std::string>{"1M/s", "2M/s", "4M/s"}));
  EXPECT_EQ(charts[0].x_ticks.size(), 3u);
}

TEST(ThreadScaling, FailedInstancesAndInstructionCountsLeftOut) {
  Result result = scaling_result();
  add_instance(result,
               {"memory", "interner", "lock_free_read", {{"distinct", 1000}}, 2, "", {}, {}});
  const std::vector<LineChart> charts = thread_scaling_charts(result);
  ASSERT_EQ(charts.size(), 1u);
  EXPECT_EQ(charts[0].series.size(), 2u) << "the failed variant has no series";

  result.context.measure = kMeasureInstructions;
  EXPECT_TRUE(thread_scaling_charts(result).empty());
}

TEST(ThreadScaling, SeriesPerAllocatorInAMatrix) {
  Result result;
  for (const char* allocator : {"glibc", "jemalloc"}) {
    for (const std::int64_t threads : {1, 2}) {
      add_instance(
          result,
          {"memory", "object_pool", "pool", {{"size", 64}}, threads, allocator, {3.0, 3.0}, {}});
    }
  }

  const std::vector<LineChart> charts = thread_scaling_charts(result);

  ASSERT_EQ(charts.size(), 1u);
  ASSERT_EQ(charts[0].series.size(), 2u);
  EXPECT_EQ(charts[0].series[0].name, "pool under glibc");
  EXPECT_EQ(charts[0].series[1].name, "pool under jemalloc");
}

// writes/sqlite with batch_1 .. batch_1000, and writes/postgres with named series and a
// variant without a batch size.
Result batch_result() {
  Result result;
  const std::vector<std::pair<std::int64_t, double>> sizes = {{1, 10000}, {10, 1200}, {1000, 20}};
  for (const auto& [size, time_ns] : sizes) {
    const double p50 = 1000.0 * static_cast<double>(size);
    add_instance(result, {"writes",
                          "sqlite",
                          "batch_" + std::to_string(size),
                          {},
                          1,
                          "",
                          {time_ns, time_ns},
                          {{"items_per_second", 1e9 / time_ns},
                           {"latency_p50_ns", p50},
                           {"latency_p99_ns", 3 * p50}}});
  }
  add_instance(result, {"writes",
                        "postgres",
                        "row_per_transaction",
                        {},
                        1,
                        "",
                        {5e5, 5e5},
                        {{"items_per_second", 2000}}});
  for (const char* series : {"copy", "multi_row_insert"}) {
    for (const std::int64_t size : {10, 100}) {
      add_instance(result, {"writes",
                            "postgres",
                            std::string(series) + "_batch_" + std::to_string(size),
                            {},
                            1,
                            "",
                            {1e4, 1e4},
                            {{"items_per_second", 1e5}}});
    }
  }
  // Another family with a batch parameter gets no curve.
  for (const std::int64_t batch : {1, 32}) {
    add_instance(result,
                 {"memory", "object_pool", "pool", {{"batch", batch}}, 1, "", {3.0, 3.0}, {}});
  }
  return result;
}

TEST(BatchCurves, ThroughputAndLatencyPerWorkload) {
  const std::vector<LineChart> charts = batch_size_charts(batch_result());

  ASSERT_EQ(charts.size(), 3u);
  EXPECT_EQ(charts[0].title, "writes/sqlite: throughput");
  EXPECT_EQ(charts[1].title, "writes/sqlite: latency");
  EXPECT_EQ(charts[2].title, "writes/postgres: throughput") << "no latency reported";

  EXPECT_EQ(charts[0].table_columns, (std::vector<std::string>{"1", "10", "1000"}));
  ASSERT_EQ(charts[0].table_rows.size(), 1u);
  EXPECT_EQ(charts[0].table_rows[0].name, "sqlite");
  EXPECT_EQ(charts[0].table_rows[0].cells, (std::vector<std::string>{"100k/s", "833k/s", "50M/s"}));

  ASSERT_EQ(charts[1].series.size(), 2u);
  EXPECT_EQ(charts[1].series[0].name, "sqlite p50");
  EXPECT_FALSE(charts[1].series[0].is_dashed);
  EXPECT_EQ(charts[1].series[1].name, "sqlite p99");
  EXPECT_TRUE(charts[1].series[1].is_dashed);
  EXPECT_EQ(charts[1].series[0].css_class, charts[1].series[1].css_class);
  EXPECT_EQ(charts[1].table_rows[1].cells,
            (std::vector<std::string>{"3.00 us", "30.0 us", "3.00 ms"}));
}

TEST(BatchCurves, SeriesFromVariantNamesAndLeftOutVariants) {
  const std::vector<LineChart> charts = batch_size_charts(batch_result());

  const LineChart& postgres = charts[2];
  ASSERT_EQ(postgres.series.size(), 2u);
  EXPECT_EQ(postgres.series[0].name, "copy");
  EXPECT_EQ(postgres.series[1].name, "multi_row_insert");
  EXPECT_NE(postgres.caption.find("no batch size: row_per_transaction"), std::string::npos);
}

TEST(BatchCurves, NeedTwoBatchSizes) {
  Result result;
  add_instance(result, {"writes", "memory", "batch_10", {}, 1, "", {5.0, 5.0}, {}});
  EXPECT_TRUE(batch_size_charts(result).empty());
}

Result latency_result() {
  Result result;
  add_instance(result,
               {"queues",
                "spsc_handoff",
                "mutex_queue",
                {{"item_bytes", 8}},
                1,
                "",
                {100.0, 100.0},
                {{"latency_p50_ns", 1500}, {"latency_p99_ns", 42000}, {"latency_p999_ns", 2.5e6}}});
  add_instance(result, {"queues",
                        "spsc_handoff",
                        "spsc_ring",
                        {{"item_bytes", 8}},
                        1,
                        "",
                        {6.0, 6.0},
                        {{"latency_p50_ns", 800}}});
  add_instance(result, {"queues", "spsc_handoff", "no_latency", {}, 1, "", {6.0, 6.0}, {}});
  add_instance(result, {"writes",
                        "memory",
                        "batch_1",
                        {},
                        1,
                        "",
                        {500.0, 500.0},
                        {{"latency_p50_ns", 2300}, {"latency_p99_ns", 17000}}});
  return result;
}

TEST(LatencyChart, OneChartPerWorkloadOneRowPerInstance) {
  const std::vector<LatencyChart> charts = latency_charts(latency_result());

  ASSERT_EQ(charts.size(), 2u);
  EXPECT_EQ(charts[0].title, "queues/spsc_handoff");
  EXPECT_EQ(charts[1].title, "writes/memory");
  ASSERT_EQ(charts[0].rows.size(), 2u) << "the instance without latency has no row";
  EXPECT_EQ(charts[0].rows[0].label, "mutex_queue/item_bytes:8/threads:1");
  EXPECT_EQ(charts[0].rows[0].values_text, "1.50 us / 42.0 us / 2.50 ms");
  EXPECT_EQ(charts[0].rows[0].markers.size(), 3u);
  EXPECT_EQ(charts[0].legend.size(), 3u);
}

TEST(LatencyChart, MarkersInOrderOnALogAxis) {
  const LatencyChart chart = latency_charts(latency_result())[0];
  const LatencyRow& row = chart.rows[0];

  EXPECT_EQ(row.markers[0].percentile, "p50");
  EXPECT_EQ(row.markers[2].css_class, "latency-p999");
  EXPECT_DOUBLE_EQ(row.range_start, chart.plot_left + (chart.plot_right - chart.plot_left) *
                                                          (std::log10(1500) - 2) / 5)
      << "the axis spans 100 ns to 10 ms";
  EXPECT_GT(row.range_end, row.range_start);
  EXPECT_EQ(chart.ticks.front().label, "100 ns");
  EXPECT_EQ(chart.ticks.back().label, "10 ms");
}

TEST(LatencyChart, MissingPercentilesReadAsDash) {
  const LatencyChart chart = latency_charts(latency_result())[0];

  EXPECT_EQ(chart.rows[1].values_text, "800 ns / - / -");
  EXPECT_EQ(chart.rows[1].markers.size(), 1u);
  EXPECT_DOUBLE_EQ(chart.rows[1].range_start, chart.rows[1].range_end);
}

Result matrix_result() {
  Result result;
  result.context.allocators = {{"glibc", "2.36", ""}, {"jemalloc", "5.3.0", "libjemalloc.so.2"}};
  add_instance(result,
               {"memory", "object_pool", "malloc", {{"size", 64}}, 1, "glibc", {10.0, 10.0}, {}});
  add_instance(result,
               {"memory", "object_pool", "malloc", {{"size", 64}}, 1, "jemalloc", {5.0, 5.0}, {}});
  add_instance(result,
               {"memory", "object_pool", "pool", {{"size", 64}}, 1, "glibc", {2.0, 2.0}, {}});
  add_instance(result, {"memory", "object_pool", "pool", {{"size", 64}}, 1, "jemalloc", {}, {}});
  add_instance(result, {"memory", "interner", "copy", {}, 1, "glibc", {20.0, 20.0}, {}});
  add_instance(result, {"queues", "spsc", "ring", {}, 1, "jemalloc", {7.0, 7.0}, {}});
  return result;
}

TEST(AllocatorMatrix, NoneWithOneAllocator) {
  Result result;
  add_instance(result, {"memory", "object_pool", "malloc", {}, 1, "glibc", {10.0, 10.0}, {}});
  EXPECT_TRUE(allocator_heat_maps(result).empty());
}

TEST(AllocatorMatrix, RowsColumnsAndRatios) {
  Result result = matrix_result();
  result.comparisons = compute_allocator_comparisons(result.benchmarks, "glibc");

  const std::vector<HeatMap> maps = allocator_heat_maps(result);

  ASSERT_EQ(maps.size(), 2u);
  const HeatMap& memory = maps[0];
  EXPECT_EQ(memory.title, "memory");
  EXPECT_EQ(memory.baseline_allocator, "glibc");
  ASSERT_EQ(memory.columns.size(), 2u);
  EXPECT_EQ(memory.columns[1].allocator, "jemalloc");
  ASSERT_EQ(memory.rows.size(), 3u);
  EXPECT_EQ(memory.rows[0].full_label, "object_pool/malloc/size:64/threads:1");
  EXPECT_EQ(memory.rows[0].label, "object_pool/malloc");
  EXPECT_EQ(memory.rows[0].label_detail, "size:64/threads:1");

  const HeatMapCell& baseline = memory.rows[0].cells[0];
  EXPECT_EQ(baseline.value_text, "10.0 ns");
  EXPECT_EQ(baseline.ratio_text, "baseline");
  EXPECT_EQ(baseline.fill, heat_fill(1));
  const HeatMapCell& faster = memory.rows[0].cells[1];
  EXPECT_EQ(faster.value_text, "5.00 ns");
  EXPECT_EQ(faster.ratio_text, "0.50x");
  EXPECT_EQ(faster.fill, heat_fill(0.5));
  EXPECT_EQ(faster.text_class, "heat-text-light");
  EXPECT_EQ(faster.tooltip,
            "object_pool/malloc/size:64/threads:1 under jemalloc: 5.00 ns, 0.50x the time under "
            "glibc; comparison: 0.50x [0.50, 0.50] faster");
}

TEST(AllocatorMatrix, NoDifferenceCellStaysNeutral) {
  Result result;
  result.context.allocators = {{"glibc", "2.36", ""}, {"jemalloc", "5.3.0", "libjemalloc.so.2"}};
  add_instance(result, {"memory", "object_pool", "malloc", {}, 1, "glibc", {9.0, 10.0, 11.0}, {}});
  add_instance(result,
               {"memory", "object_pool", "malloc", {}, 1, "jemalloc", {8.0, 14.6, 25.0}, {}});
  result.comparisons = compute_allocator_comparisons(result.benchmarks, "glibc");
  ASSERT_EQ(result.comparisons.size(), 1u);
  ASSERT_EQ(result.comparisons[0].verdict, Verdict::kNoDifference);

  const HeatMap map = allocator_heat_maps(result).at(0);

  const HeatMapCell& cell = map.rows.at(0).cells.at(1);
  EXPECT_EQ(cell.ratio_text, "1.46x");
  EXPECT_EQ(cell.fill, heat_fill(1)) << "a 1.46x ratio that the interval cannot tell from 1";
  EXPECT_EQ(cell.text_class, "heat-text-dark");
  EXPECT_NE(cell.tooltip.find("no difference"), std::string::npos) << cell.tooltip;
  EXPECT_NE(map.caption.find("Cells with no difference, or without a comparison, stay neutral"),
            std::string::npos)
      << map.caption;
}

TEST(AllocatorMatrix, CellWithoutComparisonStaysNeutral) {
  const std::vector<HeatMap> maps = allocator_heat_maps(matrix_result());

  const HeatMapCell& cell = maps[0].rows[0].cells[1];
  EXPECT_EQ(cell.ratio_text, "0.50x");
  EXPECT_EQ(cell.fill, heat_fill(1));
}

TEST(AllocatorMatrix, FailedAndMissingCells) {
  const std::vector<HeatMap> maps = allocator_heat_maps(matrix_result());

  const HeatMapCell& failed = maps[0].rows[1].cells[1];
  EXPECT_EQ(failed.value_text, "failed");
  EXPECT_NE(failed.tooltip.find("the workload failed"), std::string::npos);
  const HeatMapCell& missing = maps[0].rows[2].cells[1];
  EXPECT_EQ(missing.value_text, "-");
  // queues ran only under jemalloc: no baseline time, so no ratio.
  const HeatMapCell& without_baseline = maps[1].rows[0].cells[1];
  EXPECT_EQ(without_baseline.value_text, "7.00 ns");
  EXPECT_EQ(without_baseline.ratio_text, "");
}

TEST(AllocatorMatrix, BaselineFromAllocatorComparisons) {
  Result result = matrix_result();
  Comparison comparison;
  comparison.baseline = comparison.candidate = "malloc";
  comparison.baseline_allocator = "jemalloc";
  comparison.candidate_allocator = "glibc";
  result.comparisons.push_back(comparison);

  const HeatMap map = allocator_heat_maps(result)[0];

  EXPECT_EQ(map.baseline_allocator, "jemalloc");
  EXPECT_EQ(map.rows[0].cells[0].ratio_text, "2.00x");
  EXPECT_EQ(map.rows[0].cells[1].ratio_text, "baseline");
}

TEST(AllocatorMatrix, FillScale) {
  EXPECT_EQ(heat_fill(1), "#f6f8fa");
  EXPECT_EQ(heat_fill(0.5), "#2da44e");
  EXPECT_EQ(heat_fill(0.1), "#2da44e") << "saturates at 0.5x";
  EXPECT_EQ(heat_fill(2), "#cf222e");
  EXPECT_EQ(heat_fill(std::nan("")), "#d1d9e0");
  EXPECT_EQ(heat_fill(0), "#d1d9e0");
}

}  // namespace
}  // namespace paybench::reports
