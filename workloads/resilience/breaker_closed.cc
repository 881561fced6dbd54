// resilience/breaker_closed: what a closed circuit breaker adds to every successful call.
//
// Every operation calls a trivial service function, bare or through a breaker's execute(). The
// breaker is closed and stays closed, because every call succeeds. interval_s sets gobreaker's
// interval: with 0 (its default) the counts are never cleared and a closed breaker has no
// expiry to check, so it never reads its clock. With 60 it must compare the time with the end
// of the interval on every call, so the cost of the clock shows.
// - bare_call: the call alone, the anchor the breakers' cost is measured from.
// - mutex_breaker: MutexCircuitBreaker, every call under one mutex, the baseline.
// - breaker: CircuitBreaker, whose closed-state success path takes no lock.
// - breaker_coarse_clock: CircuitBreaker reading CoarseSteadyClock (4 ms ticks, about 3 ns a
//   read) instead of steady_clock (about 21 ns). An interval ends up to a few ticks late.
// The threads of one benchmark share one breaker, and Google Benchmark reports multi-threaded
// time per call over all threads together: the time one call costs each thread is the
// reported time multiplied by the thread count.
//
// Each benchmark checks itself: the breaker's total successes must grow by exactly the number
// of calls, and it must still be closed.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
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
using paybench::workloads::ClockChoice;

// Returns the breaker shared by every benchmark with this type, clock and interval, created on
// first use and kept for the process.
template <class Breaker, ClockChoice kClock>
Breaker& shared_breaker(std::int64_t interval_s) {
  static std::mutex mutex;
  static std::map<std::int64_t, std::unique_ptr<Breaker>> breakers;
  std::lock_guard lock(mutex);
  std::unique_ptr<Breaker>& breaker = breakers[interval_s];
  if (!breaker) {
    BreakerSettings settings;
    settings.name = "payment-service";
    settings.interval = std::chrono::seconds(interval_s);
    if constexpr (kClock == ClockChoice::kCoarse) {
      settings = paybench::workloads::with_coarse_clock(std::move(settings));
    }
    breaker = std::make_unique<Breaker>(std::move(settings));
  }
  return *breaker;
}

std::int64_t checked_interval(State& state) {
  const std::int64_t interval_s = state.param("interval_s");
  if (interval_s < 0) {
    state.skip_with_error("interval_s = " + std::to_string(interval_s) +
                          " is invalid: pass 0 (counts never cleared) or a number of seconds");
  }
  return interval_s;
}

void run_bare_call(State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(paybench::workloads::call_service());
  }
}

template <class Breaker, ClockChoice kClock>
void run_breaker(State& state) {
  const std::int64_t interval_s = checked_interval(state);
  if (state.error_occurred()) {
    return;
  }
  Breaker& breaker = shared_breaker<Breaker, kClock>(interval_s);

  // An interval that ends during the loop clears the counts, so the check below needs the
  // interval to be long. Thread 0 reads the count before the loop's starting barrier and after
  // its closing one (Google Benchmark 1.7.1), so the difference is every thread's calls.
  const bool checks_count = interval_s == 0;
  const std::uint32_t before = state.thread_index() == 0 ? breaker.counts().total_successes : 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(breaker.execute(&paybench::workloads::call_service));
  }

  if (state.thread_index() != 0) {
    return;
  }
  if (breaker.state() != BreakerState::kClosed) {
    state.skip_with_error("the breaker left the closed state, expected it to stay closed");
    return;
  }
  if (checks_count) {
    paybench::workloads::check_breaker_count(state, "successes",
                                             breaker.counts().total_successes - before);
  }
}

using paybench::CircuitBreaker;
using paybench::MutexCircuitBreaker;

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "resilience",
    .name = "breaker_closed",
    .description = "a successful call through a closed circuit breaker; time per call",
    .parameters = {{"interval_s",
                    {0, 60},
                    "gobreaker's interval in seconds: 0 never clears the counts, so a closed "
                    "breaker reads no clock; 60 makes every call check the time"}},
    .threads = {1, 2},
    .variants = {{"bare_call", "the call without a breaker", &run_bare_call},
                 {"mutex_breaker", "MutexCircuitBreaker: every call under one mutex",
                  &run_breaker<MutexCircuitBreaker, ClockChoice::kSteady>},
                 {"breaker", "CircuitBreaker: no lock on the closed success path",
                  &run_breaker<CircuitBreaker, ClockChoice::kSteady>},
                 {"breaker_coarse_clock", "CircuitBreaker reading CoarseSteadyClock",
                  &run_breaker<CircuitBreaker, ClockChoice::kCoarse>}},
    .baseline = "mutex_breaker",
    .candidates = {"breaker", "breaker_coarse_clock"},
    .min_repetitions = 9,
}};

}  // namespace
