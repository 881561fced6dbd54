// Reading the result files that compare and gate take, and their shared options.
#pragma once

#include <string>

#include "paybench/reports/result.h"

namespace paybench::cli {

// Reads a paybench result or Google Benchmark JSON file, the `side` ("baseline" or
// "candidate") of a comparison. Throws UsageError naming the side, the file, the JSON path and
// what was expected.
reports::Result read_result_input(const std::string& path, const char* side);

// Parses --alpha: a significance level above 0 and below 1. Throws UsageError quoting `text`.
double parse_alpha(const std::string& text);

}  // namespace paybench::cli
