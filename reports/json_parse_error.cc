#include "json_parse_error.h"

#include "paybench/reports/input_text.h"

namespace paybench::reports {
namespace {

// Shortens the input that a message without "last read" quotes between its first and last single
// quote, such as out_of_range's "number overflow parsing '<number>'", where the number can be
// megabytes of digits.
std::string with_quoted_token_shortened(std::string_view message) {
  const std::size_t open = message.find('\'');
  const std::size_t close = message.rfind('\'');
  const bool has_token = open != std::string_view::npos && close > open;
  if (!has_token) return std::string(message);

  const std::string_view token = message.substr(open + 1, close - open - 1);
  return std::string(message.substr(0, open)) + quote_input(token, '\'') +
         std::string(message.substr(close + 1));
}

}  // namespace

std::string describe_json_parse_error(std::string_view exception_message) {
  std::string_view message = exception_message;
  const std::size_t id_end = message.find("] ");
  if (message.starts_with("[json.exception.") && id_end != std::string_view::npos) {
    message.remove_prefix(id_end + 2);
  }

  // nlohmann 3.11 writes "<problem>; last read: '<token>'", then "; expected <token kinds>"
  // when the parser expected something. The token is the input read so far, which for an
  // unterminated string is the rest of the file.
  constexpr std::string_view kLastRead = "; last read: '";
  constexpr std::string_view kExpectedSuffix = "'; expected ";
  const std::size_t last_read = message.find(kLastRead);
  if (last_read == std::string_view::npos) return with_quoted_token_shortened(message);

  // The token ends at the quote before "; expected ...", else at the message's last character.
  const std::size_t token_start = last_read + kLastRead.size();
  std::size_t token_end = message.rfind(kExpectedSuffix);
  if (token_end == std::string_view::npos || token_end < token_start) {
    token_end = message.size() - 1;
  }
  const bool has_closing_quote = token_end >= token_start && message[token_end] == '\'';
  if (!has_closing_quote) return std::string(message);

  const std::string_view token = message.substr(token_start, token_end - token_start);
  return std::string(message.substr(0, last_read)) + "; last read: " + quote_input(token, '\'') +
         std::string(message.substr(token_end + 1));
}

}  // namespace paybench::reports
