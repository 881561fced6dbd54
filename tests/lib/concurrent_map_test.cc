#include "paybench/concurrency/concurrent_map.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "paybench/concurrency/locked_maps.h"

namespace paybench {
namespace {

using IntConcurrentMap = ConcurrentMap<int, int>;
using IntStripedMap = StripedMap<int, int>;

template <class Map>
class MapContractTest : public ::testing::Test {};

using MapTypes =
    ::testing::Types<ConcurrentMap<int, int>, MutexMap<int, int>, StripedMap<int, int>>;

class MapTypeNames {
 public:
  template <class Map>
  static std::string GetName(int) {
    if constexpr (std::is_same_v<Map, ConcurrentMap<int, int>>) {
      return "ConcurrentMap";
    } else if constexpr (std::is_same_v<Map, MutexMap<int, int>>) {
      return "MutexMap";
    } else {
      return "StripedMap";
    }
  }
};

TYPED_TEST_SUITE(MapContractTest, MapTypes, MapTypeNames);

TYPED_TEST(MapContractTest, InsertDuplicateReturnsFalse) {
  TypeParam map;
  EXPECT_TRUE(map.insert(1, 10));
  EXPECT_FALSE(map.insert(1, 20));
  EXPECT_EQ(map.get(1), std::optional<int>(10));
  EXPECT_EQ(map.size(), 1U);
}

TYPED_TEST(MapContractTest, UpdateChangesOnlyPresentKeys) {
  TypeParam map;
  EXPECT_FALSE(map.update(1, 10));
  EXPECT_EQ(map.get(1), std::nullopt);
  EXPECT_EQ(map.size(), 0U);

  ASSERT_TRUE(map.insert(1, 10));
  EXPECT_TRUE(map.update(1, 11));
  EXPECT_EQ(map.get(1), std::optional<int>(11));
  EXPECT_EQ(map.size(), 1U);
}

TYPED_TEST(MapContractTest, InsertOrAssignReportsInsertion) {
  TypeParam map;
  EXPECT_TRUE(map.insert_or_assign(7, 70));
  EXPECT_FALSE(map.insert_or_assign(7, 71));
  EXPECT_EQ(map.get(7), std::optional<int>(71));
  EXPECT_EQ(map.size(), 1U);
}

TYPED_TEST(MapContractTest, GetAfterEraseIsEmpty) {
  TypeParam map;
  EXPECT_FALSE(map.erase(3));

  ASSERT_TRUE(map.insert(3, 30));
  ASSERT_TRUE(map.insert(4, 40));
  EXPECT_TRUE(map.erase(3));
  EXPECT_EQ(map.get(3), std::nullopt);
  EXPECT_EQ(map.get(4), std::optional<int>(40));
  EXPECT_FALSE(map.erase(3));
  EXPECT_EQ(map.size(), 1U);
}

TYPED_TEST(MapContractTest, EraseThenReinsertStoresNewValue) {
  TypeParam map;
  ASSERT_TRUE(map.insert(5, 50));
  ASSERT_TRUE(map.erase(5));

  EXPECT_TRUE(map.insert(5, 51));
  EXPECT_EQ(map.get(5), std::optional<int>(51));
  EXPECT_EQ(map.size(), 1U);
  EXPECT_TRUE(map.update(5, 52));
  EXPECT_EQ(map.get(5), std::optional<int>(52));
}

TYPED_TEST(MapContractTest, ManyKeysShareBuckets) {
  // More keys than ConcurrentMap's default 1024 buckets, so buckets contain several entries and
  // erase must keep the other entries of its bucket.
  constexpr int kKeyCount = 5000;
  TypeParam map;
  for (int key = 0; key < kKeyCount; ++key) {
    ASSERT_TRUE(map.insert(key, key * 3));
  }
  for (int key = 0; key < kKeyCount; key += 2) {
    ASSERT_TRUE(map.erase(key));
  }

  EXPECT_EQ(map.size(), static_cast<std::size_t>(kKeyCount / 2));
  for (int key = 0; key < kKeyCount; ++key) {
    const std::optional<int> expected =
        key % 2 == 0 ? std::nullopt : std::optional<int>(key * 3);
    ASSERT_EQ(map.get(key), expected) << "key " << key;
  }
}

// A value that names its writer and the writer's sequence number, so that a reader can tell
// which write produced it.
constexpr int kSequenceLimit = 1 << 20;

int encode_write(int thread_index, int sequence) {
  return thread_index * kSequenceLimit + sequence;
}
int writer_of(int value) { return value / kSequenceLimit; }
int sequence_of(int value) { return value % kSequenceLimit; }

// Threads run mixed operations on two kinds of keys:
// - owned keys (key % kThreadCount == thread), which only their owner writes, so the owner's
//   model of them is exact at every step, including every get it makes;
// - shared keys, which every thread writes with insert_or_assign, update and erase, and reads.
//   A reader must see each writer's values for a key in increasing sequence order, and the
//   final value of a key must be the last value its writer wrote to it.
TYPED_TEST(MapContractTest, ConcurrentMixedOperationsStayConsistent) {
  constexpr int kThreadCount = 4;
  constexpr int kOwnedKeyCount = 256;
  constexpr int kSharedKeyCount = 16;
  constexpr int kOperationsPerThread = 100000;
  static_assert(kOperationsPerThread < kSequenceLimit);

  TypeParam map;
  std::vector<std::unordered_map<int, int>> owned_models(kThreadCount);
  // last_shared_write[thread][shared key] is the thread's last value written to that key, or
  // -1 when its last write to it was an erase or it never wrote it.
  std::vector<std::vector<int>> last_shared_write(kThreadCount,
                                                  std::vector<int>(kSharedKeyCount, -1));
  std::vector<std::string> failures(kThreadCount);

  auto run = [&](int thread_index) {
    std::mt19937 random(static_cast<std::uint32_t>(thread_index + 1));
    std::unordered_map<int, int>& model = owned_models[thread_index];
    // highest_seen[shared key][writer] is the highest sequence this thread has read.
    std::vector<std::vector<int>> highest_seen(kSharedKeyCount, std::vector<int>(kThreadCount, -1));

    for (int sequence = 0; sequence < kOperationsPerThread && failures[thread_index].empty();
         ++sequence) {
      const int value = encode_write(thread_index, sequence);
      const bool use_shared_key = random() % 4 == 0;

      if (use_shared_key) {
        const int shared_index = static_cast<int>(random() % kSharedKeyCount);
        const int key = kOwnedKeyCount + shared_index;
        switch (random() % 4) {
          case 0:
            map.insert_or_assign(key, value);
            last_shared_write[thread_index][shared_index] = value;
            break;
          case 1:
            if (map.update(key, value)) {
              last_shared_write[thread_index][shared_index] = value;
            }
            break;
          case 2:
            // Whether or not the erase finds the key, none of this thread's earlier values for
            // it can be the key's value afterwards, because each value is written only once.
            map.erase(key);
            last_shared_write[thread_index][shared_index] = -1;
            break;
          default: {
            const std::optional<int> seen = map.get(key);
            if (seen) {
              int& highest = highest_seen[shared_index][writer_of(*seen)];
              if (sequence_of(*seen) < highest) {
                failures[thread_index] = "key " + std::to_string(key) + " went back from " +
                                         std::to_string(highest) + " to " +
                                         std::to_string(sequence_of(*seen));
              }
              highest = sequence_of(*seen);
            }
            break;
          }
        }
        continue;
      }

      const int key = static_cast<int>(random() % (kOwnedKeyCount / kThreadCount)) * kThreadCount +
                      thread_index;
      const bool present = model.contains(key);
      switch (random() % 5) {
        case 0:
          if (map.insert(key, value) != !present) {
            failures[thread_index] = "insert of key " + std::to_string(key) + " disagreed";
          }
          model.try_emplace(key, value);
          break;
        case 1:
          if (map.update(key, value) != present) {
            failures[thread_index] = "update of key " + std::to_string(key) + " disagreed";
          }
          if (present) {
            model[key] = value;
          }
          break;
        case 2:
          if (map.insert_or_assign(key, value) != !present) {
            failures[thread_index] =
                "insert_or_assign of key " + std::to_string(key) + " disagreed";
          }
          model[key] = value;
          break;
        case 3:
          if (map.erase(key) != present) {
            failures[thread_index] = "erase of key " + std::to_string(key) + " disagreed";
          }
          model.erase(key);
          break;
        default: {
          const std::optional<int> seen = map.get(key);
          const bool matches_model = present ? seen == model.at(key) : !seen.has_value();
          if (!matches_model) {
            failures[thread_index] =
                "get of key " + std::to_string(key) + " returned a stale value";
          }
          break;
        }
      }
    }
  };

  std::vector<std::thread> threads;
  for (int thread_index = 0; thread_index < kThreadCount; ++thread_index) {
    threads.emplace_back(run, thread_index);
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  for (int thread_index = 0; thread_index < kThreadCount; ++thread_index) {
    EXPECT_EQ(failures[thread_index], "") << "thread " << thread_index;
  }

  std::size_t expected_size = 0;
  for (const std::unordered_map<int, int>& model : owned_models) {
    expected_size += model.size();
    for (const auto& [key, value] : model) {
      EXPECT_EQ(map.get(key), std::optional<int>(value)) << "owned key " << key;
    }
  }
  for (int key = 0; key < kOwnedKeyCount; ++key) {
    if (!owned_models[key % kThreadCount].contains(key)) {
      EXPECT_EQ(map.get(key), std::nullopt) << "owned key " << key;
    }
  }

  for (int shared_index = 0; shared_index < kSharedKeyCount; ++shared_index) {
    const int key = kOwnedKeyCount + shared_index;
    const std::optional<int> final_value = map.get(key);
    if (!final_value) {
      continue;
    }
    ++expected_size;
    const int writer = writer_of(*final_value);
    ASSERT_GE(writer, 0);
    ASSERT_LT(writer, kThreadCount);
    EXPECT_EQ(*final_value, last_shared_write[writer][shared_index])
        << "shared key " << key << " ended with a value that was not its writer's last write";
  }
  EXPECT_EQ(map.size(), expected_size);
}

TEST(ConcurrentMapTest, RejectsNonPowerOfTwoBuckets) {
  EXPECT_THROW(IntConcurrentMap(0), std::invalid_argument);
  EXPECT_THROW(IntConcurrentMap(1000), std::invalid_argument);
  EXPECT_EQ(IntConcurrentMap(1).bucket_count(), 1U);
}

TEST(ConcurrentMapTest, SingleBucketKeepsEveryKey) {
  ConcurrentMap<int, int> map(1);
  for (int key = 0; key < 50; ++key) {
    ASSERT_TRUE(map.insert(key, key));
  }
  ASSERT_TRUE(map.erase(25));
  ASSERT_TRUE(map.update(26, -26));

  EXPECT_EQ(map.get(25), std::nullopt);
  EXPECT_EQ(map.get(26), std::optional<int>(-26));
  EXPECT_EQ(map.get(49), std::optional<int>(49));
  EXPECT_EQ(map.size(), 49U);
}

TEST(ConcurrentMapTest, ReclaimFreesRetiredSnapshots) {
  ConcurrentMap<int, int> map(4);
  ASSERT_TRUE(map.insert(1, 1));  // The bucket was empty, so nothing is retired.
  EXPECT_EQ(map.retired_snapshot_count(), 0U);

  ASSERT_TRUE(map.update(1, 2));
  ASSERT_TRUE(map.insert_or_assign(1, 3) == false);
  ASSERT_TRUE(map.erase(1));
  EXPECT_EQ(map.retired_snapshot_count(), 3U);

  map.reclaim_retired();
  EXPECT_EQ(map.retired_snapshot_count(), 0U);
  EXPECT_EQ(map.get(1), std::nullopt);
}

TEST(ConcurrentMapTest, StringKeysAndValues) {
  // Strings long enough to live on the heap, so ASan reports any use of a freed snapshot.
  ConcurrentMap<std::string, std::string> map(2);
  const std::string key = "payment-0f8fad5b-d9cb-469f-a165-70867728950e";
  ASSERT_TRUE(map.insert(key, std::string(100, 'a')));
  ASSERT_TRUE(map.update(key, std::string(100, 'b')));
  ASSERT_TRUE(map.insert("another key that is long enough", "value"));

  EXPECT_EQ(map.get(key), std::optional<std::string>(std::string(100, 'b')));
  ASSERT_TRUE(map.erase(key));
  map.reclaim_retired();
  EXPECT_EQ(map.get("another key that is long enough"), std::optional<std::string>("value"));
}

TEST(StripedMapTest, RejectsNonPowerOfTwoStripes) {
  EXPECT_THROW(IntStripedMap(0), std::invalid_argument);
  EXPECT_THROW(IntStripedMap(12), std::invalid_argument);
  EXPECT_EQ(IntStripedMap(8).stripe_count(), 8U);
}

}  // namespace
}  // namespace paybench
