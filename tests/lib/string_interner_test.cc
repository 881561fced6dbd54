#include "paybench/memory/string_interner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "paybench/memory/string_arena.h"

// Replaces the global operator new to count allocations, so no other .cc file of this test
// executable may include it.
#include "counting_operator_new.h"
#include "interner_test_texts.h"

namespace paybench {
namespace {

using testing::make_texts;

// Builds each interner with a small arena block, so that tests with a few hundred strings
// already allocate many blocks.
template <class Interner>
Interner make_interner(std::size_t arena_block_size);

template <>
SharedMutexInterner make_interner<SharedMutexInterner>(std::size_t arena_block_size) {
  return SharedMutexInterner(arena_block_size);
}

template <>
ShardedInterner make_interner<ShardedInterner>(std::size_t arena_block_size) {
  return ShardedInterner(ShardedInterner::kDefaultShardCount, arena_block_size);
}

constexpr std::size_t kSmallArenaBlock = 64;

template <class Interner>
class StringInternerTest : public ::testing::Test {};

using InternerTypes = ::testing::Types<SharedMutexInterner, ShardedInterner>;
TYPED_TEST_SUITE(StringInternerTest, InternerTypes);

TYPED_TEST(StringInternerTest, EqualTextReturnsSamePointer) {
  TypeParam interner;
  const std::string first = "EUR";
  const std::string second = "EUR";
  ASSERT_NE(first.data(), second.data());

  const std::string_view interned_first = interner.intern(first);
  const std::string_view interned_second = interner.intern(second);
  EXPECT_EQ(interned_first, "EUR");
  EXPECT_EQ(interned_first.data(), interned_second.data());
  EXPECT_NE(interned_first.data(), first.data()) << "the interner must store its own copy";
  EXPECT_EQ(interner.size(), 1U);
}

TYPED_TEST(StringInternerTest, DifferentTextsReturnDistinctPointers) {
  TypeParam interner;
  const std::vector<std::string> texts = {"", "a", "ab", "abc", "abd", "EUR", "eur"};
  std::vector<const char*> pointers;
  for (const std::string& text : texts) {
    const std::string_view interned = interner.intern(text);
    EXPECT_EQ(interned, text);
    pointers.push_back(interned.data());
  }

  std::sort(pointers.begin(), pointers.end());
  EXPECT_EQ(std::adjacent_find(pointers.begin(), pointers.end()), pointers.end());
  EXPECT_EQ(interner.size(), texts.size());
}

TYPED_TEST(StringInternerTest, InternedTextIsNulTerminated) {
  TypeParam interner;
  const std::string_view text = "card_present";
  const std::string_view interned = interner.intern(text.substr(0, 4));
  EXPECT_EQ(interned, "card");
  EXPECT_STREQ(interned.data(), "card");
}

TYPED_TEST(StringInternerTest, ViewsSurviveArenaGrowth) {
  TypeParam interner = make_interner<TypeParam>(kSmallArenaBlock);
  const std::vector<std::string> texts = make_texts(5000);

  std::vector<std::string_view> first_views;
  for (const std::string& text : texts) {
    first_views.push_back(interner.intern(text));
  }
  ASSERT_EQ(interner.size(), texts.size());

  for (std::size_t i = 0; i < texts.size(); ++i) {
    ASSERT_EQ(first_views[i], texts[i]) << "view " << i << " changed after later inserts";
    ASSERT_EQ(interner.intern(texts[i]).data(), first_views[i].data());
  }
  EXPECT_EQ(interner.size(), texts.size());
}

TYPED_TEST(StringInternerTest, HitPathDoesNotAllocate) {
  TypeParam interner;
  // Longer than the small-string buffer of std::string, so a hidden std::string key would
  // have to allocate.
  std::vector<std::string> texts = make_texts(200);
  for (std::string& text : texts) {
    text += "-a-text-long-enough-to-need-heap-storage-in-std-string";
    (void)interner.intern(text);
  }

  const long allocations_before = g_allocation_count.load();
  for (const std::string& text : texts) {
    (void)interner.intern(text);
  }
  const long allocations_after = g_allocation_count.load();

  EXPECT_EQ(allocations_after - allocations_before, 0);
}

TYPED_TEST(StringInternerTest, MissPathAllocationIsCounted) {
  // Guards the test above: the counter must see the allocations of a miss.
  TypeParam interner = make_interner<TypeParam>(kSmallArenaBlock);
  const long allocations_before = g_allocation_count.load();
  (void)interner.intern("a-text-that-is-not-interned-yet");
  EXPECT_GT(g_allocation_count.load() - allocations_before, 0);
}

TYPED_TEST(StringInternerTest, TwoThreadsAgreeOnPointers) {
  TypeParam interner = make_interner<TypeParam>(kSmallArenaBlock);
  const std::vector<std::string> texts = make_texts(2000);
  std::vector<const char*> forward(texts.size());
  std::vector<const char*> backward(texts.size());

  // Both threads intern every text twice, in opposite orders, so most texts meet a miss in one
  // thread and a hit or a race on the unique lock in the other.
  std::thread first([&] {
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t i = 0; i < texts.size(); ++i) {
        forward[i] = interner.intern(texts[i]).data();
      }
    }
  });
  std::thread second([&] {
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t i = texts.size(); i-- > 0;) {
        backward[i] = interner.intern(texts[i]).data();
      }
    }
  });
  first.join();
  second.join();

  EXPECT_EQ(forward, backward);
  EXPECT_EQ(interner.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    ASSERT_EQ(std::string_view(forward[i]), texts[i]);
  }
}

TEST(ShardedInternerTest, ShardCountMustBePowerOfTwo) {
  for (const std::size_t shard_count : {std::size_t{0}, std::size_t{3}, std::size_t{24},
                                        ShardedInterner::kMaxShardCount * 2}) {
    SCOPED_TRACE("shard_count = " + std::to_string(shard_count));
    EXPECT_THROW(ShardedInterner interner(shard_count), std::invalid_argument);
  }
}

TEST(ShardedInternerTest, SingleShardWorks) {
  ShardedInterner interner(1);
  EXPECT_EQ(interner.shard_count(), 1U);
  EXPECT_EQ(interner.intern("GBP").data(), interner.intern(std::string("GBP")).data());
  EXPECT_EQ(interner.size(), 1U);
}

TEST(StringArenaTest, GrowsWithoutMovingStoredText) {
  StringArena arena(32);
  std::vector<std::string_view> views;
  for (int i = 0; i < 100; ++i) {
    views.push_back(arena.store("text-" + std::to_string(i)));
  }
  EXPECT_GT(arena.block_count(), 10U);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(views[i], "text-" + std::to_string(i));
  }
}

TEST(StringArenaTest, EmptyTextsGetDistinctAddresses) {
  StringArena arena;
  const std::string_view first = arena.store("");
  const std::string_view second = arena.store("");
  EXPECT_TRUE(first.empty());
  EXPECT_NE(first.data(), second.data());
}

TEST(StringArenaTest, ZeroBlockSizeIsInvalid) {
  EXPECT_THROW(StringArena arena(0), std::invalid_argument);
}

}  // namespace
}  // namespace paybench
