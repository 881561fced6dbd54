#include "paybench/simulator/scenario_error.h"

#include <fmt/format.h>

#include <string_view>
#include <utility>

namespace paybench::simulator {
namespace {

// Maximum lengths of a location and a problem kept in full. Both can quote the input (a column
// name, a JSON token that nlohmann's parser read), which in a hostile file can be megabytes long.
// The messages that paybench writes itself stay well below these lengths.
constexpr std::size_t kMaxLocationBytes = 120;
constexpr std::size_t kMaxProblemBytes = 500;

// Returns `text` cut to at most `max_bytes` at a UTF-8 character boundary, with its length
// appended, when it is longer.
std::string shortened(std::string text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;

  std::size_t cut = max_bytes;
  const auto is_continuation_byte = [&](std::size_t i) {
    return (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  while (cut > 0 && is_continuation_byte(cut)) --cut;
  return fmt::format("{}... ({} characters)", std::string_view(text).substr(0, cut), text.size());
}

std::string format_message(const std::string& source, const std::string& location,
                           const std::string& problem) {
  if (location.empty()) return fmt::format("{}: {}", source, problem);
  return fmt::format("{}: {}: {}", source, location, problem);
}

}  // namespace

// Every message reaches the terminal, so the location and problem are shortened here, once for
// all readers.
ScenarioError::ScenarioError(std::string source, std::string location, std::string problem)
    : std::runtime_error(format_message(source, shortened(location, kMaxLocationBytes),
                                        shortened(problem, kMaxProblemBytes))),
      source_(std::move(source)),
      location_(shortened(std::move(location), kMaxLocationBytes)),
      problem_(shortened(std::move(problem), kMaxProblemBytes)) {}

ScenarioError ScenarioError::wrong_kind(std::string source, ScenarioKind found,
                                        std::string evidence) {
  const ScenarioKind expected =
      found == ScenarioKind::kBreaker ? ScenarioKind::kLimiter : ScenarioKind::kBreaker;
  ScenarioError error(
      std::move(source), "",
      fmt::format("this is a {} scenario ({} is a {} setting), not a {} scenario", to_string(found),
                  evidence, to_string(found), to_string(expected)));
  error.found_kind_ = found;
  return error;
}

}  // namespace paybench::simulator
