#include "paybench/engine/child_process.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace paybench::engine {
namespace {

std::vector<char*> to_argv(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

std::vector<std::string> current_environment() {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) environment.emplace_back(*entry);
  return environment;
}

int run_self(const std::vector<std::string>& arguments, const std::vector<std::string>& environment) {
  static constexpr const char* kSelf = "/proc/self/exe";

  std::vector<std::string> argv_strings{"paybench"};
  argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
  std::vector<std::string> environment_strings = environment;
  std::vector<char*> argv = to_argv(argv_strings);
  std::vector<char*> envp = to_argv(environment_strings);

  pid_t child = 0;
  const int spawn_error = posix_spawn(&child, kSelf, nullptr, nullptr, argv.data(), envp.data());
  if (spawn_error != 0) {
    throw std::runtime_error(std::string("cannot start ") + kSelf + ": " + std::strerror(spawn_error));
  }

  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      throw std::runtime_error(std::string("waiting for the child process failed: ") +
                               std::strerror(errno));
    }
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 128;
}

}  // namespace paybench::engine
