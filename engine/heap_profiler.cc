#include "paybench/engine/heap_profiler.h"

#include <dlfcn.h>

#include <atomic>
#include <exception>
#include <string>

#include "paybench/reports/atomic_file.h"

namespace paybench::engine {
namespace {

// gperftools' C API (gperftools/heap-profiler.h), resolved at run time.
using HeapProfilerStartFn = void (*)(const char* prefix);
using HeapProfilerDumpFn = void (*)(const char* reason);
using HeapProfilerStopFn = void (*)();
using IsHeapProfilerRunningFn = int (*)();

struct HeapProfilerApi {
  HeapProfilerStartFn start = nullptr;
  HeapProfilerDumpFn dump = nullptr;
  HeapProfilerStopFn stop = nullptr;
  IsHeapProfilerRunningFn is_running = nullptr;

  bool complete() const { return start && dump && stop && is_running; }
};

const HeapProfilerApi& heap_profiler_api() {
  static const HeapProfilerApi api = [] {
    HeapProfilerApi found;
    found.start = reinterpret_cast<HeapProfilerStartFn>(dlsym(RTLD_DEFAULT, "HeapProfilerStart"));
    found.dump = reinterpret_cast<HeapProfilerDumpFn>(dlsym(RTLD_DEFAULT, "HeapProfilerDump"));
    found.stop = reinterpret_cast<HeapProfilerStopFn>(dlsym(RTLD_DEFAULT, "HeapProfilerStop"));
    found.is_running =
        reinterpret_cast<IsHeapProfilerRunningFn>(dlsym(RTLD_DEFAULT, "IsHeapProfilerRunning"));
    return found;
  }();
  return api;
}

// Set by HeapProfileRecorder while a profile is recorded; read by thread 0 of each benchmark.
std::atomic<bool> recording{false};
// Dumps and iterations of the profile being recorded. Written by thread 0 of the running
// benchmark and by the recorder, which runs on that same thread between regions.
std::atomic<std::int64_t> dumps_written{0};
std::atomic<std::int64_t> iterations_measured{0};

void dump(const char* reason) {
  heap_profiler_api().dump(reason);
  dumps_written.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

void mark_heap_region_start() {
  if (recording.load(std::memory_order_relaxed)) dump("measured region starts");
}

void mark_heap_region_end(std::int64_t iterations) {
  if (!recording.load(std::memory_order_relaxed)) return;
  dump("measured region ends");
  iterations_measured.fetch_add(iterations, std::memory_order_relaxed);
}

HeapProfileRecorder::~HeapProfileRecorder() { stop(); }

bool HeapProfileRecorder::available() { return heap_profiler_api().complete(); }

std::string HeapProfileRecorder::record_to(const std::filesystem::path& directory) {
  if (!recording_.empty() && recording_ == directory) return "";
  stop();

  const HeapProfilerApi& api = heap_profiler_api();
  if (!api.complete()) {
    return "gperftools' heap profiler is not loaded: run with LD_PRELOAD naming libtcmalloc.so.4 "
           "(paybench run --heap-profile does this)";
  }
  if (api.is_running() != 0) {
    return "gperftools' heap profiler is already running, started by the HEAPPROFILE "
           "environment variable: unset it";
  }

  dumps_written.store(0, std::memory_order_relaxed);
  iterations_measured.store(0, std::memory_order_relaxed);
  api.start((directory / kHeapDumpPrefix).c_str());
  recording_ = directory;
  recording.store(true, std::memory_order_relaxed);
  return "";
}

void HeapProfileRecorder::stop() {
  if (recording_.empty()) return;
  recording.store(false, std::memory_order_relaxed);
  heap_profiler_api().stop();

  const std::string regions =
      "dumps " + std::to_string(dumps_written.load(std::memory_order_relaxed)) + "\n" +
      "iterations " + std::to_string(iterations_measured.load(std::memory_order_relaxed)) + "\n";
  try {
    reports::write_text_file_atomically(recording_ / kHeapRegionsFileName, regions);
  } catch (const std::exception&) {
    // The reader reports the missing file as an incomplete profile of this instance.
  }
  recording_.clear();
}

}  // namespace paybench::engine
