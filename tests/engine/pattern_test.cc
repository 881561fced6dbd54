#include "paybench/engine/pattern.h"

#include <gtest/gtest.h>

namespace paybench::engine {
namespace {

constexpr const char* kName = "memory/object_pool/pool/size:256/batch:1/threads:2";

TEST(PatternMatches, FamilyPrefix) {
  EXPECT_TRUE(pattern_matches("memory", kName));
  EXPECT_TRUE(pattern_matches("memory/*", kName));
}

TEST(PatternMatches, WorkloadAndVariantPrefixes) {
  EXPECT_TRUE(pattern_matches("memory/object_pool", kName));
  EXPECT_TRUE(pattern_matches("memory/object_pool/pool", kName));
  EXPECT_TRUE(pattern_matches("*/object_pool/*", kName));
  EXPECT_TRUE(pattern_matches("*/object_pool", kName));
}

TEST(PatternMatches, WholeNameAndParameterGlob) {
  EXPECT_TRUE(pattern_matches(kName, kName));
  EXPECT_TRUE(pattern_matches("*size:256*", kName));
  EXPECT_TRUE(pattern_matches("*/threads:2", kName));
}

TEST(PatternMatches, PrefixMustEndAtSegment) {
  EXPECT_FALSE(pattern_matches("mem", kName));
  EXPECT_FALSE(pattern_matches("memory/object", kName));
  EXPECT_FALSE(pattern_matches("memory/object_pool/poo", kName));
}

TEST(PatternMatches, OtherNamesDoNotMatch) {
  EXPECT_FALSE(pattern_matches("queues", kName));
  EXPECT_FALSE(pattern_matches("*/interner/*", kName));
  EXPECT_FALSE(pattern_matches("*size:64/*", kName));
}

TEST(SuggestCloseMatches, FindsTypos) {
  const std::vector<std::string> names = {"memory", "memory/object_pool", "memory/interner",
                                          "memory/buffer_pool"};
  const auto suggestions = suggest_close_matches("memory/objectpool", names);
  ASSERT_FALSE(suggestions.empty());
  EXPECT_EQ(suggestions.front(), "memory/object_pool");

  const auto family = suggest_close_matches("memroy/*", names);
  ASSERT_FALSE(family.empty());
  EXPECT_EQ(family.front(), "memory");
}

TEST(SuggestCloseMatches, LastSegmentAlone) {
  const std::vector<std::string> names = {"memory/object_pool", "memory/interner"};
  const auto suggestions = suggest_close_matches("intener", names);
  ASSERT_EQ(suggestions.size(), 1u);
  EXPECT_EQ(suggestions.front(), "memory/interner");
}

TEST(SuggestCloseMatches, NothingForUnrelatedText) {
  const std::vector<std::string> names = {"memory/object_pool", "memory/interner"};
  EXPECT_TRUE(suggest_close_matches("zzzzzzzzzzzz", names).empty());
  EXPECT_TRUE(suggest_close_matches("*", names).empty());
}

}  // namespace
}  // namespace paybench::engine
