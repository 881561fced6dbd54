#include "paybench/memory/object_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <concepts>
#include <cstddef>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace paybench {
namespace {

struct Session {
  int attempts = 0;
  std::string token;

  void reset() {
    attempts = 0;
    token.clear();
  }
};

// Counts constructions and destructions, so tests can tell reuse from allocation and find leaks.
struct Counted {
  static inline std::atomic<int> constructed{0};
  static inline std::atomic<int> destroyed{0};

  static int live() { return constructed.load() - destroyed.load(); }

  Counted() { constructed.fetch_add(1, std::memory_order_relaxed); }
  ~Counted() { destroyed.fetch_add(1, std::memory_order_relaxed); }

  void reset() { value = 0; }

  int value = 0;
};

// A type without reset(): usable only with an explicit reset functor.
struct Plain {
  int value = 0;
};

struct ZeroPlain {
  void operator()(Plain& plain) const noexcept { plain.value = 0; }
};

template <class T>
concept PoolableWithDefaultReset = requires { typename ObjectPool<T>; };

static_assert(HasResetMember<Session>);
static_assert(!HasResetMember<Plain>);
static_assert(!std::invocable<CallResetMember&, Plain&>);
static_assert(PoolableWithDefaultReset<Session>);
static_assert(!PoolableWithDefaultReset<Plain>, "a T without reset() needs an explicit reset");
static_assert(!std::is_copy_constructible_v<ObjectPool<Session>::Lease>);
static_assert(std::is_nothrow_move_constructible_v<ObjectPool<Session>::Lease>);

class ObjectPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Counted::constructed.store(0);
    Counted::destroyed.store(0);
  }
};

TEST_F(ObjectPoolTest, DirtyObjectComesBackClean) {
  ObjectPool<Session> pool;
  Session* session = pool.get();
  session->attempts = 3;
  session->token = "tok_4242";
  pool.put(session);

  Session* again = pool.get();
  ASSERT_EQ(again, session) << "the pool should reuse the cached object";
  EXPECT_EQ(again->attempts, 0);
  EXPECT_TRUE(again->token.empty());
  pool.put(again);
}

TEST_F(ObjectPoolTest, CustomResetCleansPlainType) {
  ObjectPool<Plain, ZeroPlain> pool;
  Plain* plain = pool.get();
  plain->value = 7;
  pool.put(plain);

  Plain* again = pool.get();
  ASSERT_EQ(again, plain);
  EXPECT_EQ(again->value, 0);
  pool.put(again);
}

TEST_F(ObjectPoolTest, LambdaResetWithLimitsFirst) {
  const auto reset = [](Plain& plain) { plain.value = -1; };
  ObjectPool<Plain, decltype(reset)> pool(PoolLimits{.per_thread = 2}, reset);
  Plain* plain = pool.get();
  pool.put(plain);

  Plain* again = pool.get();
  EXPECT_EQ(again->value, -1);
  pool.put(again);
}

TEST_F(ObjectPoolTest, GetCreatesWhenEmpty) {
  ObjectPool<Counted> pool;
  Counted* first = pool.get();
  Counted* second = pool.get();
  EXPECT_NE(first, nullptr);
  EXPECT_NE(first, second);
  EXPECT_EQ(Counted::constructed.load(), 2);
  pool.put(first);
  pool.put(second);
}

TEST_F(ObjectPoolTest, SingleThreadBoundsHold) {
  ObjectPool<Counted> pool(PoolLimits{.per_thread = 4, .shared = 8, .max_threads = 64});
  std::vector<Counted*> objects;
  for (int i = 0; i < 20; ++i) {
    objects.push_back(pool.get());
  }
  for (Counted* object : objects) {
    pool.put(object);
  }

  EXPECT_EQ(pool.cached_count(), 12U);
  EXPECT_EQ(Counted::destroyed.load(), 8);
  EXPECT_EQ(Counted::live(), 12);
}

TEST_F(ObjectPoolTest, MultiThreadBoundsHold) {
  constexpr std::size_t kPerThread = 4;
  constexpr std::size_t kShared = 8;
  constexpr int kThreadCount = 4;
  constexpr int kObjectsPerThread = 20;
  ObjectPool<Counted> pool(PoolLimits{.per_thread = kPerThread, .shared = kShared});

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreadCount; ++t) {
    threads.emplace_back([&pool] {
      std::vector<Counted*> objects;
      for (int i = 0; i < kObjectsPerThread; ++i) {
        objects.push_back(pool.get());
      }
      for (Counted* object : objects) {
        pool.put(object);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  const std::size_t bound = kPerThread * kThreadCount + kShared;
  EXPECT_LE(pool.cached_count(), bound);
  EXPECT_EQ(static_cast<std::size_t>(Counted::live()), pool.cached_count())
      << "every object that is not cached must have been deleted";
}

TEST_F(ObjectPoolTest, ThreadsBeyondMaxThreadsUseShared) {
  ObjectPool<Counted> pool(PoolLimits{.per_thread = 4, .shared = 8, .max_threads = 0});
  std::vector<Counted*> objects;
  for (int i = 0; i < 20; ++i) {
    objects.push_back(pool.get());
  }
  for (Counted* object : objects) {
    pool.put(object);
  }

  EXPECT_EQ(pool.cached_count(), 8U);
  EXPECT_EQ(Counted::live(), 8);

  Counted* reused = pool.get();
  EXPECT_EQ(Counted::constructed.load(), 20) << "get() should take from the shared overflow";
  pool.put(reused);
}

TEST_F(ObjectPoolTest, OtherThreadRefillsFromShared) {
  ObjectPool<Counted> pool(PoolLimits{.per_thread = 4, .shared = 100});
  std::vector<Counted*> objects;
  for (int i = 0; i < 10; ++i) {
    objects.push_back(pool.get());
  }
  for (Counted* object : objects) {
    pool.put(object);
  }
  ASSERT_EQ(Counted::constructed.load(), 10);

  std::thread other([&pool] {
    Counted* object = pool.get();
    pool.put(object);
  });
  other.join();

  EXPECT_EQ(Counted::constructed.load(), 10);
  EXPECT_EQ(pool.cached_count(), 10U);
}

TEST_F(ObjectPoolTest, LeaseReturnsItsObject) {
  ObjectPool<Counted> pool;
  Counted* leased = nullptr;
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease);
    leased = lease.get();
    lease->value = 99;
    EXPECT_EQ(pool.cached_count(), 0U);
  }
  EXPECT_EQ(pool.cached_count(), 1U);

  Counted* again = pool.get();
  EXPECT_EQ(again, leased);
  EXPECT_EQ(again->value, 0);
  pool.put(again);
}

TEST_F(ObjectPoolTest, MovedLeaseReturnsObjectOnce) {
  ObjectPool<Counted> pool;
  {
    auto first = pool.acquire();
    Counted* object = first.get();
    auto second = std::move(first);
    EXPECT_FALSE(first);
    EXPECT_EQ(second.get(), object);

    ObjectPool<Counted>::Lease third;
    third = std::move(second);
    EXPECT_EQ(third.get(), object);
  }
  EXPECT_EQ(pool.cached_count(), 1U);
  EXPECT_EQ(Counted::constructed.load(), 1);
}

TEST_F(ObjectPoolTest, LeaseAssignmentReturnsPreviousObject) {
  ObjectPool<Counted> pool;
  auto first = pool.acquire();
  auto second = pool.acquire();
  first = std::move(second);
  EXPECT_EQ(pool.cached_count(), 1U);
}

TEST_F(ObjectPoolTest, ReleasedLeaseDoesNotReturnObject) {
  ObjectPool<Counted> pool;
  Counted* object = nullptr;
  {
    auto lease = pool.acquire();
    object = lease.release();
    EXPECT_FALSE(lease);
  }
  EXPECT_EQ(pool.cached_count(), 0U);
  pool.put(object);
  EXPECT_EQ(pool.cached_count(), 1U);
}

TEST_F(ObjectPoolTest, DestructorDeletesCachedObjects) {
  {
    ObjectPool<Counted> pool(PoolLimits{.per_thread = 4, .shared = 8});
    std::vector<Counted*> objects;
    for (int i = 0; i < 10; ++i) {
      objects.push_back(pool.get());
    }
    std::thread other([&pool] { pool.put(pool.get()); });
    other.join();
    for (Counted* object : objects) {
      pool.put(object);
    }
    ASSERT_GT(Counted::live(), 0);
  }
  EXPECT_EQ(Counted::live(), 0);
}

struct ThrowingReset {
  void operator()(Counted& counted) const {
    if (counted.value < 0) {
      throw std::runtime_error("cannot reset a negative value");
    }
    counted.value = 0;
  }
};

TEST_F(ObjectPoolTest, ThrowingResetDeletesObject) {
  ObjectPool<Counted, ThrowingReset> pool;
  Counted* object = pool.get();
  object->value = -1;
  EXPECT_THROW(pool.put(object), std::runtime_error);
  EXPECT_EQ(Counted::live(), 0);
  EXPECT_EQ(pool.cached_count(), 0U);
}

TEST_F(ObjectPoolTest, PutNullAsserts) {
#ifdef NDEBUG
  GTEST_SKIP() << "assertions are disabled in this build (NDEBUG)";
#else
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ObjectPool<Counted> pool;
  EXPECT_DEATH(pool.put(nullptr), "put\\(nullptr\\)");
#endif
}

// Each object carries an ownership flag. Two owners at once would find the flag already set.
struct Tracked {
  std::atomic<bool> in_use{false};
  int owner = 0;

  void reset() { owner = 0; }
};

TEST_F(ObjectPoolTest, TwoThreadStressHasOneOwnerPerObject) {
  constexpr int kRounds = 20000;
  constexpr int kBatch = 6;
  ObjectPool<Tracked> pool(PoolLimits{.per_thread = 4, .shared = 8});
  std::atomic<int> double_owned{0};
  std::atomic<int> dirty{0};

  const auto work = [&](int thread_id) {
    std::vector<Tracked*> held;
    for (int round = 0; round < kRounds; ++round) {
      const int batch = 1 + round % kBatch;
      for (int i = 0; i < batch; ++i) {
        Tracked* object = pool.get();
        if (object->in_use.exchange(true, std::memory_order_acq_rel)) {
          double_owned.fetch_add(1);
        }
        if (object->owner != 0) {
          dirty.fetch_add(1);
        }
        object->owner = thread_id;
        held.push_back(object);
      }
      for (Tracked* object : held) {
        object->in_use.store(false, std::memory_order_release);
        pool.put(object);
      }
      held.clear();
    }
  };

  std::thread first(work, 1);
  std::thread second(work, 2);
  first.join();
  second.join();

  EXPECT_EQ(double_owned.load(), 0);
  EXPECT_EQ(dirty.load(), 0);
  EXPECT_LE(pool.cached_count(), 4U * 2U + 8U);
}

TEST_F(ObjectPoolTest, ObjectsPutByOtherThreadStayExclusive) {
  constexpr int kObjects = 20000;
  ObjectPool<Tracked> pool(PoolLimits{.per_thread = 4, .shared = 8});
  std::mutex handoff_mutex;
  std::deque<Tracked*> handoff;  // Guarded by handoff_mutex.
  std::atomic<bool> producer_done{false};
  std::atomic<int> double_owned{0};
  std::atomic<int> dirty{0};

  std::thread producer([&] {
    for (int i = 0; i < kObjects; ++i) {
      Tracked* object = pool.get();
      if (object->in_use.exchange(true, std::memory_order_acq_rel)) {
        double_owned.fetch_add(1);
      }
      if (object->owner != 0) {
        dirty.fetch_add(1);
      }
      object->owner = 1;
      std::lock_guard lock(handoff_mutex);
      handoff.push_back(object);
    }
    producer_done.store(true);
  });

  std::thread consumer([&] {
    while (true) {
      Tracked* object = nullptr;
      {
        std::lock_guard lock(handoff_mutex);
        if (!handoff.empty()) {
          object = handoff.front();
          handoff.pop_front();
        }
      }
      if (object == nullptr) {
        if (producer_done.load()) {
          std::lock_guard lock(handoff_mutex);
          if (handoff.empty()) {
            return;
          }
        }
        std::this_thread::yield();
        continue;
      }
      object->in_use.store(false, std::memory_order_release);
      pool.put(object);
    }
  });

  producer.join();
  consumer.join();

  EXPECT_EQ(double_owned.load(), 0);
  EXPECT_EQ(dirty.load(), 0);
  EXPECT_LE(pool.cached_count(), 4U * 2U + 8U);
}

}  // namespace
}  // namespace paybench
