#include "json_special_numbers.h"

#include <array>
#include <cctype>
#include <limits>

namespace paybench::reports {
namespace {

// The placeholders start with a NUL character, which a JSON string can only contain when
// written as \u0000: no real benchmark name or label does that.
constexpr std::string_view kPositiveInfinityPlaceholder("\0+Infinity", 10);
constexpr std::string_view kNegativeInfinityPlaceholder("\0-Infinity", 10);

struct Replacement {
  std::string_view token;
  std::string_view json;  // what the token becomes, as JSON text
};

// -Infinity before Infinity, so that the longer token wins at a minus sign.
constexpr std::array<Replacement, 3> kReplacements = {{
    {"-Infinity", "\"\\u0000-Infinity\""},
    {"Infinity", "\"\\u0000+Infinity\""},
    {"NaN", "null"},
}};

bool is_identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// The token must stand alone: "NaNa" or "xInfinity" are not tokens (and not JSON either, so
// the parser reports them).
bool token_at(std::string_view text, std::size_t position, std::string_view token) {
  if (text.substr(position, token.size()) != token) {
    return false;
  }
  const std::size_t end = position + token.size();
  const bool separated_before = position == 0 || !is_identifier_char(text[position - 1]);
  const bool separated_after = end == text.size() || !is_identifier_char(text[end]);
  return separated_before && separated_after;
}

}  // namespace

std::string replace_special_number_tokens(std::string_view text) {
  std::string output;
  output.reserve(text.size());
  bool in_string = false;

  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];

    if (in_string) {
      output.push_back(c);
      if (c == '\\' && i + 1 < text.size()) {
        output.push_back(text[i + 1]);
        i += 2;
        continue;
      }
      if (c == '"') {
        in_string = false;
      }
      ++i;
      continue;
    }

    if (c == '"') {
      in_string = true;
      output.push_back(c);
      ++i;
      continue;
    }

    bool replaced = false;
    for (const Replacement& replacement : kReplacements) {
      if (token_at(text, i, replacement.token)) {
        output.append(replacement.json);
        i += replacement.token.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      output.push_back(c);
      ++i;
    }
  }
  return output;
}

std::optional<double> special_number_from_placeholder(std::string_view text) {
  if (text == kPositiveInfinityPlaceholder) {
    return std::numeric_limits<double>::infinity();
  }
  if (text == kNegativeInfinityPlaceholder) {
    return -std::numeric_limits<double>::infinity();
  }
  return std::nullopt;
}

}  // namespace paybench::reports
