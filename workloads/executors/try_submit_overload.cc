// executors/try_submit_overload: try_submit against an executor that is often full.
//
// The benchmark thread submits batches of 1024 tasks with try_submit() and waits for each batch
// to finish (see task_batches.h). The pools have a queue of 64 tasks, so a submitter that is
// faster than the workers finds them full. ThreadPerTaskExecutor is full whenever `workers` tasks
// are running. On kFull the submitter counts a rejection, yields and retries the same task, so
// every task still runs. rejected_per_task is the rejections per task. It depends on this retry
// policy as much as on the executor, because a yield that returns sooner finds the executor
// still full more often.
#include <cstddef>
#include <optional>

#include "paybench/concurrency/thread_per_task_executor.h"
#include "paybench/concurrency/work_stealing_pool.h"
#include "paybench/concurrency/worker_pool.h"
#include "paybench/engine/workload.h"
#include "task_batches.h"

namespace {

using paybench::engine::State;
namespace workloads = paybench::workloads;

// Small enough that a submitter outruns the workers within a batch.
constexpr std::size_t kQueueCapacity = 64;

void run_thread_per_task(State& state) {
  const std::optional<std::size_t> workers = workloads::workers_param(state);
  if (!workers) return;
  paybench::ThreadPerTaskExecutor executor(*workers);
  workloads::run_task_batches(state, executor, workloads::SubmitMode::kTryWithRetries);
}

void run_worker_pool(State& state) {
  const std::optional<std::size_t> workers = workloads::workers_param(state);
  if (!workers) return;
  paybench::WorkerPool executor(*workers, kQueueCapacity);
  workloads::run_task_batches(state, executor, workloads::SubmitMode::kTryWithRetries);
}

void run_work_stealing_pool(State& state) {
  const std::optional<std::size_t> workers = workloads::workers_param(state);
  if (!workers) return;
  paybench::WorkStealingPool executor(*workers, kQueueCapacity);
  workloads::run_task_batches(state, executor, workloads::SubmitMode::kTryWithRetries);
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "executors",
    .name = "try_submit_overload",
    .description = "try_submit with retries into a 64-task queue; time per task, rejected_per_task",
    .parameters = {{"work_ns", {0, 1000}, "busy work per task, in nanoseconds"},
                   {"workers", {2}, "worker threads of the pools"}},
    .threads = {1},
    .variants = {{"thread_per_task", "ThreadPerTaskExecutor: full at `workers` running tasks",
                  &run_thread_per_task},
                 {"worker_pool", "WorkerPool: one 64-task queue under one mutex",
                  &run_worker_pool},
                 {"work_stealing_pool", "WorkStealingPool: 64 queued tasks across the deques",
                  &run_work_stealing_pool}},
    .baseline = "thread_per_task",
    .min_repetitions = 9,
}};

}  // namespace
