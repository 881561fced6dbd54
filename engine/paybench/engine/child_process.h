// Running this executable again as a child process: under another allocator, another
// profiler setting or valgrind.
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

// Starts `launcher` (a program looked up on PATH, then its arguments) with the path of this
// executable and `arguments` appended, such as valgrind and its options, waits for it and
// returns its exit code as run_self() does. Throws std::runtime_error when it cannot start.
int run_self_under(const std::vector<std::string>& launcher,
                   const std::vector<std::string>& arguments,
                   const std::vector<std::string>& environment);

}  // namespace paybench::engine
