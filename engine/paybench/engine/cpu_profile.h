// Reading the CPU profiles that gperftools' profiler (ProfilerStart/ProfilerStop) writes.
//
// The file is gperftools' legacy binary format, described in its docs/cpuprofile-fileformat.
// It starts with a header of five words (0, 3, 0, sampling period in microseconds, 0). Each
// record that follows is a sample count, a depth and that many program counters, the sampled
// one first. The end marker (0, 1, 0) closes the records, and the text of /proc/self/maps at
// the time of ProfilerStop follows it. A word is a pointer-sized integer in the byte order of
// the profiled machine.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "paybench/reports/input_error.h"

namespace paybench::engine {

// One line of /proc/PID/maps: a range of the address space and the file mapped into it.
struct MappedObject {
  std::uint64_t start = 0;        // first address
  std::uint64_t end = 0;          // one past the last address
  std::uint64_t file_offset = 0;  // offset in the file of the byte mapped at `start`
  std::string permissions;        // "r-xp" and the like
  std::string path;               // file path, a pseudo name such as "[vdso]", or empty

  bool contains(std::uint64_t address) const { return address >= start && address < end; }
  bool is_executable() const { return permissions.size() >= 3 && permissions[2] == 'x'; }
};

// Samples taken with one call stack.
struct CpuSample {
  std::uint64_t count = 0;
  // Root first, so the sampled program counter is last. Every address except the last is a
  // return address, which points just after a call instruction.
  std::vector<std::uint64_t> program_counters;
};

struct CpuProfile {
  std::chrono::microseconds sampling_period{0};
  // In file order. gperftools may write one call stack in several records, and all are kept.
  std::vector<CpuSample> samples;
  // The lines of the maps text that parse_maps() recognises, in file order.
  std::vector<MappedObject> mappings;

  // Returns the sum of all sample counts.
  std::uint64_t total_samples() const;
};

// A CPU profile that is not in the expected format. what() reads
// "<source>: at byte <offset>: <problem>; expected <form>".
class CpuProfileError : public reports::InputError {
 public:
  CpuProfileError(std::string source, std::size_t byte_offset, std::string problem);

  std::size_t byte_offset() const noexcept { return byte_offset_; }

 private:
  std::size_t byte_offset_;
};

// Parses the bytes of a CPU profile. Only profiles of 64-bit programs in this machine's byte
// order are read, because the words of other profiles would be misread.
//
// Throws CpuProfileError naming `source_name`, the byte offset and the expected content. That
// happens when the bytes are empty, are not a gperftools CPU profile, or come from a 32-bit
// program or the other byte order. It also happens when the header, a record or the end marker
// is cut short or invalid. It never reads outside `bytes`. A cut in the maps text after the
// end marker cannot be detected and only loses mappings.
CpuProfile parse_cpu_profile(std::string_view bytes, std::string_view source_name);

// Reads and parses the CPU profile at `path`. Throws reports::InputError when the file cannot
// be read, and CpuProfileError as parse_cpu_profile() does.
CpuProfile read_cpu_profile(const std::filesystem::path& path);

// Parses text in the format of /proc/PID/maps (`start-end perms offset dev inode [path]`, the
// numbers in hexadecimal except the inode). Lines of another form are skipped, because the
// gperftools format documentation requires readers to ignore them. It never throws.
std::vector<MappedObject> parse_maps(std::string_view maps_text);

}  // namespace paybench::engine
