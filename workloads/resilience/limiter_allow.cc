// resilience/limiter_allow: the cost of one rate-limiter decision, clock read included.
//
// Every call reads its clock and requests one token from the limiter, as a service does per request.
// The variants cross two limiters with two clocks, so a reader can tell the cost of the lock
// from the cost of the clock:
// - RateLimiter (golang.org/x/time/rate semantics, one mutex) with steady_clock: the baseline.
// - GcraRateLimiter (one atomic word, compare-and-swap) with steady_clock.
// - Both with CoarseSteadyClock, which reads the time of the last kernel tick (about 4 ms
//   resolution) for a fraction of steady_clock::now()'s cost.
// - LeasingRateLimiter with CoarseSteadyClock: GCRA whose threads take 16 tokens at a time, so
//   that two threads rarely write the shared word. It needs a clock that repeats its readings.
// - steady_clock_read: the clock read alone, as the anchor the limiters are measured against.
//
// limit_per_s sets the path measured. At 10^9 per second the limiter admits every call these
// threads can make, so each call takes a token (the write path). At 1000 per second nearly every
// call is rejected (the read-only path). The burst is 10 ms worth of tokens, which keeps the
// coarse clock from throttling the admitting case: a limiter fed a clock that advances in 4 ms
// steps can admit at most burst tokens per step. The admitted_percent counter shows which path
// ran.
//
// The threads of one benchmark share one limiter. Google Benchmark reports multi-threaded time
// per call over all threads together, so the time one call costs each thread is the reported
// time multiplied by the thread count.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>

#include <benchmark/benchmark.h>

#include "paybench/engine/workload.h"
#include "paybench/resilience/gcra_rate_limiter.h"
#include "paybench/resilience/leasing_rate_limiter.h"
#include "paybench/resilience/rate_limiter.h"
#include "paybench/time/coarse_steady_clock.h"

namespace {

using paybench::engine::State;

// 10 ms worth of tokens.
constexpr std::int64_t kBurstPerSecondOfLimit = 100;
// Tokens a LeasingRateLimiter thread takes at once, at most the burst.
constexpr int kLeaseSize = 16;

template <class Limiter>
std::unique_ptr<Limiter> make_limiter(double limit, int burst) {
  if constexpr (std::is_same_v<Limiter, paybench::LeasingRateLimiter>) {
    return std::make_unique<Limiter>(limit, burst, std::min(kLeaseSize, burst));
  } else {
    return std::make_unique<Limiter>(limit, burst);
  }
}

// Returns the limiter shared by every benchmark of this type at this limit, created on first use
// and kept for the process, so that all threads of one benchmark find the same one.
template <class Limiter>
Limiter& shared_limiter(std::int64_t limit_per_s) {
  static std::mutex mutex;
  static std::map<std::int64_t, std::unique_ptr<Limiter>> limiters;
  std::lock_guard lock(mutex);
  std::unique_ptr<Limiter>& limiter = limiters[limit_per_s];
  if (!limiter) {
    const auto burst =
        static_cast<int>(std::max<std::int64_t>(1, limit_per_s / kBurstPerSecondOfLimit));
    limiter = make_limiter<Limiter>(static_cast<double>(limit_per_s), burst);
  }
  return *limiter;
}

template <class Limiter, class Clock>
void run_limiter(State& state) {
  const std::int64_t limit_per_s = state.param("limit_per_s");
  if (limit_per_s <= 0) {
    state.skip_with_error("limit_per_s = " + std::to_string(limit_per_s) +
                          " is invalid: pass a limit of at least 1 event per second");
    return;
  }

  Limiter& limiter = shared_limiter<Limiter>(limit_per_s);
  std::int64_t admitted = 0;
  for (auto _ : state) {
    const bool allowed = limiter.allow(Clock::now());
    admitted += allowed ? 1 : 0;
  }

  const double admitted_percent =
      state.iterations() == 0 ? 0.0 : 100.0 * admitted / state.iterations();
  state.counters()["admitted_percent"] =
      benchmark::Counter(admitted_percent, benchmark::Counter::kAvgThreads);
}

void run_steady_clock_read(State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::chrono::steady_clock::now());
  }
}

using Steady = std::chrono::steady_clock;
using Coarse = paybench::CoarseSteadyClock;
using paybench::GcraRateLimiter;
using paybench::LeasingRateLimiter;
using paybench::RateLimiter;

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "resilience",
    .name = "limiter_allow",
    .description = "one rate-limiter decision per call, clock read included; time per call",
    .parameters = {{"limit_per_s",
                    {1'000'000'000, 1000},
                    "events per second: 10^9 admits every call (write path), 1000 rejects "
                    "nearly every call (read-only path); burst is 10 ms worth"}},
    .threads = {1, 2},
    .variants =
        {{"mutex_token_bucket", "RateLimiter (one mutex) with steady_clock::now()",
          &run_limiter<RateLimiter, Steady>},
         {"mutex_token_bucket_coarse_clock", "RateLimiter (one mutex) with CoarseSteadyClock",
          &run_limiter<RateLimiter, Coarse>},
         {"gcra", "GcraRateLimiter (compare-and-swap) with steady_clock::now()",
          &run_limiter<GcraRateLimiter, Steady>},
         {"gcra_coarse_clock", "GcraRateLimiter (compare-and-swap) with CoarseSteadyClock",
          &run_limiter<GcraRateLimiter, Coarse>},
         {"gcra_leases_coarse_clock",
          "LeasingRateLimiter (GCRA, 16-token leases per thread) with CoarseSteadyClock",
          &run_limiter<LeasingRateLimiter, Coarse>},
         {"steady_clock_read", "steady_clock::now() alone, no limiter",
          &run_steady_clock_read}},
    .baseline = "mutex_token_bucket",
    .candidates = {"mutex_token_bucket_coarse_clock", "gcra", "gcra_coarse_clock",
                   "gcra_leases_coarse_clock"},
    .min_repetitions = 9,
}};

}  // namespace
