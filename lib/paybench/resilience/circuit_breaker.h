// CircuitBreaker: sony/gobreaker's state machine (the rules are listed in breaker_types.h) with a
// closed-state path that takes no mutex. MutexCircuitBreaker is the same machine under one mutex,
// and both give the same results call for call on one thread.
//
// Fast path and locked path:
// - allow() and report(ticket, true) while closed, and allow() while open before the timeout,
//   take no lock and make no read-modify-write on a shared cache line. Each thread counts its
//   requests and successes in its own cache-line shard, indexed by acquire_thread_index().
// - Everything else takes the mutex. That covers failures, state changes, an interval or timeout
//   that has expired, counts(), and calls from threads whose index is kShardCount or more. It
//   also covers the half-open state, because max_requests needs an exact count, and the first
//   success after a failure, because it must reset consecutive_failures.
// - The clock is read only when the state has an expiry to compare with: closed with an interval,
//   or open. A closed breaker with interval 0 never reads it.
//
// Linearization:
// - Calls that take the mutex are ordered by the mutex. A fast-path call acts on the state and
//   generation of its acquire load of word_, and is ordered at that load. So an allow() or
//   report() that races with a generation change acts in the generation that ended: its request
//   or result is counted there and is lost with that generation, as gobreaker drops late results.
// - Counts are the exception to strict linearizability, because a fast-path increment reaches the
//   locked path when the owner's store becomes visible, not at the load that orders the call.
//   counts(), and the counts that ready_to_trip receives, include every call that happens-before
//   them and may miss calls that are still running, but they never show more results than
//   requests. Once all calls have returned and the reader has synchronized with their threads
//   (for example by joining them), the counts are exact.
// - A success whose report() overlaps a failure's report() may count as coming before or after
//   that failure. consecutive_successes and consecutive_failures are never both non-zero.
// - Callbacks: on_state_change runs after the mutex is released, on the thread whose call made
//   the change, before that call returns, so it may call the breaker. Each call makes at most one
//   change, and each change gets exactly one callback. Callbacks of changes made by different
//   threads may run concurrently and in an order other than the order of the changes.
//   ready_to_trip runs with the mutex held and must not call the breaker. An exception from
//   on_state_change propagates from the call that made the change, which stays made.
//
// Memory orders (each operation repeats its reason where it happens):
// - word_ packs the generation and the state. Only mutex holders store it. A new generation is
//   published like a seqlock: word_ is first set to a "publishing" word, then expiry_ is stored
//   with release, then the new word with release. The fast path loads word_ with acquire, and
//   when it needs the expiry it loads expiry_ with acquire and word_ again. If the two loads of
//   word_ agree, the expiry belongs to that word's generation. The reason: an expiry stored for a
//   later generation would synchronize with the acquire load of expiry_, which would then make
//   the later "publishing" store visible to the second load of word_. Words never repeat,
//   because generations only grow.
// - Shard counters have one writer, the thread that owns the shard's index, so it increments them
//   with a load and a store and no lock prefix. When the owner moves its shard to a new
//   generation it clears the counters and then stores the shard's generation with release. The
//   locked path loads a shard's generation with acquire and sums only shards of the current
//   generation. It therefore never reads counters of an older generation under a current tag, and
//   a new generation needs no reset of other threads' shards. Successes are stored with release
//   and summed with acquire before the requests, so that a success read makes its request
//   visible. On x86-64 all of these are plain moves.
// - consecutive_failures_ is written only under the mutex and loaded relaxed by the fast path of
//   report(). A stale non-zero value sends the call to the mutex, which is correct. A stale zero
//   means that the success overlaps the failure that set the value. That case counts as the
//   overlap described above, because the locked path reports consecutive_successes as 0 while
//   consecutive_failures is non-zero and restarts them from a fresh snapshot.
//
// Capacity: the generation has 62 bits, enough for a change every nanosecond for 146 years.

#pragma once

#include <atomic>
#include <cassert>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "paybench/memory/thread_cache.h"  // kCacheLineSize
#include "paybench/memory/thread_index.h"
#include "paybench/resilience/breaker_types.h"

namespace paybench {

class CircuitBreaker {
 public:
  // Number of per-thread shards. Thread indices are process-wide and reused after a thread exits
  // (see thread_index.h), so this covers any process with at most 64 live threads that use
  // thread indices. Threads beyond it take the mutex on every call, which is correct but slower.
  // Each shard is one cache line, so the shards of one breaker take 4 KiB.
  static constexpr std::size_t kShardCount = 64;

  // Creates a closed breaker in generation 1. Throws std::invalid_argument for a negative
  // interval or timeout.
  explicit CircuitBreaker(BreakerSettings settings);

  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // Decides whether a request may proceed now (gobreaker's beforeRequest). An admitted ticket
  // counts as a request and must be passed to report() when the request has finished.
  [[nodiscard]] BreakerTicket allow() {
    const std::uint64_t word = load_current_word();
    const std::uint64_t generation = word >> kStateBitCount;
    const std::uint64_t state_bits = word & kStateMask;

    if (state_bits == kClosedBits) {
      Shard* const shard = own_shard();
      if (shard != nullptr) [[likely]] {
        prepare_shard(*shard, generation);
        // Relaxed: a reader needs nothing but the atomicity of the store.
        increment_own(shard->requests, std::memory_order_relaxed);
        return BreakerTicket::admitted(generation);
      }
    } else if (state_bits == kOpenBits) {
      return BreakerTicket::rejected(generation, BreakerErrc::kOpen);
    }
    return allow_slow();
  }

  // Records the outcome of an admitted request (gobreaker's afterRequest). The result is dropped
  // when the ticket's generation has ended. Passing a rejected ticket is a usage error: it fails
  // an assertion in debug builds and is ignored otherwise.
  void report(const BreakerTicket& ticket, bool success) {
    assert(ticket.ok() && "report() needs a ticket that allow() admitted, not a rejected one");
    if (!ticket.ok()) {
      return;
    }

    const std::uint64_t word = load_current_word();
    const std::uint64_t state_bits = word & kStateMask;
    const bool is_late = state_bits != kPublishingBits &&
                         (word >> kStateBitCount) != ticket.generation();
    if (is_late) {
      // The state is current and the generation only grows, so the locked path would drop the
      // result too.
      return;
    }

    // Relaxed: a stale value is harmless, as the header comment explains.
    const bool needs_no_lock = success && state_bits == kClosedBits &&
                               consecutive_failures_.load(std::memory_order_relaxed) == 0;
    if (needs_no_lock) {
      Shard* const shard = own_shard();
      if (shard != nullptr) [[likely]] {
        prepare_shard(*shard, ticket.generation());
        // Release: the allow() that admitted the ticket happens-before this call, so a reader
        // that loads this success with acquire also loads the request that allow() counted.
        increment_own(shard->successes, std::memory_order_release);
        return;
      }
    }
    report_slow(ticket, success);
  }

  // Runs fn, which returns std::error_code, if the breaker admits it, and reports
  // is_successful(result). Returns fn's result, or the breaker's error without running fn when
  // rejected. An exception from fn is reported as a failure and rethrown.
  template <class F>
  std::error_code execute(F&& fn) {
    return detail::execute_in_breaker(*this, settings_.is_successful, std::forward<F>(fn));
  }

  // Returns the state after bringing it up to date with the clock.
  [[nodiscard]] BreakerState state() {
    std::uint64_t word = load_current_word();
    if ((word & kStateMask) == kPublishingBits) {
      word = load_current_word_slow();
    }
    return static_cast<BreakerState>(word & kStateMask);
  }

  // Returns the counts of the current generation after bringing the state up to date. Always
  // takes the mutex. See the header comment for which concurrent calls the counts include.
  [[nodiscard]] BreakerCounts counts();

  // Returns the current generation after bringing the state up to date. It starts at 1 and grows
  // by one at each state change and at each interval that ends while closed.
  [[nodiscard]] std::uint64_t generation() {
    std::uint64_t word = load_current_word();
    if ((word & kStateMask) == kPublishingBits) {
      word = load_current_word_slow();
    }
    return word >> kStateBitCount;
  }

  [[nodiscard]] const std::string& name() const noexcept { return settings_.name; }

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Ticks = TimePoint::rep;
  using LazyNow = detail::LazyNow;

  // word_ = generation << kStateBitCount | state bits. The state bits of a BreakerState are its
  // value, and kPublishingBits marks a generation being published.
  static constexpr unsigned kStateBitCount = 2;
  static constexpr std::uint64_t kStateMask = (std::uint64_t{1} << kStateBitCount) - 1;
  static constexpr std::uint64_t kClosedBits = static_cast<std::uint64_t>(BreakerState::kClosed);
  static constexpr std::uint64_t kOpenBits = static_cast<std::uint64_t>(BreakerState::kOpen);
  static constexpr std::uint64_t kPublishingBits = 3;
  static_assert(static_cast<std::uint64_t>(BreakerState::kHalfOpen) < kPublishingBits &&
                    kOpenBits < kPublishingBits,
                "every BreakerState must fit in the state bits and differ from kPublishingBits");

  // What load_current_word() returns when only the locked path can tell the current state.
  static constexpr std::uint64_t kNeedsLockedPath = kPublishingBits;

  // One thread's requests and successes in one generation.
  struct alignas(kCacheLineSize) Shard {
    // Generation the counters belong to, 0 (no generation) before first use. Written only by the
    // owner thread, with release after it cleared the counters. Loaded with acquire by the locked
    // path, with relaxed by the owner.
    std::atomic<std::uint64_t> generation{0};
    // Written only by the owner thread: requests with relaxed stores, successes with release
    // stores. Read by the locked path, successes with acquire and before requests.
    std::atomic<std::uint32_t> requests{0};
    std::atomic<std::uint32_t> successes{0};
  };
  static_assert(sizeof(Shard) == kCacheLineSize, "a Shard must fill exactly one cache line");
  static_assert(alignof(Shard) == kCacheLineSize, "a Shard must start a cache line");
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free &&
                    std::atomic<Ticks>::is_always_lock_free,
                "the fast path needs lock-free 64-bit atomics");

  // Returns word_ when the state it encodes is current at the clock's time, or kNeedsLockedPath
  // when an expiry has passed or a new generation is being published.
  std::uint64_t load_current_word() const {
    // Acquire: pairs with the release store that published the word, so the expiry and the reset
    // of consecutive_failures_ of its generation (or later values) are visible below.
    const std::uint64_t word = word_.load(std::memory_order_acquire);
    const std::uint64_t state_bits = word & kStateMask;
    const bool has_expiry = state_bits == kOpenBits || (state_bits == kClosedBits && has_interval_);
    if (!has_expiry) {
      return word;
    }

    const Ticks now = read_clock();
    // Seqlock read, proven in the header comment: acquire keeps the second load of word_ after
    // this one, and equal words mean that the expiry belongs to their generation.
    const Ticks expiry = expiry_.load(std::memory_order_acquire);
    const std::uint64_t recheck = word_.load(std::memory_order_relaxed);
    const bool is_current = recheck == word && now <= expiry;
    return is_current ? word : kNeedsLockedPath;
  }

  Ticks read_clock() const {
    const TimePoint now = clock_ ? clock_() : std::chrono::steady_clock::now();
    return now.time_since_epoch().count();
  }

  // Returns this thread's shard, or nullptr when its thread index is kShardCount or more.
  Shard* own_shard() {
    std::size_t index = current_thread_index();
    if (index == kUnassignedThreadIndex) [[unlikely]] {
      index = acquire_thread_index();
    }
    return index < kShardCount ? &shards_[index] : nullptr;
  }

  // Moves the calling thread's own shard to `generation` if it counts an older one.
  void prepare_shard(Shard& shard, std::uint64_t generation) {
    // Relaxed: the owner is the only writer, so it reads its own last store, or the previous
    // owner's, which happens-before it through the thread index registry.
    if (shard.generation.load(std::memory_order_relaxed) != generation) [[unlikely]] {
      claim_shard(shard, generation);
    }
  }

  // Adds one to a counter of the calling thread's own shard, storing with `order`.
  static void increment_own(std::atomic<std::uint32_t>& counter, std::memory_order order) {
    // A load and a store, no read-modify-write: the owner is the only writer, so the relaxed load
    // returns its own last store. The uint32 wraps around like gobreaker's.
    counter.store(counter.load(std::memory_order_relaxed) + 1, order);
  }

  void claim_shard(Shard& shard, std::uint64_t generation);
  BreakerTicket allow_slow();
  void report_slow(const BreakerTicket& ticket, bool success);
  std::uint64_t load_current_word_slow();

  std::uint64_t update_locked(LazyNow& now, std::optional<detail::BreakerTransition>& transition);
  void record_success_locked(BreakerState state, LazyNow& now,
                             std::optional<detail::BreakerTransition>& transition);
  void record_failure_locked(BreakerState state, LazyNow& now,
                             std::optional<detail::BreakerTransition>& transition);
  void set_state_locked(BreakerState state, LazyNow& now,
                        std::optional<detail::BreakerTransition>& transition);
  void start_generation_locked(BreakerState state, LazyNow& now);
  BreakerCounts counts_locked() const;

  const BreakerSettings settings_;  // Resolved: defaults are filled in.

  // Read by every fast-path call. Written only under mutex_, when a generation starts, except
  // consecutive_failures_, which failures also write under mutex_.
  alignas(kCacheLineSize) std::atomic<std::uint64_t> word_{0};
  // Expiry in steady_clock ticks of the generation in word_, or the maximum for none.
  std::atomic<Ticks> expiry_{TimePoint::max().time_since_epoch().count()};
  std::atomic<std::uint32_t> consecutive_failures_{0};
  const bool has_interval_;
  const std::unique_ptr<Shard[]> shards_;  // kShardCount shards, one per thread index.
  const BreakerClock clock_;               // Empty means steady_clock::now.

  // The locked path. A separate cache line, so that taking the mutex does not evict the fields
  // above from other cores.
  alignas(kCacheLineSize) std::mutex mutex_;
  // Guarded by mutex_. Requests admitted and successes recorded under the mutex in the current
  // generation, which the shards' counts add to.
  std::uint32_t locked_requests_ = 0;
  std::uint32_t locked_successes_ = 0;
  std::uint32_t total_failures_ = 0;  // Guarded by mutex_.
  // Guarded by mutex_. total_successes when consecutive successes last restarted from 0, so
  // consecutive_successes = total_successes - success_snapshot_ while no failure is pending.
  std::uint32_t success_snapshot_ = 0;
  // One past the highest shard index ever claimed, so the locked path sums only shards in use.
  // Grows only, with relaxed compare-exchange by claim_shard. Loaded relaxed by the locked path:
  // a shard it misses belongs to a call that does not happen-before it.
  std::atomic<std::size_t> shard_limit_{0};
};

}  // namespace paybench
