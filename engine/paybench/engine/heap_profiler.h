// Recording gperftools heap profiles of the measured regions of benchmark instances.
//
// gperftools' heap profiler is part of its full tcmalloc (libtcmalloc.so.4) and only sees
// allocations when that library provides malloc to the process, so paybench records heap
// profiles in a process started with it in LD_PRELOAD. Its functions are looked up when
// recording starts; paybench does not link it.
//
// For each benchmark instance the profiler starts afresh and writes its dumps into a directory
// of the instance's own. Thread 0 of the benchmark dumps a profile when its measured region
// starts and when it ends (pause_timing() and resume_timing() included), so each pair of
// consecutive dumps brackets one stretch of measurement. The profiler records the allocations
// of every thread, so those that other threads make during thread 0's region count too, as in
// the allocation counts.
// NOTE: threads start and end their regions behind a barrier, but not at the same instant; an
// allocation another thread makes just before its own region starts, while thread 0 has
// already dumped, is counted too. Workloads with per-thread setup inside the loop would show it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace paybench::engine {

// The file in each instance's directory that records how many dumps bracket measured regions
// and how many iterations all threads ran in them, as "dumps N" and "iterations M" lines.
inline constexpr const char* kHeapRegionsFileName = "regions";
// The prefix of the dumps in that directory: "dump.0001.heap", "dump.0002.heap" and so on,
// numbered in the order they were written.
inline constexpr const char* kHeapDumpPrefix = "dump";

// Called by thread 0 of a benchmark when its measured region starts and ends. Each writes one
// dump while a profile is being recorded and does nothing otherwise. `iterations` is the count
// of iterations of all threads that the ended stretch completed (0 for a pause).
void mark_heap_region_start();
void mark_heap_region_end(std::int64_t iterations);

// Records the profile of one instance at a time. Not thread-safe: only thread 0 of a benchmark
// may call it, between measured regions.
class HeapProfileRecorder {
 public:
  HeapProfileRecorder() = default;
  // Stops the profile being recorded, writing its regions file.
  ~HeapProfileRecorder();

  HeapProfileRecorder(const HeapProfileRecorder&) = delete;
  HeapProfileRecorder& operator=(const HeapProfileRecorder&) = delete;

  // Returns whether gperftools' heap profiler is loaded in this process.
  static bool available();

  // Makes `directory` (which must exist) the one being recorded into. If it already is, nothing
  // happens. Otherwise the current profile is stopped and a new one starts. Returns an empty
  // string on success, or why recording cannot start.
  std::string record_to(const std::filesystem::path& directory);

  // Stops the current profile, if any, and writes its regions file.
  void stop();

 private:
  std::filesystem::path recording_;  // empty when no profile is being recorded
};

}  // namespace paybench::engine
