// A workload compiled into two test builds of paybench that differ in one constant, so that the
// gate's self-test can gate a build with a known, deliberate slowdown against one without.
//
// PAYBENCH_SELFTEST_EXTRA_PERCENT (a compile definition) adds that share of rounds to each op.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "paybench/engine/workload.h"

namespace {

using paybench::engine::State;

// Rounds of integer arithmetic per op in the build without slowdown.
constexpr std::uint64_t kBaseRounds = 200;
constexpr std::uint64_t kRounds = kBaseRounds + kBaseRounds * PAYBENCH_SELFTEST_EXTRA_PERCENT / 100;

[[gnu::noinline]] std::uint64_t mix(std::uint64_t value, std::uint64_t rounds) {
  for (std::uint64_t i = 0; i < rounds; ++i) value = value * 6364136223846793005ULL + i;
  return value;
}

void run_mix(State& state) {
  std::uint64_t value = 1;
  for (auto _ : state) {
    value = mix(value, kRounds);
    benchmark::DoNotOptimize(value);
  }
}

void run_bare(State& state) {
  std::uint64_t value = 1;
  for (auto _ : state) benchmark::DoNotOptimize(++value);
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "selftest",
    .name = "mix",
    .description = "integer arithmetic whose cost a compile definition raises, for the gate's tests",
    .parameters = {},
    .threads = {1},
    .variants = {{"bare", "an increment", &run_bare},
                 {"mix", "rounds of multiply-add", &run_mix}},
    .baseline = "bare",
}};

}  // namespace
