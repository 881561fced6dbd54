#include "paybench/memory/buffer_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "paybench/memory/buffer.h"

namespace paybench {
namespace {

bool all_bytes_equal(std::span<const std::byte> bytes, std::byte value) {
  return std::all_of(bytes.begin(), bytes.end(), [value](std::byte b) { return b == value; });
}

static_assert(!std::is_copy_constructible_v<Buffer>);
static_assert(std::is_nothrow_move_constructible_v<Buffer>);

TEST(BufferTest, AllocateSetsCapacityAndZeroSize) {
  Buffer buffer = Buffer::allocate(100);
  EXPECT_NE(buffer.data(), nullptr);
  EXPECT_EQ(buffer.capacity(), 100U);
  EXPECT_EQ(buffer.size(), 0U);
  EXPECT_TRUE(buffer.bytes().empty());
}

TEST(BufferTest, ResizeUpToCapacity) {
  Buffer buffer = Buffer::allocate(64);
  buffer.resize(64);
  EXPECT_EQ(buffer.size(), 64U);
  EXPECT_EQ(buffer.bytes().size(), 64U);
  EXPECT_EQ(buffer.bytes().data(), buffer.data());
  EXPECT_THROW(buffer.resize(65), std::length_error);
  EXPECT_EQ(buffer.size(), 64U);
}

TEST(BufferTest, MoveLeavesSourceEmpty) {
  Buffer source = Buffer::allocate(32);
  source.resize(10);
  std::byte* storage = source.data();

  Buffer target = std::move(source);
  EXPECT_EQ(target.data(), storage);
  EXPECT_EQ(target.size(), 10U);
  EXPECT_EQ(source.data(), nullptr);
  EXPECT_EQ(source.capacity(), 0U);
  EXPECT_EQ(source.size(), 0U);
}

TEST(BufferTest, AllocateZeroIsEmpty) {
  Buffer buffer = Buffer::allocate(0);
  EXPECT_EQ(buffer.data(), nullptr);
  EXPECT_EQ(buffer.capacity(), 0U);
}

TEST(BufferPoolTest, GetReturnsPoolSizeWithZeroSize) {
  BufferPool pool(4096);
  Buffer buffer = pool.get();
  EXPECT_EQ(buffer.capacity(), 4096U);
  EXPECT_EQ(buffer.size(), 0U);
}

TEST(BufferPoolTest, PutThenGetReusesStorage) {
  BufferPool pool(256);
  Buffer buffer = pool.get();
  buffer.resize(200);
  std::byte* storage = buffer.data();

  EXPECT_EQ(pool.put(std::move(buffer)), PutResult::kPooled);
  EXPECT_EQ(buffer.data(), nullptr) << "an accepted buffer must be left empty";
  EXPECT_EQ(pool.cached_count(), 1U);

  Buffer again = pool.get();
  EXPECT_EQ(again.data(), storage);
  EXPECT_EQ(again.size(), 0U);
}

TEST(BufferPoolTest, ForeignSizeIsRejectedAndLeftIntact) {
  BufferPool pool(128);
  Buffer foreign = Buffer::allocate(100);
  foreign.resize(10);
  std::fill(foreign.bytes().begin(), foreign.bytes().end(), std::byte{0x5A});
  std::byte* storage = foreign.data();

  EXPECT_EQ(pool.put(std::move(foreign)), PutResult::kRejectedForeignSize);

  EXPECT_EQ(foreign.data(), storage);
  EXPECT_EQ(foreign.capacity(), 100U);
  EXPECT_EQ(foreign.size(), 10U);
  EXPECT_TRUE(all_bytes_equal(foreign.bytes(), std::byte{0x5A}));
  EXPECT_EQ(pool.cached_count(), 0U);
}

TEST(BufferPoolTest, EmptyBufferIsRejected) {
  BufferPool pool(128);
  EXPECT_EQ(pool.put(Buffer()), PutResult::kRejectedForeignSize);
}

TEST(BufferPoolTest, AllocatedBufferOfPoolSizeIsAccepted) {
  BufferPool pool(128);
  Buffer buffer = Buffer::allocate(128);
  std::byte* storage = buffer.data();
  EXPECT_EQ(pool.put(std::move(buffer)), PutResult::kPooled);
  EXPECT_EQ(pool.get().data(), storage);
}

TEST(BufferPoolTest, ScrubZeroesReleasedBytes) {
  BufferPool pool(512, PoolLimits{}, /*scrub_on_release=*/true);
  ASSERT_TRUE(pool.scrub_on_release());
  Buffer buffer = pool.get();
  buffer.resize(buffer.capacity());
  std::fill(buffer.bytes().begin(), buffer.bytes().end(), std::byte{0xAB});
  // Shrinking does not protect the bytes past size(): scrubbing covers the whole capacity.
  buffer.resize(16);
  std::byte* storage = buffer.data();
  ASSERT_EQ(pool.put(std::move(buffer)), PutResult::kPooled);

  Buffer again = pool.get();
  ASSERT_EQ(again.data(), storage);
  again.resize(again.capacity());
  EXPECT_TRUE(all_bytes_equal(again.bytes(), std::byte{0}));
}

TEST(BufferPoolTest, WithoutScrubBytesSurvive) {
  BufferPool pool(64);
  Buffer buffer = pool.get();
  buffer.resize(64);
  std::fill(buffer.bytes().begin(), buffer.bytes().end(), std::byte{0xAB});
  ASSERT_EQ(pool.put(std::move(buffer)), PutResult::kPooled);

  Buffer again = pool.get();
  again.resize(64);
  EXPECT_TRUE(all_bytes_equal(again.bytes(), std::byte{0xAB}));
}

TEST(BufferPoolTest, FullCacheReleasesBuffer) {
  BufferPool pool(64, PoolLimits{.per_thread = 1, .shared = 0});
  Buffer first = pool.get();
  Buffer second = pool.get();

  EXPECT_EQ(pool.put(std::move(first)), PutResult::kPooled);
  EXPECT_EQ(pool.put(std::move(second)), PutResult::kReleased);
  EXPECT_EQ(second.data(), nullptr) << "a released buffer must be left empty";
  EXPECT_EQ(pool.cached_count(), 1U);
}

TEST(BufferPoolTest, BoundsHoldAcrossThreads) {
  constexpr std::size_t kPerThread = 4;
  constexpr std::size_t kShared = 8;
  constexpr int kThreadCount = 3;
  BufferPool pool(64, PoolLimits{.per_thread = kPerThread, .shared = kShared});

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreadCount; ++t) {
    threads.emplace_back([&pool] {
      std::vector<Buffer> buffers;
      for (int i = 0; i < 30; ++i) {
        buffers.push_back(pool.get());
      }
      for (Buffer& buffer : buffers) {
        const PutResult result = pool.put(std::move(buffer));
        EXPECT_NE(result, PutResult::kRejectedForeignSize);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  EXPECT_LE(pool.cached_count(), kPerThread * kThreadCount + kShared);
}

TEST(BufferPoolTest, ZeroSizeIsInvalid) {
  EXPECT_THROW(BufferPool pool(0), std::invalid_argument);
}

TEST(BufferPoolTest, TwoThreadStressHasOneOwnerPerBuffer) {
  constexpr int kRounds = 10000;
  constexpr std::size_t kBufferSize = 256;
  BufferPool pool(kBufferSize, PoolLimits{.per_thread = 4, .shared = 8});

  std::mutex in_use_mutex;
  std::set<const std::byte*> in_use;  // Guarded by in_use_mutex.
  std::atomic<int> double_owned{0};
  std::atomic<int> overwritten{0};

  const auto work = [&](std::byte marker) {
    std::vector<Buffer> held;
    for (int round = 0; round < kRounds; ++round) {
      const int batch = 1 + round % 5;
      for (int i = 0; i < batch; ++i) {
        Buffer buffer = pool.get();
        {
          std::lock_guard lock(in_use_mutex);
          if (!in_use.insert(buffer.data()).second) {
            double_owned.fetch_add(1);
          }
        }
        buffer.resize(kBufferSize);
        std::fill(buffer.bytes().begin(), buffer.bytes().end(), marker);
        held.push_back(std::move(buffer));
      }
      for (Buffer& buffer : held) {
        if (!all_bytes_equal(buffer.bytes(), marker)) {
          overwritten.fetch_add(1);
        }
        {
          std::lock_guard lock(in_use_mutex);
          in_use.erase(buffer.data());
        }
        (void)pool.put(std::move(buffer));
      }
      held.clear();
    }
  };

  std::thread first(work, std::byte{0x11});
  std::thread second(work, std::byte{0x22});
  first.join();
  second.join();

  EXPECT_EQ(double_owned.load(), 0);
  EXPECT_EQ(overwritten.load(), 0);
}

}  // namespace
}  // namespace paybench
