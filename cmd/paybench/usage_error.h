// An error in what the user asked for. main() prints it and exits with kExitUsageError.
#pragma once

#include <stdexcept>
#include <string>

namespace paybench::cli {

class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace paybench::cli
