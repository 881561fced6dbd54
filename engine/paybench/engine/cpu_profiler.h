// Recording gperftools CPU profiles of the measured regions of benchmark instances.
//
// gperftools 2.10 reads its sampling rate from the CPUPROFILE_FREQUENCY environment variable
// when the library is loaded, so the rate must be set before the process starts.
//
// The profiler samples every thread of the process: gperftools 2.10 uses a process-wide
// setitimer(ITIMER_PROF) timer by default, and the kernel sends its SIGPROF to a thread that is
// using CPU at the time. A sample is kept only while at least one thread is inside a measured
// region (State's loop, minus pause_timing() stretches), so setup, teardown and Google
// Benchmark's own work between runs are left out. Threads that a variant starts itself are
// sampled while any benchmark thread is inside its region.
#pragma once

#include <filesystem>
#include <string>

namespace paybench::engine {

// Marks the calling thread's entry into and exit from a measured region. Cheap when no profile
// is being recorded. Calls must pair up on each thread.
void enter_measured_region();
void leave_measured_region();

// Records one profile file at a time. Not thread-safe: only one thread of a benchmark (thread
// index 0) may call it.
class CpuProfileRecorder {
 public:
  CpuProfileRecorder() = default;
  // Stops the profile being recorded, so that its file is complete.
  ~CpuProfileRecorder();

  CpuProfileRecorder(const CpuProfileRecorder&) = delete;
  CpuProfileRecorder& operator=(const CpuProfileRecorder&) = delete;

  // Makes `path` the file being recorded. If it already is, nothing happens. Otherwise the
  // current profile is stopped and written, and a new one starts, which replaces any file at
  // `path` when it stops: until then gperftools writes a temporary file in the same directory.
  // Returns an empty string on success, or why the profiler could not start (for example
  // another profile started with the CPUPROFILE variable, or an unwritable path).
  std::string record_to(const std::filesystem::path& path);

  // Stops and writes the current profile, if any.
  void stop();

 private:
  std::filesystem::path recording_;  // empty when no profile is being recorded
  std::filesystem::path temporary_;  // the file gperftools writes while recording_ is set
};

}  // namespace paybench::engine
