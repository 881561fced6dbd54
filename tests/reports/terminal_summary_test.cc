#include "paybench/reports/terminal_summary.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "paybench/reports/comparisons.h"
#include "sample_result.h"

namespace paybench::reports {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    lines.push_back(line);
  }
  return lines;
}

std::string line_containing(const std::string& text, const std::string& part) {
  for (const std::string& line : lines_of(text)) {
    if (line.find(part) != std::string::npos) {
      return line;
    }
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(TerminalSummary, ContainsExpectedCells) {
  const std::string summary = render_terminal_summary(testing::make_fixed_result(), false);

  const std::string baseline = line_containing(summary, "malloc/size:256/threads:1");
  EXPECT_TRUE(contains(baseline, "6.16 ns")) << summary;
  EXPECT_TRUE(contains(baseline, "0.8%")) << summary;
  EXPECT_TRUE(contains(baseline, "256")) << summary;
  EXPECT_TRUE(contains(baseline, "baseline")) << summary;

  const std::string candidate = line_containing(summary, "free_list/size:256/threads:1");
  EXPECT_TRUE(contains(candidate, "2.00 ns")) << summary;
  EXPECT_TRUE(contains(candidate, "1.0%")) << summary;
  EXPECT_TRUE(contains(candidate, "0.32x [")) << summary;
  EXPECT_TRUE(contains(candidate, "] faster")) << summary;
  EXPECT_FALSE(contains(candidate, "baseline")) << summary;
}

TEST(TerminalSummary, NamesDropFamilyPrefix) {
  const std::string summary = render_terminal_summary(testing::make_fixed_result(), false);

  EXPECT_FALSE(contains(summary, "pool/get_put")) << summary;
  EXPECT_TRUE(contains(summary, "get_put/malloc/size:256/threads:1")) << summary;
  EXPECT_EQ(lines_of(summary).at(2), "pool");
}

TEST(TerminalSummary, FailedInstanceShowsError) {
  const std::string summary = render_terminal_summary(testing::make_fixed_result(), false);

  const std::string row = line_containing(summary, "size:1048576");
  EXPECT_TRUE(contains(row, "error: size exceeds the pool's slab")) << summary;
  EXPECT_FALSE(contains(row, " ns")) << summary;
}

TEST(TerminalSummary, PartlyFailedInstanceShowsBoth) {
  Result result = testing::make_fixed_result();
  result.benchmarks[1].error_occurred = true;
  result.benchmarks[1].error_message = "timed out";

  const std::string summary = render_terminal_summary(result, false);

  EXPECT_TRUE(contains(summary, "error in 1 of 3 repetitions: timed out")) << summary;
}

TEST(TerminalSummary, TimeColumnIsRightAligned) {
  const std::string summary = render_terminal_summary(testing::make_fixed_result(), false);
  const std::string header = line_containing(summary, "time/op");
  const std::size_t column_end = header.find("time/op") + std::string("time/op").size();

  int rows_checked = 0;
  for (const std::string& line : lines_of(summary)) {
    const std::size_t unit = line.find(" ns");
    if (unit != std::string::npos) {
      EXPECT_EQ(unit + 3, column_end) << summary;
      ++rows_checked;
    }
  }
  EXPECT_EQ(rows_checked, 2);
}

TEST(TerminalSummary, NoEscapesWithoutColor) {
  const std::string summary = render_terminal_summary(testing::make_sample_result(), false);

  EXPECT_EQ(summary.find('\x1b'), std::string::npos);
}

TEST(TerminalSummary, ColorsVerdictsAndErrors) {
  const std::string summary = render_terminal_summary(testing::make_fixed_result(), true);

  EXPECT_TRUE(contains(summary, "\x1b[32m0.32x")) << summary;
  EXPECT_TRUE(contains(summary, "\x1b[31merror: size exceeds")) << summary;
}

TEST(TerminalSummary, AllocatorMatrix) {
  const Result result =
      testing::make_sample_result({.allocators = {"glibc", "jemalloc", "tcmalloc"}});

  const std::string summary = render_terminal_summary(result, false);

  EXPECT_TRUE(contains(summary, "allocator")) << summary;
  EXPECT_TRUE(contains(summary, "vs glibc: ")) << summary;
  EXPECT_TRUE(contains(summary, "baseline allocator")) << summary;
}

// Adds a run of variant `variant` to the fixed result's workload, in no comparison.
void add_uncompared_run(Result& result, const std::string& variant, std::int64_t threads) {
  BenchmarkRun run = result.benchmarks.front();
  run.variant = variant;
  run.threads = threads;
  run.run_name = "pool/get_put/" + variant + "/size:256/threads:" + std::to_string(threads);
  run.name = run.run_name;
  result.benchmarks.push_back(run);
}

TEST(TerminalSummary, MarksAnchorVariant) {
  Result result = testing::make_fixed_result();
  add_uncompared_run(result, "bare", 1);

  const std::string summary = render_terminal_summary(result, false);

  EXPECT_TRUE(contains(line_containing(summary, "get_put/bare/"), "anchor, not compared"))
      << summary;
  EXPECT_FALSE(contains(line_containing(summary, "size:1048576"), "anchor")) << summary;
  EXPECT_FALSE(contains(line_containing(summary, "get_put/malloc/"), "anchor")) << summary;
}

TEST(TerminalSummary, ExplainsMultiThreadedTimes) {
  Result result = testing::make_fixed_result();
  EXPECT_FALSE(contains(render_terminal_summary(result, false), "threads:N rows"));

  add_uncompared_run(result, "free_list", 2);
  EXPECT_TRUE(contains(render_terminal_summary(result, false), "threads:N rows"));
}

TEST(TerminalSummary, LatencyColumnOnlyWhenReported) {
  Result result = testing::make_fixed_result();
  EXPECT_FALSE(contains(render_terminal_summary(result, false), "latency p50 / p99"));

  for (BenchmarkRun& run : result.benchmarks) {
    if (run.variant == "malloc") {
      run.counters["latency_p50_ns"] = 1500;
      run.counters["latency_p99_ns"] = 250000;
    }
  }
  const std::string summary = render_terminal_summary(result, false);
  EXPECT_TRUE(contains(summary, "latency p50 / p99")) << summary;
  EXPECT_TRUE(contains(line_containing(summary, "get_put/malloc/"), "1.50 us / 250 us")) << summary;
  EXPECT_TRUE(contains(summary, "latency: for queues")) << summary;
}

TEST(TerminalSummary, InterruptedRunSaysSo) {
  Result result = testing::make_sample_result();
  EXPECT_FALSE(contains(render_terminal_summary(result, false), "interrupted"));

  result.context.interrupted = true;
  const std::string summary = render_terminal_summary(result, false);

  const std::vector<std::string> lines = lines_of(summary);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[1],
            "interrupted: SIGINT or SIGTERM stopped the run early; only the benchmarks that "
            "finished are shown");
}

TEST(TerminalSummary, ControlCharactersEscaped) {
  Result result = testing::make_fixed_result();
  result.context.host_name = "host\x1b]0;pwned\x07";
  for (BenchmarkRun& run : result.benchmarks) {
    run.run_name += "\x1b[31m";
    run.name = run.run_name;
  }
  result.benchmarks[1].error_occurred = true;
  result.benchmarks[1].error_message = "timed out\x1b[2J";
  result.comparisons =
      compute_comparisons(result.benchmarks, {{"pool", "get_put", "malloc", "free_list"}});

  const std::string summary = render_terminal_summary(result, true);

  EXPECT_TRUE(contains(summary, "host host<U+001B>]0;pwned<U+0007>")) << summary;
  EXPECT_TRUE(contains(summary, "size:256/threads:1<U+001B>[31m")) << summary;
  EXPECT_TRUE(contains(summary, "timed out<U+001B>[2J")) << summary;
  EXPECT_TRUE(contains(summary, "size exceeds the pool's slab")) << summary;
  EXPECT_FALSE(contains(summary, "\x1b]0;")) << summary;
  EXPECT_FALSE(contains(summary, "\x1b[2J")) << summary;
  EXPECT_TRUE(contains(summary, "\x1b[32m0.3")) << "verdicts keep their colour";
}

TEST(TerminalSummary, EmptyResult) {
  EXPECT_TRUE(contains(render_terminal_summary(Result{}, false), "no benchmark ran"));
}

}  // namespace
}  // namespace paybench::reports
