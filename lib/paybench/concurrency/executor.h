// Vocabulary shared by WorkerPool, WorkStealingPool and ThreadPerTaskExecutor, so that workloads
// can drive all three through the same calls and compare their counters.
//
// Every executor has the same contract:
// - `try_submit(task)` never waits for room. It may wait briefly for an internal mutex. It
//   returns kAccepted, kFull when the executor is at its bound (queued tasks for the pools, live
//   threads for ThreadPerTaskExecutor), or kStopped once stop() has begun.
// - `submit(task)` blocks while the executor is full, until there is room or stop() begins.
//   It returns kAccepted or kStopped, never kFull.
// - Everything the submitting thread wrote before an accepting submit call happens-before the
//   task starts to run.
// - A task that throws is caught and counted in `failed`. The exception is discarded and the
//   worker thread goes on with the next task.
// - `stop(mode)` rejects new tasks, then joins every thread. kDrain runs each accepted task
//   first, kCancel destroys the queued tasks unrun. Running tasks always finish, because there is
//   no way to interrupt a std::function. stop() is idempotent and must not be called from one of
//   the executor's own tasks, which would wait for itself.
// - The destructor calls stop(StopMode::kDrain).

#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

namespace paybench {

// A unit of work. std::function needs a copyable callable, so move-only captures such as
// std::unique_ptr must be wrapped (for example in a std::shared_ptr).
using Task = std::function<void()>;

enum class SubmitResult {
  kAccepted,  // The task will run, unless stop(StopMode::kCancel) removes it while queued.
  kFull,      // The executor is at its bound. Only try_submit returns this.
  kStopped,   // stop() has begun, so the task was destroyed unrun.
};

enum class StopMode {
  kDrain,   // Run every accepted task, then join the threads.
  kCancel,  // Destroy the queued tasks unrun, let running tasks finish, then join the threads.
};

[[nodiscard]] constexpr std::string_view to_string(SubmitResult result) noexcept {
  switch (result) {
    case SubmitResult::kAccepted:
      return "accepted";
    case SubmitResult::kFull:
      return "full";
    case SubmitResult::kStopped:
      return "stopped";
  }
  return "unknown";
}

// A snapshot of an executor's counters. While tasks run, each field is exact on its own but the
// fields may come from slightly different moments. After stop() returns,
// submitted == completed + cancelled.
struct ExecutorCounters {
  // Tasks accepted by submit or try_submit.
  std::uint64_t submitted = 0;
  // Calls that returned kFull or kStopped.
  std::uint64_t rejected = 0;
  // Accepted tasks that ran, whether they returned or threw.
  std::uint64_t completed = 0;
  // The completed tasks that threw an exception.
  std::uint64_t failed = 0;
  // Accepted tasks that stop(StopMode::kCancel) destroyed unrun.
  std::uint64_t cancelled = 0;
};

namespace detail {

// Runs task and destroys it. Returns false when the task threw. The exception is discarded,
// as the executor contract above states, so that one bad task cannot take a worker thread away
// from every later task.
[[nodiscard]] inline bool run_task_and_destroy(Task& task) noexcept {
  bool returned = true;
  try {
    task();
  } catch (...) {
    returned = false;
  }
  // NOTE: a destructor of a captured object that throws still terminates the program, because
  // this function is noexcept.
  task = nullptr;
  return returned;
}

}  // namespace detail

}  // namespace paybench
