#include "paybench/memory/lock_free_read_interner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <latch>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "paybench/memory/string_interner.h"

// Replaces the global operator new to count allocations, so no other .cc file of this test
// executable may include it.
#include "counting_operator_new.h"
#include "interner_test_texts.h"

namespace paybench {
namespace {

using testing::make_texts;

static_assert(StringInterner<LockFreeReadInterner>);

// The smallest table and a small arena block, so that a few thousand texts force many table
// growths and many arena blocks.
constexpr std::size_t kSmallCapacity = LockFreeReadInterner::kMinInitialCapacity;
constexpr std::size_t kSmallArenaBlock = 64;

LockFreeReadInterner make_small_interner() {
  return LockFreeReadInterner(kSmallCapacity, kSmallArenaBlock);
}

// Returns the number of doublings from kSmallCapacity to capacity.
std::size_t growth_count(std::size_t capacity) {
  std::size_t growths = 0;
  for (std::size_t slots = kSmallCapacity; slots < capacity; slots *= 2) {
    ++growths;
  }
  return growths;
}

TEST(LockFreeReadInterner, EqualTextReturnsSamePointer) {
  LockFreeReadInterner interner;
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

TEST(LockFreeReadInterner, DifferentTextsReturnDistinctPointers) {
  // Starting from the smallest table makes texts likely to collide on their first probed slot.
  LockFreeReadInterner interner = make_small_interner();
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

TEST(LockFreeReadInterner, InternedTextIsNulTerminated) {
  LockFreeReadInterner interner;
  const std::string_view text = "card_present";
  const std::string_view interned = interner.intern(text.substr(0, 4));
  EXPECT_EQ(interned, "card");
  EXPECT_STREQ(interned.data(), "card");
}

TEST(LockFreeReadInterner, InvalidConstructorArgumentsThrow) {
  for (const std::size_t initial_capacity : {std::size_t{0}, std::size_t{1}, std::size_t{3},
                                             std::size_t{24}, std::size_t{100}}) {
    SCOPED_TRACE("initial_capacity = " + std::to_string(initial_capacity));
    EXPECT_THROW(LockFreeReadInterner interner(initial_capacity), std::invalid_argument);
  }
  EXPECT_THROW(LockFreeReadInterner interner(kSmallCapacity, 0), std::invalid_argument);
  EXPECT_NO_THROW(LockFreeReadInterner interner(kSmallCapacity));
}

TEST(LockFreeReadInterner, TableDoublesAtHalfLoad) {
  LockFreeReadInterner interner = make_small_interner();
  EXPECT_EQ(interner.capacity(), kSmallCapacity);

  const std::vector<std::string> texts = make_texts(1000);
  std::size_t previous_capacity = interner.capacity();
  for (const std::string& text : texts) {
    (void)interner.intern(text);
    const std::size_t capacity = interner.capacity();
    SCOPED_TRACE("size = " + std::to_string(interner.size()));
    ASSERT_LE(interner.size() * 2, capacity) << "the table is more than half full";
    ASSERT_TRUE(capacity == previous_capacity || capacity == previous_capacity * 2)
        << "capacity went from " << previous_capacity << " to " << capacity;
    previous_capacity = capacity;
  }

  // 1000 texts need 2048 slots at load factor 1/2: ten doublings from 2.
  EXPECT_EQ(interner.capacity(), 2048U);
}

TEST(LockFreeReadInterner, ViewsSurviveArenaAndTableGrowth) {
  LockFreeReadInterner interner = make_small_interner();
  const std::vector<std::string> texts = make_texts(5000);

  std::vector<std::string_view> first_views;
  for (const std::string& text : texts) {
    first_views.push_back(interner.intern(text));
  }
  ASSERT_EQ(interner.size(), texts.size());
  EXPECT_GE(growth_count(interner.capacity()), 10U) << "capacity " << interner.capacity();

  for (std::size_t i = 0; i < texts.size(); ++i) {
    ASSERT_EQ(first_views[i], texts[i]) << "view " << i << " changed after later inserts";
    ASSERT_EQ(interner.intern(texts[i]).data(), first_views[i].data()) << "text " << texts[i];
  }
  EXPECT_EQ(interner.size(), texts.size());
}

TEST(LockFreeReadInterner, HitPathDoesNotAllocate) {
  // Starts small, so the hits below probe a table that has grown several times.
  LockFreeReadInterner interner = make_small_interner();
  // Longer than the small-string buffer of std::string, so a hidden std::string key would
  // have to allocate.
  std::vector<std::string> texts = make_texts(200);
  for (std::string& text : texts) {
    text += "-a-text-long-enough-to-need-heap-storage-in-std-string";
    (void)interner.intern(text);
  }
  ASSERT_GE(growth_count(interner.capacity()), 5U);

  const long allocations_before = g_allocation_count.load();
  for (const std::string& text : texts) {
    (void)interner.intern(text);
  }
  const long allocations_after = g_allocation_count.load();

  EXPECT_EQ(allocations_after - allocations_before, 0);
}

TEST(LockFreeReadInterner, MissPathAllocationIsCounted) {
  // Guards the test above: the counter must see the allocations of a miss.
  LockFreeReadInterner interner = make_small_interner();
  const long allocations_before = g_allocation_count.load();
  (void)interner.intern("a-text-that-is-not-interned-yet");
  EXPECT_GT(g_allocation_count.load() - allocations_before, 0);
}

TEST(LockFreeReadInterner, TwoThreadsInternOverlappingTexts) {
  // Thread "low" interns texts [0, 3000) and thread "high" texts [1000, 4000). Both start at
  // text 1000 and ascend, so the threads often miss on the same shared text at about the same
  // time, and the second one must find the first one's insert when it rechecks under the lock.
  // Starting from the smallest table, the inserts grow it twelve times while both threads probe.
  constexpr std::size_t kTextCount = 4000;
  constexpr std::size_t kLowEnd = 3000;
  constexpr std::size_t kHighBegin = 1000;
  constexpr int kRounds = 16;
  const std::vector<std::string> texts = make_texts(kTextCount);

  std::vector<std::size_t> low_order;
  for (std::size_t i = kHighBegin; i < kLowEnd; ++i) {
    low_order.push_back(i);
  }
  for (std::size_t i = 0; i < kHighBegin; ++i) {
    low_order.push_back(i);
  }
  std::vector<std::size_t> high_order;
  for (std::size_t i = kHighBegin; i < kTextCount; ++i) {
    high_order.push_back(i);
  }

  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    LockFreeReadInterner interner = make_small_interner();
    std::vector<const char*> low_pointers(kTextCount, nullptr);
    std::vector<const char*> high_pointers(kTextCount, nullptr);
    std::latch start(2);

    // A second pass in the opposite order hits texts that the other thread may have inserted
    // into a table that has grown since.
    const auto intern_twice = [&](const std::vector<std::size_t>& order,
                                  std::vector<const char*>& pointers) {
      start.arrive_and_wait();
      for (const std::size_t i : order) {
        pointers[i] = interner.intern(texts[i]).data();
      }
      for (auto it = order.rbegin(); it != order.rend(); ++it) {
        ASSERT_EQ(interner.intern(texts[*it]).data(), pointers[*it]) << "text " << texts[*it];
      }
    };
    std::thread low([&] { intern_twice(low_order, low_pointers); });
    std::thread high([&] { intern_twice(high_order, high_pointers); });
    low.join();
    high.join();

    EXPECT_EQ(interner.size(), kTextCount);
    EXPECT_GE(growth_count(interner.capacity()), 12U) << "capacity " << interner.capacity();

    // Every text maps to exactly one pointer: both threads and a later call agree on it, and
    // the pointer contains the text.
    std::vector<const char*> pointers;
    for (std::size_t i = 0; i < kTextCount; ++i) {
      const char* expected = interner.intern(texts[i]).data();
      if (i < kLowEnd) {
        ASSERT_EQ(low_pointers[i], expected) << "text " << texts[i];
      }
      if (i >= kHighBegin) {
        ASSERT_EQ(high_pointers[i], expected) << "text " << texts[i];
      }
      ASSERT_EQ(std::string_view(expected), texts[i]);
      pointers.push_back(expected);
    }

    // Distinct texts map to distinct pointers.
    std::sort(pointers.begin(), pointers.end());
    EXPECT_EQ(std::adjacent_find(pointers.begin(), pointers.end()), pointers.end());
    EXPECT_EQ(interner.size(), kTextCount) << "the checks above must all have been hits";
  }
}

TEST(LockFreeReadInterner, ReaderHitsWhileWriterGrowsTable) {
  // The reader only hits texts interned before it starts, so every one of its calls takes the
  // lock-free path, while the writer's misses grow the table under it.
  constexpr std::size_t kReadTextCount = 64;
  constexpr std::size_t kWrittenTextCount = 4000;
  constexpr int kReadPasses = 200;
  LockFreeReadInterner interner = make_small_interner();
  const std::vector<std::string> read_texts = make_texts(kReadTextCount);
  std::vector<const char*> read_pointers;
  for (const std::string& text : read_texts) {
    read_pointers.push_back(interner.intern(text).data());
  }
  std::vector<std::string> written_texts;
  for (std::size_t i = 0; i < kWrittenTextCount; ++i) {
    written_texts.push_back("written-" + std::to_string(i));
  }
  const std::size_t capacity_before = interner.capacity();
  std::latch start(2);

  std::thread reader([&] {
    start.arrive_and_wait();
    for (int pass = 0; pass < kReadPasses; ++pass) {
      for (std::size_t i = 0; i < kReadTextCount; ++i) {
        ASSERT_EQ(interner.intern(read_texts[i]).data(), read_pointers[i])
            << "text " << read_texts[i] << " in pass " << pass;
      }
    }
  });
  std::thread writer([&] {
    start.arrive_and_wait();
    for (const std::string& text : written_texts) {
      ASSERT_EQ(interner.intern(text), text);
    }
  });
  reader.join();
  writer.join();

  EXPECT_EQ(interner.size(), kReadTextCount + kWrittenTextCount);
  EXPECT_GE(interner.capacity(), capacity_before * 32) << "the writer must grow the table";
}

}  // namespace
}  // namespace paybench
