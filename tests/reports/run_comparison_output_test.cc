#include "paybench/reports/run_comparison_output.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace paybench::reports {
namespace {

const std::string kHostileName = "<img src=x onerror=alert(1)>";

BenchmarkRun iteration(const std::string& name, double real_time, double cpu_time) {
  BenchmarkRun run;
  run.name = name;
  run.run_name = name;
  run.real_time = real_time;
  run.cpu_time = cpu_time;
  return run;
}

// Two sides with a hostile name, a name with Markdown's special characters, a U test with
// fewer than 9 repetitions, a failure and a name on one side only.
RunComparison sample_comparison() {
  Result baseline;
  Result candidate;
  for (double time : {10.0, 10.5, 11.0}) {
    baseline.benchmarks.push_back(iteration(kHostileName, time, time));
    candidate.benchmarks.push_back(iteration(kHostileName, time * 2, time * 2));
  }
  baseline.benchmarks.push_back(iteration("pipe|star*_under`tick", 100, 100));
  candidate.benchmarks.push_back(iteration("pipe|star*_under`tick", 90, 95));
  BenchmarkRun failed = iteration("BM_err", 0, 0);
  failed.error_occurred = true;
  failed.error_message = "boom <b>";
  candidate.benchmarks.push_back(failed);
  baseline.benchmarks.push_back(iteration("BM_err", 5, 5));
  baseline.benchmarks.push_back(iteration("BM_removed", 5, 5));

  RunComparisonOptions options;
  options.baseline_label = "old/result.json";
  options.candidate_label = "new/result.json";
  return compare_runs(baseline, candidate, options);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ComparisonFormat, ParsesNames) {
  EXPECT_EQ(parse_comparison_format("table"), ComparisonFormat::kTable);
  EXPECT_EQ(parse_comparison_format("json"), ComparisonFormat::kJson);
  EXPECT_EQ(parse_comparison_format("markdown"), ComparisonFormat::kMarkdown);
  EXPECT_EQ(parse_comparison_format("html"), ComparisonFormat::kHtml);
  EXPECT_FALSE(parse_comparison_format("csv").has_value());
  EXPECT_FALSE(parse_comparison_format("").has_value());
}

TEST(ComparisonTable, RowsAsComparePyPrintsThem) {
  const std::string table = render_comparison_table(sample_comparison(), false);
  EXPECT_EQ(table.find('\x1b'), std::string::npos) << "escape sequence without colour";

  const std::vector<std::string> lines = lines_of(table);
  int hostile_rows = 0;
  for (const std::string& line : lines) {
    if (line.rfind(kHostileName + " ", 0) == 0) {
      ++hostile_rows;
      EXPECT_TRUE(contains(line, "+1.0000")) << line;
    }
  }
  EXPECT_EQ(hostile_rows, 3);
  EXPECT_TRUE(contains(table, kHostileName + "_pvalue"));
  EXPECT_TRUE(
      contains(table, "U test, 3 vs 3 repetitions: no significant difference at alpha 0.05"));
  EXPECT_TRUE(contains(table, "unreliable: fewer than 9 repetitions"));
  EXPECT_TRUE(contains(table, "OVERALL_GEOMEAN"));
  EXPECT_TRUE(contains(table, "failed, not compared: candidate BM_err: 1 failed run: boom <b>"));
  EXPECT_TRUE(contains(table, "only in the baseline (1): BM_removed"));
}

TEST(ComparisonTable, ColumnsAligned) {
  const std::vector<std::string> lines =
      lines_of(render_comparison_table(sample_comparison(), false));
  // The header, the measurement rows and the geomean row end their "CPU new" column at the
  // same place.
  std::size_t header_end = 0;
  for (const std::string& line : lines) {
    if (line.rfind("Benchmark", 0) == 0) header_end = line.size();
  }
  ASSERT_GT(header_end, 0u);
  for (const std::string& line : lines) {
    const bool is_geomean_row = line.rfind("OVERALL_GEOMEAN ", 0) == 0;
    if (is_geomean_row || line.rfind("pipe|", 0) == 0) {
      EXPECT_EQ(line.size(), header_end) << line;
    }
  }
}

TEST(ComparisonTable, ColourOnlyWhenAsked) {
  const std::string table = render_comparison_table(sample_comparison(), true);
  EXPECT_TRUE(contains(table, "\x1b[31m+1.0000\x1b[0m")) << "a slower change is red";
}

// A name with an OSC title sequence, BEL and a colour sequence, as a hostile result file can
// hold it, on both sides and on the baseline's side only.
RunComparison control_character_comparison() {
  const std::string escape_name = "BM_x\x1b]0;pwned\x07\x1b[31m";
  Result baseline;
  Result candidate;
  for (double time : {10.0, 11.0}) {
    baseline.benchmarks.push_back(iteration(escape_name, time, time));
    candidate.benchmarks.push_back(iteration(escape_name, time * 2, time * 2));
  }
  baseline.benchmarks.push_back(iteration("BM_gone\x1b[2J", 5, 5));
  BenchmarkRun failed = iteration("BM_failed", 0, 0);
  failed.error_occurred = true;
  failed.error_message = "crashed\x1b[8m";
  candidate.benchmarks.push_back(failed);
  baseline.benchmarks.push_back(iteration("BM_failed", 5, 5));
  return compare_runs(baseline, candidate);
}

TEST(ComparisonTable, ControlCharactersEscaped) {
  const std::string table = render_comparison_table(control_character_comparison(), false);

  EXPECT_EQ(table.find('\x1b'), std::string::npos) << table;
  EXPECT_EQ(table.find('\x07'), std::string::npos) << table;
  EXPECT_TRUE(contains(table, "\nBM_x<U+001B>]0;pwned<U+0007><U+001B>[31m  ")) << table;
  EXPECT_TRUE(contains(table, "BM_x<U+001B>]0;pwned<U+0007><U+001B>[31m_pvalue")) << table;
  EXPECT_TRUE(contains(table, "only in the baseline (1): BM_gone<U+001B>[2J")) << table;
  EXPECT_TRUE(contains(table, "crashed<U+001B>[8m")) << table;
}

TEST(ComparisonTable, OwnColoursStayWithEscapedNames) {
  const std::string table = render_comparison_table(control_character_comparison(), true);

  EXPECT_TRUE(contains(table, "\x1b[31m+1.0000\x1b[0m")) << "a slower change is red";
  EXPECT_FALSE(contains(table, "\x1b]0;pwned")) << table;
}

TEST(ComparisonTable, LongNameShortenedInNotes) {
  Result baseline;
  Result candidate;
  baseline.benchmarks.push_back(iteration("BM_same", 1, 1));
  candidate.benchmarks.push_back(iteration("BM_same", 1, 1));
  baseline.benchmarks.push_back(iteration(std::string(100'000, 'n'), 1, 1));

  const std::string table = render_comparison_table(compare_runs(baseline, candidate), false);

  EXPECT_LT(table.size(), 2000u);
  EXPECT_TRUE(contains(table, "only in the baseline (1): " + std::string(80, 'n') +
                                  "... (100000 characters)"))
      << table;
}

TEST(ComparisonJson, ShapeAndValues) {
  const nlohmann::json document =
      nlohmann::json::parse(render_comparison_json(sample_comparison()));
  EXPECT_EQ(document["paybench_compare_version"], 1);
  EXPECT_EQ(document["baseline"]["label"], "old/result.json");
  EXPECT_TRUE(document["baseline"]["filter"].is_null());
  EXPECT_EQ(document["alpha"], 0.05);

  const nlohmann::json& benchmarks = document["benchmarks"];
  ASSERT_EQ(benchmarks.size(), 2u);
  EXPECT_EQ(benchmarks[0]["name"], kHostileName);
  EXPECT_EQ(benchmarks[0]["measurements"].size(), 3u);
  EXPECT_EQ(benchmarks[0]["measurements"][0]["real_time_change"], 1.0);
  EXPECT_EQ(benchmarks[0]["u_test"]["baseline_repetitions"], 3);
  EXPECT_EQ(benchmarks[0]["u_test"]["real_time_method"], "exact");
  EXPECT_DOUBLE_EQ(benchmarks[0]["u_test"]["real_time_p_value"].get<double>(), 0.1);
  EXPECT_EQ(benchmarks[0]["u_test"]["has_recommended_repetitions"], false);
  EXPECT_TRUE(benchmarks[1]["u_test"].is_null());
  EXPECT_TRUE(document["overall_geomean"].is_object());

  ASSERT_EQ(document["failures"].size(), 1u);
  EXPECT_EQ(document["failures"][0]["side"], "candidate");
  EXPECT_EQ(document["failures"][0]["failed_runs"], 1);
  EXPECT_EQ(document["only_in_baseline"], nlohmann::json::array({"BM_removed"}));
  EXPECT_TRUE(document["only_in_candidate"].empty());
}

TEST(ComparisonJson, NonFiniteNumbersAreNull) {
  Result baseline;
  baseline.benchmarks.push_back(iteration("a", std::nan(""), 1));
  Result candidate;
  candidate.benchmarks.push_back(iteration("a", 2, 2));
  const nlohmann::json document =
      nlohmann::json::parse(render_comparison_json(compare_runs(baseline, candidate)));
  EXPECT_TRUE(document["benchmarks"][0]["measurements"][0]["baseline_real_time"].is_null());
  EXPECT_TRUE(document["benchmarks"][0]["measurements"][0]["real_time_change"].is_null());
}

TEST(ComparisonMarkdown, TableRowsWithEscapedNames) {
  const std::string markdown = render_comparison_markdown(sample_comparison());
  EXPECT_TRUE(
      contains(markdown, "| Benchmark | Time | CPU | Time old | Time new | CPU old | CPU new |"));

  int hostile_rows = 0;
  for (const std::string& line : lines_of(markdown)) {
    if (line.rfind("| `" + kHostileName + "` |", 0) == 0) ++hostile_rows;
  }
  EXPECT_EQ(hostile_rows, 3) << markdown;
  // Inside a code span the name shows as it is. Outside code spans every '<' is escaped.
  EXPECT_TRUE(contains(markdown, "| ``pipe\\|star*_under`tick`` |")) << markdown;
  EXPECT_TRUE(contains(markdown, "| `" + kHostileName + "_pvalue` | 0.1000 | 0.1000 |"))
      << markdown;
  EXPECT_TRUE(contains(markdown, "boom \\<b\\>")) << markdown;
  EXPECT_TRUE(contains(markdown, "Only in the baseline (1): BM\\_removed")) << markdown;
}

TEST(ComparisonMarkdown, EveryRowHasSevenCells) {
  for (const std::string& line : lines_of(render_comparison_markdown(sample_comparison()))) {
    if (line.rfind("|", 0) != 0) continue;
    int cells = -1;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const bool escaped = i > 0 && line[i - 1] == '\\';
      if (line[i] == '|' && !escaped) ++cells;
    }
    EXPECT_EQ(cells, 7) << line;
  }
}

TEST(ComparisonHtml, SelfContainedAndEscaped) {
  const std::string html = render_comparison_html(sample_comparison());
  EXPECT_TRUE(contains(html, "Content-Security-Policy"));
  EXPECT_FALSE(contains(html, "<img")) << "a name became markup";
  EXPECT_FALSE(contains(html, "<b>")) << "an error message became markup";
  EXPECT_TRUE(contains(html, "&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_FALSE(contains(html, "http://"));
  EXPECT_FALSE(contains(html, "https://"));
  EXPECT_FALSE(contains(html, "{{")) << "a template tag was left unrendered";
  EXPECT_TRUE(contains(html, "OVERALL_GEOMEAN"));
  EXPECT_TRUE(contains(html, "class=\"num change slower\">+1.0000"));
  EXPECT_TRUE(contains(html, "Only in the baseline (1): BM_removed"));
}

TEST(ComparisonRender, DispatchesOnFormat) {
  const RunComparison comparison = sample_comparison();
  EXPECT_EQ(render_comparison(comparison, ComparisonFormat::kTable),
            render_comparison_table(comparison, false));
  EXPECT_EQ(render_comparison(comparison, ComparisonFormat::kJson),
            render_comparison_json(comparison));
  EXPECT_EQ(render_comparison(comparison, ComparisonFormat::kMarkdown),
            render_comparison_markdown(comparison));
  EXPECT_EQ(render_comparison(comparison, ComparisonFormat::kHtml),
            render_comparison_html(comparison));
}

}  // namespace
}  // namespace paybench::reports
