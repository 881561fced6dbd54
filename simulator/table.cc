// The table renderer: the config, one aligned line per timeline event, the summary and, for a
// breaker, its open periods.
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "output_text.h"
#include "paybench/simulator/breaker_timeline.h"
#include "paybench/simulator/limiter_timeline.h"
#include "paybench/simulator/output.h"

namespace paybench::simulator {
namespace {

using detail::TextTable;

std::string describe_trip_rule(const TripRule& rule) {
  switch (rule.kind) {
    case TripRule::Kind::kDefault:
      return fmt::format("consecutive_failures > {} (the default)",
                         kDefaultConsecutiveFailuresOver);
    case TripRule::Kind::kConsecutiveFailures:
      return fmt::format("consecutive_failures > {}", rule.consecutive_failures_over);
    case TripRule::Kind::kFailureRatio:
      return fmt::format("total_failures / requests >= {} once requests >= {}",
                         rule.failure_ratio_at_least, rule.min_requests);
  }
  return "unknown";
}

std::string describe_breaker_config(const BreakerConfig& config) {
  const bool never_clears = config.interval == std::chrono::nanoseconds::zero();
  return fmt::format(
      "Breaker {}: max_requests {}, timeout_ms {}, interval_ms {}{}\n"
      "ready_to_trip: {}\n"
      "scenario: the outcome that the scenario gives the call, reported only if it is admitted.\n"
      "After each event: gen generation; req requests, succ and fail total successes and\n"
      "failures, c.succ and c.fail consecutive ones, all counted in the current generation.\n\n",
      config.name, config.effective_max_requests(), detail::format_ms(config.effective_timeout()),
      detail::format_ms(config.interval), never_clears ? " (counts kept while closed)" : "",
      describe_trip_rule(config.ready_to_trip));
}

std::string describe_rejected_scenario_successes(const RejectedScenarioSuccesses& rejected) {
  if (rejected.calls == 0) return "0";
  return fmt::format("{}, arriving from {} to {} ms", rejected.calls,
                     detail::format_ms(rejected.first.value()),
                     detail::format_ms(rejected.last.value()));
}

// Returns `text` with `prefix` before each of its lines.
std::string indent_lines(const std::string& text, std::string_view prefix) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t newline = text.find('\n', start);
    const std::size_t end = newline == std::string::npos ? text.size() : newline + 1;
    out += prefix;
    out += text.substr(start, end - start);
    start = end;
  }
  return out;
}

// Returns a heading and one line per open period, or an empty string when the breaker never
// opened.
std::string render_open_periods(const std::vector<OpenPeriod>& periods) {
  if (periods.empty()) return "";

  TextTable table({{"from_ms", TextTable::Align::kRight},
                   {"to_ms", TextTable::Align::kRight},
                   {"open_ms", TextTable::Align::kRight},
                   {"rejected", TextTable::Align::kRight},
                   {"rejected, scenario success", TextTable::Align::kRight}});
  for (const OpenPeriod& period : periods) {
    table.add_row({detail::format_ms(period.from),
                   period.to ? detail::format_ms(*period.to) : "still open at end",
                   detail::format_ms(period.open), fmt::format("{}", period.rejected_open),
                   fmt::format("{}", period.rejected_scenario_success)});
  }
  return "\nOpen periods: the breaker rejects every call from from_ms through to_ms\n" +
         indent_lines(table.render(), "  ");
}

}  // namespace

std::string render_table(const BreakerTimeline& timeline) {
  std::string out = describe_breaker_config(timeline.config);

  // The outcome's wording already distinguishes an arrival, a completion and a transition, so the
  // table leaves out the event column that JSON and CSV have. That keeps it within 100 columns.
  TextTable table({{"time_ms", TextTable::Align::kRight},
                   {"call", TextTable::Align::kRight},
                   {"scenario", TextTable::Align::kLeft},
                   {"outcome", TextTable::Align::kLeft},
                   {"state", TextTable::Align::kLeft},
                   {"gen", TextTable::Align::kRight, 1},
                   {"req", TextTable::Align::kRight, 1},
                   {"succ", TextTable::Align::kRight, 1},
                   {"fail", TextTable::Align::kRight, 1},
                   {"c.succ", TextTable::Align::kRight, 1},
                   {"c.fail", TextTable::Align::kRight, 1}});
  for (const BreakerRow& row : timeline.rows) {
    std::vector<std::string> cells = {detail::format_ms(row.time),
                                      "",  // the call, set below
                                      "",  // the scenario outcome, set below
                                      describe_outcome(row),
                                      std::string(to_string(row.state)),
                                      fmt::format("{}", row.generation)};
    if (row.kind != BreakerRow::Kind::kTransition) {
      cells[1] = fmt::format("{}", row.call);
      cells[2] = to_string(row.scenario_outcome);
      const BreakerCounts& counts = row.counts;
      for (const std::uint32_t value :
           {counts.requests, counts.total_successes, counts.total_failures,
            counts.consecutive_successes, counts.consecutive_failures}) {
        cells.push_back(fmt::format("{}", value));
      }
    }
    table.add_row(std::move(cells));
  }
  out += table.render();

  const BreakerSummary& summary = timeline.summary;
  out += '\n';
  out += detail::render_summary({
      {"calls", fmt::format("{}", summary.calls)},
      {"allowed", fmt::format("{}", summary.allowed)},
      {"rejected: open", fmt::format("{}", summary.rejected_open)},
      {"rejected: too many requests", fmt::format("{}", summary.rejected_too_many_requests)},
      {"rejected, scenario success",
       describe_rejected_scenario_successes(summary.rejected_scenario_success)},
      {"success counted", fmt::format("{}", summary.successes_counted)},
      {"failure counted", fmt::format("{}", summary.failures_counted)},
      {"ignored: generation ended", fmt::format("{}", summary.ignored_generation_ended)},
      {"transitions", fmt::format("{}", summary.transitions)},
      {"open periods", fmt::format("{}", summary.open_periods.size())},
      {"time open, ms", detail::format_ms(summary.open)},
      {"last event at ms", detail::format_ms(summary.end)},
      {"final state",
       fmt::format("{} (gen {})", to_string(summary.final_state), summary.final_generation)},
  });
  out += render_open_periods(summary.open_periods);
  return out;
}

std::string render_table(const LimiterTimeline& timeline) {
  std::string out =
      fmt::format("Limiter: limit_per_s {}, burst {}\n\n",
                  detail::format_limit(timeline.config.limit_per_s), timeline.config.burst);

  TextTable table({{"time_ms", TextTable::Align::kRight},
                   {"request", TextTable::Align::kRight},
                   {"event", TextTable::Align::kLeft},
                   {"n", TextTable::Align::kRight},
                   {"outcome", TextTable::Align::kLeft},
                   {"tokens", TextTable::Align::kRight},
                   {"limit_per_s", TextTable::Align::kRight},
                   {"burst", TextTable::Align::kRight}});
  for (const LimiterRow& row : timeline.rows) {
    const bool is_request = row.kind == LimiterEvent::Kind::kRequest;
    table.add_row({detail::format_ms(row.time), is_request ? fmt::format("{}", row.request) : "",
                   to_string(row.kind), is_request ? fmt::format("{}", row.n) : "",
                   describe_outcome(row), fmt::format("{:.3f}", row.tokens),
                   detail::format_limit(row.limit_per_s), fmt::format("{}", row.burst)});
  }
  out += table.render();

  const LimiterSummary& summary = timeline.summary;
  out += '\n';
  out += detail::render_summary({
      {"requests", fmt::format("{}", summary.requests)},
      {"allowed", fmt::format("{}", summary.allowed)},
      {"rejected: not enough tokens", fmt::format("{}", summary.rejected_not_enough_tokens)},
      {"rejected: n exceeds burst", fmt::format("{}", summary.rejected_exceeds_burst)},
      {"tokens requested", fmt::format("{}", summary.tokens_requested)},
      {"tokens allowed", fmt::format("{}", summary.tokens_allowed)},
      {"config changes", fmt::format("{}", summary.config_changes)},
      {"last event at ms", detail::format_ms(summary.end)},
      {"tokens at the last event", fmt::format("{:.3f}", summary.final_tokens)},
  });
  return out;
}

}  // namespace paybench::simulator
