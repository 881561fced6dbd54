#include "cpu_profile_capture.h"

#include <gperftools/profiler.h>
#include <stdlib.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace paybench::engine::testing {
namespace {

// An estimated 10 ms of work at -O2 (30 million simple operations), so the sample count is
// checked often.
constexpr std::uint64_t kIterationsPerRound = 10'000'000;
// At gperftools' default 100 samples per CPU second, a few hundred rounds are enough. This
// limit only ends the loop if the profiler takes no samples at all.
constexpr int kMaxRounds = 5'000;

}  // namespace

// noipa: GCC neither inlines nor clones it, so its symbol keeps exactly this name.
[[gnu::noipa]] std::uint64_t spin_cpu(std::uint64_t iterations) {
  std::uint64_t value = 0x9e3779b97f4a7c15;
  for (std::uint64_t i = 0; i < iterations; ++i) {
    value ^= value << 13;
    value ^= value >> 7;
    value ^= value << 17;
  }
  return value;
}

std::string record_cpu_profile(const std::filesystem::path& path, int min_samples) {
  if (ProfilerStart(path.c_str()) == 0) {
    return "ProfilerStart(\"" + path.string() + "\") failed";
  }

  std::uint64_t sink = 0;
  ProfilerState state{};
  for (int round = 0; round < kMaxRounds && state.samples_gathered < min_samples; ++round) {
    sink += spin_cpu(kIterationsPerRound);
    ProfilerGetCurrentState(&state);
  }
  ProfilerStop();

  // Keeps the loop's result alive so the compiler cannot drop the calls.
  volatile std::uint64_t observed = sink;
  static_cast<void>(observed);

  if (state.samples_gathered < min_samples) {
    return "the profiler took " + std::to_string(state.samples_gathered) + " samples in " +
           std::to_string(kMaxRounds) + " rounds; expected at least " +
           std::to_string(min_samples);
  }
  return "";
}

TemporaryDirectory::TemporaryDirectory() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "paybench-cpu-profile-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  path_ = pattern;
}

TemporaryDirectory::~TemporaryDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace paybench::engine::testing
