// The texts that every renderer of a RunComparison shows, so that the table, Markdown and HTML
// read the same figures and words. Private to paybench::reports.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "paybench/reports/run_comparison.h"

namespace paybench::reports {

// Direction of a change, by compare.py's colour thresholds: above +0.05 it colours a change as
// slower, below -0.07 as faster. The thresholds pick a colour and test nothing.
enum class ChangeDirection { kFaster, kSlower, kNeutral };
ChangeDirection direction_of(double change);

// Formats a change as compare.py prints it: "+0.1000", "-0.5000", "+99.0000". A NaN or
// infinite change reads "n/a".
std::string format_change(double change);

// Formats a p-value as compare.py prints it: "0.6667".
std::string format_p_value(double p_value);

// Formats a value of `benchmark` in a readable unit: "9.00 ns", "37.1 us", or "30.4%" for a
// percentage aggregate.
std::string format_measured_value(double value, const BenchmarkDifference& benchmark);

// Formats a geometric mean in seconds in a readable unit: "3.16 us".
std::string format_seconds(double seconds);

// Returns the name of the U test's row, "<name>_pvalue", as compare.py names it.
std::string u_test_row_name(const BenchmarkDifference& benchmark);

// Describes the outcome: "U test, 2 vs 3 repetitions: no significant difference at alpha 0.05".
std::string describe_u_test(const UTest& test, double alpha);

// Returns "unreliable: fewer than 9 repetitions", or an empty string with enough repetitions.
std::string u_test_warning(const UTest& test);

// Names a side: "BASE (benchmarks matching 'BM_Z.ro')", or the label alone without a family
// filter.
std::string describe_side(const RunComparison& comparison, ComparisonSide side);

// Describes failed runs: "baseline BM_err/repeats:2: 2 failed runs: boom".
std::string describe_failure(const FailedBenchmark& failure);

// Describes values left out: "BM_x: 3 candidate values in us left out; compared in ns, the unit
// of the baseline's first value".
std::string describe_mismatch(const TimeUnitMismatch& mismatch);

// Joins the first `max_names` names, each shortened by shorten_input, with ", " and adds
// "and N more" for the rest.
std::string join_names(const std::vector<std::string>& names, std::size_t max_names);

// Returns one sentence per column and per special row that `comparison` contains, for the notes
// under a table.
std::vector<std::string> column_explanations(const RunComparison& comparison);

}  // namespace paybench::reports
