#include "paybench/reports/markdown_text.h"

#include <fmt/format.h>

#include <algorithm>

namespace paybench::reports {
namespace {

std::string without_control_characters(std::string_view text) {
  std::string cleaned(text);
  std::replace_if(
      cleaned.begin(), cleaned.end(),
      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }, ' ');
  return cleaned;
}

}  // namespace

std::string markdown_escape(std::string_view text) {
  // '(' needs no escape: it starts a link target only after ']', which is escaped.
  constexpr std::string_view kSpecial = "\\`*_{}[]<>#!|~&";
  std::string escaped;
  for (char c : without_control_characters(text)) {
    if (kSpecial.find(c) != std::string_view::npos) escaped += '\\';
    escaped += c;
  }
  return escaped;
}

std::string markdown_code_span(std::string_view name) {
  const std::string text = without_control_characters(name);
  std::size_t longest_run = 0;
  std::size_t run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest_run = std::max(longest_run, run);
  }
  const std::string fence(longest_run + 1, '`');
  // A space keeps a leading or trailing backtick apart from the fence; CommonMark strips it.
  const bool needs_padding = !text.empty() && (text.front() == '`' || text.back() == '`');
  const std::string padding = needs_padding ? " " : "";

  std::string escaped_pipes;
  for (char c : text) {
    if (c == '|') escaped_pipes += '\\';
    escaped_pipes += c;
  }
  return fence + padding + escaped_pipes + padding + fence;
}

std::string markdown_table_row(const std::vector<std::string>& cells) {
  return "| " + fmt::format("{}", fmt::join(cells, " | ")) + " |\n";
}

}  // namespace paybench::reports
