#include "paybench/concurrency/thread_per_task_executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <stdexcept>
#include <thread>
#include <vector>

#include "pool_contract_tests.h"

namespace paybench::testing {
namespace {

TEST(ThreadPerTaskExecutorTest, DrainRunsEveryTaskOnce) {
  constexpr std::size_t kTaskCount = 200;
  std::vector<std::atomic<int>> runs(kTaskCount);

  ThreadPerTaskExecutor executor(4);
  for (std::size_t i = 0; i < kTaskCount; ++i) {
    ASSERT_EQ(executor.submit([&runs, i] { runs[i].fetch_add(1); }), SubmitResult::kAccepted);
  }
  executor.stop(StopMode::kDrain);

  for (std::size_t i = 0; i < kTaskCount; ++i) {
    ASSERT_EQ(runs[i].load(), 1) << "task " << i;
  }
  EXPECT_EQ(executor.counters().submitted, kTaskCount);
  EXPECT_EQ(executor.counters().completed, kTaskCount);
}

TEST(ThreadPerTaskExecutorTest, TrySubmitBeyondLiveThreadsIsRejected) {
  ThreadPerTaskExecutor executor(2);
  BlockingTask first;
  BlockingTask second;
  ASSERT_EQ(executor.try_submit(first.make()), SubmitResult::kAccepted);
  ASSERT_EQ(executor.try_submit(second.make()), SubmitResult::kAccepted);

  EXPECT_EQ(executor.try_submit([] {}), SubmitResult::kFull);
  EXPECT_EQ(executor.counters().rejected, 1U);

  first.release();
  second.release();
  executor.stop(StopMode::kDrain);
  EXPECT_EQ(executor.counters().completed, 2U);
}

TEST(ThreadPerTaskExecutorTest, SubmitWaitsForFreeThread) {
  ThreadPerTaskExecutor executor(1);
  BlockingTask running;
  ASSERT_EQ(executor.submit(running.make()), SubmitResult::kAccepted);
  running.wait_started();

  std::atomic<bool> submit_returned{false};
  std::thread submitter([&] {
    EXPECT_EQ(executor.submit([] {}), SubmitResult::kAccepted);
    submit_returned = true;
  });
  // Not a timing assertion: the only task thread is blocked, so submit cannot have returned.
  EXPECT_FALSE(submit_returned.load());

  running.release();
  submitter.join();
  executor.stop(StopMode::kDrain);
  EXPECT_EQ(executor.counters().completed, 2U);
}

TEST(ThreadPerTaskExecutorTest, SubmitAfterStopIsRejected) {
  ThreadPerTaskExecutor executor(2);
  executor.stop(StopMode::kDrain);

  EXPECT_EQ(executor.try_submit([] {}), SubmitResult::kStopped);
  EXPECT_EQ(executor.submit([] {}), SubmitResult::kStopped);
  EXPECT_EQ(executor.counters().rejected, 2U);
}

TEST(ThreadPerTaskExecutorTest, CancelLetsRunningTaskFinish) {
  ThreadPerTaskExecutor executor(1);
  BlockingTask running;
  std::atomic<bool> finished{false};
  ASSERT_EQ(executor.submit([&finished, task = running.make()] {
              task();
              finished = true;
            }),
            SubmitResult::kAccepted);
  running.wait_started();

  std::thread stopper([&executor] { executor.stop(StopMode::kCancel); });
  running.release();
  stopper.join();

  EXPECT_TRUE(finished.load());
  EXPECT_EQ(executor.counters().completed, 1U);
  EXPECT_EQ(executor.counters().cancelled, 0U);
}

TEST(ThreadPerTaskExecutorTest, ThrowingTaskIsCounted) {
  ThreadPerTaskExecutor executor(2);
  ASSERT_EQ(executor.submit([] { throw std::runtime_error("task failure"); }),
            SubmitResult::kAccepted);
  ASSERT_EQ(executor.submit([] {}), SubmitResult::kAccepted);
  executor.stop(StopMode::kDrain);

  EXPECT_EQ(executor.counters().failed, 1U);
  EXPECT_EQ(executor.counters().completed, 2U);
}

TEST(ThreadPerTaskExecutorTest, TwoSubmittersStress) {
  constexpr int kTasksPerSubmitter = 300;
  std::atomic<int> runs{0};
  ThreadPerTaskExecutor executor(4);

  std::vector<std::thread> submitters;
  for (int s = 0; s < 2; ++s) {
    submitters.emplace_back([&] {
      for (int i = 0; i < kTasksPerSubmitter; ++i) {
        ASSERT_EQ(executor.submit([&runs] { runs.fetch_add(1); }), SubmitResult::kAccepted);
      }
    });
  }
  for (std::thread& submitter : submitters) {
    submitter.join();
  }
  executor.stop(StopMode::kDrain);

  EXPECT_EQ(runs.load(), 2 * kTasksPerSubmitter);
  EXPECT_EQ(executor.counters().completed, 2U * kTasksPerSubmitter);
}

TEST(ThreadPerTaskExecutorTest, RejectsZeroLiveThreads) {
  EXPECT_THROW(ThreadPerTaskExecutor(0), std::invalid_argument);
}

}  // namespace
}  // namespace paybench::testing
