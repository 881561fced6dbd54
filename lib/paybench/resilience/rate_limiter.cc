#include "paybench/resilience/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "paybench/resilience/limiter_arguments.h"

namespace paybench {
namespace {

using Clock = RateLimiter::Clock;
using TimePoint = RateLimiter::TimePoint;
using Duration = Clock::duration;

constexpr double kNanosecondsPerSecond = 1e9;

void check_token_count(int n) {
  if (n < 0) {
    throw std::invalid_argument("RateLimiter token count " + std::to_string(n) +
                                " is invalid: expected n >= 0");
  }
}

// Returns time + duration for a non-negative duration, or TimePoint::max() when that overflows.
TimePoint saturating_add(TimePoint time, Duration duration) {
  Duration::rep sum = 0;
  if (__builtin_add_overflow(time.time_since_epoch().count(), duration.count(), &sum)) {
    return TimePoint::max();
  }
  return TimePoint(Duration(sum));
}

// Returns time - duration for a non-negative duration, or TimePoint::min() when that overflows.
TimePoint saturating_subtract(TimePoint time, Duration duration) {
  Duration::rep difference = 0;
  if (__builtin_sub_overflow(time.time_since_epoch().count(), duration.count(), &difference)) {
    return TimePoint::min();
  }
  return TimePoint(Duration(difference));
}

// Returns later - earlier, or Duration::max() when that overflows.
Duration saturating_difference(TimePoint later, TimePoint earlier) {
  Duration::rep difference = 0;
  if (__builtin_sub_overflow(later.time_since_epoch().count(),
                             earlier.time_since_epoch().count(), &difference)) {
    return Duration::max();
  }
  return Duration(difference);
}

// Returns the time needed to accumulate `tokens` at `limit` events per second, rounded up to the
// clock's tick (golang.org/x/time/rate truncates) and saturated at Duration::max(). A limit of 0 never accumulates,
// so it returns Duration::max().
Duration duration_from_tokens(double limit, double tokens) {
  if (tokens <= 0.0) {
    return Duration::zero();
  }
  if (limit <= 0.0) {
    return Duration::max();
  }

  // Compare in double before converting: 2^63 ns is exactly representable, and any value below
  // it converts to int64 without overflow.
  const double nanoseconds = std::ceil(tokens / limit * kNanosecondsPerSecond);
  constexpr double kMaxNanoseconds = 9223372036854775808.0;  // 2^63
  const bool fits = nanoseconds < kMaxNanoseconds;
  if (!fits) {
    return Duration::max();
  }
  return std::chrono::duration_cast<Duration>(
      std::chrono::nanoseconds(static_cast<std::int64_t>(nanoseconds)));
}

// Returns the tokens that accumulate during a non-negative `elapsed` at `limit` events per second.
// Zero elapsed time adds nothing even under an infinite limit, where 0 x infinity would be NaN.
double tokens_from_duration(double limit, Duration elapsed) {
  if (elapsed <= Duration::zero() || limit <= 0.0) {
    return 0.0;
  }
  return std::chrono::duration<double>(elapsed).count() * limit;
}

}  // namespace

RateLimiter::RateLimiter(double limit, int burst)
    : limit_(detail::checked_limit("RateLimiter", limit)),
      burst_(detail::checked_burst("RateLimiter", burst)),
      tokens_(burst) {}

RateLimiter::Advanced RateLimiter::advance_locked(TimePoint now) const {
  // A time before the latest one seen adds nothing and does not move last_ back.
  const TimePoint latest = last_.has_value() ? std::max(*last_, now) : now;
  const Duration elapsed =
      last_.has_value() ? saturating_difference(latest, *last_) : Duration::zero();

  const double tokens = tokens_ + tokens_from_duration(limit_, elapsed);
  return Advanced{latest, std::min(tokens, static_cast<double>(burst_))};
}

bool RateLimiter::allow_n(TimePoint now, int n) {
  check_token_count(n);

  std::lock_guard lock(mutex_);
  if (std::isinf(limit_)) {
    return true;
  }

  const Advanced advanced = advance_locked(now);
  const bool has_tokens = advanced.tokens >= static_cast<double>(n);
  if (!has_tokens) {
    return false;
  }

  last_ = advanced.now;
  tokens_ = advanced.tokens - n;
  last_event_ = last_event_.has_value() ? std::max(*last_event_, now) : now;
  return true;
}

RateLimiter::Reservation RateLimiter::reserve(TimePoint now) { return reserve_n(now, 1); }

RateLimiter::Reservation RateLimiter::reserve_n(TimePoint now, int n) {
  check_token_count(n);

  std::lock_guard lock(mutex_);
  return reserve_locked(now, n, Duration::max());
}

RateLimiter::Reservation RateLimiter::reserve_locked(TimePoint now, int n, Duration max_wait) {
  if (std::isinf(limit_)) {
    return Reservation(this, true, n, now, limit_);
  }

  const Advanced advanced = advance_locked(now);
  const double tokens = advanced.tokens - n;
  const Duration wait = duration_from_tokens(limit_, -tokens);

  const bool ok = n <= burst_ && wait <= max_wait;
  if (!ok) {
    return Reservation(this, false, n, now, limit_);
  }

  const TimePoint time_to_act = saturating_add(now, wait);
  last_ = advanced.now;
  tokens_ = tokens;
  last_event_ = time_to_act;
  return Reservation(this, true, n, time_to_act, limit_);
}

bool RateLimiter::wait_n(int n, TimePoint deadline) {
  check_token_count(n);

  const TimePoint now = Clock::now();
  const Duration max_wait =
      deadline <= now ? Duration::zero() : saturating_difference(deadline, now);

  TimePoint time_to_act;
  {
    std::lock_guard lock(mutex_);
    const Reservation reservation = reserve_locked(now, n, max_wait);
    if (!reservation.ok()) {
      return false;
    }
    time_to_act = reservation.time_to_act();
  }

  std::this_thread::sleep_until(time_to_act);
  return true;
}

void RateLimiter::set_limit(TimePoint now, double limit) {
  detail::checked_limit("RateLimiter", limit);

  std::lock_guard lock(mutex_);
  const Advanced advanced = advance_locked(now);
  last_ = advanced.now;
  tokens_ = advanced.tokens;
  limit_ = limit;
}

void RateLimiter::set_burst(TimePoint now, int burst) {
  detail::checked_burst("RateLimiter", burst);

  std::lock_guard lock(mutex_);
  const Advanced advanced = advance_locked(now);
  last_ = advanced.now;
  tokens_ = advanced.tokens;
  burst_ = burst;
}

double RateLimiter::limit() const {
  std::lock_guard lock(mutex_);
  return limit_;
}

int RateLimiter::burst() const {
  std::lock_guard lock(mutex_);
  return burst_;
}

double RateLimiter::tokens_at(TimePoint now) const {
  std::lock_guard lock(mutex_);
  return advance_locked(now).tokens;
}

double RateLimiter::restore_tokens(const Reservation& reservation, TimePoint now) {
  std::lock_guard lock(mutex_);

  const bool already_acted = reservation.time_to_act_ < now;
  if (std::isinf(limit_) || reservation.tokens_ == 0 || already_acted) {
    return 0.0;
  }

  // Reservations made after this one were timed on the assumption that its tokens were taken.
  // The interval from its time to act to the latest one granted measures the tokens they depend
  // on, and only the rest can come back.
  const Duration later_reserved = saturating_difference(
      std::max(last_event_.value_or(reservation.time_to_act_), reservation.time_to_act_),
      reservation.time_to_act_);
  const double restored =
      reservation.tokens_ - tokens_from_duration(reservation.limit_, later_reserved);
  if (restored <= 0.0) {
    return 0.0;
  }

  const Advanced advanced = advance_locked(now);
  last_ = advanced.now;
  tokens_ = std::min(advanced.tokens + restored, static_cast<double>(burst_));

  // When this was the latest reservation, the latest time to act moves back to what it was
  // before, unless that is already in the past.
  const bool was_latest = last_event_ == reservation.time_to_act_;
  if (was_latest) {
    const Duration reserved_span = duration_from_tokens(reservation.limit_, reservation.tokens_);
    const TimePoint previous_event = saturating_subtract(reservation.time_to_act_, reserved_span);
    if (previous_event >= now) {
      last_event_ = previous_event;
    }
  }
  return restored;
}

RateLimiter::Reservation::Reservation(Reservation&& other) noexcept
    : limiter_(std::exchange(other.limiter_, nullptr)),
      ok_(other.ok_),
      tokens_(other.tokens_),
      time_to_act_(other.time_to_act_),
      limit_(other.limit_) {}

RateLimiter::Reservation& RateLimiter::Reservation::operator=(Reservation&& other) noexcept {
  limiter_ = std::exchange(other.limiter_, nullptr);
  ok_ = other.ok_;
  tokens_ = other.tokens_;
  time_to_act_ = other.time_to_act_;
  limit_ = other.limit_;
  return *this;
}

RateLimiter::Clock::duration RateLimiter::Reservation::delay_from(TimePoint now) const {
  if (!ok_) {
    return Duration::max();
  }
  if (time_to_act_ <= now) {
    return Duration::zero();
  }
  return saturating_difference(time_to_act_, now);
}

double RateLimiter::Reservation::cancel(TimePoint now) {
  if (!ok_ || limiter_ == nullptr) {
    return 0.0;
  }
  RateLimiter* const limiter = std::exchange(limiter_, nullptr);
  return limiter->restore_tokens(*this, now);
}

}  // namespace paybench
