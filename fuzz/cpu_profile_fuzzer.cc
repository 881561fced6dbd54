// Fuzzes the reader of gperftools CPU profiles (parse_cpu_profile), including the maps text that
// follows the records.
#include <cstddef>
#include <cstdint>

#include "fuzz_checks.h"
#include "paybench/engine/cpu_profile.h"

namespace {

constexpr std::string_view kSource = "fuzz.prof";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using paybench::engine::CpuProfile;
  using paybench::engine::CpuProfileError;

  CpuProfile profile;
  const bool accepted = paybench::fuzz::read_or_reject<CpuProfileError>(kSource, [&] {
    profile = paybench::engine::parse_cpu_profile(paybench::fuzz::as_text(data, size), kSource);
  });
  if (!accepted) return 0;

  for (const paybench::engine::CpuSample& sample : profile.samples) {
    if (sample.count == 0 || sample.program_counters.empty()) {
      paybench::fuzz::fail("a sample was read with count 0 or no program counter");
    }
  }
  for (const paybench::engine::MappedObject& mapping : profile.mappings) {
    if (mapping.start >= mapping.end) paybench::fuzz::fail("a mapping was read with start >= end");
  }
  return 0;
}
