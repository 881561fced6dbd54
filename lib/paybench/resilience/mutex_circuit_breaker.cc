#include "paybench/resilience/mutex_circuit_breaker.h"

#include <cassert>
#include <utility>

namespace paybench {

MutexCircuitBreaker::MutexCircuitBreaker(BreakerSettings settings)
    : settings_(detail::resolve_breaker_settings(std::move(settings))) {
  // No other thread can see the breaker yet, so the mutex is not needed.
  LazyNow now(settings_.clock);
  start_generation_locked(now);
}

BreakerTicket MutexCircuitBreaker::allow() {
  std::optional<detail::BreakerTransition> transition;
  const BreakerTicket ticket = [&] {
    std::lock_guard lock(mutex_);
    LazyNow now(settings_.clock);
    update_locked(now, transition);

    if (state_ == BreakerState::kOpen) {
      return BreakerTicket::rejected(generation_, BreakerErrc::kOpen);
    }
    const bool half_open_is_full =
        state_ == BreakerState::kHalfOpen && counts_.requests >= settings_.max_requests;
    if (half_open_is_full) {
      return BreakerTicket::rejected(generation_, BreakerErrc::kTooManyRequests);
    }

    ++counts_.requests;
    return BreakerTicket::admitted(generation_);
  }();

  detail::notify_state_change(settings_, transition);
  return ticket;
}

void MutexCircuitBreaker::report(const BreakerTicket& ticket, bool success) {
  assert(ticket.ok() && "report() needs a ticket that allow() admitted, not a rejected one");
  if (!ticket.ok()) {
    return;
  }

  std::optional<detail::BreakerTransition> transition;
  {
    std::lock_guard lock(mutex_);
    LazyNow now(settings_.clock);
    update_locked(now, transition);

    // A ticket from an ended generation is late: its result is dropped.
    const bool is_current = generation_ == ticket.generation();
    if (is_current && success) {
      ++counts_.total_successes;
      ++counts_.consecutive_successes;
      counts_.consecutive_failures = 0;

      const bool closes = state_ == BreakerState::kHalfOpen &&
                          counts_.consecutive_successes >= settings_.max_requests;
      if (closes) {
        set_state_locked(BreakerState::kClosed, now, transition);
      }
    } else if (is_current) {
      if (state_ == BreakerState::kClosed) {
        ++counts_.total_failures;
        ++counts_.consecutive_failures;
        counts_.consecutive_successes = 0;
        if (settings_.ready_to_trip(counts_)) {
          set_state_locked(BreakerState::kOpen, now, transition);
        }
      } else if (state_ == BreakerState::kHalfOpen) {
        set_state_locked(BreakerState::kOpen, now, transition);
      }
    }
  }

  detail::notify_state_change(settings_, transition);
}

BreakerState MutexCircuitBreaker::state() {
  std::optional<detail::BreakerTransition> transition;
  BreakerState state;
  {
    std::lock_guard lock(mutex_);
    LazyNow now(settings_.clock);
    update_locked(now, transition);
    state = state_;
  }

  detail::notify_state_change(settings_, transition);
  return state;
}

BreakerCounts MutexCircuitBreaker::counts() {
  std::optional<detail::BreakerTransition> transition;
  BreakerCounts counts;
  {
    std::lock_guard lock(mutex_);
    LazyNow now(settings_.clock);
    update_locked(now, transition);
    counts = counts_;
  }

  detail::notify_state_change(settings_, transition);
  return counts;
}

std::uint64_t MutexCircuitBreaker::generation() {
  std::optional<detail::BreakerTransition> transition;
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    LazyNow now(settings_.clock);
    update_locked(now, transition);
    generation = generation_;
  }

  detail::notify_state_change(settings_, transition);
  return generation;
}

void MutexCircuitBreaker::update_locked(LazyNow& now,
                                        std::optional<detail::BreakerTransition>& transition) {
  // Half-open and closed without an interval have no expiry, so they never read the clock.
  const bool has_expiry = expiry_ != TimePoint::max();
  if (!has_expiry) {
    return;
  }

  const bool expired = now.get() > expiry_;
  if (expired && state_ == BreakerState::kClosed) {
    start_generation_locked(now);
  } else if (expired && state_ == BreakerState::kOpen) {
    set_state_locked(BreakerState::kHalfOpen, now, transition);
  }
}

void MutexCircuitBreaker::set_state_locked(BreakerState state, LazyNow& now,
                                           std::optional<detail::BreakerTransition>& transition) {
  if (state_ == state) {
    return;
  }
  assert(!transition.has_value() && "a breaker call changes the state at most once");

  transition = detail::BreakerTransition{state_, state};
  state_ = state;
  start_generation_locked(now);
}

void MutexCircuitBreaker::start_generation_locked(LazyNow& now) {
  ++generation_;
  counts_ = BreakerCounts{};

  switch (state_) {
    case BreakerState::kClosed:
      expiry_ = settings_.interval == std::chrono::nanoseconds::zero()
                    ? TimePoint::max()
                    : detail::saturating_add(now.get(), settings_.interval);
      break;
    case BreakerState::kOpen:
      expiry_ = detail::saturating_add(now.get(), settings_.timeout);
      break;
    case BreakerState::kHalfOpen:
      expiry_ = TimePoint::max();
      break;
  }
}

}  // namespace paybench
