// Contract tests shared by the two thread pools, WorkerPool and WorkStealingPool, which take the
// same constructor arguments (worker_count, queue_capacity). Each pool's test file instantiates
// the suite with INSTANTIATE_TYPED_TEST_SUITE_P.

#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "paybench/concurrency/executor.h"

namespace paybench::testing {

// Spins until condition() holds. Tests use it to wait for a state that another thread will
// reach, never to wait for time to pass.
template <class Condition>
void wait_until(Condition condition) {
  while (!condition()) {
    std::this_thread::yield();
  }
}

// A task that blocks its worker until the test releases it, so tests can fill the queue behind
// it. The destructor releases it too, so a test that fails early still lets the pool drain
// instead of hanging. Declare it after the pool, so that it is destroyed first.
class BlockingTask {
 public:
  BlockingTask() = default;
  BlockingTask(const BlockingTask&) = delete;
  BlockingTask& operator=(const BlockingTask&) = delete;
  ~BlockingTask() { release(); }

  // Returns the task to submit. The task shares the flags, so it may outlive this object.
  [[nodiscard]] Task make() const {
    return [flags = flags_] {
      flags->started.store(true);
      flags->started.notify_all();
      flags->released.wait(false);
    };
  }

  void wait_started() const { flags_->started.wait(false); }

  void release() {
    flags_->released.store(true);
    flags_->released.notify_all();
  }

 private:
  struct Flags {
    std::atomic<bool> started{false};
    std::atomic<bool> released{false};
  };
  std::shared_ptr<Flags> flags_ = std::make_shared<Flags>();
};

template <class Pool>
class PoolContractTest : public ::testing::Test {};

TYPED_TEST_SUITE_P(PoolContractTest);

TYPED_TEST_P(PoolContractTest, DrainRunsEveryTaskOnce) {
  constexpr std::size_t kTaskCount = 1000;
  std::vector<std::atomic<int>> runs(kTaskCount);

  TypeParam pool(2, 16);
  for (std::size_t i = 0; i < kTaskCount; ++i) {
    ASSERT_EQ(pool.submit([&runs, i] { runs[i].fetch_add(1, std::memory_order_relaxed); }),
              SubmitResult::kAccepted);
  }
  pool.stop(StopMode::kDrain);

  for (std::size_t i = 0; i < kTaskCount; ++i) {
    ASSERT_EQ(runs[i].load(), 1) << "task " << i;
  }
  const ExecutorCounters counters = pool.counters();
  EXPECT_EQ(counters.submitted, kTaskCount);
  EXPECT_EQ(counters.completed, kTaskCount);
  EXPECT_EQ(counters.rejected, 0U);
  EXPECT_EQ(counters.cancelled, 0U);
  EXPECT_EQ(counters.failed, 0U);
}

TYPED_TEST_P(PoolContractTest, TrySubmitOnFullQueueIsRejected) {
  TypeParam pool(1, 2);
  BlockingTask blocker;
  ASSERT_EQ(pool.try_submit(blocker.make()), SubmitResult::kAccepted);
  blocker.wait_started();

  std::atomic<int> runs{0};
  const Task count_run = [&runs] { runs.fetch_add(1); };
  EXPECT_EQ(pool.try_submit(count_run), SubmitResult::kAccepted);
  EXPECT_EQ(pool.try_submit(count_run), SubmitResult::kAccepted);
  EXPECT_EQ(pool.try_submit(count_run), SubmitResult::kFull);
  EXPECT_EQ(pool.counters().rejected, 1U);

  blocker.release();
  pool.stop(StopMode::kDrain);
  EXPECT_EQ(runs.load(), 2);
  EXPECT_EQ(pool.counters().submitted, 3U);
  EXPECT_EQ(pool.counters().completed, 3U);
}

TYPED_TEST_P(PoolContractTest, SubmitAfterStopIsRejected) {
  TypeParam pool(2, 4);
  pool.stop(StopMode::kDrain);

  bool ran = false;
  EXPECT_EQ(pool.try_submit([&ran] { ran = true; }), SubmitResult::kStopped);
  EXPECT_EQ(pool.submit([&ran] { ran = true; }), SubmitResult::kStopped);

  EXPECT_FALSE(ran);
  EXPECT_EQ(pool.counters().rejected, 2U);
  EXPECT_EQ(pool.counters().submitted, 0U);
}

TYPED_TEST_P(PoolContractTest, CancelSkipsQueuedTask) {
  TypeParam pool(1, 5);
  BlockingTask running;
  std::atomic<bool> queued_task_ran{false};

  ASSERT_EQ(pool.submit(running.make()), SubmitResult::kAccepted);
  running.wait_started();
  ASSERT_EQ(pool.submit([&queued_task_ran] { queued_task_ran = true; }),
            SubmitResult::kAccepted);

  std::thread stopper([&pool] { pool.stop(StopMode::kCancel); });
  // The running task is still blocked, so the worker cannot take the queued task before stop()
  // cancels it.
  wait_until([&pool] { return pool.counters().cancelled == 1; });
  running.release();
  stopper.join();

  EXPECT_FALSE(queued_task_ran.load());
  const ExecutorCounters counters = pool.counters();
  EXPECT_EQ(counters.submitted, 2U);
  EXPECT_EQ(counters.completed, 1U);
  EXPECT_EQ(counters.cancelled, 1U);
}

TYPED_TEST_P(PoolContractTest, StopWakesBlockedSubmitter) {
  TypeParam pool(1, 1);
  BlockingTask running;
  ASSERT_EQ(pool.submit(running.make()), SubmitResult::kAccepted);
  running.wait_started();
  ASSERT_EQ(pool.try_submit([] {}), SubmitResult::kAccepted);

  // The queue is full and the worker blocked, so this submit can return only because of stop().
  SubmitResult blocked_result = SubmitResult::kAccepted;
  std::thread submitter([&] { blocked_result = pool.submit([] {}); });
  std::thread stopper([&pool] { pool.stop(StopMode::kCancel); });
  submitter.join();
  EXPECT_EQ(blocked_result, SubmitResult::kStopped);

  running.release();
  stopper.join();
  EXPECT_EQ(pool.counters().submitted, pool.counters().completed + pool.counters().cancelled);
}

TYPED_TEST_P(PoolContractTest, SubmitWaitsForRoom) {
  TypeParam pool(1, 1);
  BlockingTask running;
  ASSERT_EQ(pool.submit(running.make()), SubmitResult::kAccepted);
  running.wait_started();
  ASSERT_EQ(pool.try_submit([] {}), SubmitResult::kAccepted);

  std::atomic<bool> submit_returned{false};
  std::thread submitter([&] {
    EXPECT_EQ(pool.submit([] {}), SubmitResult::kAccepted);
    submit_returned = true;
  });
  // Not a timing assertion: while the worker is blocked there is no room, so submit cannot
  // have returned however long this thread took to get here.
  EXPECT_FALSE(submit_returned.load());

  running.release();
  submitter.join();
  pool.stop(StopMode::kDrain);
  EXPECT_EQ(pool.counters().completed, 3U);
}

TYPED_TEST_P(PoolContractTest, ThrowingTaskDoesNotKillWorker) {
  TypeParam pool(1, 4);
  std::atomic<bool> later_task_ran{false};
  ASSERT_EQ(pool.submit([] { throw std::runtime_error("task failure"); }),
            SubmitResult::kAccepted);
  ASSERT_EQ(pool.submit([] { throw 42; }), SubmitResult::kAccepted);
  ASSERT_EQ(pool.submit([&later_task_ran] { later_task_ran = true; }), SubmitResult::kAccepted);
  pool.stop(StopMode::kDrain);

  EXPECT_TRUE(later_task_ran.load());
  EXPECT_EQ(pool.counters().failed, 2U);
  EXPECT_EQ(pool.counters().completed, 3U);
}

TYPED_TEST_P(PoolContractTest, StopTwiceAndConcurrently) {
  TypeParam pool(2, 8);
  std::atomic<int> runs{0};
  for (int i = 0; i < 8; ++i) {
    ASSERT_EQ(pool.submit([&runs] { runs.fetch_add(1); }), SubmitResult::kAccepted);
  }

  std::thread other_stopper([&pool] { pool.stop(StopMode::kDrain); });
  pool.stop(StopMode::kDrain);
  other_stopper.join();
  pool.stop(StopMode::kCancel);

  EXPECT_EQ(runs.load(), 8);
  EXPECT_EQ(pool.counters().completed, 8U);
}

TYPED_TEST_P(PoolContractTest, TaskCanSubmitMoreTasks) {
  constexpr int kChildCount = 10;
  TypeParam pool(2, 32);
  std::atomic<int> child_runs{0};
  std::atomic<int> child_rejections{0};

  ASSERT_EQ(pool.submit([&] {
              for (int i = 0; i < kChildCount; ++i) {
                if (pool.try_submit([&child_runs] { child_runs.fetch_add(1); }) !=
                    SubmitResult::kAccepted) {
                  child_rejections.fetch_add(1);
                }
              }
            }),
            SubmitResult::kAccepted);
  // The parent may still be submitting, so wait for it before stopping: stop() rejects later
  // submissions.
  wait_until([&pool] { return pool.counters().submitted == kChildCount + 1; });
  pool.stop(StopMode::kDrain);

  EXPECT_EQ(child_rejections.load(), 0);
  EXPECT_EQ(child_runs.load(), kChildCount);
}

// Two submitters race each other and the workers. Each task reads a plain (non-atomic) input
// that its submitter wrote just before submitting and writes a plain output, so ThreadSanitizer
// reports a race unless submit -> task -> stop() are ordered as the executor contract requires.
TYPED_TEST_P(PoolContractTest, TwoSubmittersStress) {
  constexpr std::size_t kTasksPerSubmitter = 5000;
  constexpr std::size_t kSubmitterCount = 2;
  std::vector<std::vector<std::uint64_t>> inputs(kSubmitterCount,
                                                 std::vector<std::uint64_t>(kTasksPerSubmitter));
  std::vector<std::vector<std::uint64_t>> outputs(kSubmitterCount,
                                                  std::vector<std::uint64_t>(kTasksPerSubmitter));

  TypeParam pool(2, 16);
  std::vector<std::thread> submitters;
  for (std::size_t s = 0; s < kSubmitterCount; ++s) {
    submitters.emplace_back([&, s] {
      for (std::size_t i = 0; i < kTasksPerSubmitter; ++i) {
        inputs[s][i] = s * 1'000'000 + i;
        const bool use_try_submit = i % 2 == 0;
        Task task = [&, s, i] { outputs[s][i] += inputs[s][i] + 1; };
        if (use_try_submit) {
          while (pool.try_submit(task) == SubmitResult::kFull) {
            std::this_thread::yield();
          }
        } else {
          ASSERT_EQ(pool.submit(task), SubmitResult::kAccepted);
        }
      }
    });
  }
  for (std::thread& submitter : submitters) {
    submitter.join();
  }
  pool.stop(StopMode::kDrain);

  for (std::size_t s = 0; s < kSubmitterCount; ++s) {
    for (std::size_t i = 0; i < kTasksPerSubmitter; ++i) {
      ASSERT_EQ(outputs[s][i], s * 1'000'000 + i + 1) << "submitter " << s << " task " << i;
    }
  }
  const ExecutorCounters counters = pool.counters();
  EXPECT_EQ(counters.submitted, kSubmitterCount * kTasksPerSubmitter);
  EXPECT_EQ(counters.completed, kSubmitterCount * kTasksPerSubmitter);
  EXPECT_EQ(counters.cancelled, 0U);
}

TYPED_TEST_P(PoolContractTest, RejectsZeroWorkersOrCapacity) {
  EXPECT_THROW(TypeParam(0, 4), std::invalid_argument);
  EXPECT_THROW(TypeParam(2, 0), std::invalid_argument);
}

REGISTER_TYPED_TEST_SUITE_P(PoolContractTest, DrainRunsEveryTaskOnce,
                            TrySubmitOnFullQueueIsRejected, SubmitAfterStopIsRejected,
                            CancelSkipsQueuedTask, StopWakesBlockedSubmitter, SubmitWaitsForRoom,
                            ThrowingTaskDoesNotKillWorker, StopTwiceAndConcurrently,
                            TaskCanSubmitMoreTasks, TwoSubmittersStress,
                            RejectsZeroWorkersOrCapacity);

}  // namespace paybench::testing
