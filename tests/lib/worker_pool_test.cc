#include "paybench/concurrency/worker_pool.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "pool_contract_tests.h"

namespace paybench::testing {

INSTANTIATE_TYPED_TEST_SUITE_P(WorkerPool, PoolContractTest, ::testing::Types<WorkerPool>);

namespace {

TEST(WorkerPoolTest, SingleWorkerStartsTasksInSubmissionOrder) {
  WorkerPool pool(1, 64);
  std::mutex order_mutex;
  std::vector<int> order;  // Guarded by order_mutex.
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(pool.submit([&, i] {
                std::lock_guard lock(order_mutex);
                order.push_back(i);
              }),
              SubmitResult::kAccepted);
  }
  pool.stop(StopMode::kDrain);

  ASSERT_EQ(order.size(), 50U);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(order[i], i);
  }
}

TEST(WorkerPoolTest, DestructorDrainsQueuedTasks) {
  std::atomic<int> runs{0};
  {
    WorkerPool pool(2, 100);
    for (int i = 0; i < 100; ++i) {
      ASSERT_EQ(pool.try_submit([&runs] { runs.fetch_add(1); }), SubmitResult::kAccepted);
    }
  }
  EXPECT_EQ(runs.load(), 100);
}

TEST(WorkerPoolTest, ReportsItsConfiguration) {
  WorkerPool pool(3, 7);
  EXPECT_EQ(pool.worker_count(), 3U);
  EXPECT_EQ(pool.queue_capacity(), 7U);
}

}  // namespace
}  // namespace paybench::testing
