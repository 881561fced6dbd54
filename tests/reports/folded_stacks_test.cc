// Folded stacks: real files from FlameGraph's test results, round trips and every input error.
#include "paybench/reports/folded_stacks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "paybench/reports/input_error.h"

namespace paybench::reports {
namespace {

namespace fs = std::filesystem;

constexpr const char* kExpectedForm = "expected `frame;frame;...;frame COUNT`";

const std::vector<std::string> kCaseFiles = {
    "perf-vertx-stacks-01-collapsed-all.folded",
    "perf-java-stacks-01-collapsed-all.folded",
    "perf-rust-Yamakaky-dcpu-collapsed-all.folded",
    "perf-iperf-stacks-pidtid-01-collapsed-all.folded",
    "perf-js-stacks-01-collapsed-all.folded",
};

fs::path case_path(const std::string& name) {
  return fs::path(PAYBENCH_FLAMEGRAPH_CASES_DIR) / name;
}

std::string read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// The total count and number of stacks of a folded file, found without parse_folded(). The
// count of a line is its last whitespace-separated field.
struct IndependentTotals {
  std::uint64_t total = 0;
  std::size_t lines = 0;
};

IndependentTotals totals_by_simple_split(const std::string& text) {
  IndependentTotals totals;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string field;
    std::string last_field;
    while (fields >> field) last_field = field;
    if (last_field.empty()) continue;
    totals.total += std::stoull(last_field);
    ++totals.lines;
  }
  return totals;
}

// Returns the InputError that parsing `text` raises. Fails the test if none is raised.
InputError parse_error_of(const std::string& text) {
  try {
    parse_folded(text, "bad.folded");
  } catch (const InputError& error) {
    return error;
  }
  ADD_FAILURE() << "expected an InputError for: " << text.substr(0, 200);
  return InputError("bad.folded", "", "none raised");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class FoldedStacksRealFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(PAYBENCH_FLAMEGRAPH_CASES_DIR)) {
      GTEST_SKIP() << "the folded stack files are not at " << PAYBENCH_FLAMEGRAPH_CASES_DIR
                   << "; set the CMake variable PAYBENCH_FLAMEGRAPH_CASES_DIR to their folder";
    }
  }
};

TEST_F(FoldedStacksRealFiles, TotalsMatchSimpleSplit) {
  for (const std::string& name : kCaseFiles) {
    SCOPED_TRACE(name);
    const std::string text = read_text(case_path(name));
    ASSERT_FALSE(text.empty());
    const IndependentTotals expected = totals_by_simple_split(text);

    const FoldedProfile profile = parse_folded(text, name);

    EXPECT_EQ(profile.stacks.size(), expected.lines);
    EXPECT_EQ(profile.total(), expected.total);
  }
}

TEST_F(FoldedStacksRealFiles, FramesKeepSpacesAndPunctuation) {
  const FoldedProfile js = parse_folded(
      read_text(case_path("perf-js-stacks-01-collapsed-all.folded")), "js");
  ASSERT_EQ(js.stacks.size(), 2u);
  const std::vector<std::string>& frames = js.stacks[0].frames;
  EXPECT_EQ(frames.front(), "node-v011");
  EXPECT_EQ(frames.back(), "RegExp:\\bFoo ?Bar_[j]");
  EXPECT_NE(std::find(frames.begin(), frames.end(),
                      "Builtin:A builtin from the snapshot_[j]"),
            frames.end());
  EXPECT_NE(std::find(frames.begin(), frames.end(), "LazyCompile:_tickDomainCallback node.js:387_[j]"),
            frames.end());
  EXPECT_EQ(js.stacks[0].count, 1u);

  // A stack of the Vert.x file ends in a frame that is a single space: "...write0_[j];  3".
  const FoldedProfile vertx = parse_folded(
      read_text(case_path("perf-vertx-stacks-01-collapsed-all.folded")), "vertx");
  const auto blank_leaf = std::find_if(vertx.stacks.begin(), vertx.stacks.end(),
                                       [](const FoldedStack& stack) {
                                         return stack.frames.back() == " ";
                                       });
  ASSERT_NE(blank_leaf, vertx.stacks.end());
  EXPECT_EQ(blank_leaf->count, 3u);
  EXPECT_EQ(blank_leaf->frames[blank_leaf->frames.size() - 2],
            "sun/nio/ch/FileDispatcherImpl:.write0_[j]");
}

TEST_F(FoldedStacksRealFiles, RustLargeCounts) {
  const FoldedProfile rust = parse_folded(
      read_text(case_path("perf-rust-Yamakaky-dcpu-collapsed-all.folded")), "rust");
  std::uint64_t max_count = 0;
  for (const FoldedStack& stack : rust.stacks) max_count = std::max(max_count, stack.count);
  // The largest count of the file, read with `awk '{print $NF}' FILE | sort -n | tail -1`.
  EXPECT_EQ(max_count, 559'435u);
}

TEST_F(FoldedStacksRealFiles, WrittenTextIsIdentical) {
  for (const std::string& name : kCaseFiles) {
    SCOPED_TRACE(name);
    const std::string text = read_text(case_path(name));

    const FoldedProfile profile = parse_folded(text, name);
    const std::string written = to_folded_text(profile);

    EXPECT_EQ(written, text);
    EXPECT_EQ(parse_folded(written, name), profile);
  }
}

TEST(FoldedStacks, RoundTripOfUnusualNames) {
  const FoldedProfile profile{.stacks = {
      {.frames = {"main", "std::vector<int, std::allocator<int> >::push_back(int const&)",
                  "operator new(unsigned long)", "a & b", "(anonymous namespace)::f(char*)"},
       .count = 7},
      {.frames = {"java/lang/Thread:.run_[j]", "a/b/C$D:.e_[j]", "[unknown]", "tab\there"},
       .count = 0},
      {.frames = {"", "between empty names", ""}, .count = 2},
      {.frames = {"trailing space ", " leading space"}, .count = 18'446'744'073'709'551'606u},
  }};

  const std::string text = to_folded_text(profile);

  EXPECT_EQ(parse_folded(text, "round-trip"), profile);
  EXPECT_TRUE(contains(text, "main;std::vector<int, std::allocator<int> >::push_back(int const&);"))
      << text;
  EXPECT_TRUE(contains(text, "trailing space ; leading space 18446744073709551606\n")) << text;
}

TEST(FoldedStacks, EmptyTextIsEmptyProfile) {
  const FoldedProfile profile = parse_folded("", "empty.folded");
  EXPECT_TRUE(profile.stacks.empty());
  EXPECT_EQ(profile.total(), 0u);
  EXPECT_EQ(to_folded_text(profile), "");
}

TEST(FoldedStacks, SkipsBlankLinesAndLineEnds) {
  const FoldedProfile profile =
      parse_folded("\nmain;a 2\r\n   \n\t\nmain;b 3 \t\r\nmain;c 4", "crlf.folded");

  ASSERT_EQ(profile.stacks.size(), 3u);
  EXPECT_EQ(profile.stacks[0], (FoldedStack{.frames = {"main", "a"}, .count = 2}));
  EXPECT_EQ(profile.stacks[1], (FoldedStack{.frames = {"main", "b"}, .count = 3}));
  EXPECT_EQ(profile.stacks[2], (FoldedStack{.frames = {"main", "c"}, .count = 4}));
  EXPECT_EQ(profile.total(), 9u);
}

TEST(FoldedStacks, KeepsIdenticalStacksApart) {
  const FoldedProfile profile = parse_folded("main;a 2\nmain;b 1\nmain;a 3\n", "dup.folded");

  ASSERT_EQ(profile.stacks.size(), 3u);
  EXPECT_EQ(to_folded_text(profile), "main;a 2\nmain;b 1\nmain;a 3\n");
}

TEST(FoldedStacks, MergeKeepsFirstPosition) {
  const FoldedProfile profile =
      parse_folded("main;b 1\nmain;a 2\nmain;b 4\nmain 1\nmain;a 3\n", "dup.folded");

  const FoldedProfile merged = merge_identical_stacks(profile);

  EXPECT_EQ(to_folded_text(merged), "main;b 5\nmain;a 5\nmain 1\n");
  EXPECT_EQ(merged.total(), profile.total());
}

TEST(FoldedStacks, MergeRejectsCountOverflow) {
  const FoldedProfile profile{.stacks = {
      {.frames = {"main"}, .count = std::numeric_limits<std::uint64_t>::max()},
      {.frames = {"main"}, .count = 1},
  }};
  EXPECT_THROW(merge_identical_stacks(profile), std::overflow_error);
  EXPECT_THROW(static_cast<void>(profile.total()), std::overflow_error);
}

TEST(FoldedStacksErrors, MissingCount) {
  const InputError error = parse_error_of("main;a 1\nmain;handle_request\n");

  EXPECT_EQ(error.source(), "bad.folded");
  EXPECT_EQ(std::string(error.what()),
            std::string("bad.folded: line 2: missing count: no space before a sample count in "
                        "\"main;handle_request\"; ") +
                kExpectedForm);
}

TEST(FoldedStacksErrors, CountNotAnInteger) {
  for (const std::string count : {"many", "-3", "+3", "1.5", "0x10", "3x"}) {
    SCOPED_TRACE(count);
    const InputError error = parse_error_of("main;a " + count);

    EXPECT_TRUE(contains(error.what(), "bad.folded: line 1: count \"" + count +
                                           "\" is not a non-negative integer"))
        << error.what();
    EXPECT_TRUE(contains(error.what(), "\"main;a " + count + "\"")) << error.what();
    EXPECT_TRUE(contains(error.what(), kExpectedForm)) << error.what();
  }
}

TEST(FoldedStacksErrors, CountOverflow) {
  const InputError error = parse_error_of("main;a 18446744073709551616\n");

  EXPECT_TRUE(contains(error.what(),
                       "line 1: count \"18446744073709551616\" exceeds the maximum 2^64 - 1"))
      << error.what();
  EXPECT_TRUE(contains(error.what(), kExpectedForm)) << error.what();
}

TEST(FoldedStacksErrors, LargestCountAccepted) {
  const FoldedProfile profile = parse_folded("main 18446744073709551615\nidle 0\n", "max.folded");
  EXPECT_EQ(profile.total(), std::numeric_limits<std::uint64_t>::max());
}

TEST(FoldedStacksErrors, TotalOverflow) {
  const InputError error = parse_error_of("main 18446744073709551615\n\nidle 1\n");

  EXPECT_TRUE(contains(error.what(), "bad.folded: line 3: counts up to this line add up to more "
                                     "than the maximum 2^64 - 1"))
      << error.what();
}

TEST(FoldedStacksErrors, EmptyFrameList) {
  const InputError error = parse_error_of("main 1\n 5\n");

  EXPECT_TRUE(contains(error.what(), "bad.folded: line 2: empty frame list before the count in "
                                     "\" 5\""))
      << error.what();
  EXPECT_TRUE(contains(error.what(), kExpectedForm)) << error.what();
}

TEST(FoldedStacksErrors, LongLineShortened) {
  const std::string frames(500, 'x');
  const InputError error = parse_error_of(frames + " lots");

  const std::string message = error.what();
  EXPECT_TRUE(contains(message, "\"" + std::string(80, 'x') + "...\" (505 characters)"))
      << message;
  EXPECT_FALSE(contains(message, std::string(81, 'x'))) << message;
  EXPECT_LT(message.size(), 300u);
}

TEST(FoldedStacksErrors, BinaryBytesEscaped) {
  // What `paybench flame` reads from a binary file that is no CPU profile.
  const InputError error = parse_error_of("garbage\x1b[31m\x01\x9b\xff");

  const std::string message = error.what();
  EXPECT_TRUE(contains(message, "\"garbage<U+001B>[31m<U+0001><0x9B><0xFF>\"")) << message;
  EXPECT_FALSE(contains(message, "\x1b")) << message;
}

TEST(FoldedStacksErrors, LongCountShortened) {
  const std::string count(501, 'n');
  const InputError error = parse_error_of("main;a " + count);

  const std::string message = error.what();
  EXPECT_TRUE(contains(message, "count \"" + std::string(80, 'n') +
                                    "...\" (501 characters) is not a non-negative integer"))
      << message;
  EXPECT_FALSE(contains(message, std::string(81, 'n'))) << message;
  EXPECT_LT(message.size(), 400u);
}

TEST(FoldedStacksWrite, RejectsSeparatorInFrame) {
  const FoldedProfile semicolon{.stacks = {{.frames = {"main", "a;b"}, .count = 1}}};
  const FoldedProfile newline{.stacks = {{.frames = {"main", "a\nb"}, .count = 1}}};

  try {
    to_folded_text(semicolon);
    ADD_FAILURE() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_TRUE(contains(error.what(), "stack 0, frame 1 \"a;b\" contains ';'")) << error.what();
  }
  EXPECT_THROW(to_folded_text(newline), std::invalid_argument);
}

TEST(FoldedStacksWrite, RejectsEmptyStack) {
  const FoldedProfile no_frames{.stacks = {{.frames = {"main"}, .count = 1}, {.count = 1}}};
  const FoldedProfile one_empty_frame{.stacks = {{.frames = {""}, .count = 1}}};

  try {
    to_folded_text(no_frames);
    ADD_FAILURE() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_TRUE(contains(error.what(), "stack 1 has no frames")) << error.what();
  }
  EXPECT_THROW(to_folded_text(one_empty_frame), std::invalid_argument);
}

}  // namespace
}  // namespace paybench::reports
