// The measured loop shared by the executor workloads: the benchmark thread submits a batch of
// small tasks to an executor, then waits until every task of the batch has run.
//
// One batch is one round of keep_running_batch(kTasksPerBatch), so times are per task and
// items_per_second is tasks per second. Both include the hand-off to a worker, and the wake-up
// of the waiting benchmark thread at the end of each batch, once per kTasksPerBatch tasks.
// The executor is created before the loop and stopped after it, so thread start-up is not
// measured, except for ThreadPerTaskExecutor, whose thread per task is the cost it stands for.
//
// A task optionally spins on arithmetic for about `work_ns` nanoseconds (calibrated once per
// process), then counts itself in a shared atomic. The task that completes a batch wakes the
// benchmark thread, which sleeps on a condition variable meanwhile instead of taking a core
// from the workers. A task captures one pointer, which libstdc++'s std::function stores without
// allocating.
//
// NOTE: allocs_per_op counts the benchmark thread only (task objects, deque blocks, std::thread
// state). Allocations made on the executors' own threads are not visible to the workload.
//
// Every run checks that each accepted task ran exactly once, by count: the tasks' own count, the
// executor's counters and the submitter's tally must agree. A batch that does not complete
// within kBatchTimeout fails its benchmark with an error instead of hanging the run.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "support/completion_counter.h"
#include "paybench/concurrency/executor.h"
#include "paybench/engine/state.h"

namespace paybench::workloads {

inline constexpr std::int64_t kTasksPerBatch = 1024;

// A batch of 1024 tasks takes at most an estimated 100 ms even on ThreadPerTaskExecutor, so a
// batch still incomplete after this long has lost a task.
inline constexpr auto kBatchTimeout = std::chrono::seconds(10);

// The call with which the benchmark thread hands a task over.
enum class SubmitMode {
  kBlocking,        // submit(), which waits while the executor is full
  kTryWithRetries,  // try_submit(); on kFull, count a rejection, yield and retry the same task
};

namespace detail {

// Runs `iterations` steps of a 64-bit linear congruential generator, a chain of dependent
// multiply-adds that the compiler can neither vectorize nor skip, and returns the final state.
inline std::uint64_t spin(std::uint64_t iterations) {
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  for (std::uint64_t i = 0; i < iterations; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    benchmark::DoNotOptimize(state);
  }
  return state;
}

// Returns the spin() iterations that take about `work_ns` on this machine. The rate is measured
// once per process, as the fastest of several timed runs, so that a preempted run does not
// skew it.
inline std::uint64_t spin_iterations_for(std::int64_t work_ns) {
  static const double iterations_per_ns = [] {
    constexpr std::uint64_t kCalibrationIterations = 1 << 16;
    constexpr int kCalibrationRuns = 7;
    auto fastest = std::chrono::nanoseconds::max();
    for (int run = 0; run < kCalibrationRuns; ++run) {
      const auto start = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(spin(kCalibrationIterations));
      fastest = std::min(fastest, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      std::chrono::steady_clock::now() - start));
    }
    return static_cast<double>(kCalibrationIterations) /
           static_cast<double>(std::max<std::int64_t>(fastest.count(), 1));
  }();
  return static_cast<std::uint64_t>(static_cast<double>(work_ns) * iterations_per_ns);
}


// State shared by every task of a run: the spin length and the completion count.
struct TaskContext {
  std::uint64_t spin_iterations = 0;
  CompletionCounter completion;
};

// Returns a task that spins, then counts itself. Its capture is one pointer, so std::function
// keeps it inline.
inline Task make_task(TaskContext* context) {
  return [context] {
    if (context->spin_iterations != 0) benchmark::DoNotOptimize(spin(context->spin_iterations));
    context->completion.add_one();
  };
}

// Returns an error message when the counts show a task lost, run twice, failed, or rejected
// without the submitter knowing. Returns an empty string when they agree.
inline std::string check_counts(const ExecutorCounters& counters, std::uint64_t accepted,
                                std::uint64_t rejected, std::uint64_t finished) {
  const bool each_task_ran_once = finished == accepted && counters.submitted == accepted &&
                                  counters.completed == accepted;
  if (!each_task_ran_once) {
    return "tasks did not run exactly once: accepted " + std::to_string(accepted) +
           ", executor submitted " + std::to_string(counters.submitted) + ", executor completed " +
           std::to_string(counters.completed) + ", tasks counted " + std::to_string(finished);
  }
  if (counters.failed != 0 || counters.cancelled != 0) {
    return "tasks failed or were cancelled: failed " + std::to_string(counters.failed) +
           ", cancelled " + std::to_string(counters.cancelled) + ", expected 0 of each";
  }
  if (counters.rejected != rejected) {
    return "the executor counted " + std::to_string(counters.rejected) +
           " rejections, the submitter " + std::to_string(rejected);
  }
  return {};
}

}  // namespace detail

// Returns the `workers` parameter, or std::nullopt after failing the benchmark with an error
// when it is below 1.
inline std::optional<std::size_t> workers_param(engine::State& state) {
  const std::int64_t workers = state.param("workers");
  if (workers < 1) {
    state.skip_with_error("workers = " + std::to_string(workers) + " is invalid: pass at least 1");
    return std::nullopt;
  }
  return static_cast<std::size_t>(workers);
}

// Runs batches of tasks through `executor`, which was created for this run and is stopped
// here. Reports tasks/s as items_per_second and, for kTryWithRetries, the counter
// rejected_per_task: try_submit calls that returned kFull, per task.
template <class Executor>
void run_task_batches(engine::State& state, Executor& executor, SubmitMode mode) {
  const std::int64_t work_ns = state.param("work_ns");
  if (work_ns < 0) {
    executor.stop(StopMode::kDrain);
    state.skip_with_error("work_ns = " + std::to_string(work_ns) +
                          " is invalid: pass 0 or a positive number of nanoseconds");
    return;
  }

  detail::TaskContext context;
  context.spin_iterations = detail::spin_iterations_for(work_ns);
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  std::string error;

  // After skip_with_error the next keep_running_batch() returns false and stops the timer.
  while (state.keep_running_batch(kTasksPerBatch)) {
    context.completion.set_target(accepted + static_cast<std::uint64_t>(kTasksPerBatch));

    for (std::int64_t i = 0; i < kTasksPerBatch && error.empty(); ++i) {
      SubmitResult result = SubmitResult::kFull;
      if (mode == SubmitMode::kBlocking) {
        result = executor.submit(detail::make_task(&context));
      } else {
        result = executor.try_submit(detail::make_task(&context));
        while (result == SubmitResult::kFull) {
          ++rejected;
          std::this_thread::yield();
          result = executor.try_submit(detail::make_task(&context));
        }
      }
      if (result == SubmitResult::kAccepted) {
        ++accepted;
      } else {
        error = "the executor rejected a task with '" + std::string(to_string(result)) +
                "' while running";
      }
    }

    if (error.empty() && !context.completion.wait_for_target(kBatchTimeout)) {
      error = "a batch did not complete within 10 s: " +
              std::to_string(context.completion.finished()) + " of " + std::to_string(accepted) +
              " accepted tasks finished";
    }
    if (!error.empty()) state.skip_with_error(error);
  }

  // Stopping joins the workers, so the counts below are final.
  executor.stop(StopMode::kDrain);
  if (!error.empty()) return;

  error = detail::check_counts(executor.counters(), accepted, rejected,
                               context.completion.finished());
  if (!error.empty()) {
    state.skip_with_error(error);
    return;
  }

  state.set_items_processed(state.iterations());
  if (mode == SubmitMode::kTryWithRetries) {
    state.counters()["rejected_per_task"] = benchmark::Counter(
        static_cast<double>(rejected), benchmark::Counter::kAvgIterations);
  }
}

}  // namespace paybench::workloads
