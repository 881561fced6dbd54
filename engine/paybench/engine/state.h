// The argument of a variant's function: its parameters and the measured loop.
//
// State wraps Google Benchmark's State. Google Benchmark times the loop; State adds the
// allocation counts of the measured region, so `for (auto _ : state)` is the only loop a
// variant needs:
//
//   void run_pool(paybench::engine::State& state) {
//     Pool pool;                             // setup: not timed, allocations not counted
//     for (auto _ : state) {                 // measured region
//       benchmark::DoNotOptimize(pool.get());
//     }
//   }
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "paybench/engine/allocation_counter.h"
#include "paybench/engine/cpu_profiler.h"
#include "paybench/engine/heap_profiler.h"
#include "paybench/engine/instruction_counter.h"

namespace paybench::engine {

class State {
 public:
  class Iterator;

  State(benchmark::State& state, const std::map<std::string, std::int64_t>& params);
  // Closes the measured region for the profilers if the variant left it by an exception.
  ~State();

  State(const State&) = delete;
  State& operator=(const State&) = delete;

  // The measured region. Google Benchmark starts its timer in end() (range-for calls it
  // second) and stops it when the loop finishes. The allocation counts, the CPU profile (see
  // cpu_profiler.h), the heap profile (heap_profiler.h) and the instruction count
  // (instruction_counter.h) follow the same span.
  Iterator begin();
  Iterator end();

  // The measured region in batches, for variants whose natural operation is a batch (32 gets
  // then 32 puts): `while (state.keep_running_batch(32)) { ... }`. Iterations then count items,
  // so times and allocation counts are per item. Returns false once the region has ended.
  bool keep_running_batch(std::int64_t batch_size);

  // Returns the value of parameter `name`. A name the workload did not declare is a
  // programming error and aborts with the name.
  std::int64_t param(std::string_view name) const;

  int thread_index() const { return state_.thread_index(); }
  int threads() const { return state_.threads(); }
  std::int64_t iterations() const { return state_.iterations(); }

  // Excludes a stretch inside the loop from the time, the allocation counts and the profiles.
  void pause_timing();
  void resume_timing();

  // Ends the benchmark as failed; the run records the message and goes on with the next one.
  void skip_with_error(const std::string& message);
  bool error_occurred() const { return state_.error_occurred(); }

  void set_items_processed(std::int64_t items) { state_.SetItemsProcessed(items); }
  void set_label(const std::string& label) { state_.SetLabel(label); }
  benchmark::UserCounters& counters() { return state_.counters; }

  // Adds allocations that threads of the variant's own made during the measured region, such as
  // the producers and consumers of a queue benchmark, to this benchmark's counts. Each such
  // thread reads thread_allocation_counts() at the start and end of its measured work.
  void add_measured_allocations(const AllocationCounts& counts) { measured_ += counts; }

  // Returns whether the measured loop ran to its end.
  bool measured_loop_finished() const { return loop_finished_; }
  // Returns the allocations of the measured region, on this thread.
  AllocationCounts measured_allocations() const { return measured_; }

 private:
  void start_counting() {
    if (state_.thread_index() == 0) {
      mark_heap_region_start();
      mark_instruction_region_start();
    }
    region_start_ = thread_allocation_counts();
    enter_measured_region();
    in_region_ = true;
  }
  // `completed_iterations` counts the iterations of all threads that end with this stretch.
  void stop_counting(std::int64_t completed_iterations) {
    measured_ += thread_allocation_counts() - region_start_;
    leave_measured_region();
    in_region_ = false;
    if (state_.thread_index() == 0) {
      mark_instruction_region_end();
      mark_heap_region_end(completed_iterations);
    }
  }
  void finish_loop() {
    stop_counting(state_.iterations() * state_.threads());
    loop_finished_ = true;
  }

  benchmark::State& state_;
  const std::map<std::string, std::int64_t>& params_;
  AllocationCounts region_start_;
  AllocationCounts measured_;
  bool loop_finished_ = false;
  bool batch_started_ = false;
  bool in_region_ = false;
};

class State::Iterator {
 public:
  using Inner = benchmark::State::StateIterator;

  Iterator(Inner inner, State* owner) : inner_(inner), owner_(owner) {}

  BENCHMARK_ALWAYS_INLINE Inner::Value operator*() const { return *inner_; }
  BENCHMARK_ALWAYS_INLINE Iterator& operator++() {
    ++inner_;
    return *this;
  }
  BENCHMARK_ALWAYS_INLINE bool operator!=(const Iterator& end) const {
    if (inner_ != end.inner_) [[likely]] return true;
    // Google Benchmark has stopped its timer; close the allocation count too.
    owner_->finish_loop();
    return false;
  }

 private:
  Inner inner_;
  State* owner_;
};

inline bool State::keep_running_batch(std::int64_t batch_size) {
  // Google Benchmark starts its timer inside the first call and stops it inside the last one.
  const bool keep_running = state_.KeepRunningBatch(batch_size);
  if (!batch_started_) {
    batch_started_ = true;
    start_counting();
  }
  if (!keep_running) finish_loop();
  return keep_running;
}

inline State::Iterator State::begin() { return Iterator(state_.begin(), this); }

inline State::Iterator State::end() {
  Iterator end_iterator(state_.end(), this);
  start_counting();
  return end_iterator;
}

}  // namespace paybench::engine
