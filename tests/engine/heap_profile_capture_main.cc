// Records a real heap profile for the heap profile tests, the way `paybench run --heap-profile`
// does: this program links paybench's allocation counter (which replaces malloc, as in
// paybench) and must run with gperftools' libtcmalloc.so.4 in LD_PRELOAD.
//
// Usage: paybench_heap_profile_capture DIRECTORY
// Into DIRECTORY, which must exist, it writes the dumps and the regions file of one measured
// region in which allocate_blocks() makes kMeasuredBlocks allocations of kBlockBytes each, over
// kMeasuredIterations iterations. Allocations before and after the region must not count.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "heap_profile_capture.h"
#include "paybench/engine/heap_profiler.h"

namespace paybench::engine::testing {

[[gnu::noinline, gnu::noclone]] std::vector<void*> allocate_blocks(std::size_t count) {
  std::vector<void*> blocks;
  blocks.reserve(count);  // one allocation of its own, in this function too
  for (std::size_t i = 0; i < count; ++i) blocks.push_back(std::malloc(kBlockBytes));
  return blocks;
}

}  // namespace paybench::engine::testing

int main(int argc, char** argv) {
  namespace testing = paybench::engine::testing;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIRECTORY\n", argv[0]);
    return 2;
  }
  paybench::engine::HeapProfileRecorder recorder;
  const std::string error = recorder.record_to(argv[1]);
  if (!error.empty()) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }

  std::vector<void*> setup = testing::allocate_blocks(testing::kUnmeasuredBlocks);
  paybench::engine::mark_heap_region_start();
  std::vector<void*> measured = testing::allocate_blocks(testing::kMeasuredBlocks);
  paybench::engine::mark_heap_region_end(testing::kMeasuredIterations);
  std::vector<void*> teardown = testing::allocate_blocks(testing::kUnmeasuredBlocks);
  recorder.stop();

  for (auto* blocks : {&setup, &measured, &teardown}) {
    for (void* block : *blocks) std::free(block);
  }
  return 0;
}
