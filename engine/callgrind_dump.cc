#include "paybench/engine/callgrind_dump.h"

#include <charconv>

#include "paybench/reports/input_file.h"

namespace paybench::engine {
namespace {

constexpr std::string_view kTriggerPrefix = "desc: Trigger: Client Request: ";
constexpr std::string_view kTotalsPrefix = "totals:";

}  // namespace

CallgrindDump parse_callgrind_dump(std::string_view text, std::string_view source_name) {
  CallgrindDump dump;
  bool has_trigger = false;
  bool has_totals = false;
  std::size_t line_number = 0;
  std::size_t line_start = 0;
  while (line_start < text.size() && !(has_trigger && has_totals)) {
    const std::size_t newline = text.find('\n', line_start);
    const std::size_t line_end = newline == std::string_view::npos ? text.size() : newline;
    const std::string_view line = text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    ++line_number;

    if (line.starts_with(kTriggerPrefix)) {
      dump.trigger = std::string(line.substr(kTriggerPrefix.size()));
      has_trigger = true;
      continue;
    }
    if (!line.starts_with(kTotalsPrefix)) continue;

    std::string_view counts = line.substr(kTotalsPrefix.size());
    while (!counts.empty() && counts.front() == ' ') counts.remove_prefix(1);
    const auto [end, error] =
        std::from_chars(counts.data(), counts.data() + counts.size(), dump.instructions);
    const bool ends_count = end == counts.data() + counts.size() || *end == ' ';
    if (error != std::errc() || end == counts.data() || !ends_count) {
      throw reports::InputError(std::string(source_name), "",
                                "line " + std::to_string(line_number) + ": found '" +
                                    std::string(line.substr(0, 80)) +
                                    "'; expected 'totals: <instructions>'");
    }
    has_totals = true;
  }

  if (!has_trigger || !has_totals) {
    throw reports::InputError(
        std::string(source_name), "",
        std::string("no '") + (has_trigger ? "totals:" : std::string(kTriggerPrefix)) +
            "' line; expected a callgrind dump written at a CALLGRIND_DUMP_STATS_AT request");
  }
  return dump;
}

std::map<std::string, std::uint64_t> read_callgrind_dumps(const std::filesystem::path& directory,
                                                          std::string_view prefix) {
  std::map<std::string, std::uint64_t> instructions;
  const std::string numbered_prefix = std::string(prefix) + ".";
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(numbered_prefix)) continue;
    const CallgrindDump dump = parse_callgrind_dump(reports::read_input_file(entry.path(), "a callgrind dump"), entry.path().string());
    instructions[dump.trigger] += dump.instructions;
  }
  return instructions;
}

}  // namespace paybench::engine
