// The error every reader of result files throws for bad input.
#pragma once

#include <stdexcept>
#include <string>

namespace paybench::reports {

// Invalid input: a file that cannot be read, is not JSON, or does not have the expected shape.
// what() reads "<source>: <json path>: <problem>", for example
// "run.json: benchmarks[3].iterations: expected an integer, found string \"many\"".
// what() escapes control characters in every part with escape_control_characters
// (input_text.h), so it is safe to print. The accessors return the parts unchanged.
class InputError : public std::runtime_error {
 public:
  // `json_path` may be empty when the problem concerns the whole input.
  InputError(std::string source, std::string json_path, std::string problem);

  const std::string& source() const noexcept { return source_; }
  const std::string& json_path() const noexcept { return json_path_; }
  const std::string& problem() const noexcept { return problem_; }

 private:
  std::string source_;
  std::string json_path_;
  std::string problem_;
};

}  // namespace paybench::reports
