// Fuzzes the reader of `paybench gate --thresholds` files (thresholds_from_json_text), and the
// lookup of a benchmark's threshold in what it read.
#include <cstddef>
#include <cstdint>

#include "fuzz_checks.h"
#include "paybench/reports/gate_thresholds.h"

namespace {

constexpr std::string_view kSource = "fuzz-thresholds.json";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using paybench::reports::GateThresholds;
  using paybench::reports::InputError;

  GateThresholds thresholds;
  const bool accepted = paybench::fuzz::read_or_reject<InputError>(kSource, [&] {
    thresholds = paybench::reports::thresholds_from_json_text(paybench::fuzz::as_text(data, size),
                                                              kSource, GateThresholds{});
  });
  if (!accepted) return 0;

  // Every pattern is matched once against names of the usual shape.
  for (const char* name : {"memory/object_pool/pool/size:64/threads:1", "queues/mutex", ""}) {
    const paybench::reports::BenchmarkThreshold threshold = thresholds.for_benchmark(name);
    if (threshold.max_regression < 0 || threshold.min_delta < 0) {
      paybench::fuzz::fail("a threshold read from a file is negative");
    }
  }
  return 0;
}
