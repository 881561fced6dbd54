// The table renderer: the config, one aligned line per timeline event, and the summary.
#include <fmt/format.h>

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
      "After each event: gen generation; req requests, succ and fail total successes and\n"
      "failures, c.succ and c.fail consecutive ones, all counted in the current generation.\n\n",
      config.name, config.effective_max_requests(), detail::format_ms(config.effective_timeout()),
      detail::format_ms(config.interval), never_clears ? " (counts kept while closed)" : "",
      describe_trip_rule(config.ready_to_trip));
}

}  // namespace

std::string render_table(const BreakerTimeline& timeline) {
  std::string out = describe_breaker_config(timeline.config);

  TextTable table({{"time_ms", TextTable::Align::kRight},
                   {"call", TextTable::Align::kRight},
                   {"event", TextTable::Align::kLeft},
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
                                      to_string(row.kind),
                                      describe_outcome(row),
                                      std::string(to_string(row.state)),
                                      fmt::format("{}", row.generation)};
    if (row.kind != BreakerRow::Kind::kTransition) {
      cells[1] = fmt::format("{}", row.call);
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
      {"success counted", fmt::format("{}", summary.successes_counted)},
      {"failure counted", fmt::format("{}", summary.failures_counted)},
      {"ignored: generation ended", fmt::format("{}", summary.ignored_generation_ended)},
      {"transitions", fmt::format("{}", summary.transitions)},
      {"time open, ms", detail::format_ms(summary.open)},
      {"last event at ms", detail::format_ms(summary.end)},
      {"final state",
       fmt::format("{} (gen {})", to_string(summary.final_state), summary.final_generation)},
  });
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
