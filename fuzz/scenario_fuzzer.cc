// Fuzzes the scenario readers of `paybench simulate`: each input is read as a breaker and as a
// limiter scenario. Built twice, as scenario_json_fuzzer and scenario_csv_fuzzer, with
// PAYBENCH_FUZZ_SCENARIO_CSV set to 0 or 1.
#include <cstddef>
#include <cstdint>

#include "fuzz_checks.h"
#include "paybench/simulator/scenario_error.h"
#include "paybench/simulator/scenario_reader.h"

namespace {

using paybench::simulator::ScenarioFormat;

constexpr bool kIsCsv = PAYBENCH_FUZZ_SCENARIO_CSV != 0;
constexpr ScenarioFormat kFormat = kIsCsv ? ScenarioFormat::kCsv : ScenarioFormat::kJson;
constexpr std::string_view kSource = kIsCsv ? "fuzz.csv" : "fuzz.json";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using paybench::simulator::ScenarioError;
  const std::string_view text = paybench::fuzz::as_text(data, size);

  paybench::fuzz::read_or_reject<ScenarioError>(kSource, [&] {
    paybench::simulator::parse_breaker_scenario(text, kFormat, kSource);
  });
  paybench::fuzz::read_or_reject<ScenarioError>(kSource, [&] {
    paybench::simulator::parse_limiter_scenario(text, kFormat, kSource);
  });
  return 0;
}
