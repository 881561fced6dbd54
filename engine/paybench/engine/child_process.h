// Running child processes: this executable again (under another allocator, another profiler
// setting or valgrind, or for one workload of a run), with an optional time limit.
//
// Every child starts in a process group of its own, so that a Ctrl-C at the terminal reaches
// only the paybench the user started, and a time limit can kill the child together with any
// process it started. While it waits, the parent forwards an interruption request (see
// interruption.h) to the child's group, which then stops as the parent does.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace paybench::engine {

// The environment variable that gives every child paybench its parent's process id, for
// end_with_parent().
inline constexpr const char* kParentPidVariable = "PAYBENCH_PARENT_PID";

struct ChildLimits {
  // How long the child may run before its process group is killed with SIGKILL; or nullopt for no
  // limit.
  std::optional<std::chrono::duration<double>> time_limit;
  // How long the child may go on after an interruption request was forwarded to it before its
  // process group is killed, or nullopt to wait for it however long it takes.
  std::optional<std::chrono::duration<double>> interruption_grace;
};

// The end of a child process: its exit code, the signal that killed it, or a timeout.
struct ChildExit {
  enum class Reason {
    kExited,    // it returned from main or called exit(): see exit_code
    kSignaled,  // a signal ended it: see signal
    kTimedOut,  // its time limit or interruption grace passed and its process group was killed
  };
  pid_t pid = 0;  // the child's process id, which was also its process group's id
  Reason reason = Reason::kExited;
  int exit_code = 0;         // for kExited
  int signal = 0;            // for kSignaled
  bool interrupted = false;  // whether an interruption request was forwarded to it
  std::chrono::duration<double> elapsed{0};

  // Returns the code a shell reports: the exit code, or 128 + the signal number (SIGKILL for
  // kTimedOut).
  int shell_exit_code() const;
};

// Returns this process's environment as NAME=VALUE strings.
std::vector<std::string> current_environment();

// Starts `program` (looked up on PATH unless it contains a '/') with `argv` (argv[0] included)
// and `environment` in a new process group, and waits for it within `limits`. Throws
// std::runtime_error when the child cannot be started or waited for.
ChildExit run_process(const std::string& program, const std::vector<std::string>& argv,
                      const std::vector<std::string>& environment, const ChildLimits& limits);

// Starts this executable (/proc/self/exe) with `arguments` (without argv[0]) and `environment`
// plus kParentPidVariable, under `launcher` when it is not empty (a program looked up on PATH,
// then its options, such as valgrind's), and waits for it within `limits`. Throws
// std::runtime_error when the child cannot be started.
ChildExit run_self_with_limits(const std::vector<std::string>& launcher,
                               const std::vector<std::string>& arguments,
                               const std::vector<std::string>& environment,
                               const ChildLimits& limits);

// Starts this executable with `arguments` and `environment`, waits for it without a time limit
// and returns ChildExit::shell_exit_code(). Throws std::runtime_error when it cannot start.
int run_self(const std::vector<std::string>& arguments,
             const std::vector<std::string>& environment);

// As run_self(), under `launcher` (a program looked up on PATH, then its options).
int run_self_under(const std::vector<std::string>& launcher,
                   const std::vector<std::string>& arguments,
                   const std::vector<std::string>& environment);

// In a child that a paybench started (kParentPidVariable is set): requests that the kernel kill
// this process with SIGKILL when the parent ends, and ends it at once if the parent has ended
// already, so that a `kill -9` of the parent leaves no measuring process behind. Does nothing
// in a process that no paybench started.
void end_with_parent();

}  // namespace paybench::engine
