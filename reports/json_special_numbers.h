// Google Benchmark writes NaN and infinite numbers as the bare tokens NaN, Infinity and
// -Infinity, which are not JSON. Before parsing, those tokens are replaced by JSON values that
// the result reader turns back into numbers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace paybench::reports {

// Returns `text` with every NaN token outside strings replaced by null, and every Infinity or
// -Infinity token by a placeholder string that special_number_from_placeholder recognizes.
// Text without such tokens is returned unchanged.
std::string replace_special_number_tokens(std::string_view text);

// Returns +infinity or -infinity for a placeholder written by replace_special_number_tokens,
// and std::nullopt for any other string.
std::optional<double> special_number_from_placeholder(std::string_view text);

}  // namespace paybench::reports
