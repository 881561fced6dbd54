#include "paybench/engine/allocator.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "paybench/engine/allocator_matrix.h"
#include "paybench/engine/build_info.h"

namespace paybench::engine {
namespace {

TEST(Allocator, KnownAllocatorsInOrder) {
  std::vector<std::string> names;
  for (const auto& allocator : known_allocators()) names.push_back(allocator.name);
  EXPECT_EQ(names, (std::vector<std::string>{"glibc", "jemalloc", "tcmalloc", "mimalloc"}));
  EXPECT_EQ(known_allocator_names(), "glibc, jemalloc, tcmalloc, mimalloc");
}

TEST(Allocator, FindByName) {
  ASSERT_NE(find_allocator("jemalloc"), nullptr);
  EXPECT_NE(find_allocator("jemalloc")->library_path.find("libjemalloc"), std::string::npos);
  EXPECT_TRUE(find_allocator("glibc")->library_path.empty());
  EXPECT_EQ(find_allocator("hoard"), nullptr);
}

TEST(Allocator, DetectsGlibcWithoutPreload) {
  if (!build_info().sanitizer.empty()) {
    GTEST_SKIP() << "a sanitizer runtime replaces malloc, so glibc's is not the active one";
  }
  const ActiveAllocator active = detect_active_allocator();
  EXPECT_EQ(active.name, "glibc");
  EXPECT_NE(active.library.find("libc.so"), std::string::npos);
  EXPECT_FALSE(active.version.empty());
  EXPECT_NE(active.version, "unknown");
}

TEST(Allocator, EnvironmentSetsOrClearsPreload) {
  const std::vector<std::string> environment = {"PATH=/usr/bin", "LD_PRELOAD=/other.so"};
  const auto with_jemalloc = environment_with_allocator(environment, *find_allocator("jemalloc"));
  EXPECT_EQ(std::count(with_jemalloc.begin(), with_jemalloc.end(), "PATH=/usr/bin"), 1);
  EXPECT_EQ(std::count_if(with_jemalloc.begin(), with_jemalloc.end(),
                          [](const std::string& e) { return e.starts_with("LD_PRELOAD="); }),
            1);
  EXPECT_EQ(with_jemalloc.back(), "LD_PRELOAD=" + find_allocator("jemalloc")->library_path);

  const auto with_glibc = environment_with_allocator(environment, *find_allocator("glibc"));
  EXPECT_EQ(with_glibc, (std::vector<std::string>{"PATH=/usr/bin"}));
}

TEST(AllocatorMatrix, RunNameGetsAllocatorBeforeThreads) {
  EXPECT_EQ(run_name_with_allocator("memory/object_pool/pool/size:64/threads:2", "jemalloc"),
            "memory/object_pool/pool/size:64/allocator:jemalloc/threads:2");
  EXPECT_EQ(run_name_with_allocator("a/b/c", "glibc"), "a/b/c/allocator:glibc");
}

TEST(AllocatorMatrix, MergeRenamesRunsAndListsAllocators) {
  reports::Result glibc;
  glibc.context.allocators = {{"glibc", "2.36", "/lib/libc.so.6"}};
  reports::BenchmarkRun run;
  run.run_name = "f/w/v/threads:1";
  run.name = run.run_name;
  run.allocator = "glibc";
  glibc.benchmarks.push_back(run);

  reports::Result jemalloc = glibc;
  jemalloc.context.allocators = {{"jemalloc", "5.3.0", "/lib/libjemalloc.so.2"}};
  jemalloc.benchmarks.front().allocator = "jemalloc";
  reports::BenchmarkRun median = jemalloc.benchmarks.front();
  median.run_type = reports::RunType::kAggregate;
  median.aggregate_name = "median";
  jemalloc.benchmarks.push_back(median);

  const reports::Result merged = merge_allocator_results({glibc, jemalloc});
  ASSERT_EQ(merged.context.allocators.size(), 2u);
  EXPECT_EQ(merged.context.allocators[1].name, "jemalloc");
  ASSERT_EQ(merged.benchmarks.size(), 3u);
  EXPECT_EQ(merged.benchmarks[0].name, "f/w/v/allocator:glibc/threads:1");
  EXPECT_EQ(merged.benchmarks[1].name, "f/w/v/allocator:jemalloc/threads:1");
  EXPECT_EQ(merged.benchmarks[2].name, "f/w/v/allocator:jemalloc/threads:1_median");
}

}  // namespace
}  // namespace paybench::engine
