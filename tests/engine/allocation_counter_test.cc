#include "paybench/engine/allocation_counter.h"

#include <gtest/gtest.h>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

namespace paybench::engine {
namespace {

TEST(AllocationCounter, ActiveWithHooksLinked) { EXPECT_TRUE(allocation_counting_active()); }

TEST(AllocationCounter, CountsMallocFamily) {
  const AllocationCounts before = thread_allocation_counts();
  void* a = std::malloc(100);
  void* b = std::calloc(4, 25);
  void* c = std::realloc(nullptr, 50);
  void* d = nullptr;
  ASSERT_EQ(posix_memalign(&d, 64, 64), 0);
  benchmark::DoNotOptimize(a);
  benchmark::DoNotOptimize(b);
  benchmark::DoNotOptimize(c);
  const AllocationCounts counted = thread_allocation_counts() - before;
  std::free(a);
  std::free(b);
  std::free(c);
  std::free(d);

  EXPECT_EQ(counted.allocations, 4u);
  EXPECT_EQ(counted.bytes, 100u + 100u + 50u + 64u);
}

TEST(AllocationCounter, CountsOperatorNew) {
  const AllocationCounts before = thread_allocation_counts();
  auto number = std::make_unique<long>(7);
  auto array = std::make_unique<char[]>(333);
  benchmark::DoNotOptimize(number.get());
  benchmark::DoNotOptimize(array.get());
  const AllocationCounts counted = thread_allocation_counts() - before;

  EXPECT_EQ(counted.allocations, 2u);
  EXPECT_EQ(counted.bytes, sizeof(long) + 333u);
}

TEST(AllocationCounter, FreeIsNotCounted) {
  void* block = std::malloc(64);
  benchmark::DoNotOptimize(block);
  const AllocationCounts before = thread_allocation_counts();
  std::free(block);
  const AllocationCounts counted = thread_allocation_counts() - before;
  EXPECT_EQ(counted.allocations, 0u);
}

TEST(AllocationCounter, CountsArePerThread) {
  const AllocationCounts before = thread_allocation_counts();
  std::uint64_t other_thread_allocations = 0;
  std::thread other([&] {
    const AllocationCounts start = thread_allocation_counts();
    for (int i = 0; i < 10; ++i) {
      void* block = std::malloc(16);
      benchmark::DoNotOptimize(block);
      std::free(block);
    }
    other_thread_allocations = (thread_allocation_counts() - start).allocations;
  });
  other.join();
  const AllocationCounts counted = thread_allocation_counts() - before;

  EXPECT_EQ(other_thread_allocations, 10u);
  // Starting the thread may allocate on this thread (its state block), but never ten times.
  EXPECT_LT(counted.allocations, 10u);
}

}  // namespace
}  // namespace paybench::engine
