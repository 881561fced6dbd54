// Recording a real gperftools CPU profile of this test process, for the profile tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace paybench::engine::testing {

// The demangled name that the symbolizer should find for spin_cpu().
inline constexpr const char* kSpinCpuName = "paybench::engine::testing::spin_cpu(unsigned long)";

// Burns CPU for `iterations` rounds of integer arithmetic and returns a value that depends on
// all of them. Never inlined or cloned, so every sample in it carries exactly this symbol.
std::uint64_t spin_cpu(std::uint64_t iterations);

// Records a CPU profile to `path` with ProfilerStart/ProfilerStop while spin_cpu() runs, until
// the profiler has taken at least `min_samples` samples. Returns an empty string on success, or
// why the profile could not be recorded.
std::string record_cpu_profile(const std::filesystem::path& path, int min_samples);

// A fresh directory under the system's temporary directory, removed with its files on
// destruction.
class TemporaryDirectory {
 public:
  TemporaryDirectory();
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace paybench::engine::testing
