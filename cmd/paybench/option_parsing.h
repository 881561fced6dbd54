// Parsing of option values, with errors that name the option, the value and the expected form.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace paybench::cli {

// Parses a whole number in [min, max]; throws UsageError otherwise.
int parse_int_option(std::string_view option, const std::string& text, int min, int max);

// Parses a number of seconds in (0, max_seconds]; throws UsageError otherwise.
double parse_seconds_option(std::string_view option, const std::string& text, double max_seconds);

// Splits "a,b,c" into its items; empty items are an error.
std::vector<std::string> split_list_option(std::string_view option, const std::string& text);

}  // namespace paybench::cli
