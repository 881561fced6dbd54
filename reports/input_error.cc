#include "paybench/reports/input_error.h"

#include <utility>

namespace paybench::reports {
namespace {

std::string format_message(const std::string& source, const std::string& json_path,
                           const std::string& problem) {
  if (json_path.empty()) {
    return source + ": " + problem;
  }
  return source + ": " + json_path + ": " + problem;
}

}  // namespace

InputError::InputError(std::string source, std::string json_path, std::string problem)
    : std::runtime_error(format_message(source, json_path, problem)),
      source_(std::move(source)),
      json_path_(std::move(json_path)),
      problem_(std::move(problem)) {}

}  // namespace paybench::reports
