// The CSV renderer: a header and one row per timeline event.
#include <fmt/format.h>

#include "output_text.h"
#include "paybench/simulator/breaker_timeline.h"
#include "paybench/simulator/limiter_timeline.h"
#include "paybench/simulator/output.h"

namespace paybench::simulator {

std::string render_csv(const BreakerTimeline& timeline) {
  std::string out;
  detail::append_csv_row(
      out, {"time_ms", "event", "call", "scenario_outcome", "outcome", "state", "generation",
            "requests", "total_successes", "total_failures", "consecutive_successes",
            "consecutive_failures"});
  for (const BreakerRow& row : timeline.rows) {
    std::vector<std::string> fields = {detail::format_ms(row.time),
                                       to_string(row.kind),
                                       "",  // the call, set below
                                       "",  // the scenario outcome, set below
                                       describe_outcome(row),
                                       std::string(to_string(row.state)),
                                       fmt::format("{}", row.generation)};
    // Transitions leave the call, the scenario outcome and the counts empty, as in the table.
    if (row.kind != BreakerRow::Kind::kTransition) {
      fields[2] = fmt::format("{}", row.call);
      fields[3] = to_string(row.scenario_outcome);
      const BreakerCounts& counts = row.counts;
      for (const std::uint32_t value :
           {counts.requests, counts.total_successes, counts.total_failures,
            counts.consecutive_successes, counts.consecutive_failures}) {
        fields.push_back(fmt::format("{}", value));
      }
    } else {
      fields.resize(12);
    }
    detail::append_csv_row(out, fields);
  }
  return out;
}

std::string render_csv(const LimiterTimeline& timeline) {
  std::string out;
  detail::append_csv_row(
      out, {"time_ms", "event", "request", "n", "outcome", "tokens", "limit_per_s", "burst"});
  for (const LimiterRow& row : timeline.rows) {
    const bool is_request = row.kind == LimiterEvent::Kind::kRequest;
    detail::append_csv_row(out,
                           {detail::format_ms(row.time), to_string(row.kind),
                            is_request ? fmt::format("{}", row.request) : "",
                            is_request ? fmt::format("{}", row.n) : "", describe_outcome(row),
                            fmt::format("{}", row.tokens), detail::format_limit(row.limit_per_s),
                            fmt::format("{}", row.burst)});
  }
  return out;
}

}  // namespace paybench::simulator
