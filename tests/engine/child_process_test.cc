#include "paybench/engine/child_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace paybench::engine {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

ChildExit run_shell(const std::string& script, const ChildLimits& limits = {}) {
  return run_process("/bin/sh", {"sh", "-c", script}, current_environment(), limits);
}

// Returns whether `pid` has ended. A zombie whose parent has not reaped it has ended too.
bool process_has_ended(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const std::size_t after_name = text.rfind(')');
  return after_name == std::string::npos || text.substr(after_name + 2, 1) == "Z";
}

TEST(ChildProcess, ReportsExitCode) {
  const ChildExit exit = run_shell("exit 3");

  EXPECT_EQ(exit.reason, ChildExit::Reason::kExited);
  EXPECT_EQ(exit.exit_code, 3);
  EXPECT_EQ(exit.shell_exit_code(), 3);
  EXPECT_FALSE(exit.interrupted);
  EXPECT_GT(exit.pid, 0);
}

TEST(ChildProcess, ReportsSignal) {
  const ChildExit exit = run_shell("kill -SEGV $$");

  EXPECT_EQ(exit.reason, ChildExit::Reason::kSignaled);
  EXPECT_EQ(exit.signal, SIGSEGV);
  EXPECT_EQ(exit.shell_exit_code(), 128 + SIGSEGV);
}

TEST(ChildProcess, RunsInProcessGroupOfItsOwn) {
  const fs::path output =
      fs::temp_directory_path() / ("paybench_child_group_" + std::to_string(::getpid()));

  // The fifth field of /proc/PID/stat is the process group, and the name "(sh)" has no space.
  const ChildExit exit = run_shell("cut -d' ' -f5 /proc/$$/stat > " + output.string());

  ASSERT_EQ(exit.reason, ChildExit::Reason::kExited);
  std::ifstream file(output);
  pid_t group = 0;
  file >> group;
  fs::remove(output);
  EXPECT_EQ(group, exit.pid);
  EXPECT_NE(group, ::getpgrp());
}

TEST(ChildProcess, TimeLimitKillsProcessGroup) {
  const fs::path output =
      fs::temp_directory_path() / ("paybench_child_limit_" + std::to_string(::getpid()));

  // The shell starts a grandchild in its group, records its pid and waits for it.
  const ChildExit exit =
      run_shell("sleep 60 & echo $! > " + output.string() + "; wait", {.time_limit = 300ms});

  EXPECT_EQ(exit.reason, ChildExit::Reason::kTimedOut);
  EXPECT_EQ(exit.shell_exit_code(), 128 + SIGKILL);
  EXPECT_LT(exit.elapsed, 30s) << "the time limit did not stop the child";
  std::ifstream file(output);
  pid_t grandchild = 0;
  file >> grandchild;
  fs::remove(output);
  ASSERT_GT(grandchild, 0);
  // The grandchild's new parent reaps it at its own pace.
  for (int attempt = 0; attempt < 100 && !process_has_ended(grandchild); ++attempt) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(process_has_ended(grandchild));
}

TEST(ChildProcess, FinishesWithinTimeLimit) {
  const ChildExit exit = run_shell("exit 0", {.time_limit = 60s});

  EXPECT_EQ(exit.reason, ChildExit::Reason::kExited);
  EXPECT_EQ(exit.exit_code, 0);
}

TEST(ChildProcess, MissingProgramThrowsWithName) {
  try {
    run_process("paybench-no-such-program", {"paybench-no-such-program"}, current_environment(),
                {});
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("paybench-no-such-program"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace paybench::engine
