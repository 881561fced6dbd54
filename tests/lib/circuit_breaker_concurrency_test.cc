// Concurrency tests of both breakers: several threads call allow() and report() at once, and the
// tests check invariants once the threads have been joined. They assert behaviour, never timing,
// and run under ThreadSanitizer with the rest of tests/lib.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <latch>
#include <map>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "breaker_test_support.h"
#include "paybench/memory/thread_index.h"
#include "paybench/resilience/breaker_types.h"
#include "paybench/resilience/circuit_breaker.h"
#include "paybench/resilience/mutex_circuit_breaker.h"

namespace paybench {
namespace {

using std::chrono::milliseconds;
using testing::BreakerTypeNames;
using testing::BreakerTypes;
using testing::FakeClock;
using testing::Transition;
using testing::TransitionLog;

constexpr int kThreadCount = 4;

template <class Breaker>
class BreakerConcurrencyTest : public ::testing::Test {};

TYPED_TEST_SUITE(BreakerConcurrencyTest, BreakerTypes, BreakerTypeNames);

// Checks the relations between counts that hold in every state once no call is running.
void expect_consistent(const BreakerCounts& counts) {
  EXPECT_TRUE(counts.consecutive_successes == 0 || counts.consecutive_failures == 0)
      << ::testing::PrintToString(counts);
  EXPECT_LE(counts.consecutive_successes, counts.total_successes);
  EXPECT_LE(counts.consecutive_failures, counts.total_failures);
  EXPECT_LE(counts.total_successes + counts.total_failures, counts.requests);
}

TYPED_TEST(BreakerConcurrencyTest, ClosedOnlyCountsAreExact) {
  constexpr int kRequestsPerThread = 100'000;

  FakeClock clock;
  TransitionLog log;
  BreakerSettings settings;
  settings.ready_to_trip = [](const BreakerCounts&) { return false; };
  settings.clock = clock.function();
  settings.on_state_change = log.callback();
  TypeParam breaker(std::move(settings));

  std::atomic<std::uint32_t> successes{0};
  std::atomic<std::uint32_t> failures{0};
  std::latch all_started(kThreadCount);
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreadCount; ++thread) {
    threads.emplace_back([&, thread] {
      std::mt19937 random(static_cast<std::uint32_t>(thread));
      all_started.arrive_and_wait();
      for (int i = 0; i < kRequestsPerThread; ++i) {
        const BreakerTicket ticket = breaker.allow();
        ASSERT_TRUE(ticket.ok());
        // Mostly successes, so runs of fast-path successes alternate with locked failures.
        const bool success = random() % 8 != 0;
        breaker.report(ticket, success);
        (success ? successes : failures).fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  const BreakerCounts counts = breaker.counts();
  EXPECT_EQ(counts.requests, std::uint32_t{kThreadCount * kRequestsPerThread});
  EXPECT_EQ(counts.total_successes, successes.load());
  EXPECT_EQ(counts.total_failures, failures.load());
  expect_consistent(counts);
  EXPECT_EQ(breaker.state(), BreakerState::kClosed);
  EXPECT_EQ(breaker.generation(), 1u);
  EXPECT_TRUE(log.transitions().empty());
  EXPECT_EQ(clock.reads(), 0u);
}

TYPED_TEST(BreakerConcurrencyTest, ReportsFromOtherThreadsCount) {
  constexpr int kTicketsPerThread = 5'000;

  TypeParam breaker(BreakerSettings{});

  // Each thread admits tickets, and a different thread reports them after a join.
  std::vector<std::vector<BreakerTicket>> tickets(kThreadCount);
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreadCount; ++thread) {
    threads.emplace_back([&, thread] {
      for (int i = 0; i < kTicketsPerThread; ++i) {
        tickets[thread].push_back(breaker.allow());
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  threads.clear();

  for (int thread = 0; thread < kThreadCount; ++thread) {
    threads.emplace_back([&, thread] {
      for (const BreakerTicket& ticket : tickets[(thread + 1) % kThreadCount]) {
        ASSERT_TRUE(ticket.ok());
        breaker.report(ticket, true);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  const std::uint32_t total = kThreadCount * kTicketsPerThread;
  EXPECT_EQ(breaker.counts(), (BreakerCounts{total, total, 0, total, 0}));
}

TYPED_TEST(BreakerConcurrencyTest, ThreadsBeyondShardsCountExactly) {
  // More threads alive at once than CircuitBreaker has shards, so some of them hold thread
  // indices of kShardCount or more and take the locked path.
  constexpr std::size_t kManyThreads = CircuitBreaker::kShardCount + 8;
  constexpr int kRequestsPerThread = 200;

  TypeParam breaker(BreakerSettings{});
  std::latch all_started(kManyThreads);
  std::atomic<std::size_t> max_thread_index{0};
  std::vector<std::thread> threads;
  for (std::size_t thread = 0; thread < kManyThreads; ++thread) {
    threads.emplace_back([&] {
      // Every thread takes its index before any of them can exit, so the indices are distinct.
      const std::size_t index = acquire_thread_index();
      std::size_t seen = max_thread_index.load();
      while (seen < index && !max_thread_index.compare_exchange_weak(seen, index)) {
      }
      all_started.arrive_and_wait();
      for (int i = 0; i < kRequestsPerThread; ++i) {
        const BreakerTicket ticket = breaker.allow();
        ASSERT_TRUE(ticket.ok());
        breaker.report(ticket, true);
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  ASSERT_GE(max_thread_index.load(), CircuitBreaker::kShardCount);
  const auto total = static_cast<std::uint32_t>(kManyThreads * kRequestsPerThread);
  EXPECT_EQ(breaker.counts(), (BreakerCounts{total, total, 0, total, 0}));
}

// Returns whether gobreaker's state machine has the edge from -> to.
bool is_valid_transition(const Transition& transition) {
  const BreakerState from = transition.from;
  const BreakerState to = transition.to;
  return (from == BreakerState::kClosed && to == BreakerState::kOpen) ||
         (from == BreakerState::kOpen && to == BreakerState::kHalfOpen) ||
         (from == BreakerState::kHalfOpen && to == BreakerState::kClosed) ||
         (from == BreakerState::kHalfOpen && to == BreakerState::kOpen);
}

TYPED_TEST(BreakerConcurrencyTest, MixedOutcomesKeepTransitionsValid) {
  constexpr int kRequestsPerThread = 50'000;

  FakeClock clock;
  TypeParam* breaker_in_callback = nullptr;
  std::atomic<int> callbacks_running{0};
  TransitionLog log;

  BreakerSettings settings;
  settings.max_requests = 3;
  settings.timeout = milliseconds(1);
  settings.clock = clock.function();
  // The callback calls back into the breaker while other threads keep calling it.
  settings.on_state_change = log.callback([&] {
    callbacks_running.fetch_add(1, std::memory_order_relaxed);
    expect_consistent(breaker_in_callback->counts());
    static_cast<void>(breaker_in_callback->state());
    callbacks_running.fetch_sub(1, std::memory_order_relaxed);
  });
  TypeParam breaker(std::move(settings));
  breaker_in_callback = &breaker;

  std::latch all_started(kThreadCount);
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreadCount; ++thread) {
    threads.emplace_back([&, thread] {
      std::mt19937 random(static_cast<std::uint32_t>(100 + thread));
      all_started.arrive_and_wait();
      for (int i = 0; i < kRequestsPerThread; ++i) {
        if (random() % 64 == 0) {
          clock.advance(milliseconds(2));
        }
        const BreakerTicket ticket = breaker.allow();
        if (ticket.ok()) {
          breaker.report(ticket, random() % 4 != 0);
        } else {
          ASSERT_TRUE(ticket.error() == BreakerErrc::kOpen ||
                      ticket.error() == BreakerErrc::kTooManyRequests)
              << ticket.error().message();
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }

  const BreakerState final_state = breaker.state();
  const BreakerCounts final_counts = breaker.counts();
  const std::uint64_t final_generation = breaker.generation();
  const std::vector<Transition> transitions = log.transitions();
  EXPECT_EQ(callbacks_running.load(), 0);
  ASSERT_FALSE(transitions.empty()) << "the run never opened the breaker";

  // Callbacks may arrive out of order, so check each edge and then a balance that is true in any
  // order. A walk that starts closed has one more entry than exit in its final state, and equal
  // numbers elsewhere, if the start counts as an entry. With interval 0, every generation after
  // the first starts with a state change.
  std::map<BreakerState, int> entries;
  std::map<BreakerState, int> exits;
  for (const Transition& transition : transitions) {
    EXPECT_TRUE(is_valid_transition(transition)) << ::testing::PrintToString(transition);
    ++exits[transition.from];
    ++entries[transition.to];
  }
  for (const BreakerState state :
       {BreakerState::kClosed, BreakerState::kHalfOpen, BreakerState::kOpen}) {
    const int start = state == BreakerState::kClosed ? 1 : 0;
    const int end = state == final_state ? 1 : 0;
    EXPECT_EQ(start + entries[state] - exits[state], end) << to_string(state);
  }
  EXPECT_EQ(final_generation, 1 + transitions.size());

  expect_consistent(final_counts);
  if (final_state == BreakerState::kHalfOpen) {
    EXPECT_LE(final_counts.requests, 3u);
  }
}

}  // namespace
}  // namespace paybench
