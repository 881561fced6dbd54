#include "paybench/resilience/circuit_breaker.h"

#include <utility>

namespace paybench {

CircuitBreaker::CircuitBreaker(BreakerSettings settings)
    : settings_(detail::resolve_breaker_settings(std::move(settings))),
      has_interval_(settings_.interval != std::chrono::nanoseconds::zero()),
      shards_(std::make_unique<Shard[]>(kShardCount)),
      clock_(settings_.clock) {
  // No other thread can see the breaker yet, so the mutex is not needed. Generation 0 becomes 1.
  LazyNow now(clock_);
  start_generation_locked(BreakerState::kClosed, now);
}

void CircuitBreaker::claim_shard(Shard& shard, std::uint64_t generation) {
  const auto index = static_cast<std::size_t>(&shard - shards_.get());
  std::size_t limit = shard_limit_.load(std::memory_order_relaxed);
  while (limit <= index &&
         !shard_limit_.compare_exchange_weak(limit, index + 1, std::memory_order_relaxed)) {
  }

  shard.requests.store(0, std::memory_order_relaxed);
  shard.successes.store(0, std::memory_order_relaxed);
  // Release: a reader that loads this generation with acquire then loads the cleared counters or
  // later increments, never the counts of the shard's previous generation.
  shard.generation.store(generation, std::memory_order_release);
}

BreakerTicket CircuitBreaker::allow_slow() {
  std::optional<detail::BreakerTransition> transition;
  const BreakerTicket ticket = [&] {
    std::lock_guard lock(mutex_);
    LazyNow now(clock_);
    const std::uint64_t word = update_locked(now, transition);
    const std::uint64_t generation = word >> kStateBitCount;
    const auto state = static_cast<BreakerState>(word & kStateMask);

    if (state == BreakerState::kOpen) {
      return BreakerTicket::rejected(generation, BreakerErrc::kOpen);
    }
    const bool half_open_is_full = state == BreakerState::kHalfOpen &&
                                   counts_locked().requests >= settings_.max_requests;
    if (half_open_is_full) {
      return BreakerTicket::rejected(generation, BreakerErrc::kTooManyRequests);
    }

    ++locked_requests_;
    return BreakerTicket::admitted(generation);
  }();

  detail::notify_state_change(settings_, transition);
  return ticket;
}

void CircuitBreaker::report_slow(const BreakerTicket& ticket, bool success) {
  std::optional<detail::BreakerTransition> transition;
  {
    std::lock_guard lock(mutex_);
    LazyNow now(clock_);
    const std::uint64_t word = update_locked(now, transition);
    const auto state = static_cast<BreakerState>(word & kStateMask);

    // A ticket from an ended generation is late: its result is dropped.
    const bool is_current = (word >> kStateBitCount) == ticket.generation();
    if (is_current && success) {
      record_success_locked(state, now, transition);
    } else if (is_current) {
      record_failure_locked(state, now, transition);
    }
  }

  detail::notify_state_change(settings_, transition);
}

std::uint64_t CircuitBreaker::load_current_word_slow() {
  std::optional<detail::BreakerTransition> transition;
  std::uint64_t word = 0;
  {
    std::lock_guard lock(mutex_);
    LazyNow now(clock_);
    word = update_locked(now, transition);
  }

  detail::notify_state_change(settings_, transition);
  return word;
}

BreakerCounts CircuitBreaker::counts() {
  std::optional<detail::BreakerTransition> transition;
  BreakerCounts counts;
  {
    std::lock_guard lock(mutex_);
    LazyNow now(clock_);
    update_locked(now, transition);
    counts = counts_locked();
  }

  detail::notify_state_change(settings_, transition);
  return counts;
}

std::uint64_t CircuitBreaker::update_locked(LazyNow& now,
                                            std::optional<detail::BreakerTransition>& transition) {
  // Relaxed loads: only mutex holders store word_ and expiry_, and this thread holds the mutex.
  const std::uint64_t word = word_.load(std::memory_order_relaxed);
  const Ticks expiry = expiry_.load(std::memory_order_relaxed);

  // Half-open and closed without an interval have no expiry, so they never read the clock.
  const bool has_expiry = expiry != TimePoint::max().time_since_epoch().count();
  if (!has_expiry || now.get().time_since_epoch().count() <= expiry) {
    return word;
  }

  const auto state = static_cast<BreakerState>(word & kStateMask);
  if (state == BreakerState::kClosed) {
    start_generation_locked(BreakerState::kClosed, now);
  } else if (state == BreakerState::kOpen) {
    set_state_locked(BreakerState::kHalfOpen, now, transition);
  }
  return word_.load(std::memory_order_relaxed);
}

void CircuitBreaker::record_success_locked(BreakerState state, LazyNow& now,
                                           std::optional<detail::BreakerTransition>& transition) {
  // Relaxed load and store: every writer holds the mutex. The fast path of report() loads it
  // relaxed too, and a value it reads late is harmless (see the header comment).
  if (consecutive_failures_.load(std::memory_order_relaxed) != 0) {
    // Consecutive successes restart from 0 here. On one thread this snapshot equals the one the
    // last failure took. Taking it again counts a fast-path success that overlapped the failure,
    // and landed after its snapshot, as before the failure, which is how counts() showed it.
    success_snapshot_ = counts_locked().total_successes;
    consecutive_failures_.store(0, std::memory_order_relaxed);
  }
  ++locked_successes_;

  const bool closes = state == BreakerState::kHalfOpen &&
                      counts_locked().consecutive_successes >= settings_.max_requests;
  if (closes) {
    set_state_locked(BreakerState::kClosed, now, transition);
  }
}

void CircuitBreaker::record_failure_locked(BreakerState state, LazyNow& now,
                                           std::optional<detail::BreakerTransition>& transition) {
  if (state == BreakerState::kHalfOpen) {
    set_state_locked(BreakerState::kOpen, now, transition);
    return;
  }
  if (state != BreakerState::kClosed) {
    return;
  }

  ++total_failures_;
  // Relaxed: every writer holds the mutex (see record_success_locked).
  consecutive_failures_.store(consecutive_failures_.load(std::memory_order_relaxed) + 1,
                              std::memory_order_relaxed);

  // A failure ends the run of successes. The snapshot also covers consecutive_failures wrapping
  // around to 0 after 2^32 failures, where gobreaker reports 0 consecutive successes.
  BreakerCounts counts = counts_locked();
  success_snapshot_ = counts.total_successes;
  counts.consecutive_successes = 0;

  if (settings_.ready_to_trip(counts)) {
    set_state_locked(BreakerState::kOpen, now, transition);
  }
}

void CircuitBreaker::set_state_locked(BreakerState state, LazyNow& now,
                                      std::optional<detail::BreakerTransition>& transition) {
  const std::uint64_t word = word_.load(std::memory_order_relaxed);
  const auto current = static_cast<BreakerState>(word & kStateMask);
  if (current == state) {
    return;
  }
  assert(!transition.has_value() && "a breaker call changes the state at most once");

  transition = detail::BreakerTransition{current, state};
  start_generation_locked(state, now);
}

void CircuitBreaker::start_generation_locked(BreakerState state, LazyNow& now) {
  const std::uint64_t old_word = word_.load(std::memory_order_relaxed);
  const std::uint64_t generation = (old_word >> kStateBitCount) + 1;

  TimePoint expiry = TimePoint::max();
  if (state == BreakerState::kClosed && has_interval_) {
    expiry = detail::saturating_add(now.get(), settings_.interval);
  } else if (state == BreakerState::kOpen) {
    expiry = detail::saturating_add(now.get(), settings_.timeout);
  }

  // The new generation starts with cleared counts. Shards need no reset, because their tags name
  // older generations and counts_locked() skips them.
  locked_requests_ = 0;
  locked_successes_ = 0;
  total_failures_ = 0;
  success_snapshot_ = 0;
  // Relaxed: the release store of the new word below publishes it.
  consecutive_failures_.store(0, std::memory_order_relaxed);

  // Seqlock write, proven in the header comment. The publishing word sends concurrent fast-path
  // calls to the mutex. The release store of expiry_ keeps the publishing word before it for any
  // thread that reads the new expiry, and the release store of the new word publishes everything
  // above.
  word_.store((old_word & ~kStateMask) | kPublishingBits, std::memory_order_relaxed);
  expiry_.store(expiry.time_since_epoch().count(), std::memory_order_release);
  word_.store((generation << kStateBitCount) | static_cast<std::uint64_t>(state),
              std::memory_order_release);
}

BreakerCounts CircuitBreaker::counts_locked() const {
  const std::uint64_t generation = word_.load(std::memory_order_relaxed) >> kStateBitCount;

  // Acquire on each shard's generation: pairs with claim_shard's release, so a shard of this
  // generation shows its cleared counters or later increments. No owner can move a shard to a
  // newer generation while this thread holds the mutex, because only a mutex holder publishes one.
  const auto counts_now = [&](const Shard& shard) {
    return shard.generation.load(std::memory_order_acquire) == generation;
  };

  // Successes first, with acquire, then requests: every success read here makes the request of
  // its ticket, and the claim of the shard that counted it, visible to the second pass. So the
  // counts never show more results than requests, even while fast-path calls are running.
  BreakerCounts counts;
  counts.total_successes = locked_successes_;
  const std::size_t success_shard_limit = shard_limit_.load(std::memory_order_relaxed);
  for (std::size_t index = 0; index < success_shard_limit; ++index) {
    if (counts_now(shards_[index])) {
      counts.total_successes += shards_[index].successes.load(std::memory_order_acquire);
    }
  }
  counts.requests = locked_requests_;
  const std::size_t request_shard_limit = shard_limit_.load(std::memory_order_relaxed);
  for (std::size_t index = 0; index < request_shard_limit; ++index) {
    if (counts_now(shards_[index])) {
      counts.requests += shards_[index].requests.load(std::memory_order_relaxed);
    }
  }

  counts.total_failures = total_failures_;
  counts.consecutive_failures = consecutive_failures_.load(std::memory_order_relaxed);
  // A success counted after a failure's snapshot may still have overlapped that failure, so while
  // a failure is pending it counts as coming before it.
  counts.consecutive_successes =
      counts.consecutive_failures == 0 ? counts.total_successes - success_snapshot_ : 0;
  return counts;
}

}  // namespace paybench
