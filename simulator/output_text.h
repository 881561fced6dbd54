// Formatting shared by the table, JSON and CSV renderers. Internal to paybench_simulator.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace paybench::simulator::detail {

// Returns the time in milliseconds as exact decimal text without trailing zeros: "1500", "12.5",
// "0.000001". Times are whole nanoseconds, so six decimals always suffice.
std::string format_ms(std::chrono::nanoseconds time);

// Returns the time in milliseconds as a JSON number: an integer when it is a whole number of
// milliseconds, otherwise the nearest double.
nlohmann::ordered_json json_ms(std::chrono::nanoseconds time);

// Returns a limit in events per second as text: "inf" or the shortest exact form, e.g. "0.5".
std::string format_limit(double limit_per_s);

// Returns a limit as a JSON value: the string "inf", as scenario files spell it, or a number.
nlohmann::ordered_json json_limit(double limit_per_s);

// Returns the field quoted as RFC 4180 requires when it contains a comma, a quote, a line break
// or surrounding spaces, and unchanged otherwise.
std::string csv_field(std::string_view field);

// Appends one CSV row of `fields`, each quoted where needed, and a newline.
void append_csv_row(std::string& out, const std::vector<std::string>& fields);

// A table whose columns are as wide as their widest cell, each preceded by `gap` spaces.
class TextTable {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string header;
    Align align = Align::kLeft;
    std::size_t gap = 2;  // spaces before the column; none before the first
  };

  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // Adds a row with one cell per column. Missing trailing cells are empty.
  void add_row(std::vector<std::string> cells);

  // Returns the header and the rows, each line without trailing spaces.
  std::string render() const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Returns "Summary" and one indented `name  value` line per entry, with the values aligned.
std::string render_summary(const std::vector<std::pair<std::string, std::string>>& entries);

}  // namespace paybench::simulator::detail
