#include "paybench/engine/cpu_profiler.h"

#include <gperftools/profiler.h>

#include <atomic>
#include <cstdio>
#include <exception>

#include "paybench/reports/atomic_file.h"

namespace paybench::engine {
namespace {

// Set by CpuProfileRecorder while a profile is recorded; read by every benchmark thread.
std::atomic<bool> recording{false};
// Threads inside a measured region; written by benchmark threads, read by the SIGPROF handler.
std::atomic<int> threads_in_measured_region{0};
static_assert(std::atomic<int>::is_always_lock_free,
              "the profiler's filter runs in a signal handler and needs a lock-free counter");

// Called by gperftools in its SIGPROF handler, on whichever thread the signal interrupted.
int is_inside_measured_region(void* /*unused*/) {
  return threads_in_measured_region.load(std::memory_order_relaxed) > 0 ? 1 : 0;
}

}  // namespace

void enter_measured_region() {
  if (recording.load(std::memory_order_relaxed)) {
    threads_in_measured_region.fetch_add(1, std::memory_order_relaxed);
  }
}

void leave_measured_region() {
  // A region entered before the recording started is not counted, so the count never drops
  // below zero. NOTE: a region entered while recording and left after stop() leaves the count
  // one too high, but the runner only stops between benchmarks, when no region is open.
  if (recording.load(std::memory_order_relaxed) &&
      threads_in_measured_region.load(std::memory_order_relaxed) > 0) {
    threads_in_measured_region.fetch_sub(1, std::memory_order_relaxed);
  }
}

CpuProfileRecorder::~CpuProfileRecorder() { stop(); }

std::string CpuProfileRecorder::record_to(const std::filesystem::path& path) {
  if (!recording_.empty() && recording_ == path) return "";
  stop();

  // gperftools writes the file while it records, so it writes a temporary file that stop()
  // renames: a process killed while recording leaves no truncated profile under `path`.
  ProfilerOptions options{};
  options.filter_in_thread = &is_inside_measured_region;
  options.filter_in_thread_arg = nullptr;
  const std::filesystem::path temporary = reports::temporary_path_next_to(path);
  if (ProfilerStartWithOptions(temporary.c_str(), &options) == 0) {
    return "failed to start the CPU profiler writing to '" + path.string() +
           "': the directory is not writable, or another profile is running (unset CPUPROFILE)";
  }
  recording_ = path;
  temporary_ = temporary;
  threads_in_measured_region.store(0, std::memory_order_relaxed);
  recording.store(true, std::memory_order_relaxed);
  return "";
}

void CpuProfileRecorder::stop() {
  if (recording_.empty()) return;
  recording.store(false, std::memory_order_relaxed);
  ProfilerStop();
  try {
    reports::commit_temporary_file(temporary_, recording_);
  } catch (const std::exception& error) {
    // The instance then has no profile, which the run's summary counts.
    std::fprintf(stderr, "paybench: warning: CPU profile left out: %s\n", error.what());
  }
  recording_.clear();
  temporary_.clear();
}

}  // namespace paybench::engine
