// memory/size_class_pool: SizeClassPool against malloc for byte slices of varying size.
//
// Sizes follow a fixed pseudo-random sequence, log-uniform between 16 B and 8 KiB, chosen to
// span small messages up to batch buffers. Both variants use the same sequence.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <vector>

#include "paybench/engine/workload.h"
#include "paybench/memory/size_class_pool.h"

namespace {

using paybench::engine::State;

constexpr std::size_t kSequenceLength = 4096;  // a power of two, so the index wraps with a mask
constexpr double kMinSize = 16;
constexpr double kMaxSize = 8192;
constexpr std::uint64_t kSeed = 20261204;

const std::vector<std::size_t>& size_sequence() {
  static const std::vector<std::size_t> sizes = [] {
    std::mt19937_64 random(kSeed);
    std::uniform_real_distribution<double> exponent(std::log2(kMinSize), std::log2(kMaxSize));
    std::vector<std::size_t> result(kSequenceLength);
    for (auto& size : result) size = static_cast<std::size_t>(std::exp2(exponent(random)));
    return result;
  }();
  return sizes;
}

void run_malloc(State& state) {
  const auto& sizes = size_sequence();
  std::size_t next = 0;
  for (auto _ : state) {
    const std::size_t size = sizes[next++ & (kSequenceLength - 1)];
    auto* bytes = static_cast<std::byte*>(std::malloc(size));
    bytes[0] = std::byte{1};
    benchmark::DoNotOptimize(bytes);
    std::free(bytes);
  }
}

void run_size_class_pool(State& state) {
  static paybench::SizeClassPool pool;
  const auto& sizes = size_sequence();
  std::size_t next = 0;
  for (auto _ : state) {
    paybench::Buffer buffer = pool.get(sizes[next++ & (kSequenceLength - 1)]);
    buffer.data()[0] = std::byte{1};
    benchmark::DoNotOptimize(buffer.data());
    benchmark::DoNotOptimize(pool.put(std::move(buffer)));
  }
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "memory",
    .name = "size_class_pool",
    .description = "SizeClassPool get/put against malloc/free, sizes 16 B to 8 KiB",
    .parameters = {},
    .threads = {1},
    .variants = {{"malloc", "malloc then free of the next size", &run_malloc},
                 {"size_class_pool", "SizeClassPool get then put of the next size",
                  &run_size_class_pool}},
    .baseline = "malloc",
}};

}  // namespace
