// Shared pieces of the circuit-breaker workloads: the call they protect, breakers shared by the
// threads of a benchmark, and the check that the breaker counted what the benchmark did.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>

#include "paybench/engine/state.h"
#include "paybench/resilience/breaker_types.h"
#include "paybench/time/coarse_steady_clock.h"

namespace paybench::workloads {

// The protected call: a function the compiler cannot inline or remove, standing in for a call
// to a payment service, so that the time around it is the breaker's.
[[gnu::noinline]] inline std::error_code call_service() {
  asm volatile("" ::: "memory");
  return {};
}

[[gnu::noinline]] inline std::error_code call_service_failing() {
  asm volatile("" ::: "memory");
  return std::make_error_code(std::errc::connection_refused);
}

// The clock a workload's breaker reads.
enum class ClockChoice { kSteady, kCoarse };

// Calls that trip a breaker with gobreaker's default rule, more than five consecutive failures.
inline constexpr int kFailuresToTrip = 6;

// Makes kFailuresToTrip failing calls through `breaker`, which opens it under the default rule.
template <class Breaker>
void trip(Breaker& breaker) {
  for (int i = 0; i < kFailuresToTrip; ++i) {
    (void)breaker.execute(&call_service_failing);
  }
}

// Settings that read CoarseSteadyClock instead of steady_clock.
inline BreakerSettings with_coarse_clock(BreakerSettings settings) {
  settings.clock = [] { return CoarseSteadyClock::now(); };
  return settings;
}

// Reports an error on `state` unless `counted` (a breaker count after the loop minus the same
// count before it, modulo 2^32 like the count) equals the calls of all threads.
inline void check_breaker_count(engine::State& state, const char* count_name,
                                std::uint32_t counted) {
  const auto expected = static_cast<std::uint32_t>(
      static_cast<std::uint64_t>(state.iterations()) * static_cast<std::uint64_t>(state.threads()));
  if (counted != expected) {
    state.skip_with_error(std::string("the breaker counted ") + std::to_string(counted) + " " +
                          count_name + ", expected " + std::to_string(expected) +
                          " (one per call of every thread, modulo 2^32)");
  }
}

}  // namespace paybench::workloads
