// resilience/breaker_half_open: the cost of a call that a half-open circuit breaker admits.
//
// After its timeout an open breaker lets trial calls through, and gobreaker's rules make every
// one of them count exactly (requests against max_requests), so both breakers serialize them
// under their mutex. Each breaker here is tripped once and has a timeout of 1 ns, so its next
// call finds it half-open, and max_requests is 2^32 - 1, so successes do not close it during
// the run. Time per call is over all threads together (see resilience/breaker_closed).
//
// Each benchmark checks itself: every call must be admitted, and the breaker must still be
// half-open after the loop.
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>

#include <benchmark/benchmark.h>

#include "breaker_calls.h"
#include "paybench/engine/workload.h"
#include "paybench/resilience/circuit_breaker.h"
#include "paybench/resilience/mutex_circuit_breaker.h"

namespace {

using paybench::BreakerSettings;
using paybench::BreakerState;
using paybench::engine::State;

// Returns the half-open breaker of this type, created and tripped on first use.
template <class Breaker>
Breaker& half_open_breaker() {
  static Breaker breaker([] {
    BreakerSettings settings;
    settings.name = "payment-service";
    settings.max_requests = std::numeric_limits<std::uint32_t>::max();
    settings.timeout = std::chrono::nanoseconds(1);
    return settings;
  }());
  static const bool tripped = [] {
    paybench::workloads::trip(breaker);
    return true;
  }();
  (void)tripped;
  return breaker;
}

template <class Breaker>
void run(State& state) {
  Breaker& breaker = half_open_breaker<Breaker>();

  std::int64_t rejected = 0;
  for (auto _ : state) {
    const std::error_code result = breaker.execute(&paybench::workloads::call_service);
    rejected += result ? 1 : 0;
  }

  if (rejected != 0) {
    state.skip_with_error(std::to_string(rejected) + " calls on thread " +
                          std::to_string(state.thread_index()) +
                          " were rejected, expected the half-open breaker to admit every call");
    return;
  }
  if (state.thread_index() == 0 && breaker.state() != BreakerState::kHalfOpen) {
    state.skip_with_error("the breaker left the half-open state, expected it to stay half-open");
  }
}

using paybench::CircuitBreaker;
using paybench::MutexCircuitBreaker;

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "resilience",
    .name = "breaker_half_open",
    .description = "a successful trial call admitted by a half-open circuit breaker; time per call",
    .threads = {1, 2},
    .variants = {{"mutex_breaker", "MutexCircuitBreaker: every call under one mutex",
                  &run<MutexCircuitBreaker>},
                 {"breaker", "CircuitBreaker: half-open calls take its mutex too",
                  &run<CircuitBreaker>}},
    .baseline = "mutex_breaker",
    .min_repetitions = 9,
}};

}  // namespace
