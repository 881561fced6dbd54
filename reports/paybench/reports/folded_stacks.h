// Folded stacks: the text form of a CPU profile that flame graph tools read and write.
//
// Each line is `frame;frame;...;frame COUNT`: the frames of one call stack, root first, joined
// by ';', then a space and the number of samples taken with that stack. Brendan Gregg's
// stackcollapse-*.pl scripts write this form and his flamegraph.pl reads it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace paybench::reports {

// One call stack and the number of samples in which it was seen.
struct FoldedStack {
  std::vector<std::string> frames;  // root first, leaf last
  std::uint64_t count = 0;          // samples

  bool operator==(const FoldedStack&) const = default;
};

// A profile as folded stacks, in the order they were read or produced.
struct FoldedProfile {
  std::vector<FoldedStack> stacks;

  // Returns the sum of all counts. Throws std::overflow_error if the sum exceeds 2^64 - 1,
  // which parse_folded() never lets through.
  std::uint64_t total() const;

  bool operator==(const FoldedProfile&) const = default;
};

// Parses folded-stack text. Each line is split at its last space only, because frame names
// may contain spaces (`LazyCompile:_tick node.js:387`). The text before that space is split
// at every ';' into frames, which are kept byte for byte, including empty and blank ones.
// Empty and whitespace-only lines are skipped, and trailing whitespace (such as the '\r' of
// CRLF line ends) is ignored. Identical stacks on different lines stay separate entries.
//
// Throws InputError (reports/input_error.h) naming `source_name`, the 1-based line number,
// the line (shortened to about 80 characters) and the expected form `frame;frame;... COUNT`
// when a line has no count, the count is not a non-negative decimal integer or exceeds
// 2^64 - 1, the frame list is empty, or the counts of the whole text add up to more than
// 2^64 - 1.
FoldedProfile parse_folded(std::string_view text, std::string_view source_name);

// Reads the file at `path` and parses it with parse_folded(), naming the file in errors.
// Throws InputError when the file cannot be read, and as parse_folded() does.
FoldedProfile read_folded_file(const std::filesystem::path& path);

// Writes `profile` in the form parse_folded() reads: one line per stack, in the order of
// `profile.stacks`, each ending in '\n'. Stacks are written as they are, so identical stacks
// are not merged (see merge_identical_stacks()) and parse_folded(to_folded_text(p)) == p.
//
// Throws std::invalid_argument naming the stack's index and frame when a frame contains ';' or
// '\n', or when a stack has no frames (or only one empty frame), because parse_folded() could
// not read that line back.
std::string to_folded_text(const FoldedProfile& profile);

// Returns `profile` with identical frame lists merged into one stack whose count is their
// sum. Each merged stack keeps the position of its first occurrence, so the result is
// deterministic. Throws std::overflow_error if a merged count exceeds 2^64 - 1.
FoldedProfile merge_identical_stacks(const FoldedProfile& profile);

}  // namespace paybench::reports
