// metrics/counter_increment: one counter increment per operation, on a counter shared by all
// threads of a benchmark, as a request counter of a service is.
//
// MutexCounter takes a mutex per increment, AtomicCounter does one fetch_add on a shared cache
// line, and ShardedCounter adds to its thread's own cache line. On 2 threads the shared line
// moves between the cores on nearly every increment, which is what the sharded counter avoids.
// Google Benchmark reports multi-threaded time per increment over all threads together, so
// items_per_second is the total throughput of all threads.
//
// Each benchmark checks itself: after the loop the counter must have grown by exactly the
// number of increments of all threads, or the benchmark is reported as an error.
#include <cstdint>
#include <string>

#include "paybench/engine/workload.h"
#include "paybench/metrics/counter.h"

namespace {

using paybench::engine::State;

// Returns the counter of this type that every benchmark shares. It lives for the process, so a
// benchmark measures its own increments as the growth of value() across its loop.
template <class Counter>
Counter& shared_counter() {
  static Counter counter;
  return counter;
}

template <class Counter>
void run(State& state) {
  Counter& counter = shared_counter<Counter>();

  // Google Benchmark's threads meet at a barrier where the loop starts and where it ends
  // (version 1.7.1), so no thread increments before thread 0 reads `before`, and all have
  // finished when it reads the value after the loop.
  const std::uint64_t before = state.thread_index() == 0 ? counter.value() : 0;
  for (auto _ : state) {
    counter.increment();
  }
  state.set_items_processed(state.iterations());

  if (state.thread_index() != 0) {
    return;
  }
  const std::uint64_t expected =
      static_cast<std::uint64_t>(state.iterations()) * static_cast<std::uint64_t>(state.threads());
  const std::uint64_t counted = counter.value() - before;
  if (counted != expected) {
    state.skip_with_error("the counter grew by " + std::to_string(counted) + ", expected " +
                          std::to_string(expected) + " (one per increment of every thread)");
  }
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "metrics",
    .name = "counter_increment",
    .description = "increment one counter shared by all threads; time per increment",
    .threads = {1, 2},
    .variants = {{"mutex_counter", "MutexCounter: an integer under a std::mutex",
                  &run<paybench::MutexCounter>},
                 {"atomic_counter", "AtomicCounter: one shared std::atomic, relaxed fetch_add",
                  &run<paybench::AtomicCounter>},
                 {"sharded_counter", "ShardedCounter: one cache line per thread, summed on read",
                  &run<paybench::ShardedCounter>}},
    .baseline = "atomic_counter",
    // Two threads contending for one cache line vary a lot between repetitions.
    .min_repetitions = 9,
}};

}  // namespace
