#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <queue>
#include <string_view>

#include "paybench/resilience/circuit_breaker.h"
#include "paybench/resilience/mutex_circuit_breaker.h"
#include "paybench/simulator/breaker_timeline.h"
#include "virtual_clock.h"

namespace paybench::simulator {
namespace {

using std::chrono::nanoseconds;

// An admitted call waiting for its completion time.
struct PendingCompletion {
  nanoseconds time;
  std::uint64_t call;
  BreakerTicket ticket;
  CallOutcome outcome;

  // Orders the priority queue so that its top is the earliest completion, and among completions
  // at one time the lowest call number.
  bool operator>(const PendingCompletion& other) const {
    return time != other.time ? time > other.time : call > other.call;
  }
};

using CompletionQueue = std::priority_queue<PendingCompletion, std::vector<PendingCompletion>,
                                            std::greater<PendingCompletion>>;

std::function<bool(const BreakerCounts&)> make_ready_to_trip(const TripRule& rule) {
  switch (rule.kind) {
    case TripRule::Kind::kDefault:
      return {};  // the breaker's own default
    case TripRule::Kind::kConsecutiveFailures:
      return [over = rule.consecutive_failures_over](const BreakerCounts& counts) {
        return counts.consecutive_failures > over;
      };
    case TripRule::Kind::kFailureRatio:
      return [rule](const BreakerCounts& counts) {
        if (counts.requests == 0) return false;
        const double ratio =
            static_cast<double>(counts.total_failures) / static_cast<double>(counts.requests);
        return counts.requests >= rule.min_requests && ratio >= rule.failure_ratio_at_least;
      };
  }
  return {};
}

BreakerDecision decide(const BreakerTicket& ticket) {
  if (ticket.ok()) return BreakerDecision::kAllowed;
  return ticket.error() == make_error_code(BreakerErrc::kOpen)
             ? BreakerDecision::kRejectedOpen
             : BreakerDecision::kRejectedTooManyRequests;
}

void count(BreakerSummary& summary, const BreakerRow& row) {
  switch (row.kind) {
    case BreakerRow::Kind::kArrival:
      ++summary.calls;
      if (row.decision == BreakerDecision::kAllowed) ++summary.allowed;
      if (row.decision == BreakerDecision::kRejectedOpen) ++summary.rejected_open;
      if (row.decision == BreakerDecision::kRejectedTooManyRequests) {
        ++summary.rejected_too_many_requests;
      }
      if (row.decision != BreakerDecision::kAllowed &&
          row.scenario_outcome == CallOutcome::kSuccess) {
        RejectedScenarioSuccesses& rejected = summary.rejected_scenario_success;
        ++rejected.calls;
        if (!rejected.first) rejected.first = row.time;
        rejected.last = row.time;
      }
      break;
    case BreakerRow::Kind::kCompletion:
      if (row.result == CompletionResult::kSuccessCounted) ++summary.successes_counted;
      if (row.result == CompletionResult::kFailureCounted) ++summary.failures_counted;
      if (row.result == CompletionResult::kIgnoredGenerationEnded) {
        ++summary.ignored_generation_ended;
      }
      break;
    case BreakerRow::Kind::kTransition:
      ++summary.transitions;
      break;
  }
}

// Returns the open periods: from each transition to open until its timeout ran out, or until
// `end` when the timeline ends first. Each call rejected as open belongs to the period that the
// latest transition to open started, because the transition row comes before any arrival that
// the new state rejects.
std::vector<OpenPeriod> find_open_periods(const std::vector<BreakerRow>& rows, nanoseconds timeout,
                                          nanoseconds end) {
  std::vector<OpenPeriod> periods;
  for (const BreakerRow& row : rows) {
    const bool opens =
        row.kind == BreakerRow::Kind::kTransition && row.state == BreakerState::kOpen;
    if (opens) {
      OpenPeriod period;
      period.from = row.time;
      // At `end` exactly the breaker is still open, since the timeout has not passed yet.
      const bool timeout_ran_out = row.time + timeout < end;
      if (timeout_ran_out) period.to = row.time + timeout;
      period.open = period.to.value_or(end) - period.from;
      periods.push_back(period);
      continue;
    }

    const bool rejected_open =
        row.kind == BreakerRow::Kind::kArrival && row.decision == BreakerDecision::kRejectedOpen;
    if (rejected_open && !periods.empty()) {
      ++periods.back().rejected_open;
      if (row.scenario_outcome == CallOutcome::kSuccess) ++periods.back().rejected_scenario_success;
    }
  }
  return periods;
}

// Replays `scenario` on a Breaker (CircuitBreaker or MutexCircuitBreaker).
template <class Breaker>
BreakerTimeline replay(const BreakerScenario& scenario) {
  BreakerTimeline timeline;
  timeline.config = scenario.config;
  std::vector<BreakerRow>& rows = timeline.rows;

  // The breaker's clock returns the virtual time `now`. Its state-change callback stores each
  // transition, with the generation the transition started, until add_row() places it after the
  // row of the event that caused it.
  nanoseconds now{0};
  std::vector<BreakerRow> transitions;
  Breaker* breaker_for_callback = nullptr;

  BreakerSettings settings;
  settings.name = scenario.config.name;
  settings.max_requests = scenario.config.max_requests;
  settings.interval = scenario.config.interval;
  settings.timeout = scenario.config.timeout;
  settings.ready_to_trip = make_ready_to_trip(scenario.config.ready_to_trip);
  settings.clock = [&now] { return detail::virtual_time(now); };
  settings.on_state_change = [&](std::string_view, BreakerState from, BreakerState to) {
    BreakerRow row;
    row.time = now;
    row.kind = BreakerRow::Kind::kTransition;
    row.from = from;
    row.state = to;
    // The breaker calls back after releasing its lock, so it may be read here.
    row.generation = breaker_for_callback->generation();
    transitions.push_back(row);
  };
  Breaker breaker(std::move(settings));
  breaker_for_callback = &breaker;

  // Completes the row of the event just replayed with the breaker's state after it, then adds
  // the transitions that the event caused.
  auto add_row = [&](BreakerRow row) {
    row.state = breaker.state();
    row.generation = breaker.generation();
    row.counts = breaker.counts();
    count(timeline.summary, row);
    rows.push_back(row);
    for (const BreakerRow& transition : transitions) {
      count(timeline.summary, transition);
      rows.push_back(transition);
    }
    transitions.clear();
  };

  // Arrivals in time order. std::stable_sort keeps file order among equal times.
  std::vector<std::size_t> arrival_order(scenario.calls.size());
  std::iota(arrival_order.begin(), arrival_order.end(), std::size_t{0});
  std::stable_sort(arrival_order.begin(), arrival_order.end(), [&](std::size_t a, std::size_t b) {
    return scenario.calls[a].arrival < scenario.calls[b].arrival;
  });

  CompletionQueue completions;
  std::size_t next_arrival = 0;
  while (next_arrival < arrival_order.size() || !completions.empty()) {
    const bool arrivals_left = next_arrival < arrival_order.size();
    const bool completion_is_next =
        !completions.empty() &&
        (!arrivals_left ||
         completions.top().time <= scenario.calls[arrival_order[next_arrival]].arrival);

    if (completion_is_next) {
      const PendingCompletion completion = completions.top();
      completions.pop();
      now = completion.time;

      // The generation check uses the breaker's own rule: a ticket from an ended generation is
      // dropped. Reading the generation first also brings the state up to date with `now`.
      const bool generation_ended = breaker.generation() != completion.ticket.generation();
      const bool success = completion.outcome == CallOutcome::kSuccess;
      breaker.report(completion.ticket, success);

      BreakerRow row;
      row.time = now;
      row.kind = BreakerRow::Kind::kCompletion;
      row.call = completion.call;
      row.scenario_outcome = completion.outcome;
      row.call_generation = completion.ticket.generation();
      row.result = generation_ended ? CompletionResult::kIgnoredGenerationEnded
                   : success        ? CompletionResult::kSuccessCounted
                                    : CompletionResult::kFailureCounted;
      add_row(row);
      continue;
    }

    const BreakerCall& call = scenario.calls[arrival_order[next_arrival++]];
    now = call.arrival;
    const BreakerTicket ticket = breaker.allow();

    BreakerRow row;
    row.time = now;
    row.kind = BreakerRow::Kind::kArrival;
    row.call = timeline.summary.calls + 1;
    row.decision = decide(ticket);
    row.scenario_outcome = call.outcome;
    row.call_generation = ticket.generation();
    if (ticket.ok()) {
      completions.push(PendingCompletion{now + call.duration, row.call, ticket, call.outcome});
    }
    add_row(row);
  }

  BreakerSummary& summary = timeline.summary;
  summary.end = now;
  summary.open_periods = find_open_periods(rows, scenario.config.effective_timeout(), summary.end);
  for (const OpenPeriod& period : summary.open_periods) summary.open += period.open;
  summary.final_state = breaker.state();
  summary.final_generation = breaker.generation();
  return timeline;
}

}  // namespace

const char* to_string(BreakerDecision decision) {
  switch (decision) {
    case BreakerDecision::kAllowed:
      return "allowed";
    case BreakerDecision::kRejectedOpen:
      return "rejected: open";
    case BreakerDecision::kRejectedTooManyRequests:
      return "rejected: too many requests";
  }
  return "unknown";
}

const char* to_string(CompletionResult result) {
  switch (result) {
    case CompletionResult::kSuccessCounted:
      return "success counted";
    case CompletionResult::kFailureCounted:
      return "failure counted";
    case CompletionResult::kIgnoredGenerationEnded:
      return "ignored: generation ended";
  }
  return "unknown";
}

const char* to_string(BreakerRow::Kind kind) {
  switch (kind) {
    case BreakerRow::Kind::kArrival:
      return "arrival";
    case BreakerRow::Kind::kCompletion:
      return "completion";
    case BreakerRow::Kind::kTransition:
      return "transition";
  }
  return "unknown";
}

std::string describe_outcome(const BreakerRow& row) {
  switch (row.kind) {
    case BreakerRow::Kind::kArrival:
      return to_string(row.decision);
    case BreakerRow::Kind::kCompletion:
      return to_string(row.result);
    case BreakerRow::Kind::kTransition:
      return fmt::format("{} -> {}", to_string(row.from), to_string(row.state));
  }
  return "unknown";
}

BreakerTimeline replay_breaker(const BreakerScenario& scenario,
                               BreakerImplementation implementation) {
  if (implementation == BreakerImplementation::kMutexCircuitBreaker) {
    return replay<MutexCircuitBreaker>(scenario);
  }
  return replay<CircuitBreaker>(scenario);
}

}  // namespace paybench::simulator
