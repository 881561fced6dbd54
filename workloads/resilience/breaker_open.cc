// resilience/breaker_open: what an open circuit breaker costs to reject a call.
//
// While a dependency is down, an open breaker turns every call into a fast rejection, and that
// rejection is all the work a request does. Each breaker here is tripped once, by six failing
// calls (gobreaker's default trips after more than five consecutive failures), with a timeout of
// one hour, so it stays open for the whole run. An open breaker must compare the time with the
// end of its timeout on every call, so the clock is part of the cost:
// - mutex_breaker: MutexCircuitBreaker with steady_clock, the baseline.
// - breaker: CircuitBreaker with steady_clock; its open-state check takes no lock.
// - breaker_coarse_clock: CircuitBreaker reading CoarseSteadyClock. The timeout ends up to a
//   few 4 ms ticks late.
// Time per call is over all threads together (see resilience/breaker_closed).
//
// Each benchmark checks itself: every call must be rejected with BreakerErrc::kOpen, without
// running the service function.
#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>

#include <benchmark/benchmark.h>

#include "breaker_calls.h"
#include "paybench/engine/workload.h"
#include "paybench/resilience/circuit_breaker.h"
#include "paybench/resilience/mutex_circuit_breaker.h"

namespace {

using paybench::BreakerErrc;
using paybench::BreakerSettings;
using paybench::engine::State;
using paybench::workloads::ClockChoice;

// Returns the tripped breaker of this type and clock, created and tripped on first use. C++
// initializes the static once, thread-safely, so every thread finds it open.
template <class Breaker, ClockChoice kClock>
Breaker& tripped_breaker() {
  static Breaker breaker([] {
    BreakerSettings settings;
    settings.name = "payment-service";
    settings.timeout = std::chrono::hours(1);
    if constexpr (kClock == ClockChoice::kCoarse) {
      settings = paybench::workloads::with_coarse_clock(std::move(settings));
    }
    return settings;
  }());
  static const bool tripped = [] {
    paybench::workloads::trip(breaker);
    return true;
  }();
  (void)tripped;
  return breaker;
}

template <class Breaker, ClockChoice kClock>
void run(State& state) {
  Breaker& breaker = tripped_breaker<Breaker, kClock>();
  const std::error_code open = paybench::make_error_code(BreakerErrc::kOpen);

  std::int64_t not_rejected = 0;
  for (auto _ : state) {
    const std::error_code result = breaker.execute(&paybench::workloads::call_service);
    not_rejected += result == open ? 0 : 1;
  }

  if (not_rejected != 0) {
    state.skip_with_error(std::to_string(not_rejected) + " calls on thread " +
                          std::to_string(state.thread_index()) +
                          " were not rejected as open, expected every call to be rejected");
  }
}

using paybench::CircuitBreaker;
using paybench::MutexCircuitBreaker;

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "resilience",
    .name = "breaker_open",
    .description = "a call rejected by an open circuit breaker; time per call",
    .threads = {1, 2},
    .variants = {{"mutex_breaker", "MutexCircuitBreaker: every call under one mutex",
                  &run<MutexCircuitBreaker, ClockChoice::kSteady>},
                 {"breaker", "CircuitBreaker: open-state check without a lock",
                  &run<CircuitBreaker, ClockChoice::kSteady>},
                 {"breaker_coarse_clock", "CircuitBreaker reading CoarseSteadyClock",
                  &run<CircuitBreaker, ClockChoice::kCoarse>}},
    .baseline = "mutex_breaker",
    .min_repetitions = 9,
}};

}  // namespace
