// Fuzzes the reader of callgrind dumps (parse_callgrind_dump).
#include <cstddef>
#include <cstdint>

#include "fuzz_checks.h"
#include "paybench/engine/callgrind_dump.h"

namespace {

constexpr std::string_view kSource = "callgrind.out.1";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  paybench::fuzz::read_or_reject<paybench::reports::InputError>(kSource, [&] {
    paybench::engine::parse_callgrind_dump(paybench::fuzz::as_text(data, size), kSource);
  });
  return 0;
}
