#include "paybench/reports/input_text.h"

#include <fmt/format.h>

#include <cstdint>

#include "utf8.h"

namespace paybench::reports {
namespace {

bool is_control_character(char32_t code_point) {
  const bool is_c0 = code_point < 0x20;
  const bool is_del_or_c1 = code_point >= 0x7F && code_point <= 0x9F;
  return is_c0 || is_del_or_c1;
}

// The text up to `max_characters` characters, escaped, and whether characters were left out.
struct Prefix {
  std::string escaped;
  bool is_shortened = false;
};

Prefix escaped_prefix(std::string_view text, std::size_t max_characters) {
  Prefix prefix;
  std::size_t characters = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    if (characters == max_characters) {
      prefix.is_shortened = true;
      return prefix;
    }
    char32_t code_point = 0;
    const std::size_t length = decode_utf8(text.substr(at), code_point);
    if (length == 0) {
      prefix.escaped += fmt::format("<0x{:02X}>", static_cast<unsigned char>(text[at]));
      at += 1;
    } else if (is_control_character(code_point)) {
      prefix.escaped += fmt::format("<U+{:04X}>", static_cast<std::uint32_t>(code_point));
      at += length;
    } else {
      prefix.escaped += text.substr(at, length);
      at += length;
    }
    ++characters;
  }
  return prefix;
}

std::size_t count_characters(std::string_view text) {
  std::size_t characters = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    char32_t code_point = 0;
    const std::size_t length = decode_utf8(text.substr(at), code_point);
    at += length == 0 ? 1 : length;
    ++characters;
  }
  return characters;
}

}  // namespace

std::string escape_control_characters(std::string_view text) {
  return escaped_prefix(text, std::string_view::npos).escaped;
}

std::string shorten_input(std::string_view text, std::size_t max_characters) {
  Prefix prefix = escaped_prefix(text, max_characters);
  if (!prefix.is_shortened) return std::move(prefix.escaped);
  return fmt::format("{}... ({} characters)", prefix.escaped, count_characters(text));
}

std::string quote_input(std::string_view text, char quote, std::size_t max_characters) {
  const Prefix prefix = escaped_prefix(text, max_characters);
  if (!prefix.is_shortened) return fmt::format("{}{}{}", quote, prefix.escaped, quote);
  return fmt::format("{}{}...{} ({} characters)", quote, prefix.escaped, quote,
                     count_characters(text));
}

}  // namespace paybench::reports
