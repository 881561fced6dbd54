// LeasingRateLimiter: a GcraRateLimiter whose callers take tokens in small batches (leases), so
// that threads calling at the same time rarely write the shared word.
//
// Why: every admission of GcraRateLimiter writes one atomic word. With two threads that word's
// cache line moves between the cores on nearly every call, and a decision costs each thread
// about 6x its single-thread cost (resilience/limiter_allow, 2 vCPU AMD EPYC). A thread that
// takes `lease_size` tokens at once writes the word once per lease_size admissions.
//
// Contract:
// - A lease is valid only at the `now` at which it was taken. A call with another `now` drops
//   the rest of its thread's lease and takes a new one. Every admission therefore spends a token
//   that the shared bucket granted at that same instant, so this limiter never admits more than
//   the shared GcraRateLimiter would: over any interval, at most burst + limit x its length.
// - Pair it with a clock that returns the same reading many times, such as CoarseSteadyClock (a
//   new reading per kernel tick). With a clock whose every reading differs, each call takes a
//   lease and drops the rest of it at the next call, so the limiter admits about 1/lease_size
//   of the calls it should.
// - What batching costs in accuracy: when the time moves on, each thread drops the unused rest
//   of its lease, up to lease_size - 1 tokens per thread per reading. Tokens leased to one thread
//   are not available to the others at that reading. So the limiter may admit less than the
//   shared bucket allows, never more. With lease_size 1 it decides exactly like
//   GcraRateLimiter.
// - Thread safety: any thread may call allow at any time. Each of the first kMaxShards thread
//   indices (see thread_index.h) owns a shard that only its thread reads and writes. Threads
//   with larger indices call the shared limiter directly, without leases.

#pragma once

#include <array>
#include <cstddef>

#include "paybench/memory/thread_index.h"
#include "paybench/resilience/gcra_rate_limiter.h"

namespace paybench {

class LeasingRateLimiter {
 public:
  using TimePoint = GcraRateLimiter::TimePoint;

  // Threads whose index is below this value get a shard of their own.
  static constexpr std::size_t kMaxShards = 64;

  // Creates a limiter with GcraRateLimiter's `limit` and `burst` whose threads take up to
  // `lease_size` tokens at a time. Throws std::invalid_argument for an invalid limit or burst, or
  // when lease_size is below 1 or above a non-zero burst.
  LeasingRateLimiter(double limit, int burst, int lease_size);

  LeasingRateLimiter(const LeasingRateLimiter&) = delete;
  LeasingRateLimiter& operator=(const LeasingRateLimiter&) = delete;

  // Takes one token at `now`, from this thread's lease when it has one taken at `now`, and
  // otherwise from a new lease. Returns whether the event may happen.
  [[nodiscard]] bool allow(TimePoint now) noexcept {
    const std::size_t index = current_thread_index();
    if (index >= kMaxShards) [[unlikely]] {
      return allow_without_shard(now);
    }

    Shard& shard = shards_[index];
    const bool lease_is_valid = shard.tokens_left > 0 && shard.lease_time == now;
    if (lease_is_valid) [[likely]] {
      --shard.tokens_left;
      return true;
    }

    const int tokens_taken = shared_.take_up_to(now, lease_size_);
    shard.lease_time = now;
    shard.tokens_left = tokens_taken > 0 ? tokens_taken - 1 : 0;
    return tokens_taken > 0;
  }

  [[nodiscard]] double limit() const noexcept { return shared_.limit(); }
  [[nodiscard]] int burst() const noexcept { return shared_.burst(); }
  [[nodiscard]] int lease_size() const noexcept { return lease_size_; }

 private:
  // One thread's lease: the rest of the tokens it took at lease_time. Read and written only by
  // the thread that owns the shard's index. A thread that receives a released index may find
  // the previous owner's lease, which is still a grant of the shared bucket at lease_time.
  struct alignas(64) Shard {
    TimePoint lease_time{};
    int tokens_left = 0;
  };
  static_assert(sizeof(Shard) == 64, "one shard a cache line, so threads never share one");

  // Assigns this thread an index on its first call, then decides with a shard if the index
  // has one, or with the shared limiter otherwise.
  bool allow_without_shard(TimePoint now) noexcept;

  GcraRateLimiter shared_;
  const int lease_size_;
  std::array<Shard, kMaxShards> shards_{};
};

}  // namespace paybench
