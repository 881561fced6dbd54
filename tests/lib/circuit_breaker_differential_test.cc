// Differential test: random sequences of allow, report, clock steps and queries, applied on one
// thread to CircuitBreaker and to MutexCircuitBreaker (the reference model), must give identical
// tickets, states, generations, counts and callbacks.

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "breaker_test_support.h"
#include "paybench/resilience/breaker_types.h"
#include "paybench/resilience/circuit_breaker.h"
#include "paybench/resilience/mutex_circuit_breaker.h"

namespace paybench {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using testing::FakeClock;
using testing::TransitionLog;

enum class TripRule { kDefault, kFailureRatio, kNever };

struct Scenario {
  std::uint32_t max_requests;
  nanoseconds interval;
  nanoseconds timeout;
  TripRule trip_rule;
};

std::string describe(const Scenario& scenario) {
  return "max_requests " + std::to_string(scenario.max_requests) + ", interval " +
         std::to_string(scenario.interval.count()) + " ns, timeout " +
         std::to_string(scenario.timeout.count()) + " ns, trip rule " +
         std::to_string(static_cast<int>(scenario.trip_rule));
}

BreakerSettings make_settings(const Scenario& scenario, FakeClock& clock, TransitionLog& log) {
  BreakerSettings settings;
  settings.name = "differential";
  settings.max_requests = scenario.max_requests;
  settings.interval = scenario.interval;
  settings.timeout = scenario.timeout;
  settings.clock = clock.function();
  settings.on_state_change = log.callback();

  switch (scenario.trip_rule) {
    case TripRule::kDefault:
      break;
    case TripRule::kFailureRatio:
      settings.ready_to_trip = [](const BreakerCounts& counts) {
        return counts.requests >= 4 && counts.total_failures * 2 >= counts.requests;
      };
      break;
    case TripRule::kNever:
      settings.ready_to_trip = [](const BreakerCounts&) { return false; };
      break;
  }
  return settings;
}

// Returns a clock step that often lands just before, at or just after an expiry.
nanoseconds pick_step(const Scenario& scenario, std::mt19937_64& random) {
  const nanoseconds timeout = scenario.timeout == nanoseconds::zero()
                                  ? nanoseconds(std::chrono::seconds(60))
                                  : scenario.timeout;
  const nanoseconds interval = scenario.interval == nanoseconds::zero()
                                   ? milliseconds(3)
                                   : scenario.interval;
  const std::vector<nanoseconds> steps = {
      nanoseconds(0), nanoseconds(1),      interval / 2, interval,
      interval + nanoseconds(1), timeout / 2, timeout,  timeout + nanoseconds(1),
  };
  return steps[random() % steps.size()];
}

// What the sequences exercised, so the test fails if they stop reaching a rule.
struct Coverage {
  int rejected_open = 0;
  int rejected_too_many = 0;
  int closed_to_open = 0;
  int half_open_to_closed = 0;
  int half_open_to_open = 0;
  std::uint64_t interval_ends = 0;  // Generations that started without a state change.
};

struct TicketPair {
  BreakerTicket reference;
  BreakerTicket fast;
};

// Runs one random sequence and stops at the first difference.
void run_sequence(const Scenario& scenario, std::uint64_t seed, int steps, Coverage& coverage) {
  SCOPED_TRACE(describe(scenario) + ", seed " + std::to_string(seed));
  std::mt19937_64 random(seed);

  FakeClock clock;
  TransitionLog reference_log;
  TransitionLog fast_log;
  MutexCircuitBreaker reference(make_settings(scenario, clock, reference_log));
  CircuitBreaker fast(make_settings(scenario, clock, fast_log));
  std::vector<TicketPair> outstanding;

  for (int step = 0; step < steps; ++step) {
    SCOPED_TRACE("step " + std::to_string(step));
    const std::uint64_t action = random() % 100;

    if (action < 40) {
      const BreakerTicket expected = reference.allow();
      const BreakerTicket actual = fast.allow();
      ASSERT_EQ(actual.ok(), expected.ok());
      ASSERT_EQ(actual.error(), expected.error());
      ASSERT_EQ(actual.generation(), expected.generation());
      if (expected.ok()) {
        outstanding.push_back(TicketPair{expected, actual});
      } else if (expected.error() == BreakerErrc::kOpen) {
        ++coverage.rejected_open;
      } else {
        ++coverage.rejected_too_many;
      }
    } else if (action < 75 && !outstanding.empty()) {
      // Report a random outstanding ticket, so that results often arrive after their generation
      // has ended.
      const std::size_t index = random() % outstanding.size();
      const bool success = random() % 3 != 0;
      reference.report(outstanding[index].reference, success);
      fast.report(outstanding[index].fast, success);
      outstanding.erase(outstanding.begin() + static_cast<std::ptrdiff_t>(index));
    } else if (action < 85) {
      clock.advance(pick_step(scenario, random));
    } else if (action < 90) {
      ASSERT_EQ(fast.state(), reference.state());
    } else if (action < 95) {
      ASSERT_EQ(fast.generation(), reference.generation());
    } else {
      ASSERT_EQ(fast.counts(), reference.counts());
    }

    ASSERT_EQ(fast_log.transitions(), reference_log.transitions());
  }

  ASSERT_EQ(fast.state(), reference.state());
  ASSERT_EQ(fast.generation(), reference.generation());
  ASSERT_EQ(fast.counts(), reference.counts());
  ASSERT_EQ(fast_log.transitions(), reference_log.transitions());

  const std::vector<testing::Transition> transitions = reference_log.transitions();
  coverage.interval_ends += reference.generation() - 1 - transitions.size();
  for (const testing::Transition& transition : transitions) {
    coverage.closed_to_open += transition.from == BreakerState::kClosed ? 1 : 0;
    coverage.half_open_to_closed +=
        transition.from == BreakerState::kHalfOpen && transition.to == BreakerState::kClosed;
    coverage.half_open_to_open +=
        transition.from == BreakerState::kHalfOpen && transition.to == BreakerState::kOpen;
  }
}

TEST(CircuitBreakerDifferentialTest, MatchesMutexBreaker) {
  const std::vector<Scenario> scenarios = {
      {0, nanoseconds(0), nanoseconds(0), TripRule::kDefault},
      {1, milliseconds(10), milliseconds(5), TripRule::kDefault},
      {3, nanoseconds(0), milliseconds(2), TripRule::kDefault},
      {3, milliseconds(4), milliseconds(4), TripRule::kFailureRatio},
      {2, milliseconds(1), milliseconds(20), TripRule::kFailureRatio},
      {5, milliseconds(7), nanoseconds(0), TripRule::kNever},
      {0, nanoseconds(0), nanoseconds(0), TripRule::kNever},
  };
  constexpr std::uint64_t kSeedsPerScenario = 20;
  constexpr int kStepsPerSequence = 3000;

  Coverage coverage;
  for (const Scenario& scenario : scenarios) {
    for (std::uint64_t seed = 1; seed <= kSeedsPerScenario; ++seed) {
      run_sequence(scenario, seed, kStepsPerSequence, coverage);
      if (::testing::Test::HasFatalFailure()) {
        return;
      }
    }
  }

  EXPECT_GT(coverage.rejected_open, 0);
  EXPECT_GT(coverage.rejected_too_many, 0);
  EXPECT_GT(coverage.closed_to_open, 0);
  EXPECT_GT(coverage.half_open_to_closed, 0);
  EXPECT_GT(coverage.half_open_to_open, 0);
  EXPECT_GT(coverage.interval_ends, 0u);
}

}  // namespace
}  // namespace paybench
