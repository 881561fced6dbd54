// Fuzzes the folded-stacks reader (parse_folded). What it reads must write back with
// to_folded_text and read back equal, and merging identical stacks must keep the total.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "fuzz_checks.h"
#include "paybench/reports/folded_stacks.h"
#include "paybench/reports/input_error.h"

namespace {

constexpr std::string_view kSource = "fuzz.folded";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using paybench::reports::FoldedProfile;
  using paybench::reports::InputError;

  FoldedProfile profile;
  const bool accepted = paybench::fuzz::read_or_reject<InputError>(kSource, [&] {
    profile = paybench::reports::parse_folded(paybench::fuzz::as_text(data, size), kSource);
  });
  if (!accepted) return 0;

  try {
    const FoldedProfile reread =
        paybench::reports::parse_folded(paybench::reports::to_folded_text(profile), kSource);
    if (reread != profile) paybench::fuzz::fail("folded stacks changed on a write and read back");
  } catch (const std::exception& error) {
    paybench::fuzz::fail(std::string("folded stacks that were read cannot be written back: ") +
                         error.what());
  }

  // parse_folded rejects totals above 2^64 - 1, so neither call may throw.
  if (paybench::reports::merge_identical_stacks(profile).total() != profile.total()) {
    paybench::fuzz::fail("merging identical stacks changed the total");
  }
  return 0;
}
