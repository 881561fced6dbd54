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

constexpr int kMaxBatch = 32;

// One pool per object size, shared by every thread of a benchmark, as one pool is shared by
// the worker threads of a service. It lives for the whole process, so later repetitions find
// it warm, as a service's pool is in its steady state.
template <std::size_t kBytes>
paybench::ObjectPool<MessageBuffer<kBytes>>& shared_pool() {
  static paybench::ObjectPool<MessageBuffer<kBytes>> pool;
  return pool;
}

template <std::size_t kBytes>
void run_malloc(State& state, int batch) {
  using Object = MessageBuffer<kBytes>;
  std::array<Object*, kMaxBatch> objects{};
  while (state.keep_running_batch(batch)) {
    for (int i = 0; i < batch; ++i) {
      objects[i] = static_cast<Object*>(std::malloc(sizeof(Object)));
      objects[i]->length = 1;
      benchmark::DoNotOptimize(objects[i]);
    }
    for (int i = 0; i < batch; ++i) std::free(objects[i]);
  }
}

template <std::size_t kBytes>
void run_pool(State& state, int batch) {
  auto& pool = shared_pool<kBytes>();
  std::array<MessageBuffer<kBytes>*, kMaxBatch> objects{};
  while (state.keep_running_batch(batch)) {
    for (int i = 0; i < batch; ++i) {
      objects[i] = pool.get();
      objects[i]->length = 1;
      benchmark::DoNotOptimize(objects[i]);
    }
    for (int i = 0; i < batch; ++i) pool.put(objects[i]);
  }
}

// Calls Run<kBytes> for the runtime size; the pool needs the size as a type.
template <template <std::size_t> class Run>
void dispatch_size(State& state) {
  const auto batch = static_cast<int>(state.param("batch"));
  switch (state.param("size")) {
    case 64: return Run<64>::run(state, batch);
    case 256: return Run<256>::run(state, batch);
    case 1024: return Run<1024>::run(state, batch);
    case 4096: return Run<4096>::run(state, batch);
  }
  throw std::invalid_argument("object_pool has no variant for size " +
                              std::to_string(state.param("size")));
}

template <std::size_t kBytes>
struct Malloc {
  static void run(State& state, int batch) { run_malloc<kBytes>(state, batch); }
};
template <std::size_t kBytes>
struct Pool {
  static void run(State& state, int batch) { run_pool<kBytes>(state, batch); }
};

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "memory",
    .name = "object_pool",
    .description = "ObjectPool get/put against malloc/free; times are per get+put pair",
    .parameters = {{"size", {64, 256, 1024, 4096}}, {"batch", {1, kMaxBatch}}},
    .threads = {1, 2},
    .variants = {{"malloc", "malloc then free, batch at a time", &dispatch_size<Malloc>},
                 {"pool", "ObjectPool get then put, batch at a time", &dispatch_size<Pool>}},
    .baseline = "malloc",
}};

}  // namespace
