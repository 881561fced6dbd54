#include "result_input.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "paybench/reports/input_error.h"
#include "paybench/reports/result_json.h"
#include "usage_error.h"

namespace paybench::cli {

reports::Result read_result_input(const std::string& path, const char* side) {
  try {
    return reports::read_result_file(path);
  } catch (const reports::InputError& error) {
    throw UsageError(fmt::format(
        "cannot read the {} {}; expected a paybench result.json or Google Benchmark JSON "
        "(--benchmark_format=json)",
        side, error.what()));
  }
}

double parse_alpha(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [parsed_end, error] = std::from_chars(text.data(), end, value);
  const bool is_number = error == std::errc() && parsed_end == end && !text.empty();
  if (!is_number || !std::isfinite(value) || value <= 0 || value >= 1) {
    throw UsageError(fmt::format(
        "invalid value '{}' for --alpha: expected a significance level above 0 and below 1, "
        "such as 0.05",
        text));
  }
  return value;
}

}  // namespace paybench::cli
