// Running this executable again as a child process, for the allocator switch.
#pragma once

#include <string>
#include <vector>

namespace paybench::engine {

// Returns this process's environment as NAME=VALUE strings.
std::vector<std::string> current_environment();

// Starts this executable (/proc/self/exe) with `arguments` (without argv[0]) and `environment`,
// waits for it and returns its exit code, or 128 + the signal number when a signal ended it.
// Throws std::runtime_error when the child cannot be started.
int run_self(const std::vector<std::string>& arguments, const std::vector<std::string>& environment);

}  // namespace paybench::engine
