// The thresholds of `paybench gate`: how much slower a benchmark may get before the gate fails,
// globally and per benchmark pattern, read from the command line and a thresholds file.
//
// A thresholds file is JSON:
//   {
//     "max_regression": "5%",              // optional, overrides --max-regression
//     "min_delta_ns": 2,                   // optional, overrides --min-delta
//     "benchmarks": [                      // optional; the first matching entry applies
//       { "pattern": "queues/*", "max_regression": "15%" },
//       { "pattern": "writes/postgres/*", "ignore": true }
//     ]
//   }
// A percentage is a number or a string with an optional '%': 5, "5" and "5%" all mean five
// percent. Patterns are shell globs over benchmark names, as fnmatch(3) matches them with no
// flags, so '*' also matches '/'.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paybench/reports/input_error.h"

namespace paybench::reports {

// The threshold that applies to one benchmark.
struct BenchmarkThreshold {
  double max_regression = 0;  // a fraction: 0.05 lets the median get 5% slower
  double min_delta = 0;       // ns, or instructions per op in instruction mode
  bool ignored = false;
  std::string pattern;        // the thresholds file's pattern that applied; empty for none
};

struct ThresholdOverride {
  std::string pattern;
  std::optional<double> max_regression;
  std::optional<double> min_delta;
  bool ignore = false;
};

struct GateThresholds {
  double max_regression = 0.05;
  double min_delta = 0;
  std::vector<ThresholdOverride> overrides;  // in file order

  // Returns the threshold of `benchmark_name`: the first override whose pattern matches,
  // falling back to the global values for what it leaves out.
  BenchmarkThreshold for_benchmark(std::string_view benchmark_name) const;
};

// The largest percentage accepted: a regression threshold of 1000% (11 times slower) or more
// is a mistake rather than a threshold.
inline constexpr double kMaxRegressionPercent = 1000;

// Parses a percentage as --max-regression takes it: "5", "5%", "2.5". Throws InputError with
// `source` (such as "--max-regression") and the text when it is not a finite number in
// [0, kMaxRegressionPercent].
double parse_percentage(std::string_view text, std::string_view source);

// Parses the text of a thresholds file over `defaults` (the command line's values). Throws
// InputError naming `source_name`, the JSON path and what was expected. That happens for text
// that is not JSON, an unknown key, a bad number or percentage, and an override whose pattern is
// missing, empty, not a string or contains a NUL character.
GateThresholds thresholds_from_json_text(std::string_view text, std::string_view source_name,
                                         GateThresholds defaults);

// Reads a thresholds file with thresholds_from_json_text. Throws InputError naming the file
// when it cannot be read, and as thresholds_from_json_text does.
GateThresholds read_thresholds_file(const std::filesystem::path& path, GateThresholds defaults);

}  // namespace paybench::reports
