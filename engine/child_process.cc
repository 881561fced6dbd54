#include "paybench/engine/child_process.h"

#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "paybench/engine/interruption.h"

extern char** environ;

namespace paybench::engine {
namespace {

using Clock = std::chrono::steady_clock;

// How often the wait loop checks the child, the time limit and interruption requests. A signal
// that this thread receives ends the sleep early, and one that another thread receives is seen at
// the next check.
constexpr std::chrono::milliseconds kPollInterval{20};

std::vector<char*> to_argv(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

[[noreturn]] void throw_system_error(const std::string& what, int error) {
  throw std::runtime_error(what + ": " + std::strerror(error));
}

pid_t spawn_in_new_process_group(const std::string& program, std::vector<std::string> argv_strings,
                                 std::vector<std::string> environment_strings) {
  std::vector<char*> argv = to_argv(argv_strings);
  std::vector<char*> envp = to_argv(environment_strings);

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);  // a new group, whose id is the child's pid

  pid_t child = 0;
  const int spawn_error =
      posix_spawnp(&child, program.c_str(), nullptr, &attributes, argv.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  if (spawn_error != 0) throw_system_error("cannot start " + program, spawn_error);
  return child;
}

// Returns whether `child` has ended, without reaping it: its process id, and so its group id,
// stays reserved until waitpid(), so a signal sent to the group cannot reach a stranger.
bool has_ended(pid_t child) {
  siginfo_t info{};
  info.si_pid = 0;
  const int result = ::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOHANG | WNOWAIT);
  if (result < 0) {
    if (errno == EINTR) return false;
    throw_system_error("waiting for the child process failed", errno);
  }
  return info.si_pid == child;
}

int reap(pid_t child) {
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) throw_system_error("waiting for the child process failed", errno);
  }
  return status;
}

void sleep_for(std::chrono::nanoseconds duration) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration);
  timespec request{};
  request.tv_sec = static_cast<time_t>(seconds.count());
  request.tv_nsec = static_cast<long>((duration - seconds).count());
  ::nanosleep(&request, nullptr);  // an early return on a signal is what the caller wants
}

}  // namespace

int ChildExit::shell_exit_code() const {
  switch (reason) {
    case Reason::kExited:
      return exit_code;
    case Reason::kSignaled:
      return 128 + signal;
    case Reason::kTimedOut:
      return 128 + SIGKILL;
  }
  return 128;
}

std::vector<std::string> current_environment() {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) environment.emplace_back(*entry);
  return environment;
}

ChildExit run_process(const std::string& program, const std::vector<std::string>& argv,
                      const std::vector<std::string>& environment, const ChildLimits& limits) {
  const Clock::time_point started = Clock::now();
  const pid_t child = spawn_in_new_process_group(program, argv, environment);
  set_interruptible_child_group(child);

  std::optional<Clock::time_point> deadline;
  if (limits.time_limit) {
    deadline = started + std::chrono::duration_cast<Clock::duration>(*limits.time_limit);
  }
  ChildExit exit;
  exit.pid = child;
  bool killed = false;
  while (!has_ended(child)) {
    const Clock::time_point now = Clock::now();

    // Forward the request once, with the signal this process received.
    const int request = interruption_signal();
    if (request != 0 && !exit.interrupted) {
      exit.interrupted = true;
      ::kill(-child, request);
      if (limits.interruption_grace) {
        const Clock::time_point grace_end =
            now + std::chrono::duration_cast<Clock::duration>(*limits.interruption_grace);
        deadline = deadline ? std::min(*deadline, grace_end) : grace_end;
      }
    }

    const bool past_deadline = deadline && now >= *deadline;
    if (past_deadline && !killed) {
      ::kill(-child, SIGKILL);
      killed = true;
    }
    sleep_for(kPollInterval);
  }

  set_interruptible_child_group(0);
  const int status = reap(child);
  exit.elapsed = Clock::now() - started;

  // A child that ended on its own just before the kill keeps its own ending.
  const bool killed_by_limit = killed && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  if (killed_by_limit) {
    exit.reason = ChildExit::Reason::kTimedOut;
  } else if (WIFEXITED(status)) {
    exit.reason = ChildExit::Reason::kExited;
    exit.exit_code = WEXITSTATUS(status);
  } else {
    exit.reason = ChildExit::Reason::kSignaled;
    exit.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
  return exit;
}

ChildExit run_self_with_limits(const std::vector<std::string>& launcher,
                               const std::vector<std::string>& arguments,
                               const std::vector<std::string>& environment,
                               const ChildLimits& limits) {
  std::vector<std::string> child_environment = environment;
  const std::string parent_prefix = std::string(kParentPidVariable) + "=";
  std::erase_if(child_environment,
                [&](const std::string& entry) { return entry.starts_with(parent_prefix); });
  child_environment.push_back(parent_prefix + std::to_string(::getpid()));

  if (launcher.empty()) {
    std::vector<std::string> argv{"paybench"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    return run_process("/proc/self/exe", argv, child_environment, limits);
  }

  // The launcher needs a path it can open itself, not this process's /proc/self.
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw std::runtime_error("cannot find this executable: " + error.message());
  std::vector<std::string> argv = launcher;
  argv.push_back(self.string());
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return run_process(launcher.front(), argv, child_environment, limits);
}

int run_self(const std::vector<std::string>& arguments,
             const std::vector<std::string>& environment) {
  return run_self_with_limits({}, arguments, environment, {}).shell_exit_code();
}

int run_self_under(const std::vector<std::string>& launcher,
                   const std::vector<std::string>& arguments,
                   const std::vector<std::string>& environment) {
  return run_self_with_limits(launcher, arguments, environment, {}).shell_exit_code();
}

void end_with_parent() {
  const char* text = std::getenv(kParentPidVariable);
  if (text == nullptr) return;
  pid_t parent = 0;
  const char* end = text + std::strlen(text);
  const auto [parsed_end, error] = std::from_chars(text, end, parent);
  if (error != std::errc() || parsed_end != end || parent <= 0) return;

  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The parent may have ended before the request above took effect.
  if (::getppid() != parent) ::raise(SIGKILL);
}

}  // namespace paybench::engine
