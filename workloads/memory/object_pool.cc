// memory/object_pool: ObjectPool get/put against malloc/free of the same size.
//
// The object is a message buffer whose clean state is an empty length, as a pooled buffer in a
// payment service is: the pool's reset hook clears the length, not the bytes. Both variants
// write the length once per use, so each touches its object the same way.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdlib>
#include <stdexcept>

#include "paybench/engine/workload.h"
#include "paybench/memory/object_pool.h"

namespace {

using paybench::engine::State;

template <std::size_t kBytes>
struct MessageBuffer {
  std::uint64_t length = 0;
  std::array<std::byte, kBytes - sizeof(std::uint64_t)> data;

  void reset() noexcept { length = 0; }
};
static_assert(sizeof(MessageBuffer<64>) == 64);
static_assert(sizeof(MessageBuffer<4096>) == 4096);

constexpr int kBatch = 32;

// One pool per object size, shared by every thread of a benchmark, as one pool is shared by
// the worker threads of a service. It lives for the whole process, and each measurement warms
// it before its loop: a thread's first get may allocate the thread's cache, which would put a
// one-time cost into the first repetition and an address-dependent one into instruction counts.
// A service's pool is measured in its steady state.
template <std::size_t kBytes>
paybench::ObjectPool<MessageBuffer<kBytes>>& shared_pool() {
  static paybench::ObjectPool<MessageBuffer<kBytes>> pool;
  return pool;
}

// The two ways to obtain and release a buffer, with the same interface. The pool source keeps
// a reference, so the loop does not pass the function-local static's guard on every call.
template <std::size_t kBytes>
struct MallocSource {
  MessageBuffer<kBytes>* get() const {
    return static_cast<MessageBuffer<kBytes>*>(std::malloc(sizeof(MessageBuffer<kBytes>)));
  }
  void put(MessageBuffer<kBytes>* buffer) const { std::free(buffer); }
};

template <std::size_t kBytes>
struct PoolSource {
  paybench::ObjectPool<MessageBuffer<kBytes>>& pool = shared_pool<kBytes>();

  MessageBuffer<kBytes>* get() const { return pool.get(); }
  void put(MessageBuffer<kBytes>* buffer) const { pool.put(buffer); }
};

// Single get/put pairs use the plain measured loop and batches keep_running_batch, each with a
// compile-time batch size: the harness then adds the same few instructions to both sources,
// and nothing that depends on a runtime batch size.
template <template <std::size_t> class Source, std::size_t kBytes>
void run_single(State& state) {
  const Source<kBytes> source;
  source.put(source.get());
  for (auto _ : state) {
    MessageBuffer<kBytes>* buffer = source.get();
    buffer->length = 1;
    benchmark::DoNotOptimize(buffer);
    source.put(buffer);
  }
}

template <template <std::size_t> class Source, std::size_t kBytes>
void run_batch(State& state) {
  const Source<kBytes> source;
  std::array<MessageBuffer<kBytes>*, kBatch> buffers{};
  for (auto*& buffer : buffers) buffer = source.get();
  for (auto* buffer : buffers) source.put(buffer);
  while (state.keep_running_batch(kBatch)) {
    for (auto*& buffer : buffers) {
      buffer = source.get();
      buffer->length = 1;
      benchmark::DoNotOptimize(buffer);
    }
    for (auto* buffer : buffers) source.put(buffer);
  }
}

template <template <std::size_t> class Source, std::size_t kBytes>
void run_size(State& state) {
  if (state.param("batch") == 1) return run_single<Source, kBytes>(state);
  return run_batch<Source, kBytes>(state);
}

// Calls run_size with the runtime size as a template argument: the pool needs it as a type.
template <template <std::size_t> class Source>
void run(State& state) {
  switch (state.param("size")) {
    case 64: return run_size<Source, 64>(state);
    case 256: return run_size<Source, 256>(state);
    case 1024: return run_size<Source, 1024>(state);
    case 4096: return run_size<Source, 4096>(state);
  }
  throw std::invalid_argument("object_pool has no variant for size " +
                              std::to_string(state.param("size")));
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "memory",
    .name = "object_pool",
    .description = "ObjectPool get/put against malloc/free; times are per get+put pair",
    .parameters = {{"size", {64, 256, 1024, 4096}, "object size in bytes"},
                    {"batch", {1, kBatch}, "objects taken before they are returned"}},
    .threads = {1, 2},
    .variants = {{"malloc", "malloc then free, batch at a time", &run<MallocSource>},
                 {"pool", "ObjectPool get then put, batch at a time", &run<PoolSource>}},
    .baseline = "malloc",
}};

}  // namespace
