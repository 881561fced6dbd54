// Parsing of CSV scenario files into a ScenarioDocument.
//
// The file has, in order:
// - `key=value` config lines, where a dotted key such as ready_to_trip.min_requests sets a
//   nested value,
// - a header row that names the columns,
// - one row per event.
// `#` comment lines and blank lines may appear anywhere. Cells follow RFC 4180 quoting, except
// that a quoted cell cannot span lines. An empty cell leaves the key out, so the event gets its
// default.
#include <fmt/format.h>

#include <set>
#include <string>
#include <vector>

#include "scenario_document.h"

namespace paybench::simulator::detail {
namespace {

using nlohmann::json;

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// Splits one line into its cells, each trimmed of surrounding spaces. Throws at `line_number`
// for an unterminated quote or text after a closing quote.
std::vector<std::string> split_cells(const ScenarioDocument& document, std::string_view line,
                                     int line_number) {
  std::vector<std::string> cells;
  std::size_t position = 0;
  while (true) {
    while (position < line.size() && (line[position] == ' ' || line[position] == '\t')) {
      ++position;
    }

    std::string cell;
    const bool is_quoted = position < line.size() && line[position] == '"';
    if (is_quoted) {
      ++position;
      while (true) {
        if (position >= line.size()) {
          document.fail(fmt::format("line {}", line_number),
                        "unterminated quoted cell: expected a closing '\"' on the same line");
        }
        const bool is_escaped_quote =
            line[position] == '"' && position + 1 < line.size() && line[position + 1] == '"';
        if (is_escaped_quote) {
          cell += '"';
          position += 2;
        } else if (line[position] == '"') {
          ++position;
          break;
        } else {
          cell += line[position++];
        }
      }
      const std::size_t comma = line.find(',', position);
      const std::string_view after_quote =
          line.substr(position, comma == std::string_view::npos ? line.npos : comma - position);
      if (!trim(after_quote).empty()) {
        document.fail(fmt::format("line {}", line_number),
                      fmt::format("unexpected text '{}' after a quoted cell: expected ',' or the "
                                  "end of the line",
                                  trim(after_quote)));
      }
      position = comma == std::string_view::npos ? line.size() : comma;
    } else {
      const std::size_t comma = line.find(',', position);
      const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
      cell = std::string(trim(line.substr(position, end - position)));
      position = end;
    }
    cells.push_back(std::move(cell));

    if (position >= line.size()) break;
    ++position;  // the comma
  }
  return cells;
}

// Stores `key=value` under root.config, nesting at each dot.
void add_config_line(ScenarioDocument& document, std::string_view line, int line_number) {
  const std::size_t equals = line.find('=');
  const std::string key(trim(line.substr(0, equals)));
  const std::string value(trim(line.substr(equals + 1)));
  const std::string location = fmt::format("line {}", line_number);

  if (key.empty()) {
    document.fail(location, fmt::format("config line '{}' has no key: expected key=value, e.g. "
                                        "timeout_ms=30000",
                                        line));
  }
  if (document.config_lines.contains(key)) {
    document.fail(location, fmt::format("duplicate config key '{}': expected each key once", key));
  }

  json* node = &document.root["config"];
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = key.find('.', start);
    const std::string part = key.substr(start, dot == std::string::npos ? dot : dot - start);
    if (part.empty()) {
      document.fail(location, fmt::format("invalid config key '{}': expected names separated by "
                                          "single dots, e.g. ready_to_trip.min_requests",
                                          key));
    }
    const bool conflicts = !node->is_object() || (dot == std::string::npos && node->contains(part));
    if (conflicts) {
      document.fail(location, fmt::format("config key '{}' conflicts with an earlier line that "
                                          "sets a value where this one needs an object, or the "
                                          "reverse",
                                          key));
    }
    if (dot == std::string::npos) {
      (*node)[part] = value;
      break;
    }
    node = &(*node)[part];
    if (node->is_null()) *node = json::object();
    start = dot + 1;
  }
  document.config_lines.emplace(key, line_number);
}

void set_header(ScenarioDocument& document, std::string_view line, int line_number) {
  document.header_line = line_number;
  document.columns = split_cells(document, line, line_number);

  std::set<std::string> seen;
  for (const std::string& column : document.columns) {
    if (column.empty()) {
      document.fail(fmt::format("line {}", line_number),
                    fmt::format("empty column name in header '{}': expected names such as "
                                "at_ms,outcome,duration_ms",
                                line));
    }
    if (!seen.insert(column).second) {
      document.fail(fmt::format("line {}, column {}", line_number, column),
                    "duplicate column: expected each column once");
    }
  }
}

void add_event_row(ScenarioDocument& document, std::string_view line, int line_number) {
  if (document.event_lines.size() == kMaxScenarioEvents) {
    document.fail(fmt::format("line {}", line_number),
                  fmt::format("more than {} event rows: expected at most {} events in all",
                              kMaxScenarioEvents, kMaxScenarioEvents));
  }
  const std::vector<std::string> cells = split_cells(document, line, line_number);
  if (cells.size() != document.columns.size()) {
    document.fail(fmt::format("line {}", line_number),
                  fmt::format("{} cells, expected {} as in the header on line {} ({}); leave a "
                              "cell empty for the default",
                              cells.size(), document.columns.size(), document.header_line,
                              fmt::join(document.columns, ",")));
  }

  json event = json::object();
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (!cells[i].empty()) event[document.columns[i]] = cells[i];
  }
  document.root["events"].push_back(std::move(event));
  document.event_lines.push_back(line_number);
}

}  // namespace

ScenarioDocument parse_csv_document(std::string_view text, std::string_view source) {
  ScenarioDocument document;
  document.source = std::string(source);
  document.format = ScenarioFormat::kCsv;
  document.root["config"] = json::object();
  document.root["events"] = json::array();

  int line_number = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    const std::size_t newline = text.find('\n', position);
    std::string_view line =
        text.substr(position, newline == std::string_view::npos ? text.npos : newline - position);
    position = newline == std::string_view::npos ? text.size() : newline + 1;
    ++line_number;

    if (line.ends_with('\r')) line.remove_suffix(1);
    line = trim(line);
    const bool is_comment_or_blank = line.empty() || line.starts_with('#');
    if (is_comment_or_blank) continue;

    const bool before_header = document.header_line == 0;
    const bool is_config_line = before_header && line.find('=') != std::string_view::npos;
    if (is_config_line) {
      add_config_line(document, line, line_number);
    } else if (before_header) {
      set_header(document, line, line_number);
    } else {
      add_event_row(document, line, line_number);
    }
  }

  if (document.header_line == 0) {
    document.fail("",
                  "no header row: expected key=value config lines, then a header such as "
                  "at_ms,outcome,duration_ms (breaker) or at_ms,n (limiter), then one row per "
                  "event");
  }
  return document;
}

}  // namespace paybench::simulator::detail
