#include "paybench/concurrency/work_stealing_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "pool_contract_tests.h"

namespace paybench::testing {

INSTANTIATE_TYPED_TEST_SUITE_P(WorkStealingPool, PoolContractTest,
                               ::testing::Types<WorkStealingPool>);

namespace {

TEST(WorkStealingPoolTest, IdleWorkerStealsFromBusyWorker) {
  // A task on worker A submits a child task from inside the pool, which goes to A's own deque,
  // and then blocks A until the child has run. Only a steal by worker B can run the child.
  WorkStealingPool pool(2, 8);
  std::atomic<bool> child_ran{false};
  std::mutex ids_mutex;
  std::set<std::thread::id> ids;  // Guarded by ids_mutex.

  ASSERT_EQ(pool.submit([&] {
              {
                std::lock_guard lock(ids_mutex);
                ids.insert(std::this_thread::get_id());
              }
              const SubmitResult child = pool.try_submit([&] {
                {
                  std::lock_guard lock(ids_mutex);
                  ids.insert(std::this_thread::get_id());
                }
                child_ran = true;
                child_ran.notify_all();
              });
              if (child == SubmitResult::kAccepted) {
                child_ran.wait(false);
              }
            }),
            SubmitResult::kAccepted);
  wait_until([&pool] { return pool.counters().completed == 2; });
  pool.stop(StopMode::kDrain);

  EXPECT_TRUE(child_ran.load());
  EXPECT_EQ(ids.size(), 2U) << "the child must run on the other worker";
}

TEST(WorkStealingPoolTest, BoundCountsTasksAcrossAllDeques) {
  // Four workers, all blocked, and a total bound of 3: the round-robin spreads the queued tasks
  // over several deques, yet the fourth is rejected.
  WorkStealingPool pool(4, 3);
  std::vector<std::unique_ptr<BlockingTask>> blockers;
  for (int i = 0; i < 4; ++i) {
    blockers.push_back(std::make_unique<BlockingTask>());
    ASSERT_EQ(pool.submit(blockers.back()->make()), SubmitResult::kAccepted);
  }
  for (const std::unique_ptr<BlockingTask>& blocker : blockers) {
    blocker->wait_started();
  }

  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(pool.try_submit([] {}), SubmitResult::kAccepted);
  }
  EXPECT_EQ(pool.try_submit([] {}), SubmitResult::kFull);

  for (const std::unique_ptr<BlockingTask>& blocker : blockers) {
    blocker->release();
  }
  pool.stop(StopMode::kDrain);
  EXPECT_EQ(pool.counters().completed, 7U);
  EXPECT_EQ(pool.counters().rejected, 1U);
}

TEST(WorkStealingPoolTest, DestructorDrainsQueuedTasks) {
  std::atomic<int> runs{0};
  {
    WorkStealingPool pool(2, 100);
    for (int i = 0; i < 100; ++i) {
      ASSERT_EQ(pool.try_submit([&runs] { runs.fetch_add(1); }), SubmitResult::kAccepted);
    }
  }
  EXPECT_EQ(runs.load(), 100);
}

}  // namespace
}  // namespace paybench::testing
