#include "paybench/engine/cpu_profile.h"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>

#include "paybench/reports/input_file.h"

namespace paybench::engine {
namespace {

// The layout of gperftools' legacy CPU profile, from its docs/cpuprofile-fileformat.
using Word = std::uint64_t;
constexpr std::size_t kWordBytes = sizeof(Word);
constexpr Word kHeaderCount = 0;          // word 0: a record with sample count 0 ...
constexpr Word kMinHeaderWordsAfter = 3;  // word 1: ... whose "depth" is the header size
constexpr Word kFormatVersion = 0;        // word 2
constexpr std::size_t kRecordHeaderBytes = 2 * kWordBytes;  // sample count, depth

constexpr std::string_view kExpectedHeader =
    "a gperftools CPU profile header of 64-bit words 0, 3, 0, period, 0";

std::string describe_bytes(std::size_t count) {
  return std::to_string(count) + (count == 1 ? " byte" : " bytes");
}

// Reads words from the profile and reports each problem with the byte offset where it sits.
class ProfileReader {
 public:
  ProfileReader(std::string_view bytes, std::string_view source) : bytes_(bytes), source_(source) {}

  std::size_t offset() const { return offset_; }
  std::size_t remaining_bytes() const { return bytes_.size() - offset_; }

  // Returns the word at the current offset and moves past it. The caller checks that it fits.
  Word take_word() {
    assert(remaining_bytes() >= kWordBytes && "take_word() past the end: check remaining_bytes()");
    Word word = 0;
    std::memcpy(&word, bytes_.data() + offset_, kWordBytes);
    offset_ += kWordBytes;
    return word;
  }

  std::string_view rest() const { return bytes_.substr(offset_); }

  [[noreturn]] void fail(std::size_t at, std::string_view problem, std::string_view expected) const {
    throw CpuProfileError(std::string(source_), at,
                          std::string(problem) + "; expected " + std::string(expected));
  }

 private:
  std::string_view bytes_;
  std::string_view source_;
  std::size_t offset_ = 0;
};

std::uint32_t load_u32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  std::memcpy(&value, bytes.data() + at, sizeof(value));
  return value;
}

// Checks that the profile has 64-bit words in this machine's byte order, from the first two
// header words (0 and 3): a 32-bit profile has the 3 in bytes 4-7, a 64-bit one in bytes 8-15.
void check_word_size_and_byte_order(std::string_view bytes, const ProfileReader& reader) {
  constexpr std::size_t kHalfHeaderBytes = 2 * sizeof(std::uint32_t);
  if (bytes.size() < kHalfHeaderBytes) {
    reader.fail(0, "the file ends after " + describe_bytes(bytes.size()), kExpectedHeader);
  }

  const std::uint32_t first = load_u32(bytes, 0);
  const std::uint32_t second = load_u32(bytes, sizeof(std::uint32_t));
  const auto three_u32 = static_cast<std::uint32_t>(kMinHeaderWordsAfter);
  if (first != kHeaderCount) {
    reader.fail(0, "the first header word is not 0, so this is not a gperftools CPU profile",
                kExpectedHeader);
  }
  if (second == three_u32) {
    reader.fail(0, "the profile was written by a 32-bit program, which is not supported",
                "a profile of a 64-bit program (record it with a 64-bit build)");
  }
  if (second == __builtin_bswap32(three_u32)) {
    reader.fail(0, "the profile was written by a 32-bit program in the other byte order",
                "a profile of a 64-bit program recorded on this kind of machine");
  }
  if (second != 0) {
    reader.fail(0, "the first header word is not 0, so this is not a gperftools CPU profile",
                kExpectedHeader);
  }
}

struct Header {
  std::chrono::microseconds sampling_period{0};
};

Header read_header(std::string_view bytes, ProfileReader& reader) {
  check_word_size_and_byte_order(bytes, reader);

  if (reader.remaining_bytes() < 2 * kWordBytes) {
    reader.fail(0, "the header is cut short: the file ends after " + describe_bytes(bytes.size()),
                kExpectedHeader);
  }
  reader.take_word();  // the header count, 0 as checked above
  const std::size_t words_after_offset = reader.offset();
  const Word words_after = reader.take_word();

  const bool is_other_byte_order = words_after == __builtin_bswap64(kMinHeaderWordsAfter);
  if (is_other_byte_order) {
    reader.fail(words_after_offset, "the profile was written in the other byte order",
                "a profile recorded on a machine of this byte order");
  }
  if (words_after < kMinHeaderWordsAfter) {
    reader.fail(words_after_offset,
                "the header says " + std::to_string(words_after) + " words follow",
                "at least 3 (version, sampling period, padding)");
  }
  const bool header_fits = words_after <= reader.remaining_bytes() / kWordBytes;
  if (!header_fits) {
    reader.fail(words_after_offset,
                "the header is cut short: it declares " + std::to_string(words_after) +
                    " more words but only " + describe_bytes(reader.remaining_bytes()) + " follow",
                kExpectedHeader);
  }

  const std::size_t version_offset = reader.offset();
  const Word version = reader.take_word();
  if (version != kFormatVersion) {
    reader.fail(version_offset, "format version " + std::to_string(version) + " is unknown",
                "version 0");
  }

  const std::size_t period_offset = reader.offset();
  const Word period_us = reader.take_word();
  const bool is_valid_period =
      period_us > 0 && period_us <= static_cast<Word>(std::numeric_limits<std::int64_t>::max());
  if (!is_valid_period) {
    reader.fail(period_offset, "sampling period " + std::to_string(period_us) + " us is invalid",
                "a period of at least 1 microsecond");
  }

  // Skip the padding and any further header words that a later format version may add.
  constexpr Word kVersionAndPeriodWords = 2;
  for (Word skipped = kVersionAndPeriodWords; skipped < words_after; ++skipped) {
    reader.take_word();
  }

  return Header{.sampling_period = std::chrono::microseconds(static_cast<std::int64_t>(period_us))};
}

// Reads records up to and including the end marker. Returns the samples, root first.
std::vector<CpuSample> read_records(ProfileReader& reader) {
  constexpr std::string_view kExpectedRecord =
      "a record (sample count >= 1, depth >= 1, that many addresses) or the end marker (0, 1, 0)";
  std::vector<CpuSample> samples;
  std::uint64_t total_count = 0;

  while (true) {
    const std::size_t record_offset = reader.offset();
    if (reader.remaining_bytes() == 0) {
      reader.fail(record_offset,
                  "the file ends without the end marker that ProfilerStop writes (it may be cut "
                  "short or still being written)",
                  "the end marker (0, 1, 0) after the last record");
    }
    if (reader.remaining_bytes() < kRecordHeaderBytes) {
      reader.fail(record_offset,
                  "a record is cut short: only " + describe_bytes(reader.remaining_bytes()) +
                      " follow",
                  kExpectedRecord);
    }

    const Word count = reader.take_word();
    const Word depth = reader.take_word();
    if (depth == 0) {
      reader.fail(record_offset, "a record has depth 0", kExpectedRecord);
    }
    const bool addresses_fit = depth <= reader.remaining_bytes() / kWordBytes;
    if (!addresses_fit) {
      reader.fail(record_offset,
                  "a record declares depth " + std::to_string(depth) +
                      " but only " + describe_bytes(reader.remaining_bytes()) +
                      " of addresses follow",
                  kExpectedRecord);
    }

    // The file lists the sampled address first; CpuSample keeps the root first.
    std::vector<std::uint64_t> addresses(static_cast<std::size_t>(depth));
    for (auto it = addresses.rbegin(); it != addresses.rend(); ++it) {
      *it = reader.take_word();
    }

    if (count == 0) {
      const bool is_end_marker = depth == 1 && addresses.front() == 0;
      if (is_end_marker) {
        return samples;
      }
      reader.fail(record_offset,
                  "a record has sample count 0 and depth " + std::to_string(depth),
                  kExpectedRecord);
    }
    // Checked so that CpuProfile::total_samples() cannot wrap around.
    if (__builtin_add_overflow(total_count, count, &total_count)) {
      reader.fail(record_offset, "the sample counts up to this record exceed 2^64 - 1",
                  kExpectedRecord);
    }
    samples.push_back(CpuSample{.count = count, .program_counters = std::move(addresses)});
  }
}

// Moves `text` past a hexadecimal number and stores it. Returns false if none starts there.
bool consume_hex(std::string_view& text, std::uint64_t& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc()) {
    return false;
  }
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return true;
}

bool consume_char(std::string_view& text, char expected) {
  if (text.empty() || text.front() != expected) {
    return false;
  }
  text.remove_prefix(1);
  return true;
}

void skip_spaces(std::string_view& text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
}

// Returns the next field up to a space or tab, and moves `text` past it.
std::string_view consume_field(std::string_view& text) {
  const std::size_t end = std::min(text.find_first_of(" \t"), text.size());
  const std::string_view field = text.substr(0, end);
  text.remove_prefix(end);
  return field;
}

// Parses `start-end perms offset major:minor inode [path]`. Returns false for other lines.
bool parse_maps_line(std::string_view line, MappedObject& mapping) {
  if (!consume_hex(line, mapping.start) || !consume_char(line, '-') ||
      !consume_hex(line, mapping.end) || mapping.start >= mapping.end) {
    return false;
  }

  skip_spaces(line);
  mapping.permissions = std::string(consume_field(line));
  if (mapping.permissions.size() < 4) {
    return false;
  }

  skip_spaces(line);
  if (!consume_hex(line, mapping.file_offset)) {
    return false;
  }

  skip_spaces(line);
  const std::string_view device = consume_field(line);
  if (device.find(':') == std::string_view::npos) {
    return false;
  }

  skip_spaces(line);
  const std::string_view inode = consume_field(line);
  const bool is_decimal = !inode.empty() && inode.find_first_not_of("0123456789") ==
                                                std::string_view::npos;
  if (!is_decimal) {
    return false;
  }

  // The path is the rest of the line and may contain spaces, as in "/a b/lib.so (deleted)".
  skip_spaces(line);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  mapping.path = std::string(line);
  return true;
}

}  // namespace

CpuProfileError::CpuProfileError(std::string source, std::size_t byte_offset, std::string problem)
    : reports::InputError(std::move(source), "",
                          "at byte " + std::to_string(byte_offset) + ": " + problem),
      byte_offset_(byte_offset) {}

std::uint64_t CpuProfile::total_samples() const {
  std::uint64_t total = 0;
  for (const CpuSample& sample : samples) {
    total += sample.count;
  }
  return total;
}

CpuProfile parse_cpu_profile(std::string_view bytes, std::string_view source_name) {
  ProfileReader reader(bytes, source_name);
  if (bytes.empty()) {
    reader.fail(0, "the file is empty",
                "a CPU profile written by gperftools' ProfilerStart/ProfilerStop");
  }

  CpuProfile profile;
  profile.sampling_period = read_header(bytes, reader).sampling_period;
  profile.samples = read_records(reader);
  profile.mappings = parse_maps(reader.rest());
  return profile;
}

CpuProfile read_cpu_profile(const std::filesystem::path& path) {
  const std::string bytes = reports::read_input_file(path, "a CPU profile written by gperftools");
  return parse_cpu_profile(bytes, path.string());
}

std::vector<MappedObject> parse_maps(std::string_view maps_text) {
  std::vector<MappedObject> mappings;
  std::size_t line_start = 0;
  while (line_start < maps_text.size()) {
    const std::size_t newline = maps_text.find('\n', line_start);
    const std::size_t line_end = newline == std::string_view::npos ? maps_text.size() : newline;
    const std::string_view line = maps_text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;

    MappedObject mapping;
    if (parse_maps_line(line, mapping)) {
      mappings.push_back(std::move(mapping));
    }
  }
  return mappings;
}

}  // namespace paybench::engine
