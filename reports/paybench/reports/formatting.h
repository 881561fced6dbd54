// Number formats shared by the terminal summary and the HTML report, so both show the same
// figures.
#pragma once

#include <string>
#include <string_view>

#include "paybench/reports/result.h"

namespace paybench::reports {

// Returns how many nanoseconds one `unit` is for Google Benchmark's time units "ns", "us", "ms"
// and "s". Throws std::invalid_argument for any other unit.
double nanoseconds_per_unit(std::string_view unit);

// Converts a time from one Google Benchmark time unit to another.
double convert_time(double value, std::string_view from_unit, std::string_view to_unit);

// Returns the largest of ns, us, ms and s in which `nanoseconds` is at least 1 (ns for smaller
// values), so that a time reads as "37.1 us" rather than "37100 ns".
std::string_view readable_time_unit(double nanoseconds);

// Formats a time with about three significant digits in its readable unit: "6.16 ns",
// "37.1 us", "512 ms". Non-finite times read "n/a".
std::string format_time(double nanoseconds);

// Formats a time in a given unit without the unit: "6.16", "37.1", "512".
std::string format_time_value(double nanoseconds, std::string_view unit);

// Formats a per-operation count such as allocs/op or bytes/op: "0", "1", "2.50", "4096",
// "0.031". Non-finite values read "n/a".
std::string format_count(double value);

// Formats what real_time holds in a result of `context`: a time in ns ("1.23 us"), or
// instructions per op ("154 instr") in instruction mode.
std::string format_cost(double value, const Context& context);

// Formats a fraction as a percentage with one decimal: 0.0083 reads "0.8%".
std::string format_percent(double fraction);

// Formats a time ratio: "0.31x", "12.5x", "0.031x", and with three decimals near 1 ("0.995x"),
// where the third decimal decides the verdict.
std::string format_ratio(double ratio);

// Formats a ratio with its interval, the bounds with the ratio's decimals: "0.31x [0.30, 0.33]".
std::string format_ratio_interval(double ratio, double low, double high);

// Formats a comparison's outcome: "0.31x [0.30, 0.33] faster".
std::string format_comparison(const Comparison& comparison);

}  // namespace paybench::reports
