#include "paybench/engine/child_process.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
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

// Starts `program` (looked up on PATH unless it contains a '/') with `argv_strings`, waits for
// it and returns its exit code, or 128 + the signal number when a signal ended it.
int spawn_and_wait(const std::string& program, std::vector<std::string> argv_strings,
                   const std::vector<std::string>& environment) {
  std::vector<std::string> environment_strings = environment;
  std::vector<char*> argv = to_argv(argv_strings);
  std::vector<char*> envp = to_argv(environment_strings);
  pid_t child = 0;
  const int spawn_error =
      posix_spawnp(&child, program.c_str(), nullptr, nullptr, argv.data(), envp.data());
  if (spawn_error != 0) {
    throw std::runtime_error("cannot start " + program + ": " + std::strerror(spawn_error));
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

}  // namespace

std::vector<std::string> current_environment() {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) environment.emplace_back(*entry);
  return environment;
}

int run_self(const std::vector<std::string>& arguments, const std::vector<std::string>& environment) {
  std::vector<std::string> argv{"paybench"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return spawn_and_wait("/proc/self/exe", std::move(argv), environment);
}

int run_self_under(const std::vector<std::string>& launcher,
                   const std::vector<std::string>& arguments,
                   const std::vector<std::string>& environment) {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw std::runtime_error("cannot find this executable: " + error.message());

  std::vector<std::string> argv = launcher;
  argv.push_back(self.string());
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return spawn_and_wait(launcher.front(), std::move(argv), environment);
}

}  // namespace paybench::engine
