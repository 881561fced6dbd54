#include "paybench/reports/result.h"

namespace paybench::reports {

const char* to_string(RunType type) {
  switch (type) {
    case RunType::kIteration:
      return "iteration";
    case RunType::kAggregate:
      return "aggregate";
  }
  return "unknown";
}

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kFaster:
      return "faster";
    case Verdict::kSlower:
      return "slower";
    case Verdict::kNoDifference:
      return "no difference";
  }
  return "unknown";
}

std::optional<RunType> parse_run_type(const std::string& text) {
  if (text == "iteration") {
    return RunType::kIteration;
  }
  if (text == "aggregate") {
    return RunType::kAggregate;
  }
  return std::nullopt;
}

std::optional<Verdict> parse_verdict(const std::string& text) {
  if (text == "faster") {
    return Verdict::kFaster;
  }
  if (text == "slower") {
    return Verdict::kSlower;
  }
  if (text == "no difference") {
    return Verdict::kNoDifference;
  }
  return std::nullopt;
}

}  // namespace paybench::reports
