#include "paybench/simulator/scenario_error.h"

#include <fmt/format.h>

#include <utility>

namespace paybench::simulator {
namespace {

std::string format_message(const std::string& source, const std::string& location,
                           const std::string& problem) {
  if (location.empty()) return fmt::format("{}: {}", source, problem);
  return fmt::format("{}: {}: {}", source, location, problem);
}

}  // namespace

ScenarioError::ScenarioError(std::string source, std::string location, std::string problem)
    : std::runtime_error(format_message(source, location, problem)),
      source_(std::move(source)),
      location_(std::move(location)),
      problem_(std::move(problem)) {}

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
