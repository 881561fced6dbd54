// executors/small_tasks: the cost of running a small task on an executor, per task.
//
// The benchmark thread submits batches of 1024 tasks with the blocking submit() and waits for
// each batch to finish (see task_batches.h). The pools' queues hold a whole batch, and a batch
// starts only once the previous one has finished, so submit() never waits for room there,
// whereas ThreadPerTaskExecutor waits whenever `workers` tasks are
// running, which is its bound. A task does no work (work_ns:0), so the time is the executor's
// overhead, or spins for about a microsecond (work_ns:1000), a typical small unit of work.
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

constexpr auto kQueueCapacity = static_cast<std::size_t>(workloads::kTasksPerBatch);

void run_thread_per_task(State& state) {
  const std::optional<std::size_t> workers = workloads::workers_param(state);
  if (!workers) return;
  paybench::ThreadPerTaskExecutor executor(*workers);
  workloads::run_task_batches(state, executor, workloads::SubmitMode::kBlocking);
}

void run_worker_pool(State& state) {
  const std::optional<std::size_t> workers = workloads::workers_param(state);
  if (!workers) return;
  paybench::WorkerPool executor(*workers, kQueueCapacity);
  workloads::run_task_batches(state, executor, workloads::SubmitMode::kBlocking);
}

void run_work_stealing_pool(State& state) {
  const std::optional<std::size_t> workers = workloads::workers_param(state);
  if (!workers) return;
  paybench::WorkStealingPool executor(*workers, kQueueCapacity);
  workloads::run_task_batches(state, executor, workloads::SubmitMode::kBlocking);
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "executors",
    .name = "small_tasks",
    .description = "Batches of small tasks submitted to an executor; time per task, tasks/s",
    .parameters = {{"work_ns", {0, 1000}, "busy work per task, in nanoseconds"},
                   {"workers", {2}, "worker threads of the pools"}},
    .threads = {1},
    .variants = {{"thread_per_task", "ThreadPerTaskExecutor: a new thread per task, at most "
                                     "`workers` at once",
                  &run_thread_per_task},
                 {"worker_pool", "WorkerPool: one queue under one mutex", &run_worker_pool},
                 {"work_stealing_pool", "WorkStealingPool: a deque per worker, idle workers steal",
                  &run_work_stealing_pool}},
    .baseline = "thread_per_task",
    .min_repetitions = 9,
}};

}  // namespace
