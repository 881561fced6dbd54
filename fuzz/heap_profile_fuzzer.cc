// Fuzzes the reader of gperftools heap profiles (parse_heap_profile), and the difference of two
// dumps that paybench computes from what it read.
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "fuzz_checks.h"
#include "paybench/engine/heap_profile.h"

namespace {

constexpr std::string_view kSource = "fuzz.heap";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using paybench::engine::HeapProfile;
  using paybench::engine::HeapProfileError;

  HeapProfile profile;
  const bool accepted = paybench::fuzz::read_or_reject<HeapProfileError>(kSource, [&] {
    profile = paybench::engine::parse_heap_profile(paybench::fuzz::as_text(data, size), kSource);
  });
  if (!accepted) return 0;

  for (const paybench::engine::HeapBucket& bucket : profile.buckets) {
    if (bucket.stack.empty() || bucket.stack.size() > paybench::engine::kMaxHeapStackDepth) {
      paybench::fuzz::fail("a bucket was read with no frame or too many");
    }
  }

  // The allocations since an empty dump, and between a dump and itself (none).
  std::map<std::vector<std::uint64_t>, paybench::engine::AllocationDelta> since_start;
  paybench::engine::add_allocations_between(HeapProfile{}, profile, since_start);
  std::map<std::vector<std::uint64_t>, paybench::engine::AllocationDelta> since_itself;
  paybench::engine::add_allocations_between(profile, profile, since_itself);
  return 0;
}
