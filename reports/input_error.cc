#include "paybench/reports/input_error.h"

#include <utility>

#include "paybench/reports/input_text.h"

namespace paybench::reports {
namespace {

// Escapes control characters, so that the message is safe to print whatever the input held.
std::string format_message(const std::string& source, const std::string& json_path,
                           const std::string& problem) {
  std::string message = escape_control_characters(source) + ": ";
  if (!json_path.empty()) {
    message += escape_control_characters(json_path) + ": ";
  }
  return message + escape_control_characters(problem);
}

}  // namespace

InputError::InputError(std::string source, std::string json_path, std::string problem)
    : std::runtime_error(format_message(source, json_path, problem)),
      source_(std::move(source)),
      json_path_(std::move(json_path)),
      problem_(std::move(problem)) {}

}  // namespace paybench::reports
