#include "option_parsing.h"

#include <charconv>
#include <cmath>

#include <fmt/core.h>

#include "usage_error.h"

namespace paybench::cli {

int parse_int_option(std::string_view option, const std::string& text, int min, int max) {
  int value = 0;
  const char* end = text.data() + text.size();
  const auto [parsed_end, error] = std::from_chars(text.data(), end, value);
  const bool is_whole_number = error == std::errc() && parsed_end == end && !text.empty();
  if (!is_whole_number || value < min || value > max) {
    throw UsageError(fmt::format("invalid value '{}' for {}: expected a whole number from {} to {}",
                                 text, option, min, max));
  }
  return value;
}

double parse_seconds_option(std::string_view option, const std::string& text, double max_seconds) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [parsed_end, error] = std::from_chars(text.data(), end, value);
  const bool is_number = error == std::errc() && parsed_end == end && !text.empty();
  if (!is_number || !std::isfinite(value) || value <= 0 || value > max_seconds) {
    throw UsageError(fmt::format(
        "invalid value '{}' for {}: expected a number of seconds above 0 and at most {} "
        "(for example 0.5)",
        text, option, max_seconds));
  }
  return value;
}

std::vector<std::string> split_list_option(std::string_view option, const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? comma : comma - start);
    if (item.empty()) {
      throw UsageError(fmt::format(
          "invalid value '{}' for {}: expected a comma-separated list without empty items", text,
          option));
    }
    items.push_back(std::move(item));
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

}  // namespace paybench::cli
