// RateLimiter: a token bucket with the semantics of Go's golang.org/x/time/rate Limiter, guarded
// by one std::mutex. It is the locking reference that other limiters are compared with.
//
// Contract:
// - The bucket contains at most `burst` tokens and starts full. Tokens grow continuously by
//   elapsed seconds x limit, where limit is in events per second. An infinite limit admits every
//   request, whatever its size and the burst. A limit of 0 adds no tokens, so only the initial
//   burst is ever admitted.
// - Time is injected: every call takes the caller's `now`, so tests can drive a fake clock. A
//   `now` earlier than the latest one seen adds no tokens, and the limiter keeps the latest time,
//   so a clock that steps back and forth cannot add the same interval's tokens twice.
// - `allow_n` takes n tokens only when the bucket has them, so it never goes into debt.
//   `reserve_n` always takes the tokens, possibly into debt, and reports when the caller may act.
//   It fails only when n > burst and the limit is finite. `wait_n` reserves and sleeps.
// - Durations derived from tokens / limit saturate at steady_clock::duration::max() and time
//   points at time_point::max(), so tiny limits such as 1e-10 cannot overflow. A wait that
//   saturates means "never" in practice.
// - Thread safety: every member function may be called from any thread at once. A Reservation
//   refers to its limiter, which must outlive it.

#pragma once

#include <chrono>
#include <limits>
#include <mutex>
#include <optional>

namespace paybench {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  class Reservation;

  // Creates a limiter that admits `limit` events per second with bursts of up to `burst` events,
  // and whose bucket starts full. Throws std::invalid_argument when `limit` is NaN or negative or
  // when `burst` is negative. Pass std::numeric_limits<double>::infinity() for no limit.
  RateLimiter(double limit, int burst);

  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Takes one token if the bucket has it at `now`. Returns whether the event may happen.
  [[nodiscard]] bool allow(TimePoint now) { return allow_n(now, 1); }

  // Takes `n` tokens if the bucket has all of them at `now`, and otherwise takes none. Returns
  // whether the n events may happen. Throws std::invalid_argument for a negative `n`.
  [[nodiscard]] bool allow_n(TimePoint now, int n);

  // Same as reserve_n(now, 1).
  [[nodiscard]] Reservation reserve(TimePoint now);

  // Takes `n` tokens at `now`, going into debt if the bucket lacks them, and returns when the
  // caller may act. The reservation fails, and takes nothing, only when n > burst with a finite
  // limit. Throws std::invalid_argument for a negative `n`.
  [[nodiscard]] Reservation reserve_n(TimePoint now, int n);

  // Same as wait_n(1, deadline).
  [[nodiscard]] bool wait(TimePoint deadline) { return wait_n(1, deadline); }

  // Reserves `n` tokens at steady_clock::now() and sleeps until the reservation's time to act.
  // Returns false at once, taking nothing, when n > burst with a finite limit or when the time to
  // act would be after `deadline`. Pass TimePoint::max() to wait without a deadline, which under
  // a limit of 0 with an empty bucket sleeps forever. Throws std::invalid_argument for a
  // negative `n`.
  [[nodiscard]] bool wait_n(int n, TimePoint deadline);

  // Brings the bucket up to `now` under the old limit, then changes the limit. Throws
  // std::invalid_argument when `limit` is NaN or negative.
  void set_limit(TimePoint now, double limit);

  // Brings the bucket up to `now`, then changes the burst. Tokens above a lowered burst are
  // dropped at the next call. Throws std::invalid_argument when `burst` is negative.
  void set_burst(TimePoint now, int burst);

  [[nodiscard]] double limit() const;
  [[nodiscard]] int burst() const;

  // Returns the tokens the bucket would contain at `now`, negative while in debt. Does not change
  // the limiter.
  [[nodiscard]] double tokens_at(TimePoint now) const;

 private:
  struct Advanced {
    TimePoint now;
    double tokens;
  };

  Reservation reserve_locked(TimePoint now, int n, Clock::duration max_wait);
  Advanced advance_locked(TimePoint now) const;
  double restore_tokens(const Reservation& reservation, TimePoint now);

  mutable std::mutex mutex_;
  double limit_;                      // Guarded by mutex_. Events per second, may be infinite.
  int burst_;                         // Guarded by mutex_.
  double tokens_;                     // Guarded by mutex_. Tokens at last_, negative in debt.
  std::optional<TimePoint> last_;     // Guarded by mutex_. Latest time tokens_ was brought to.
  std::optional<TimePoint> last_event_;  // Guarded by mutex_. Latest time to act granted.
};

// The result of RateLimiter::reserve_n: whether the tokens were granted and when the caller may
// act. Move-only, so that the tokens can be returned at most once.
class RateLimiter::Reservation {
 public:
  Reservation(Reservation&& other) noexcept;
  Reservation& operator=(Reservation&& other) noexcept;
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;
  ~Reservation() = default;

  // Whether the limiter granted the tokens. A failed reservation took nothing.
  [[nodiscard]] bool ok() const { return ok_; }

  // Number of tokens requested.
  [[nodiscard]] int tokens() const { return tokens_; }

  // Earliest time at which the caller may act. Meaningful only when ok().
  [[nodiscard]] TimePoint time_to_act() const { return time_to_act_; }

  // Returns how long the caller must wait after `now` before acting: zero once time_to_act() has
  // passed, and Clock::duration::max() for a failed reservation.
  [[nodiscard]] Clock::duration delay_from(TimePoint now) const;

  // Gives back the reserved tokens that later reservations have not already come to depend on,
  // because the caller will not act. Restores nothing when the reservation failed, was already
  // cancelled or requested 0 tokens, when the limiter's limit is now infinite, or when its time to
  // act is before `now`. Returns the number of tokens restored, before the bucket caps them at
  // burst.
  double cancel(TimePoint now);

 private:
  friend class RateLimiter;

  Reservation(RateLimiter* limiter, bool ok, int tokens, TimePoint time_to_act, double limit)
      : limiter_(limiter), ok_(ok), tokens_(tokens), time_to_act_(time_to_act), limit_(limit) {}

  RateLimiter* limiter_;  // Null once cancelled or moved from.
  bool ok_;
  int tokens_;
  TimePoint time_to_act_;
  double limit_;  // The limit when the reservation was made.
};

}  // namespace paybench
