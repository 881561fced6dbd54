// Text that Markdown (CommonMark with GitHub's tables) shows literally.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace paybench::reports {

// Escapes the characters that start emphasis, code, links, HTML, entities or strikethrough, or
// end a table cell, and turns control characters (which would end a table row) into spaces.
std::string markdown_escape(std::string_view text);

// Returns a code span that shows `name` literally: its fence is longer than any run of
// backticks in it, and '|' is escaped because GitHub ends a table cell at it even there.
std::string markdown_code_span(std::string_view name);

// Returns "| a | b |\n". The cells must be escaped already.
std::string markdown_table_row(const std::vector<std::string>& cells);

}  // namespace paybench::reports
