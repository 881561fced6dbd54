// Rendering a replayed timeline as an aligned table, a JSON document or CSV rows. The columns are
// described in docs/simulate.md.
#pragma once

#include <string>

namespace paybench::simulator {

struct BreakerTimeline;
struct LimiterTimeline;

enum class OutputFormat { kTable, kJson, kCsv };

// Returns the config, one line per event and the summary, with column headers, for a terminal
// of 100 columns in the usual case. Columns widen when a value needs more room. A breaker's
// table ends with its open periods, if any.
std::string render_table(const BreakerTimeline& timeline);
std::string render_table(const LimiterTimeline& timeline);

// Returns a JSON object with the config as replayed (defaults filled in), the events, the
// breaker's transitions and the summary, indented by 2 spaces and ending with a newline.
std::string render_json(const BreakerTimeline& timeline);
std::string render_json(const LimiterTimeline& timeline);

// Returns a header row and one row per timeline line, quoted as RFC 4180 describes, with LF line
// endings. The summary is left out, because it does not fit the rows' columns.
std::string render_csv(const BreakerTimeline& timeline);
std::string render_csv(const LimiterTimeline& timeline);

template <class Timeline>
std::string render(const Timeline& timeline, OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson:
      return render_json(timeline);
    case OutputFormat::kCsv:
      return render_csv(timeline);
    case OutputFormat::kTable:
      break;
  }
  return render_table(timeline);
}

}  // namespace paybench::simulator
