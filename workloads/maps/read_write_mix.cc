// maps/read_write_mix: get and insert_or_assign over a fixed set of 10,000 keys, shared by all
// threads of a benchmark.
//
// read_percent:95 is the read-heavy mix of a lookup cache (payment id to state), read_percent:50
// a write-heavy one. Each thread draws its own deterministic sequence of keys and operations from
// a splitmix64 generator seeded with its thread index. Keys are never erased and never added
// beyond the pre-filled set, so every get must find its key. Times are per operation, over all
// threads together (Google Benchmark divides the threads' mean wall time by all their operations).
//
// Sharing one map between Google Benchmark's threads relies on two facts:
// - Each map is a function-local static, built and pre-filled on first use, which C++ makes
//   thread-safe. It lives for the whole process, so no thread of one call can see it destroyed,
//   and later calls find it warm (only the values have changed).
// - ConcurrentMap keeps every snapshot that a write replaced until reclaim_retired(), which is
//   safe only while no thread uses the map. The measured loop therefore runs in rounds of
//   kOperationsPerRound operations per thread, and after each round every thread waits at a
//   std::barrier whose completion step, which runs while all threads are blocked in it, reclaims
//   the retired snapshots. Every thread runs the same number of rounds, because Google Benchmark
//   gives each thread the same iteration count, so they all reach each barrier. Memory stays
//   bounded at an estimated 70 bytes per write of one round.
// The barrier wait and the reclamation stay inside the measured time. Freeing the snapshots is
// part of what a ConcurrentMap write costs a service. And a thread that paused its timer while
// waiting for a slower one would report less than the wall time, which biases Google
// Benchmark's per-thread average downwards exactly when threads contend. The lock-based maps go
// through the same barriers, whose cost is the same for every variant and small next to a round
// (a few microseconds against about 1 ms).
// A thread never calls skip_with_error inside the loop, which would end its rounds early and
// leave the others waiting at the barrier: errors are reported after the loop.
#include <barrier>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>

#include "paybench/concurrency/concurrent_map.h"
#include "paybench/concurrency/locked_maps.h"
#include "paybench/engine/workload.h"

namespace {

using paybench::engine::State;

constexpr std::uint64_t kKeyCount = 10'000;
constexpr std::int64_t kOperationsPerRound = 1 << 16;
// A power of two above kKeyCount, so that most buckets hold at most one key (load factor 0.61),
// as ConcurrentMap's header advises, because a write copies its whole bucket.
constexpr std::size_t kConcurrentMapBuckets = 1 << 14;
// A value stores its key in the low kKeyBits bits, so a get can check that the value it
// returned belongs to the key it asked for. The bits above count the writing thread's writes.
constexpr int kKeyBits = 16;
static_assert(kKeyCount < (std::uint64_t{1} << kKeyBits));
constexpr std::uint64_t kKeyMask = (std::uint64_t{1} << kKeyBits) - 1;

using Key = std::uint64_t;
using Value = std::uint64_t;

template <class Map>
Map make_map() {
  if constexpr (std::is_same_v<Map, paybench::ConcurrentMap<Key, Value>>) {
    return Map(kConcurrentMapBuckets);
  } else {
    return Map();
  }
}

// Returns the process-wide map of this type, filled with every key on first use. Both statics
// are initialized once, thread-safely, in this order, so every caller finds the map filled.
template <class Map>
Map& shared_map() {
  static Map map = make_map<Map>();
  static const bool filled = [] {
    for (Key key = 0; key < kKeyCount; ++key) map.insert(key, key);
    return true;
  }();
  (void)filled;
  return map;
}

// The barrier's completion step: frees what ConcurrentMap retired, and nothing for the others.
template <class Map>
struct ReclaimRetired {
  Map* map;
  void operator()() noexcept {
    if constexpr (requires { map->reclaim_retired(); }) map->reclaim_retired();
  }
};

// Returns the barrier for `threads` threads using this map type. Created under a mutex on first
// use and kept for the process: a std::barrier's thread count cannot change, and every call
// leaves the barrier at the start of a phase, since all its threads arrive equally often.
template <class Map>
std::barrier<ReclaimRetired<Map>>& round_barrier(int threads) {
  static std::mutex mutex;
  static std::map<int, std::unique_ptr<std::barrier<ReclaimRetired<Map>>>> barriers;
  std::lock_guard lock(mutex);
  auto& barrier = barriers[threads];
  if (!barrier) {
    barrier = std::make_unique<std::barrier<ReclaimRetired<Map>>>(
        threads, ReclaimRetired<Map>{&shared_map<Map>()});
  }
  return *barrier;
}

// splitmix64 (Sebastiano Vigna, public domain): one 64-bit random number per operation.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

// Counts of one thread's failed gets, reported after the loop.
struct GetErrors {
  std::uint64_t missing = 0;
  std::uint64_t wrong_key = 0;
};

template <class Map>
void run(State& state) {
  const std::int64_t read_percent = state.param("read_percent");
  if (read_percent < 0 || read_percent > 100) {
    // Every thread reads the same value, so all of them skip the loop and none waits.
    state.skip_with_error("read_percent = " + std::to_string(read_percent) +
                          " is invalid: pass a percentage from 0 to 100");
    return;
  }

  Map& map = shared_map<Map>();
  auto& barrier = round_barrier<Map>(state.threads());
  SplitMix64 random(static_cast<std::uint64_t>(state.thread_index()) + 1);
  std::uint64_t writes = 0;
  GetErrors errors;

  while (state.keep_running_batch(kOperationsPerRound)) {
    for (std::int64_t i = 0; i < kOperationsPerRound; ++i) {
      const std::uint64_t bits = random.next();
      // Multiply-shift maps 32 random bits onto [0, n) without a division.
      const Key key = ((bits >> 32) * kKeyCount) >> 32;
      const bool is_read = static_cast<std::int64_t>(((bits & 0xffffffffULL) * 100) >> 32) < read_percent;

      if (is_read) {
        const std::optional<Value> value = map.get(key);
        if (!value) {
          ++errors.missing;
        } else if ((*value & kKeyMask) != key) {
          ++errors.wrong_key;
        }
      } else {
        ++writes;
        map.insert_or_assign(key, (writes << kKeyBits) | key);
      }
    }

    barrier.arrive_and_wait();
  }

  // Every thread has left the loop here: Google Benchmark 1.7.1 makes its threads meet at a
  // barrier where the loop starts and where it ends (State::StartKeepRunning, FinishKeepRunning).
  const bool size_changed = state.thread_index() == 0 && map.size() != kKeyCount;
  if (errors.missing != 0 || errors.wrong_key != 0) {
    state.skip_with_error("gets went wrong on thread " + std::to_string(state.thread_index()) +
                          ": " + std::to_string(errors.missing) + " found no value and " +
                          std::to_string(errors.wrong_key) +
                          " returned another key's value, expected 0 of each");
  } else if (size_changed) {
    state.skip_with_error("the map holds " + std::to_string(map.size()) + " keys, expected " +
                          std::to_string(kKeyCount));
  }
}

const paybench::engine::Registration kRegistration{paybench::engine::Workload{
    .family = "maps",
    .name = "read_write_mix",
    .description = "get and insert_or_assign over 10,000 shared keys; time per operation",
    .parameters = {{"read_percent", {95, 50}, "share of operations that are reads, in percent"}},
    .threads = {1, 2},
    .variants = {{"mutex_map", "MutexMap: one std::unordered_map under one mutex",
                  &run<paybench::MutexMap<Key, Value>>},
                 {"striped_map", "StripedMap: 16 std::unordered_maps, each under its own mutex",
                  &run<paybench::StripedMap<Key, Value>>},
                 {"concurrent_map", "ConcurrentMap: get takes no lock, a write copies its bucket",
                  &run<paybench::ConcurrentMap<Key, Value>>}},
    .baseline = "mutex_map",
    // Two threads contending for one map vary a lot between repetitions on a shared machine.
    .min_repetitions = 9,
}};

}  // namespace
