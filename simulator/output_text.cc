#include "output_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace paybench::simulator::detail {
namespace {

constexpr std::int64_t kNanosecondsPerMillisecond = 1'000'000;

void append_padded(std::string& line, const std::string& cell, std::size_t width,
                   TextTable::Align align) {
  const std::string padding(width - cell.size(), ' ');
  if (align == TextTable::Align::kRight) {
    line += padding + cell;
  } else {
    line += cell + padding;
  }
}

std::string without_trailing_spaces(std::string line) {
  line.erase(line.find_last_not_of(' ') + 1);
  return line;
}

}  // namespace

std::string format_ms(std::chrono::nanoseconds time) {
  const std::int64_t nanoseconds = time.count();
  const std::int64_t whole = nanoseconds / kNanosecondsPerMillisecond;
  const std::int64_t fraction = nanoseconds % kNanosecondsPerMillisecond;
  if (fraction == 0) return fmt::format("{}", whole);

  std::string digits = fmt::format("{:06}", fraction);
  digits.erase(digits.find_last_not_of('0') + 1);
  return fmt::format("{}.{}", whole, digits);
}

nlohmann::ordered_json json_ms(std::chrono::nanoseconds time) {
  const std::int64_t nanoseconds = time.count();
  if (nanoseconds % kNanosecondsPerMillisecond == 0) {
    return nanoseconds / kNanosecondsPerMillisecond;
  }
  return static_cast<double>(nanoseconds) / static_cast<double>(kNanosecondsPerMillisecond);
}

std::string format_limit(double limit_per_s) {
  if (std::isinf(limit_per_s)) return "inf";
  return fmt::format("{}", limit_per_s);
}

nlohmann::ordered_json json_limit(double limit_per_s) {
  if (std::isinf(limit_per_s)) return "inf";
  return limit_per_s;
}

std::string csv_field(std::string_view field) {
  const bool needs_quotes = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                            field.starts_with(' ') || field.ends_with(' ');
  if (!needs_quotes) return std::string(field);

  std::string quoted = "\"";
  for (const char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

void append_csv_row(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_field(fields[i]);
  }
  out += '\n';
}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::render() const {
  std::vector<std::size_t> widths;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    std::size_t width = columns_[i].header.size();
    for (const auto& row : rows_) width = std::max(width, row[i].size());
    widths.push_back(width);
  }

  std::string out;
  auto append_line = [&](auto cell_of) {
    std::string line;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i > 0) line.append(columns_[i].gap, ' ');
      append_padded(line, cell_of(i), widths[i], columns_[i].align);
    }
    out += without_trailing_spaces(std::move(line));
    out += '\n';
  };

  append_line([&](std::size_t i) -> const std::string& { return columns_[i].header; });
  for (const auto& row : rows_) {
    append_line([&](std::size_t i) -> const std::string& { return row[i]; });
  }
  return out;
}

std::string render_summary(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::size_t name_width = 0;
  for (const auto& entry : entries) name_width = std::max(name_width, entry.first.size());

  std::string out = "Summary\n";
  for (const auto& [name, value] : entries) {
    out += fmt::format("  {:<{}}  {}\n", name, name_width, value);
  }
  return out;
}

}  // namespace paybench::simulator::detail
