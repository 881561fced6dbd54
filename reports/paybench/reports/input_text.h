// Text from input files (benchmark names, error messages, lines of a profile) made safe to print
// on a terminal and short enough to quote in an error message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace paybench::reports {

// Characters of input that an error message quotes before it shortens the rest to "...":
// enough to recognise a value, few enough that a 5 MB string does not flood the terminal.
inline constexpr std::size_t kMaxQuotedCharacters = 80;

// Returns `text` with each control character written as its code point in angle brackets, as
// nlohmann::json's parse errors write them: ESC reads "<U+001B>". Control characters are C0
// (U+0000..U+001F, tab and newline included), DEL (U+007F) and C1 (U+0080..U+009F). A byte that
// is not part of valid UTF-8 reads "<0x9B>". Terminals act on these (ESC and, in 8-bit mode,
// 0x9B start an escape sequence), so the result is valid UTF-8 without any of them. Colours that
// paybench adds go around the result, never through this function.
std::string escape_control_characters(std::string_view text);

// Returns escape_control_characters(text), or, when `text` has more than `max_characters`
// characters, its first `max_characters` followed by "... (N characters)", N being the length of
// the whole text. Characters are UTF-8 code points; an invalid byte counts as one.
std::string shorten_input(std::string_view text,
                          std::size_t max_characters = kMaxQuotedCharacters);

// Returns `text` as shorten_input does, between `quote` characters, with the length after the
// closing quote: "\"BM_x\"", or "\"9999...\" (5000002 characters)".
std::string quote_input(std::string_view text, char quote = '"',
                        std::size_t max_characters = kMaxQuotedCharacters);

}  // namespace paybench::reports
