#include "paybench/memory/size_class_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace paybench {
namespace {

constexpr std::size_t kMax = SizeClassPool::kDefaultMaxClassSize;

struct ClassCase {
  std::size_t min_size;
  std::size_t expected_capacity;
};

TEST(SizeClassPoolTest, GetPicksSmallestFittingClass) {
  const std::vector<ClassCase> cases = {
      {0, 64},       {1, 64},       {64, 64},   {65, 128},  {128, 128},
      {4096, 4096},  {4097, 8192},  {kMax - 1, kMax},       {kMax, kMax},
  };
  SizeClassPool pool;
  for (const ClassCase& test_case : cases) {
    SCOPED_TRACE("min_size = " + std::to_string(test_case.min_size));
    Buffer buffer = pool.get(test_case.min_size);
    EXPECT_EQ(buffer.size(), test_case.min_size);
    EXPECT_EQ(buffer.capacity(), test_case.expected_capacity);
    EXPECT_EQ(pool.class_size_for(test_case.min_size), test_case.expected_capacity);
    EXPECT_EQ(pool.put(std::move(buffer)), PutResult::kPooled);
  }
}

TEST(SizeClassPoolTest, AboveMaxGetsUnpooledAllocation) {
  SizeClassPool pool;
  EXPECT_EQ(pool.class_size_for(kMax + 1), std::nullopt);

  Buffer buffer = pool.get(kMax + 1);
  EXPECT_EQ(buffer.size(), kMax + 1);
  EXPECT_EQ(buffer.capacity(), kMax + 1);

  std::byte* storage = buffer.data();
  EXPECT_EQ(pool.put(std::move(buffer)), PutResult::kRejectedForeignSize);
  EXPECT_EQ(buffer.data(), storage) << "the caller keeps a rejected buffer";
  EXPECT_EQ(pool.cached_count(), 0U);
}

TEST(SizeClassPoolTest, PutRoutesByCapacity) {
  SizeClassPool pool;
  Buffer buffer = pool.get(3000);
  ASSERT_EQ(buffer.capacity(), 4096U);
  std::byte* storage = buffer.data();
  ASSERT_EQ(pool.put(std::move(buffer)), PutResult::kPooled);

  EXPECT_EQ(pool.get(2049).data(), storage) << "any request in the 4096 class reuses it";
}

TEST(SizeClassPoolTest, ForeignCapacityIsRejected) {
  SizeClassPool pool;
  for (const std::size_t capacity : {std::size_t{32}, std::size_t{100}, 2 * kMax}) {
    SCOPED_TRACE("capacity = " + std::to_string(capacity));
    Buffer buffer = Buffer::allocate(capacity);
    buffer.resize(capacity);
    EXPECT_EQ(pool.put(std::move(buffer)), PutResult::kRejectedForeignSize);
    EXPECT_EQ(buffer.capacity(), capacity);
    EXPECT_EQ(buffer.size(), capacity);
  }
  EXPECT_EQ(pool.put(Buffer()), PutResult::kRejectedForeignSize);
}

TEST(SizeClassPoolTest, AllocatedClassSizeIsAccepted) {
  SizeClassPool pool;
  Buffer buffer = Buffer::allocate(128);
  std::byte* storage = buffer.data();
  ASSERT_EQ(pool.put(std::move(buffer)), PutResult::kPooled);
  EXPECT_EQ(pool.get(100).data(), storage);
}

TEST(SizeClassPoolTest, CustomMaxSetsClasses) {
  SizeClassPool pool(1024);
  EXPECT_EQ(pool.max_class_size(), 1024U);
  EXPECT_EQ(pool.class_count(), 5U);  // 64, 128, 256, 512, 1024.
  EXPECT_EQ(pool.class_size_for(1024), 1024U);
  EXPECT_EQ(pool.class_size_for(1025), std::nullopt);
  EXPECT_EQ(pool.get(1025).capacity(), 1025U);
}

TEST(SizeClassPoolTest, SingleClassPool) {
  SizeClassPool pool(64);
  EXPECT_EQ(pool.class_count(), 1U);
  EXPECT_EQ(pool.get(64).capacity(), 64U);
  EXPECT_EQ(pool.get(65).capacity(), 65U);
}

TEST(SizeClassPoolTest, InvalidMaxIsRejected) {
  for (const std::size_t max : {std::size_t{0}, std::size_t{32}, std::size_t{100},
                                SizeClassPool::kMaxMaxClassSize * 2}) {
    SCOPED_TRACE("max_class_size = " + std::to_string(max));
    EXPECT_THROW(SizeClassPool pool(max), std::invalid_argument);
  }
}

TEST(SizeClassPoolTest, ScrubAppliesToEveryClass) {
  SizeClassPool pool(256, PoolLimits{}, /*scrub_on_release=*/true);
  Buffer buffer = pool.get(200);
  std::fill(buffer.bytes().begin(), buffer.bytes().end(), std::byte{0xEE});
  ASSERT_EQ(pool.put(std::move(buffer)), PutResult::kPooled);

  Buffer again = pool.get(256);
  for (const std::byte b : again.bytes()) {
    ASSERT_EQ(b, std::byte{0});
  }
}

TEST(SizeClassPoolTest, TwoThreadStressHasOneOwnerPerBuffer) {
  constexpr int kRounds = 5000;
  SizeClassPool pool(4096, PoolLimits{.per_thread = 4, .shared = 8});

  std::mutex in_use_mutex;
  std::set<const std::byte*> in_use;  // Guarded by in_use_mutex.
  std::atomic<int> double_owned{0};
  std::atomic<int> wrong_capacity{0};

  const auto work = [&](std::size_t seed) {
    std::vector<Buffer> held;
    std::size_t state = seed;
    for (int round = 0; round < kRounds; ++round) {
      for (int i = 0; i < 4; ++i) {
        // A linear congruential sequence of sizes from 1 to 5000 covers every class and, above
        // 4096, the unpooled path.
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        const std::size_t size = 1 + (state >> 33) % 5000;
        Buffer buffer = pool.get(size);
        if (buffer.capacity() < size || buffer.size() != size) {
          wrong_capacity.fetch_add(1);
        }
        std::lock_guard lock(in_use_mutex);
        if (!in_use.insert(buffer.data()).second) {
          double_owned.fetch_add(1);
        }
        held.push_back(std::move(buffer));
      }
      for (Buffer& buffer : held) {
        {
          std::lock_guard lock(in_use_mutex);
          in_use.erase(buffer.data());
        }
        (void)pool.put(std::move(buffer));
      }
      held.clear();
    }
  };

  std::thread first(work, 1);
  std::thread second(work, 2);
  first.join();
  second.join();

  EXPECT_EQ(double_owned.load(), 0);
  EXPECT_EQ(wrong_capacity.load(), 0);
}

}  // namespace
}  // namespace paybench
