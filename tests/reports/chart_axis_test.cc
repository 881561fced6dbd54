#include "chart_axis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace paybench::reports {
namespace {

std::vector<double> tick_values(const ChartAxis& axis) {
  std::vector<double> values;
  for (const AxisTick& tick : axis.ticks()) {
    values.push_back(tick.value);
  }
  return values;
}

TEST(ChartAxis, LinearStartsAtZeroWithRoundTicks) {
  const std::vector<double> values = {3.2, 87.5};
  const ChartAxis axis(AxisScale::kLinear, values, 100, 500, format_plain_tick);

  EXPECT_EQ(axis.domain_min(), 0);
  EXPECT_EQ(axis.domain_max(), 100);
  EXPECT_EQ(tick_values(axis), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  EXPECT_EQ(axis.ticks()[1].label, "20");
  EXPECT_DOUBLE_EQ(axis.position_of(0), 100);
  EXPECT_DOUBLE_EQ(axis.position_of(50), 300);
  EXPECT_DOUBLE_EQ(axis.position_of(100), 500);
}

TEST(ChartAxis, LinearSpansNegativeValues) {
  const std::vector<double> values = {-0.31, 0.12};
  const ChartAxis axis(AxisScale::kLinear, values, 0, 100, format_plain_tick);

  EXPECT_LT(axis.domain_min(), -0.31);
  EXPECT_GT(axis.domain_max(), 0.12);
  EXPECT_GT(axis.position_of(0), 0);
  EXPECT_LT(axis.position_of(0), 100);
  const std::vector<double> ticks = tick_values(axis);
  EXPECT_NE(std::find(ticks.begin(), ticks.end(), 0.0), ticks.end()) << "0 is a tick";
}

TEST(ChartAxis, VerticalAxisGrowsUpwards) {
  const std::vector<double> values = {10};
  const ChartAxis axis(AxisScale::kLinear, values, 250, 30, format_plain_tick);

  EXPECT_DOUBLE_EQ(axis.position_of(0), 250);
  EXPECT_LT(axis.position_of(10), axis.position_of(5));
}

TEST(ChartAxis, LogarithmicDecadesWithMinorTicks) {
  const std::vector<double> values = {1500, 42000};
  const ChartAxis axis(AxisScale::kLogarithmic, values, 0, 300, format_time_tick);

  EXPECT_EQ(axis.domain_min(), 1000);
  EXPECT_EQ(axis.domain_max(), 100000);
  EXPECT_EQ(tick_values(axis),
            (std::vector<double>{1000, 2000, 5000, 10000, 20000, 50000, 100000}));
  EXPECT_EQ(axis.ticks().front().label, "1 us");
  EXPECT_EQ(axis.ticks().back().label, "100 us");
  EXPECT_DOUBLE_EQ(axis.position_of(10000), 150);
}

TEST(ChartAxis, LogarithmicWideRangeOnlyDecades) {
  const std::vector<double> values = {80, 3.2e6};
  const ChartAxis axis(AxisScale::kLogarithmic, values, 0, 500, format_time_tick);

  EXPECT_EQ(tick_values(axis), (std::vector<double>{10, 100, 1e3, 1e4, 1e5, 1e6, 1e7}));
}

TEST(ChartAxis, LogarithmicIgnoresValuesBelowOrAtZero) {
  const std::vector<double> values = {0, -5, std::nan(""), 20};
  const ChartAxis axis(AxisScale::kLogarithmic, values, 0, 100, format_plain_tick);

  EXPECT_EQ(axis.domain_min(), 10);
  EXPECT_EQ(axis.domain_max(), 100);
  EXPECT_DOUBLE_EQ(axis.position_of(0), 0) << "a value <= 0 maps to the start";
}

TEST(ChartAxis, ExplicitTicksAtMeasuredValuesWithInset) {
  const std::vector<double> batch_sizes = {1, 10, 100, 1000};
  const ChartAxis axis(AxisScale::kLogarithmic, batch_sizes, 0, 320, format_plain_tick, batch_sizes,
                       10);

  EXPECT_EQ(tick_values(axis), batch_sizes);
  EXPECT_DOUBLE_EQ(axis.ticks().front().position, 10);
  EXPECT_DOUBLE_EQ(axis.ticks()[1].position, 110);
  EXPECT_DOUBLE_EQ(axis.ticks().back().position, 310);
  EXPECT_EQ(axis.ticks().back().label, "1000");
}

TEST(ChartAxis, OneExplicitValueSitsInTheMiddle) {
  const std::vector<double> threads = {2};
  const ChartAxis axis(AxisScale::kLogarithmic, threads, 0, 100, format_plain_tick, threads);

  EXPECT_DOUBLE_EQ(axis.position_of(2), 50);
}

TEST(ChartAxis, NoValuesGiveAUsableAxis) {
  const ChartAxis linear(AxisScale::kLinear, {}, 0, 100, format_plain_tick);
  const ChartAxis logarithmic(AxisScale::kLogarithmic, {}, 0, 100, format_plain_tick);

  EXPECT_EQ(linear.domain_min(), 0);
  EXPECT_GT(linear.domain_max(), 0);
  EXPECT_FALSE(linear.ticks().empty());
  EXPECT_EQ(logarithmic.domain_min(), 1);
  EXPECT_EQ(logarithmic.domain_max(), 10);
}

TEST(ChartAxis, PositionsAreClamped) {
  const std::vector<double> values = {10};
  const ChartAxis axis(AxisScale::kLinear, values, 0, 100, format_plain_tick);

  EXPECT_DOUBLE_EQ(axis.position_of(1e9), 100);
  EXPECT_DOUBLE_EQ(axis.position_of(-1e9), 0);
  EXPECT_DOUBLE_EQ(axis.position_of(std::nan("")), 0);
}

TEST(ChartFormats, Rates) {
  EXPECT_EQ(format_rate(0), "0/s");
  EXPECT_EQ(format_rate(512), "512/s");
  EXPECT_EQ(format_rate(79400), "79.4k/s");
  EXPECT_EQ(format_rate(5.71e6), "5.71M/s");
  EXPECT_EQ(format_rate(999999), "1M/s");
  EXPECT_EQ(format_rate(2.5e9), "2.5G/s");
  EXPECT_EQ(format_rate(std::nan("")), "n/a");
}

TEST(ChartFormats, TimeTicks) {
  EXPECT_EQ(format_time_tick(0), "0");
  EXPECT_EQ(format_time_tick(250), "250 ns");
  EXPECT_EQ(format_time_tick(2500), "2.5 us");
  EXPECT_EQ(format_time_tick(1e7), "10 ms");
}

TEST(ChartFormats, SvgNumbers) {
  EXPECT_EQ(svg_number(12.345), "12.3");
  EXPECT_EQ(svg_number(-0.01), "0.0");
  EXPECT_EQ(svg_number(-3.24), "-3.2");
}

TEST(ChartFormats, ShortenMiddleKeepsStartAndEnd) {
  const std::string name =
      "memory/object_pool/malloc/size:1024/batch:32/allocator:jemalloc/threads:2";

  const std::string shortened = shorten_middle(name, 40);

  // A third of the 37 bytes besides "..." for the start, the rest for the end.
  EXPECT_EQ(shortened, "memory/objec...ocator:jemalloc/threads:2");
  EXPECT_EQ(shorten_middle("short", 40), "short");
}

TEST(ChartFormats, ShortenMiddleNeverSplitsUtf8) {
  // Each "é" is two bytes, so a cut inside one would leave an invalid byte.
  std::string name;
  for (int i = 0; i < 30; ++i) {
    name += "é";
  }

  const std::string shortened = shorten_middle(name, 20);

  EXPECT_LE(shortened.size(), 20u);
  const std::size_t dots = shortened.find("...");
  ASSERT_NE(dots, std::string::npos);
  EXPECT_EQ(dots % 2, 0u) << "the start ends inside a character";
  EXPECT_EQ((shortened.size() - dots - 3) % 2, 0u) << "the end starts inside a character";
}

}  // namespace
}  // namespace paybench::reports
