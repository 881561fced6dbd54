// The measured hand-off shared by the queue workloads: P producer threads move items through a
// queue to C consumer threads, in rounds.
//
// The benchmark thread starts the producers and consumers once, then runs one round per batch of
// keep_running_batch(): the producers push kItemsPerRound items in all, the consumers pop until
// they have all been taken, and the benchmark thread waits for both. Times and allocation counts
// are therefore per item handed over, and items_per_second is the queue's throughput.
//
// A queue that is full or empty makes the waiting thread yield, the same for every queue, so that
// four threads on two cores make progress. Every 64th item of each producer is stamped with
// steady_clock at its push; the consumer that pops it records now minus the stamp. The stamps
// cost one clock read per 64 items on each side (about 0.3 ns per item at the 21 ns a read costs
// on the reference machine).
//
// Each run checks the hand-off itself: every consumer receives each producer's items in increasing
// sequence, and the items and the sum of their values popped equal those pushed. A queue that
// loses, duplicates or reorders items fails its benchmark with an error instead of a number.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "paybench/engine/allocation_counter.h"
#include "paybench/engine/state.h"

namespace paybench::workloads {

// An 8-byte item, and a 64-byte one the size of a compact payment record with its metadata.
// `value` carries the producer in its top 8 bits and the producer's sequence number below.
struct SmallItem {
  std::uint64_t value = 0;
};
struct RecordItem {
  std::uint64_t value = 0;
  std::array<std::uint64_t, 7> payload{};
};
static_assert(sizeof(SmallItem) == 8);
static_assert(sizeof(RecordItem) == 64);

inline constexpr std::size_t kQueueCapacity = 4096;
inline constexpr std::int64_t kItemsPerRound = 1 << 16;
inline constexpr std::uint64_t kSampleEvery = 64;
inline constexpr int kSequenceBits = 56;
// Timestamps per producer, used as a ring. A round stamps at most kItemsPerRound / kSampleEvery
// items of one producer, fewer than this, so no stamp is overwritten before its item is popped.
inline constexpr std::size_t kStampRing = 2048;
static_assert(kItemsPerRound / kSampleEvery < kStampRing);
inline constexpr std::size_t kMaxLatencySamples = 1 << 18;

namespace detail {

using Clock = std::chrono::steady_clock;

// One consumer's tally, merged by the benchmark thread after the workers stop.
struct ConsumerTally {
  engine::AllocationCounts allocations;  // made while popping, summed over rounds
  std::uint64_t items = 0;
  std::uint64_t value_sum = 0;
  bool in_order = true;
  std::vector<std::int64_t> latencies_ns;
};

// Producer and consumer state on separate cache lines: each is written by its own thread.
struct alignas(64) ProducerState {
  std::uint64_t next_sequence = 0;
  std::uint64_t items = 0;
  std::uint64_t value_sum = 0;
  engine::AllocationCounts allocations;  // made while pushing, summed over rounds
  std::array<Clock::time_point, kStampRing> stamps{};
};

// Start and end of rounds. The benchmark thread bumps `round` and waits for `finished` to reach
// the number of workers; workers wait for `round` to change. std::atomic::wait sleeps in the
// kernel, so waiting workers leave the cores to the ones that work.
struct RoundControl {
  std::atomic<std::uint64_t> round{0};          // written by the benchmark thread
  std::atomic<int> finished{0};                 // incremented by each worker per round
  std::atomic<bool> stopping{false};            // written by the benchmark thread
  std::atomic<std::uint64_t> consumed{0};       // items popped this round, by all consumers
  std::atomic<std::uint64_t> round_target{0};   // items to pop this round
  std::atomic<bool> stalled{false};             // set by a worker that waited past kStallTimeout
};

// A queue that lets no item through for this long is broken (or misused by its adapter): the
// run ends its benchmark with an error instead of hanging the whole paybench run.
inline constexpr auto kStallTimeout = std::chrono::seconds(10);

// Yields after a failed try_push or try_pop, and reports a stall once failures have lasted
// kStallTimeout. The clock is read once every kChecksPerClockRead failures only.
class StallWatch {
 public:
  explicit StallWatch(RoundControl& control) : control_(control) {}

  void reset() { failures_ = 0; }

  // Returns false once this thread or another reported a stall.
  bool wait() {
    constexpr int kChecksPerClockRead = 1024;
    std::this_thread::yield();
    if (++failures_ % kChecksPerClockRead != 0) {
      return !control_.stalled.load(std::memory_order_relaxed);
    }
    if (failures_ == kChecksPerClockRead) first_failure_ = Clock::now();
    if (Clock::now() - first_failure_ > kStallTimeout) {
      control_.stalled.store(true, std::memory_order_relaxed);
    }
    return !control_.stalled.load(std::memory_order_relaxed);
  }

 private:
  RoundControl& control_;
  std::uint64_t failures_ = 0;
  Clock::time_point first_failure_;
};

inline std::int64_t percentile(std::vector<std::int64_t>& sorted, double fraction) {
  if (sorted.empty()) return 0;
  const auto index = static_cast<std::size_t>(fraction * static_cast<double>(sorted.size() - 1));
  return sorted[index];
}

// Returns the items producer `index` of `producers` pushes per round.
inline std::uint64_t items_for_producer(int index, int producers) {
  const auto base = static_cast<std::uint64_t>(kItemsPerRound) / producers;
  const auto remainder = static_cast<std::uint64_t>(kItemsPerRound) % producers;
  return base + (static_cast<std::uint64_t>(index) < remainder ? 1 : 0);
}

}  // namespace detail

// Runs the hand-off through `queue`, an adapter with `producer(i)` and `consumer(i)` handles
// whose `try_push(const Item&)` and `try_pop(Item&)` never block.
template <class Item, class Adapter>
void run_handoff(engine::State& state, Adapter& queue, int producers, int consumers) {
  constexpr int kMaxProducers = 1 << (64 - kSequenceBits);
  if (producers < 1 || consumers < 1 || producers >= kMaxProducers) {
    state.skip_with_error("producers and consumers must be between 1 and 255");
    return;
  }

  detail::RoundControl control;
  std::vector<detail::ProducerState> producer_states(producers);
  std::vector<detail::ConsumerTally> tallies(consumers);
  for (auto& tally : tallies) tally.latencies_ns.reserve(kMaxLatencySamples / consumers);
  const int workers = producers + consumers;

  auto wait_for_round = [&control](std::uint64_t& seen_round) {
    for (;;) {
      const std::uint64_t round = control.round.load(std::memory_order_acquire);
      if (round != seen_round) {
        seen_round = round;
        return !control.stopping.load(std::memory_order_acquire);
      }
      control.round.wait(round, std::memory_order_acquire);
    }
  };
  auto finish_round = [&control] {
    control.finished.fetch_add(1, std::memory_order_acq_rel);
    control.finished.notify_one();
  };

  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      auto handle = queue.producer(p);
      detail::ProducerState& self = producer_states[p];
      const std::uint64_t producer_bits = static_cast<std::uint64_t>(p) << kSequenceBits;
      std::uint64_t seen_round = 0;
      while (wait_for_round(seen_round)) {
        const std::uint64_t count = detail::items_for_producer(p, producers);
        const engine::AllocationCounts round_start = engine::thread_allocation_counts();
        for (std::uint64_t i = 0; i < count; ++i) {
          const std::uint64_t sequence = self.next_sequence++;
          Item item{};
          item.value = producer_bits | sequence;
          if (sequence % kSampleEvery == 0) {
            self.stamps[(sequence / kSampleEvery) % kStampRing] = detail::Clock::now();
          }
          detail::StallWatch watch(control);
          bool pushed = handle.try_push(item);
          while (!pushed && watch.wait()) pushed = handle.try_push(item);
          if (!pushed) break;
          ++self.items;
          self.value_sum += item.value;
        }
        self.allocations += engine::thread_allocation_counts() - round_start;
        finish_round();
      }
    });
  }
  for (int c = 0; c < consumers; ++c) {
    threads.emplace_back([&, c] {
      auto handle = queue.consumer(c);
      detail::ConsumerTally& tally = tallies[c];
      std::vector<std::uint64_t> last_sequence(producers, ~std::uint64_t{0});
      std::uint64_t seen_round = 0;
      while (wait_for_round(seen_round)) {
        const std::uint64_t target = control.round_target.load(std::memory_order_acquire);
        const engine::AllocationCounts round_start = engine::thread_allocation_counts();
        std::uint64_t unreported = 0;
        detail::StallWatch watch(control);
        for (;;) {
          Item item;
          if (handle.try_pop(item)) {
            const auto producer = static_cast<int>(item.value >> kSequenceBits);
            const std::uint64_t sequence = item.value & ((std::uint64_t{1} << kSequenceBits) - 1);
            const bool valid_producer = producer < producers;
            if (!valid_producer || (last_sequence[producer] != ~std::uint64_t{0} &&
                                    sequence <= last_sequence[producer])) {
              tally.in_order = false;
            }
            if (valid_producer) last_sequence[producer] = sequence;
            if (valid_producer && sequence % kSampleEvery == 0 &&
                tally.latencies_ns.size() < tally.latencies_ns.capacity()) {
              const auto stamp = producer_states[producer].stamps[(sequence / kSampleEvery) % kStampRing];
              tally.latencies_ns.push_back(
                  std::chrono::duration_cast<std::chrono::nanoseconds>(detail::Clock::now() - stamp)
                      .count());
            }
            ++tally.items;
            tally.value_sum += item.value;
            ++unreported;
            watch.reset();
            continue;
          }
          // Empty: report what was popped, then stop once the round's items are all taken.
          if (unreported != 0) {
            control.consumed.fetch_add(unreported, std::memory_order_acq_rel);
            unreported = 0;
          }
          if (control.consumed.load(std::memory_order_acquire) >= target) break;
          if (!watch.wait()) break;
        }
        tally.allocations += engine::thread_allocation_counts() - round_start;
        finish_round();
      }
    });
  }

  std::uint64_t rounds_started = 0;
  auto run_round = [&] {
    control.finished.store(0, std::memory_order_relaxed);
    control.consumed.store(0, std::memory_order_relaxed);
    control.round_target.store(static_cast<std::uint64_t>(kItemsPerRound), std::memory_order_relaxed);
    control.round.store(++rounds_started, std::memory_order_release);
    control.round.notify_all();
    for (int done = control.finished.load(std::memory_order_acquire); done < workers;
         done = control.finished.load(std::memory_order_acquire)) {
      control.finished.wait(done, std::memory_order_acquire);
    }
  };

  // After skip_with_error the next keep_running_batch() returns false and stops the timer.
  while (state.keep_running_batch(kItemsPerRound)) {
    run_round();
    if (control.stalled.load(std::memory_order_relaxed)) {
      state.skip_with_error("the queue stalled: no item went through for 10 s");
    }
  }

  control.stopping.store(true, std::memory_order_release);
  control.round.store(++rounds_started, std::memory_order_release);
  control.round.notify_all();
  for (std::thread& thread : threads) thread.join();

  // Check the hand-off, then report throughput and latency.
  if (control.stalled.load(std::memory_order_relaxed)) return;
  std::uint64_t pushed = 0;
  std::uint64_t pushed_sum = 0;
  for (const auto& producer : producer_states) {
    pushed += producer.items;
    pushed_sum += producer.value_sum;
    state.add_measured_allocations(producer.allocations);
  }
  std::uint64_t popped = 0;
  std::uint64_t popped_sum = 0;
  bool in_order = true;
  std::vector<std::int64_t> latencies;
  for (auto& tally : tallies) {
    popped += tally.items;
    popped_sum += tally.value_sum;
    in_order = in_order && tally.in_order;
    state.add_measured_allocations(tally.allocations);
    latencies.insert(latencies.end(), tally.latencies_ns.begin(), tally.latencies_ns.end());
  }
  if (pushed != popped || pushed_sum != popped_sum) {
    state.skip_with_error("the queue lost or duplicated items: pushed " + std::to_string(pushed) +
                          ", popped " + std::to_string(popped));
    return;
  }
  if (!in_order) {
    state.skip_with_error("a consumer saw a producer's items out of order");
    return;
  }

  state.set_items_processed(state.iterations());
  std::sort(latencies.begin(), latencies.end());
  state.counters()["latency_p50_ns"] = static_cast<double>(detail::percentile(latencies, 0.50));
  state.counters()["latency_p99_ns"] = static_cast<double>(detail::percentile(latencies, 0.99));
  state.counters()["latency_p999_ns"] = static_cast<double>(detail::percentile(latencies, 0.999));
  state.counters()["latency_samples"] = static_cast<double>(latencies.size());
}

// Runs the hand-off through Adapter<SmallItem> or Adapter<RecordItem>, chosen by the
// benchmark's item_bytes parameter.
template <template <class> class Adapter>
void run_handoff_by_item_size(engine::State& state, int producers, int consumers) {
  if (state.param("item_bytes") == 8) {
    Adapter<SmallItem> queue(kQueueCapacity, producers, consumers);
    return run_handoff<SmallItem>(state, queue, producers, consumers);
  }
  Adapter<RecordItem> queue(kQueueCapacity, producers, consumers);
  run_handoff<RecordItem>(state, queue, producers, consumers);
}

}  // namespace paybench::workloads
