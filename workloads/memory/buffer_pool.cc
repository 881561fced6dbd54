// memory/buffer_pool: BufferPool get/put against new[]/delete[] of fixed-size I/O buffers.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <mutex>

#include "paybench/engine/workload.h"
#include "paybench/memory/buffer_pool.h"

namespace {

using paybench::engine::State;

// One pool per buffer size, shared by the threads of a benchmark and kept for the process.
paybench::BufferPool& shared_pool(std::size_t buffer_size) {
  static std::mutex mutex;
  static std::map<std::size_t, std::unique_ptr<paybench::BufferPool>> pools;
  std::lock_guard lock(mutex);
  auto& pool = pools[buffer_size];
  if (!pool) pool = std::make_unique<paybench::BufferPool>(buffer_size);
  return *pool;
}

void run_new_array(State& state) {
  const auto size = static_cast<std::size_t>(state.param("size"));
  for (auto _ : state) {
    auto* buffer = new std::byte[size];
    buffer[0] = std::byte{1};
    benchmark::DoNotOptimize(buffer);
    delete[] buffer;
  }
}

void run_buffer_pool(State& state) {
  paybench::BufferPool& pool = shared_pool(static_cast<std::size_t>(state.param("size")));
  for (auto _ : state) {
    paybench::Buffer buffer = pool.get();
    buffer.resize(1);
    buffer.data()[0] = std::byte{1};
    benchmark::DoNotOptimize(buffer.data());
    benchmark::DoNotOptimize(pool.put(std::move(buffer)));
  }
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "memory",
    .name = "buffer_pool",
    .description = "BufferPool get/put against new[]/delete[] of a fixed-size buffer",
    .parameters = {{"size", {4096, 16384}, "buffer size in bytes"}},
    .threads = {1, 2},
    .variants = {{"new_array", "new std::byte[size] then delete[]", &run_new_array},
                 {"buffer_pool", "BufferPool get then put", &run_buffer_pool}},
    .baseline = "new_array",
}};

}  // namespace
