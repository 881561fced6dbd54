#include "paybench/reports/run_comparison.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "paybench/reports/result_json.h"

namespace paybench::reports {
namespace {

// Google Benchmark's tools/gbench/Inputs, copied with their SOURCE.md. The expected numbers
// below are the ones that tools/gbench/report.py's unit tests expect for the same files.
Result read_case(const std::string& name) {
  return read_result_file(std::filesystem::path(PAYBENCH_REPORTS_TEST_DATA_DIR) / "gbench-compare" /
                          name);
}

const BenchmarkDifference& find(const RunComparison& comparison, const std::string& name) {
  for (const BenchmarkDifference& benchmark : comparison.benchmarks) {
    if (benchmark.name == name) return benchmark;
  }
  throw std::runtime_error("no row named " + name);
}

std::vector<std::string> row_names(const RunComparison& comparison) {
  std::vector<std::string> names;
  for (const BenchmarkDifference& benchmark : comparison.benchmarks) {
    names.push_back(benchmark.name);
  }
  return names;
}

BenchmarkRun iteration(const std::string& name, double real_time, double cpu_time,
                       const std::string& time_unit = "ns") {
  BenchmarkRun run;
  run.name = name;
  run.run_name = name;
  run.real_time = real_time;
  run.cpu_time = cpu_time;
  run.time_unit = time_unit;
  return run;
}

BenchmarkRun failed(const std::string& name, const std::string& message) {
  BenchmarkRun run = iteration(name, 0, 0);
  run.error_occurred = true;
  run.error_message = message;
  return run;
}

Result result_of(std::vector<BenchmarkRun> runs) {
  Result result;
  result.benchmarks = std::move(runs);
  return result;
}

struct ExpectedChange {
  std::string name;
  double real_time_change;
  double cpu_time_change;
  double baseline_real_time;
  double candidate_real_time;
  double baseline_cpu_time;
  double candidate_cpu_time;
  std::string time_unit;
};

TEST(RunComparison, SingleValuesMatchReportPy) {
  const RunComparison comparison =
      compare_runs(read_case("test1_run1.json"), read_case("test1_run2.json"));

  // report.py's TestReportDifference: changes to 4 places, values exact. Its expected
  // candidate values are rounded (101 for 100.9999999), so these are the file's own.
  const std::vector<ExpectedChange> expected = {
      {"BM_SameTimes", 0.0, 0.0, 10, 10, 10, 10, "ns"},
      {"BM_2xFaster", -0.5, -0.5, 50, 25, 50, 25, "ns"},
      {"BM_2xSlower", 1.0, 1.0, 50, 100, 50, 100, "ns"},
      {"BM_1PercentFaster", -0.01, -0.01, 100, 98.9999999, 100, 98.9999999, "ns"},
      {"BM_1PercentSlower", 0.01, 0.01, 100, 100.9999999, 100, 100.9999999, "ns"},
      {"BM_10PercentFaster", -0.1, -0.1, 100, 90, 100, 90, "ns"},
      {"BM_10PercentSlower", 0.1, 0.1, 100, 110, 100, 110, "ns"},
      {"BM_100xSlower", 99.0, 99.0, 100, 10000, 100, 10000, "ns"},
      {"BM_100xFaster", -0.99, -0.99, 10000, 100, 10000, 100, "ns"},
      {"BM_10PercentCPUToTime", 0.1, -0.1, 100, 110, 100, 90, "ns"},
      {"BM_ThirdFaster", -0.3333, -0.3334, 100, 66.665, 100, 66.664, "ns"},
      {"BM_NotBadTimeUnit", -0.9, 0.2, 0.4, 0.04, 0.5, 0.6, "s"},
      {"BM_hasLabel", 0.0, 0.0, 1, 1, 1, 1, "s"},
  };
  ASSERT_EQ(comparison.benchmarks.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const BenchmarkDifference& row = comparison.benchmarks[i];
    SCOPED_TRACE(expected[i].name);
    EXPECT_EQ(row.name, expected[i].name);
    EXPECT_EQ(row.time_unit, expected[i].time_unit);
    EXPECT_FALSE(row.u_test.has_value());
    ASSERT_EQ(row.measurements.size(), 1u);
    const MeasurementChange& pair = row.measurements.front();
    EXPECT_NEAR(pair.real_time_change, expected[i].real_time_change, 5e-5);
    EXPECT_NEAR(pair.cpu_time_change, expected[i].cpu_time_change, 5e-5);
    EXPECT_DOUBLE_EQ(pair.baseline_real_time, expected[i].baseline_real_time);
    EXPECT_DOUBLE_EQ(pair.candidate_real_time, expected[i].candidate_real_time);
    EXPECT_DOUBLE_EQ(pair.baseline_cpu_time, expected[i].baseline_cpu_time);
    EXPECT_DOUBLE_EQ(pair.candidate_cpu_time, expected[i].candidate_cpu_time);
  }
  EXPECT_EQ(find(comparison, "BM_hasLabel").label, "a label");

  // report.py checks the baseline's means and the changes. It leaves its expected candidate
  // means unchecked, and they do not fit the changes. These candidate means are what its
  // get_difference_report returns for the files (Debian's libbenchmark-tools 1.7.1, SciPy
  // 1.10.1).
  ASSERT_TRUE(comparison.overall_geomean.has_value());
  const GeomeanDifference& geomean = *comparison.overall_geomean;
  EXPECT_NEAR(geomean.baseline_real_time_s, 3.1622776601683826e-06, 1e-18);
  EXPECT_NEAR(geomean.baseline_cpu_time_s, 3.2130844755623912e-06, 1e-18);
  EXPECT_NEAR(geomean.candidate_real_time_s, 5.96729226736723e-07, 1e-19);
  EXPECT_NEAR(geomean.candidate_cpu_time_s, 7.137700977937563e-07, 1e-19);
  EXPECT_NEAR(geomean.real_time_change, -0.8112976497120911, 1e-12);
  EXPECT_NEAR(geomean.cpu_time_change, -0.7778551721181174, 1e-12);
}

TEST(RunComparison, ChangedTimeUnitIsReportedNotCompared) {
  const RunComparison comparison =
      compare_runs(read_case("test1_run1.json"), read_case("test1_run2.json"));

  const std::vector<std::string> names = row_names(comparison);
  EXPECT_EQ(std::count(names.begin(), names.end(), "BM_DifferentTimeUnit"), 0);
  ASSERT_EQ(comparison.time_unit_mismatches.size(), 1u);
  const TimeUnitMismatch& mismatch = comparison.time_unit_mismatches.front();
  EXPECT_EQ(mismatch.name, "BM_DifferentTimeUnit");
  EXPECT_EQ(mismatch.time_unit, "s");
  EXPECT_EQ(mismatch.other_time_unit, "ns");
  EXPECT_EQ(mismatch.baseline_skipped, 0);
  EXPECT_EQ(mismatch.candidate_skipped, 1);
}

TEST(RunComparison, FamilyFilterMatchesReportPy) {
  const Result run = read_case("test2_run.json");
  RunComparisonOptions options;
  options.family_filter = FamilyFilter{NamePattern("BM_Z.ro"), NamePattern("BM_O.e")};
  const RunComparison comparison = compare_runs(run, run, options);

  // report.py's TestReportDifferenceBetweenFamilies replaces matches by ".". compare.py's
  // command line replaces them by "[BM_Z.ro vs. BM_O.e]", and so does paybench.
  const std::string family = "[BM_Z.ro vs. BM_O.e]";
  const std::vector<std::string> expected_names = {family, family + "/4", "Prefix/" + family,
                                                   "Prefix/" + family + "/3"};
  EXPECT_EQ(row_names(comparison), expected_names);
  const std::vector<double> baseline_times = {10, 40, 20, 30};
  for (std::size_t i = 0; i < comparison.benchmarks.size(); ++i) {
    SCOPED_TRACE(expected_names[i]);
    const MeasurementChange& pair = comparison.benchmarks[i].measurements.at(0);
    EXPECT_DOUBLE_EQ(pair.baseline_real_time, baseline_times[i]);
    EXPECT_DOUBLE_EQ(pair.candidate_real_time, baseline_times[i] / 2);
    EXPECT_DOUBLE_EQ(pair.real_time_change, -0.5);
    EXPECT_DOUBLE_EQ(pair.cpu_time_change, -0.5);
  }
  EXPECT_TRUE(comparison.only_in_baseline.empty());
  EXPECT_TRUE(comparison.only_in_candidate.empty());

  ASSERT_TRUE(comparison.overall_geomean.has_value());
  EXPECT_NEAR(comparison.overall_geomean->baseline_real_time_s, 2.213363839400641e-08, 1e-20);
  EXPECT_NEAR(comparison.overall_geomean->candidate_real_time_s, 1.1066819197003185e-08, 1e-20);
  EXPECT_NEAR(comparison.overall_geomean->real_time_change, -0.5000000000000009, 1e-12);
  EXPECT_NEAR(comparison.overall_geomean->cpu_time_change, -0.5000000000000009, 1e-12);
}

TEST(RunComparison, CountsBenchmarksNotRows) {
  // Two benchmarks of three repetitions each, with Google Benchmark's four aggregates: ten rows.
  Result result;
  for (const std::string name : {"BM_a", "BM_b"}) {
    for (const double time : {10.0, 11.0, 12.0}) {
      result.benchmarks.push_back(iteration(name, time, time));
    }
    for (const std::string aggregate : {"mean", "median", "stddev", "cv"}) {
      BenchmarkRun run = iteration(name + "_" + aggregate, 11, 11);
      run.run_name = name;
      run.run_type = RunType::kAggregate;
      run.aggregate_name = aggregate;
      run.aggregate_unit = aggregate == "cv" ? "percentage" : "time";
      result.benchmarks.push_back(run);
    }
  }

  const RunComparison comparison = compare_runs(result, result);

  ASSERT_EQ(comparison.benchmarks.size(), 10u);
  EXPECT_EQ(find(comparison, "BM_b_median").benchmark_name, "BM_b");
  EXPECT_EQ(count_compared_benchmarks(comparison), 2u);
}

TEST(RunComparison, CountsFamilyFilteredBenchmarks) {
  const Result run = read_case("test2_run.json");
  RunComparisonOptions options;
  options.family_filter = FamilyFilter{NamePattern("BM_Z.ro"), NamePattern("BM_O.e")};

  EXPECT_EQ(count_compared_benchmarks(compare_runs(run, run, options)), 4u);
}

TEST(RunComparison, UTestMatchesReportPy) {
  const RunComparison comparison =
      compare_runs(read_case("test3_run0.json"), read_case("test3_run1.json"));

  // Rows in compare.py's order (iterations before aggregates), values in file order as
  // report.py's TestReportDifferenceWithUTest pairs them.
  EXPECT_EQ(row_names(comparison),
            (std::vector<std::string>{"BM_Two", "medium", "BM_One", "short"}));

  const BenchmarkDifference& two = find(comparison, "BM_Two");
  ASSERT_EQ(two.measurements.size(), 2u);
  EXPECT_NEAR(two.measurements[0].real_time_change, 0.1111111111111111, 1e-12);
  EXPECT_NEAR(two.measurements[0].cpu_time_change, -0.011111111111111112, 1e-12);
  EXPECT_NEAR(two.measurements[1].real_time_change, -0.125, 1e-12);
  EXPECT_NEAR(two.measurements[1].cpu_time_change, -0.16279069767441862, 1e-12);
  ASSERT_TRUE(two.u_test.has_value());
  EXPECT_NEAR(two.u_test->real_time.p_value, 1.0, 1e-12);
  EXPECT_NEAR(two.u_test->cpu_time.p_value, 0.6666666666666666, 1e-12);
  EXPECT_FALSE(two.u_test->has_recommended_repetitions);
  EXPECT_EQ(two.u_test->baseline_repetitions, 2);
  EXPECT_EQ(two.u_test->candidate_repetitions, 2);

  const BenchmarkDifference& short_row = find(comparison, "short");
  ASSERT_EQ(short_row.measurements.size(), 2u);
  EXPECT_NEAR(short_row.measurements[1].real_time_change, -0.4325, 1e-12);
  EXPECT_NEAR(short_row.measurements[1].cpu_time_change, -0.13506493506493514, 1e-12);
  ASSERT_TRUE(short_row.u_test.has_value());
  EXPECT_NEAR(short_row.u_test->real_time.p_value, 0.7670968684102772, 1e-12);
  EXPECT_NEAR(short_row.u_test->cpu_time.p_value, 0.2, 1e-12);
  EXPECT_EQ(short_row.u_test->baseline_repetitions, 2);
  EXPECT_EQ(short_row.u_test->candidate_repetitions, 3);

  EXPECT_FALSE(find(comparison, "BM_One").u_test.has_value());
  EXPECT_FALSE(find(comparison, "medium").u_test.has_value());
  EXPECT_EQ(find(comparison, "medium").measurements.size(), 1u);

  ASSERT_TRUE(comparison.overall_geomean.has_value());
  const GeomeanDifference& geomean = *comparison.overall_geomean;
  EXPECT_NEAR(geomean.baseline_real_time_s, 8.48528137423858e-09, 1e-20);
  EXPECT_NEAR(geomean.baseline_cpu_time_s, 8.441336246629233e-08, 1e-19);
  EXPECT_NEAR(geomean.candidate_real_time_s, 2.2405267593145244e-08, 1e-20);
  EXPECT_NEAR(geomean.candidate_cpu_time_s, 2.5453661413660466e-08, 1e-20);
  EXPECT_NEAR(geomean.real_time_change, 1.6404861082353634, 1e-12);
  EXPECT_NEAR(geomean.cpu_time_change, -0.6984640740519662, 1e-12);
}

TEST(RunComparison, PercentageAggregate) {
  const RunComparison comparison =
      compare_runs(read_case("test4_run0.json"), read_case("test4_run1.json"));

  ASSERT_EQ(comparison.benchmarks.size(), 1u);
  const BenchmarkDifference& row = comparison.benchmarks.front();
  EXPECT_EQ(row.name, "whocares");
  EXPECT_TRUE(row.is_percentage());
  EXPECT_EQ(row.run_type, RunType::kAggregate);
  EXPECT_DOUBLE_EQ(row.measurements.at(0).real_time_change, -0.5);
  EXPECT_DOUBLE_EQ(row.measurements.at(0).cpu_time_change, 0.5);
  EXPECT_DOUBLE_EQ(row.measurements.at(0).baseline_real_time, 0.01);
  EXPECT_DOUBLE_EQ(row.measurements.at(0).candidate_cpu_time, 0.15);
  // Aggregates take no part in the geometric mean, and this file has nothing else.
  EXPECT_FALSE(comparison.overall_geomean.has_value());
}

TEST(RunComparison, ThousandEqualRepetitionsGiveZeroPValue) {
  // report.py's test for test5 repeats the file's one benchmark 1000 times on each side.
  Result baseline = read_case("test5_run0.json");
  Result candidate = read_case("test5_run1.json");
  baseline.benchmarks = std::vector<BenchmarkRun>(1000, baseline.benchmarks.at(0));
  candidate.benchmarks = std::vector<BenchmarkRun>(1000, candidate.benchmarks.at(0));
  const RunComparison comparison = compare_runs(baseline, candidate);

  ASSERT_EQ(comparison.benchmarks.size(), 1u);
  const BenchmarkDifference& row = comparison.benchmarks.front();
  EXPECT_EQ(row.measurements.size(), 1000u);
  ASSERT_TRUE(row.u_test.has_value()) << "a p-value of 0 must be kept";
  EXPECT_EQ(row.u_test->real_time.p_value, 0.0);
  EXPECT_EQ(row.u_test->cpu_time.p_value, 0.0);
  EXPECT_TRUE(row.u_test->real_time_significant);
  EXPECT_TRUE(row.u_test->cpu_time_significant);
  EXPECT_TRUE(row.u_test->has_recommended_repetitions);
  EXPECT_EQ(row.u_test->real_time.method, MannWhitneyMethod::kAsymptotic);

  ASSERT_TRUE(comparison.overall_geomean.has_value());
  EXPECT_NEAR(comparison.overall_geomean->real_time_change, 999.0, 1e-9);
  EXPECT_NEAR(comparison.overall_geomean->cpu_time_change, -0.999, 1e-12);
}

TEST(RunComparison, RowsInFamilyInstanceRepetitionOrder) {
  // report.py's TestReportSorting shuffles test4_run.json and expects this order back.
  const std::vector<std::string> expected = {
      "99 family 0 instance 0 repetition 0", "98 family 0 instance 0 repetition 1",
      "97 family 0 instance 0 aggregate",    "96 family 0 instance 1 repetition 0",
      "95 family 0 instance 1 repetition 1", "94 family 0 instance 1 aggregate",
      "93 family 1 instance 0 repetition 0", "92 family 1 instance 0 repetition 1",
      "91 family 1 instance 0 aggregate",    "90 family 1 instance 1 repetition 0",
      "89 family 1 instance 1 repetition 1", "88 family 1 instance 1 aggregate"};
  Result result = read_case("test4_run.json");
  std::mt19937 generator(7);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(result.benchmarks.begin(), result.benchmarks.end(), generator);
    EXPECT_EQ(row_names(compare_runs(result, result)), expected);
  }
}

TEST(RunComparison, FailedRunsAreReportedNotCompared) {
  const Result baseline =
      result_of({iteration("a", 10, 10), failed("b", "boom"), failed("b", "boom"),
                 iteration("c", 20, 20), failed("c", "flaky")});
  const Result candidate =
      result_of({iteration("a", 5, 5), iteration("b", 7, 7), iteration("c", 10, 10)});
  const RunComparison comparison = compare_runs(baseline, candidate);

  EXPECT_EQ(row_names(comparison), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(find(comparison, "c").measurements.size(), 1u);
  ASSERT_EQ(comparison.failures.size(), 2u);
  EXPECT_EQ(comparison.failures[0].side, ComparisonSide::kBaseline);
  EXPECT_EQ(comparison.failures[0].name, "b");
  EXPECT_EQ(comparison.failures[0].error_message, "boom");
  EXPECT_EQ(comparison.failures[0].failed_runs, 2);
  EXPECT_EQ(comparison.failures[1].name, "c");
  EXPECT_EQ(comparison.failures[1].failed_runs, 1);

  // The failed runs' times of 0 would make the baseline's geometric mean 0.
  ASSERT_TRUE(comparison.overall_geomean.has_value());
  EXPECT_NEAR(comparison.overall_geomean->baseline_real_time_s, std::sqrt(10.0 * 20.0) * 1e-9,
              1e-18);
}

TEST(RunComparison, NamesOnOneSideAreListed) {
  const Result baseline = result_of({iteration("kept", 1, 1), iteration("removed", 1, 1)});
  const Result candidate = result_of({iteration("added", 1, 1), iteration("kept", 2, 2)});
  const RunComparison comparison = compare_runs(baseline, candidate);

  EXPECT_EQ(row_names(comparison), (std::vector<std::string>{"kept"}));
  EXPECT_EQ(comparison.only_in_baseline, (std::vector<std::string>{"removed"}));
  EXPECT_EQ(comparison.only_in_candidate, (std::vector<std::string>{"added"}));
}

TEST(RunComparison, NothingInCommonGivesNoRows) {
  const RunComparison comparison =
      compare_runs(result_of({iteration("x", 1, 1)}), result_of({iteration("y", 1, 1)}));
  EXPECT_TRUE(comparison.benchmarks.empty());
  EXPECT_EQ(comparison.only_in_baseline, (std::vector<std::string>{"x"}));
  EXPECT_EQ(comparison.only_in_candidate, (std::vector<std::string>{"y"}));
}

TEST(RunComparison, ComplexityAggregatesAreSkipped) {
  BenchmarkRun big_o = iteration("BM_sort_BigO", 0, 0);
  big_o.run_type = RunType::kAggregate;
  big_o.aggregate_name = "BigO";
  BenchmarkRun rms = iteration("BM_sort_RMS", 0, 0);
  rms.run_type = RunType::kAggregate;
  rms.aggregate_name = "RMS";
  const Result result = result_of({iteration("BM_sort", 3, 3), big_o, rms});
  const RunComparison comparison = compare_runs(result, result);

  EXPECT_EQ(row_names(comparison), (std::vector<std::string>{"BM_sort"}));
  EXPECT_TRUE(comparison.only_in_baseline.empty());
}

TEST(RunComparison, RepetitionCountsMayDiffer) {
  const Result baseline =
      result_of({iteration("a", 10, 10), iteration("a", 11, 11), iteration("a", 12, 12)});
  const Result candidate = result_of({iteration("a", 20, 20), iteration("a", 21, 21)});
  const RunComparison comparison = compare_runs(baseline, candidate);

  const BenchmarkDifference& row = find(comparison, "a");
  EXPECT_EQ(row.measurements.size(), 2u);
  ASSERT_TRUE(row.u_test.has_value());
  EXPECT_EQ(row.u_test->baseline_repetitions, 3);
  EXPECT_EQ(row.u_test->candidate_repetitions, 2);
  // Every candidate value above every baseline value: the exact p-value is 2 / C(5, 2).
  EXPECT_DOUBLE_EQ(row.u_test->real_time.p_value, 0.2);
}

TEST(RunComparison, AlphaDecidesSignificance) {
  const Result baseline =
      result_of({iteration("a", 10, 10), iteration("a", 11, 11), iteration("a", 12, 12)});
  const Result candidate =
      result_of({iteration("a", 20, 20), iteration("a", 21, 21), iteration("a", 22, 22)});
  // p = 0.1 exactly (2 of the 20 orderings).
  RunComparisonOptions strict;
  strict.alpha = 0.05;
  RunComparisonOptions lenient;
  lenient.alpha = 0.2;
  EXPECT_FALSE(find(compare_runs(baseline, candidate, strict), "a").u_test->real_time_significant);
  EXPECT_TRUE(find(compare_runs(baseline, candidate, lenient), "a").u_test->real_time_significant);
}

TEST(RunComparison, RejectsAlphaOutsideZeroToOne) {
  const Result result = result_of({iteration("a", 1, 1)});
  for (double alpha : {0.0, 1.0, -0.1, 1.5, std::nan("")}) {
    RunComparisonOptions options;
    options.alpha = alpha;
    EXPECT_THROW(compare_runs(result, result, options), std::invalid_argument) << alpha;
  }
}

TEST(RunComparison, NanTimeSkipsUTest) {
  const Result baseline = result_of({iteration("a", 10, 10), iteration("a", std::nan(""), 11)});
  const Result candidate = result_of({iteration("a", 20, 20), iteration("a", 21, 21)});
  const BenchmarkDifference row = find(compare_runs(baseline, candidate), "a");
  EXPECT_EQ(row.measurements.size(), 2u);
  EXPECT_FALSE(row.u_test.has_value());
}

TEST(RelativeChange, MatchesCalculateChange) {
  EXPECT_DOUBLE_EQ(relative_change(100, 110), 0.1);
  EXPECT_DOUBLE_EQ(relative_change(100, 50), -0.5);
  EXPECT_DOUBLE_EQ(relative_change(-100, -50), 0.5);
  EXPECT_DOUBLE_EQ(relative_change(0, 0), 0.0);
  EXPECT_DOUBLE_EQ(relative_change(0, 5), 2.0);
}

TEST(NamePattern, SearchesAnywhereInName) {
  const NamePattern pattern("Z.ro");
  EXPECT_TRUE(pattern.is_found_in("Prefix/BM_Zero/3"));
  EXPECT_FALSE(pattern.is_found_in("BM_One"));
  EXPECT_TRUE(NamePattern("^BM_").is_found_in("BM_One"));
  EXPECT_FALSE(NamePattern("^BM_").is_found_in("Prefix/BM_One"));
}

TEST(NamePattern, ReplacesEveryMatchLiterally) {
  EXPECT_EQ(NamePattern("o").replace_matches("pool/foo", "[$&]"), "p[$&][$&]l/f[$&][$&]");
  EXPECT_EQ(NamePattern("BM_Z.ro").replace_matches("Prefix/BM_Zero/3", "[A vs. B]"),
            "Prefix/[A vs. B]/3");
  // Python's re.sub("x*", "-", "abxd") returns "-a-b--d-", and so does replace_matches.
  EXPECT_EQ(NamePattern("x*").replace_matches("abxd", "-"), "-a-b--d-");
}

TEST(NamePattern, RejectsInvalidPattern) {
  try {
    NamePattern pattern("BM_(Zero");
    FAIL() << "an unclosed group was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("'BM_(Zero'"), std::string::npos) << error.what();
  }
  EXPECT_THROW(NamePattern(""), std::invalid_argument);
}

TEST(FamilyFilter, ReplacementNamesBothPatterns) {
  const FamilyFilter filter{NamePattern("BM_Z.ro"), NamePattern("BM_O.e")};
  EXPECT_EQ(filter.replacement(), "[BM_Z.ro vs. BM_O.e]");
}

}  // namespace
}  // namespace paybench::reports
