// The error that every scenario reader throws for bad input.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace paybench::simulator {

enum class ScenarioKind { kBreaker, kLimiter };

// Invalid scenario input. what() reads "<source>: <location>: <problem>", for example
// "outage.json: events[3].outcome: invalid value "sucess": expected "success" or "failure"" or
// "outage.csv: line 7, column at_ms: ...". The location is a JSON path for JSON input and a line
// (and column name) for CSV input, and it is empty when the problem concerns the whole file.
// A location over 120 bytes or a problem over 500 bytes, which only quoted input can make, is
// cut and ends with its length: "... (5000002 characters)".
class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::string source, std::string location, std::string problem);

  // The error for a file that describes the other component: a breaker scenario given to the
  // limiter reader, or the reverse.
  static ScenarioError wrong_kind(std::string source, ScenarioKind found, std::string evidence);

  const std::string& source() const noexcept { return source_; }
  const std::string& location() const noexcept { return location_; }
  const std::string& problem() const noexcept { return problem_; }

  // The kind the file describes when it is not the one the reader expected.
  const std::optional<ScenarioKind>& found_kind() const noexcept { return found_kind_; }

 private:
  std::string source_;
  std::string location_;
  std::string problem_;
  std::optional<ScenarioKind> found_kind_;
};

inline const char* to_string(ScenarioKind kind) {
  return kind == ScenarioKind::kBreaker ? "breaker" : "limiter";
}

}  // namespace paybench::simulator
