#include "paybench/engine/heap_profile.h"

#include <charconv>
#include <limits>

#include "paybench/reports/input_file.h"

namespace paybench::engine {
namespace {

constexpr std::string_view kHeaderPrefix = "heap profile:";
constexpr std::string_view kMapsMarker = "MAPPED_LIBRARIES:";
constexpr std::string_view kExpectedHeader =
    "the header 'heap profile: N: BYTES [N: BYTES] @ heapprofile' written by gperftools";
constexpr std::string_view kExpectedStack = "'N: BYTES [N: BYTES] @ 0xADDRESS ...'";

// Walks one line of counts: "  1:     8192 [    11:    16376] @ rest".
class LineScanner {
 public:
  explicit LineScanner(std::string_view line) : line_(line) {}

  void skip_spaces() {
    while (position_ < line_.size() && line_[position_] == ' ') ++position_;
  }

  bool take(char expected) {
    skip_spaces();
    if (position_ >= line_.size() || line_[position_] != expected) return false;
    ++position_;
    return true;
  }

  template <typename Integer>
  bool take_integer(Integer& value) {
    skip_spaces();
    const char* begin = line_.data() + position_;
    const auto [end, error] = std::from_chars(begin, line_.data() + line_.size(), value);
    if (error != std::errc() || end == begin) return false;
    position_ += static_cast<std::size_t>(end - begin);
    return true;
  }

  std::string_view rest() const { return line_.substr(position_); }

 private:
  std::string_view line_;
  std::size_t position_ = 0;
};

// Reads "N: BYTES [N: BYTES] @" into `bucket` and returns what follows the '@'. Returns false
// for a line of another form, and also sets `problem` when the form is right but a count is out
// of range.
bool scan_counts(std::string_view line, HeapBucket& bucket, std::string_view& rest,
                 std::string& problem) {
  LineScanner scanner(line);
  // gperftools prints the allocated objects with %d although they wrap as unsigned.
  std::int64_t allocated_objects = 0;
  const bool ok = scanner.take_integer(bucket.in_use_objects) && scanner.take(':') &&
                  scanner.take_integer(bucket.in_use_bytes) && scanner.take('[') &&
                  scanner.take_integer(allocated_objects) && scanner.take(':') &&
                  scanner.take_integer(bucket.allocated_bytes) && scanner.take(']') &&
                  scanner.take('@');
  if (!ok) return false;

  const bool objects_fit_32_bits =
      allocated_objects >= std::numeric_limits<std::int32_t>::min() &&
      allocated_objects <= std::numeric_limits<std::uint32_t>::max();
  if (!objects_fit_32_bits) {
    problem = "allocated object count " + std::to_string(allocated_objects) +
              " does not fit the 32 bits that gperftools counts in";
    return false;
  }
  // The allocated bytes only grow from HeapProfilerStart, so they are never negative; this also
  // keeps the difference of two dumps from overflowing.
  if (bucket.allocated_bytes < 0) {
    problem = "allocated byte count " + std::to_string(bucket.allocated_bytes) + " is negative";
    return false;
  }
  bucket.allocated_objects = static_cast<std::uint32_t>(allocated_objects);
  rest = scanner.rest();
  return true;
}

// Reads the space-separated "0x..." addresses of a stack line.
bool scan_stack(std::string_view text, std::vector<std::uint64_t>& stack, std::string& problem) {
  std::size_t position = 0;
  while (true) {
    while (position < text.size() && text[position] == ' ') ++position;
    if (position >= text.size()) break;

    const std::size_t end = std::min(text.find(' ', position), text.size());
    const std::string_view word = text.substr(position, end - position);
    std::uint64_t address = 0;
    const bool has_prefix = word.starts_with("0x");
    const char* digits = word.data() + 2;
    const auto [parsed_end, error] =
        has_prefix ? std::from_chars(digits, word.data() + word.size(), address, 16)
                   : std::from_chars_result{word.data(), std::errc::invalid_argument};
    if (error != std::errc() || parsed_end != word.data() + word.size() || parsed_end == digits) {
      problem = "'" + std::string(word.substr(0, 40)) + "' is not a hexadecimal address";
      return false;
    }
    if (stack.size() == kMaxHeapStackDepth) {
      problem = "the stack has more than " + std::to_string(kMaxHeapStackDepth) + " frames";
      return false;
    }
    stack.push_back(address);
    position = end;
  }
  if (stack.empty()) {
    problem = "the stack has no address";
    return false;
  }
  return true;
}

std::string_view shortened(std::string_view line) {
  constexpr std::size_t kShownCharacters = 80;
  return line.substr(0, kShownCharacters);
}

}  // namespace

HeapProfileError::HeapProfileError(std::string source, std::size_t line_number,
                                   std::string problem)
    : reports::InputError(std::move(source), "",
                          "line " + std::to_string(line_number) + ": " + problem),
      line_number_(line_number) {}

HeapProfile parse_heap_profile(std::string_view text, std::string_view source_name) {
  const std::string source(source_name);
  if (text.empty()) throw HeapProfileError(source, 1, "the file is empty; expected " + std::string(kExpectedHeader));

  HeapProfile profile;
  std::size_t line_start = 0;
  std::size_t line_number = 0;
  bool has_header = false;
  bool has_maps = false;
  while (line_start < text.size()) {
    const std::size_t newline = text.find('\n', line_start);
    const std::size_t line_end = newline == std::string_view::npos ? text.size() : newline;
    const std::string_view line = text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    ++line_number;

    if (!has_header) {
      HeapBucket totals;
      std::string_view rest;
      std::string problem;
      const bool is_header = line.starts_with(kHeaderPrefix) &&
                             scan_counts(line.substr(kHeaderPrefix.size()), totals, rest, problem);
      if (!is_header) {
        const std::string found =
            problem.empty() ? "found '" + std::string(shortened(line)) + "'" : problem;
        throw HeapProfileError(source, line_number,
                               found + "; expected " + std::string(kExpectedHeader));
      }
      has_header = true;
      continue;
    }
    if (line.empty()) continue;
    if (line == kMapsMarker) {
      profile.mappings = parse_maps(text.substr(std::min(line_start, text.size())));
      has_maps = true;
      break;
    }

    HeapBucket bucket;
    std::string_view rest;
    std::string problem;
    if (!scan_counts(line, bucket, rest, problem)) {
      const std::string found =
          problem.empty() ? "found '" + std::string(shortened(line)) + "'" : problem;
      throw HeapProfileError(source, line_number, found + "; expected " + std::string(kExpectedStack));
    }
    if (!scan_stack(rest, bucket.stack, problem)) {
      throw HeapProfileError(source, line_number, problem + "; expected " + std::string(kExpectedStack));
    }
    profile.buckets.push_back(std::move(bucket));
  }

  if (!has_maps) {
    throw HeapProfileError(source, line_number,
                           "the file ends before the " + std::string(kMapsMarker) +
                               " line, so it was cut short; expected the complete file that "
                               "HeapProfilerDump writes");
  }
  return profile;
}

HeapProfile read_heap_profile(const std::filesystem::path& path) {
  const std::string text = reports::read_input_file(path, "a heap profile written by gperftools");
  return parse_heap_profile(text, path.string());
}

void add_allocations_between(const HeapProfile& before, const HeapProfile& after,
                             std::map<std::vector<std::uint64_t>, AllocationDelta>& into) {
  std::map<std::vector<std::uint64_t>, const HeapBucket*> earlier;
  for (const HeapBucket& bucket : before.buckets) earlier.emplace(bucket.stack, &bucket);

  for (const HeapBucket& bucket : after.buckets) {
    const auto found = earlier.find(bucket.stack);
    const std::uint32_t objects_before = found == earlier.end() ? 0 : found->second->allocated_objects;
    const std::int64_t bytes_before = found == earlier.end() ? 0 : found->second->allocated_bytes;

    // Unsigned subtraction undoes one wrap of gperftools' 32-bit object count.
    const std::uint32_t objects = bucket.allocated_objects - objects_before;
    const std::int64_t bytes = bucket.allocated_bytes - bytes_before;
    if (objects == 0 && bytes <= 0) continue;

    AllocationDelta& delta = into[bucket.stack];
    delta.objects += objects;
    delta.bytes += static_cast<std::uint64_t>(std::max<std::int64_t>(bytes, 0));
  }
}

}  // namespace paybench::engine
