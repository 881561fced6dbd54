#include "command_line.h"

#include <string_view>

#include "paybench/writes/postgres_connection_string.h"

namespace paybench::cli {
namespace {

constexpr std::string_view kDsnOption = "--pg-dsn";

// Characters that a POSIX shell passes through unquoted in a word.
bool is_shell_safe(char c) {
  const bool is_alphanumeric =
      (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return is_alphanumeric || std::string_view("@%+=:,./-_").find(c) != std::string_view::npos;
}

// Quotes `argument` with single quotes when it contains anything else; a single quote inside
// becomes '\''.
std::string shell_quoted(std::string_view argument) {
  bool needs_quotes = argument.empty();
  for (const char c : argument) needs_quotes = needs_quotes || !is_shell_safe(c);
  if (!needs_quotes) return std::string(argument);

  std::string quoted = "'";
  for (const char c : argument) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace

std::string recorded_command_line(int argc, char** argv) {
  std::string line;
  bool next_is_dsn = false;
  for (int i = 0; i < argc; ++i) {
    std::string argument = argv[i];
    if (next_is_dsn) {
      argument = redact_connection_string(argument);
    } else if (argument.starts_with(std::string(kDsnOption) + "=")) {
      argument = std::string(kDsnOption) + "=" +
                 redact_connection_string(argument.substr(kDsnOption.size() + 1));
    }
    next_is_dsn = argument == kDsnOption;

    if (i > 0) line += ' ';
    line += shell_quoted(argument);
  }
  return line;
}

}  // namespace paybench::cli
