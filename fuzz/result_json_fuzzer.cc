// Fuzzes the reader of result files and Google Benchmark JSON (result_from_json_text). A result
// that a paybench file reads into must also write, and read back from what was written.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "fuzz_checks.h"
#include "paybench/reports/result_json.h"

namespace {

constexpr std::string_view kSource = "fuzz.json";
constexpr std::string_view kRewrittenSource = "rewritten.json";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using paybench::reports::InputError;
  using paybench::reports::Result;

  Result result;
  const bool accepted = paybench::fuzz::read_or_reject<InputError>(kSource, [&] {
    result = paybench::reports::result_from_json_text(paybench::fuzz::as_text(data, size), kSource);
  });

  // Only paybench files round-trip: the writer always writes paybench's keys, which a Google
  // Benchmark file read with schema version 0 lacks.
  const bool is_paybench_file = accepted && result.context.paybench_schema_version >= 1;
  if (!is_paybench_file) return 0;

  std::string written;
  try {
    written = paybench::reports::to_json_text(result);
  } catch (const std::invalid_argument& error) {
    paybench::fuzz::fail(std::string("a result that was read cannot be written: ") + error.what());
  }
  try {
    paybench::reports::result_from_json_text(written, kRewrittenSource);
  } catch (const InputError& error) {
    paybench::fuzz::fail(std::string("a written result cannot be read back: ") + error.what());
  }
  return 0;
}
