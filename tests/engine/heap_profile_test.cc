// Reading gperftools heap profiles: hand-made texts with known content, a profile recorded by
// paybench_heap_profile_capture under gperftools' tcmalloc, every cut of it, and bad lines; and
// naming the allocations of a measured region.
#include "paybench/engine/heap_profile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cpu_profile_capture.h"
#include "heap_profile_capture.h"
#include "paybench/engine/build_info.h"
#include "paybench/engine/heap_allocations.h"
#include "paybench/engine/heap_profiler.h"
#include "paybench/engine/symbolizer.h"

namespace paybench::engine {
namespace {

namespace fs = std::filesystem;
using Allocations = std::map<std::vector<std::uint64_t>, AllocationDelta>;

constexpr const char* kMaps =
    "MAPPED_LIBRARIES:\n"
    "55d0a0000000-55d0a0001000 r-xp 00001000 08:01 42    /usr/bin/example\n";

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

std::string error_of(std::string_view text) {
  try {
    parse_heap_profile(text, "test.heap");
  } catch (const HeapProfileError& error) {
    return error.what();
  }
  return "";
}

TEST(HeapProfileTest, ReadsCountsStacksAndMappings) {
  const std::string text = std::string(
                               "heap profile:      3:      300 [     9:      900] @ heapprofile\n"
                               "     1:      100 [     4:      400] @ 0x55d0a0000010 0x55d0a0000020\n"
                               "     2:      200 [     5:      500] @ 0xabc\n"
                               "\n") +
                           kMaps;
  const HeapProfile profile = parse_heap_profile(text, "test.heap");

  ASSERT_EQ(profile.buckets.size(), 2u);
  EXPECT_EQ(profile.buckets[0].in_use_objects, 1);
  EXPECT_EQ(profile.buckets[0].in_use_bytes, 100);
  EXPECT_EQ(profile.buckets[0].allocated_objects, 4u);
  EXPECT_EQ(profile.buckets[0].allocated_bytes, 400);
  EXPECT_EQ(profile.buckets[0].stack, (std::vector<std::uint64_t>{0x55d0a0000010, 0x55d0a0000020}));
  EXPECT_EQ(profile.buckets[1].stack, (std::vector<std::uint64_t>{0xabc}));
  ASSERT_EQ(profile.mappings.size(), 1u);
  EXPECT_EQ(profile.mappings[0].path, "/usr/bin/example");
}

TEST(HeapProfileTest, CountsAllocationsBetweenTwoDumps) {
  const HeapProfile before = parse_heap_profile(
      std::string("heap profile: 0: 0 [ 5: 50] @ heapprofile\n"
                  "0: 0 [ 3: 30] @ 0x1\n"
                  "0: 0 [ 2: 20] @ 0x2\n") + kMaps,
      "before.heap");
  const HeapProfile after = parse_heap_profile(
      std::string("heap profile: 0: 0 [ 16: 160] @ heapprofile\n"
                  "0: 0 [ 10: 100] @ 0x1\n"
                  "0: 0 [ 2: 20] @ 0x2\n"
                  "0: 0 [ 4: 40] @ 0x3 0x1\n") + kMaps,
      "after.heap");

  Allocations allocations;
  add_allocations_between(before, after, allocations);

  ASSERT_EQ(allocations.size(), 2u) << "the stack without new allocations is left out";
  EXPECT_EQ(allocations[{0x1}].objects, 7u);
  EXPECT_EQ(allocations[{0x1}].bytes, 70u);
  EXPECT_EQ((allocations[{0x3, 0x1}].objects), 4u) << "a new stack counts from zero";

  add_allocations_between(before, after, allocations);
  EXPECT_EQ(allocations[{0x1}].objects, 14u) << "a second pair of dumps adds up";
}

TEST(HeapProfileTest, UndoesTheWrapOfTheObjectCount) {
  // gperftools prints its 32-bit object count with %d, so it turns negative past 2^31 - 1.
  const HeapProfile before = parse_heap_profile(
      std::string("heap profile: 0: 0 [ 0: 0] @ heapprofile\n"
                  "0: 0 [ 2147483647: 100] @ 0x1\n") + kMaps,
      "before.heap");
  const HeapProfile after = parse_heap_profile(
      std::string("heap profile: 0: 0 [ 0: 0] @ heapprofile\n"
                  "0: 0 [ -2147483646: 130] @ 0x1\n") + kMaps,
      "after.heap");
  Allocations allocations;
  add_allocations_between(before, after, allocations);
  EXPECT_EQ(allocations[{0x1}].objects, 3u);
}

TEST(HeapProfileTest, RejectsAnEmptyFile) {
  EXPECT_EQ(error_of(""),
            "test.heap: line 1: the file is empty; expected the header 'heap profile: N: BYTES "
            "[N: BYTES] @ heapprofile' written by gperftools");
}

TEST(HeapProfileTest, RejectsAFileWithoutHeader) {
  EXPECT_NE(error_of("--- folded, not a heap profile\n").find("line 1: found '--- folded"),
            std::string::npos);
}

TEST(HeapProfileTest, RejectsMalformedStackLinesWithTheirLineNumber) {
  const std::string header = "heap profile: 0: 0 [ 0: 0] @ heapprofile\n";
  EXPECT_NE(error_of(header + "1: 2 3 @ 0x1\n" + kMaps).find("line 2: found '1: 2 3 @ 0x1'"),
            std::string::npos);
  EXPECT_NE(error_of(header + "1: 2 [3: 4] @ 0x1 zz\n" + kMaps)
                .find("line 2: 'zz' is not a hexadecimal address"),
            std::string::npos);
  EXPECT_NE(error_of(header + "1: 2 [3: 4] @\n" + kMaps).find("line 2: the stack has no address"),
            std::string::npos);

  std::string deep = header + "1: 2 [3: 4] @";
  for (std::size_t i = 0; i <= kMaxHeapStackDepth; ++i) deep += " 0x1";
  EXPECT_NE(error_of(deep + "\n" + kMaps).find("more than 256 frames"), std::string::npos);
}

TEST(HeapProfileTest, RejectsCountsOutOfRange) {
  const std::string header = "heap profile: 0: 0 [ 0: 0] @ heapprofile\n";

  EXPECT_EQ(error_of(header + "1: 2 [3: -4] @ 0x1\n" + kMaps),
            "test.heap: line 2: allocated byte count -4 is negative; expected 'N: BYTES [N: BYTES] "
            "@ 0xADDRESS ...'");
  EXPECT_EQ(error_of(header + "1: 2 [4294967296: 4] @ 0x1\n" + kMaps),
            "test.heap: line 2: allocated object count 4294967296 does not fit the 32 bits that "
            "gperftools counts in; expected 'N: BYTES [N: BYTES] @ 0xADDRESS ...'");
  EXPECT_NE(error_of(header + "1: 2 [-2147483649: 4] @ 0x1\n" + kMaps)
                .find("line 2: allocated object count -2147483649 does not fit"),
            std::string::npos);
  EXPECT_NE(error_of("heap profile: 0: 0 [ 0: -1] @ heapprofile\n" + std::string(kMaps))
                .find("line 1: allocated byte count -1 is negative; expected the header"),
            std::string::npos);
}

TEST(HeapProfileTest, AcceptsObjectCountsOfEither32BitReading) {
  const std::string header = "heap profile: 0: 0 [ 0: 0] @ heapprofile\n";
  const HeapProfile profile = parse_heap_profile(
      header + "1: 2 [-2147483648: 4] @ 0x1\n1: 2 [4294967295: 4] @ 0x2\n" + kMaps, "test.heap");

  ASSERT_EQ(profile.buckets.size(), 2u);
  EXPECT_EQ(profile.buckets[0].allocated_objects, 2147483648u);
  EXPECT_EQ(profile.buckets[1].allocated_objects, 4294967295u);
}

// The real profile, recorded once for the tests below.
class RecordedHeapProfileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ = new testing::TemporaryDirectory();
    if (!build_info().sanitizer.empty()) return;
    const std::string command =
        std::string("env LD_PRELOAD='") + PAYBENCH_TCMALLOC_FULL_LIBRARY +
        "' HEAP_PROFILE_ALLOCATION_INTERVAL=0 HEAP_PROFILE_INUSE_INTERVAL=0 "
        "PERFTOOLS_VERBOSE=-1 '" + PAYBENCH_HEAP_PROFILE_CAPTURE + "' '" +
        directory_->path().string() + "'";
    capture_status_ = std::system(command.c_str());
  }
  static void TearDownTestSuite() {
    delete directory_;
    directory_ = nullptr;
  }

  void SetUp() override {
    if (!build_info().sanitizer.empty()) {
      GTEST_SKIP() << "a sanitizer runtime replaces malloc, so gperftools' tcmalloc cannot";
    }
    ASSERT_EQ(capture_status_, 0) << "paybench_heap_profile_capture failed under "
                                  << PAYBENCH_TCMALLOC_FULL_LIBRARY;
  }

  static fs::path dump(int number) {
    char name[32];
    std::snprintf(name, sizeof(name), "%s.%04d.heap", kHeapDumpPrefix, number);
    return directory_->path() / name;
  }

  static testing::TemporaryDirectory* directory_;
  static int capture_status_;
};

testing::TemporaryDirectory* RecordedHeapProfileTest::directory_ = nullptr;
int RecordedHeapProfileTest::capture_status_ = -1;

TEST_F(RecordedHeapProfileTest, RecordsOneDumpAtEachEndOfTheRegion) {
  EXPECT_TRUE(fs::exists(dump(1)));
  EXPECT_TRUE(fs::exists(dump(2)));
  EXPECT_FALSE(fs::exists(dump(3)));
  EXPECT_EQ(read_file(directory_->path() / kHeapRegionsFileName),
            "dumps 2\niterations " + std::to_string(testing::kMeasuredIterations) + "\n");
}

TEST_F(RecordedHeapProfileTest, NamesTheAllocationsOfTheMeasuredRegionOnly) {
  const HeapProfile before = read_heap_profile(dump(1));
  const HeapProfile after = read_heap_profile(dump(2));
  Allocations allocations;
  add_allocations_between(before, after, allocations);

  const Symbolizer symbolizer(after.mappings);
  const NamedAllocations named =
      name_allocations(allocations, symbolizer, testing::kMeasuredIterations);

  // The blocks and the vector's one buffer of pointers.
  const std::uint64_t expected_objects = testing::kMeasuredBlocks + 1;
  const std::uint64_t expected_bytes =
      testing::kMeasuredBlocks * testing::kBlockBytes + testing::kMeasuredBlocks * sizeof(void*);
  EXPECT_EQ(named.objects, expected_objects);
  EXPECT_EQ(named.bytes, expected_bytes);

  ASSERT_FALSE(named.sites.empty());
  EXPECT_EQ(named.sites.front().function, testing::kAllocateBlocksName)
      << "the site is the caller of malloc, not malloc or paybench's allocation counter";
  EXPECT_DOUBLE_EQ(named.sites.front().allocs_per_op,
                   static_cast<double>(expected_objects) / testing::kMeasuredIterations);

  ASSERT_FALSE(named.bytes_by_stack.stacks.empty());
  for (const reports::FoldedStack& stack : named.bytes_by_stack.stacks) {
    EXPECT_EQ(stack.frames.back(), testing::kAllocateBlocksName);
    EXPECT_NE(std::find(stack.frames.begin(), stack.frames.end(), "main"), stack.frames.end());
  }
  EXPECT_EQ(named.bytes_by_stack.total(), expected_bytes);
}

TEST_F(RecordedHeapProfileTest, RejectsEveryCutOfARecordedDump) {
  const std::string text = read_file(dump(2));
  const std::size_t maps_line = text.find("MAPPED_LIBRARIES:");
  ASSERT_NE(maps_line, std::string::npos);

  for (std::size_t length = 0; length < maps_line; ++length) {
    try {
      parse_heap_profile(std::string_view(text).substr(0, length), "cut.heap");
      ADD_FAILURE() << "a copy cut after " << length << " bytes was accepted";
    } catch (const HeapProfileError& error) {
      EXPECT_EQ(std::string(error.what()).rfind("cut.heap: line ", 0), 0u) << error.what();
    }
  }
}

TEST(HeapAllocationsTest, TellsAllocatorFunctionsFromTheirCallers) {
  for (const char* name : {"malloc", "calloc", "realloc", "operator new(unsigned long)",
                           "tc_malloc", "[libtcmalloc.so.4+0x1a2b]"}) {
    EXPECT_TRUE(is_allocator_function(name)) << name;
  }
  for (const char* name : {"mallocate", "std::vector<int>::reserve(unsigned long)",
                           "paybench::ObjectPool::grow()", "main"}) {
    EXPECT_FALSE(is_allocator_function(name)) << name;
  }
}

}  // namespace
}  // namespace paybench::engine
