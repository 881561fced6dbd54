// The table, JSON and CSV renderers, and the formatting they share.
#include "paybench/simulator/output.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "output_text.h"
#include "paybench/simulator/breaker_timeline.h"
#include "paybench/simulator/limiter_timeline.h"

namespace paybench::simulator {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

// A breaker that trips at 55 ms, rejects call 8 (success) as open, admits calls 9 and 10 as
// probes, rejects call 11 (success) as too many requests and closes at 1250 ms. Call 6 completes
// last, in an ended generation. Every kind of row appears.
BreakerTimeline sample_breaker_timeline() {
  BreakerScenario scenario;
  scenario.config.name = "psp, eu";
  scenario.config.max_requests = 2;
  scenario.config.timeout = 1000ms;
  for (int i = 0; i < 6; ++i) {
    scenario.calls.push_back(BreakerCall{i * 10ms, 5ms, CallOutcome::kFailure});
  }
  scenario.calls.push_back(BreakerCall{42'500us, 2000ms, CallOutcome::kFailure});
  scenario.calls.push_back(BreakerCall{500ms, 0ms, CallOutcome::kSuccess});
  scenario.calls.push_back(BreakerCall{1100ms, 100ms, CallOutcome::kSuccess});
  scenario.calls.push_back(BreakerCall{1150ms, 100ms, CallOutcome::kSuccess});
  scenario.calls.push_back(BreakerCall{1160ms, 100ms, CallOutcome::kSuccess});
  return replay_breaker(scenario);
}

LimiterTimeline sample_limiter_timeline() {
  LimiterScenario scenario;
  scenario.config = LimiterConfig{std::numeric_limits<double>::infinity(), 2};
  scenario.events.push_back(LimiterEvent{0ms, LimiterEvent::Kind::kRequest, 5});
  scenario.events.push_back(LimiterEvent{10ms, LimiterEvent::Kind::kSetLimit, 1, 2.5});
  scenario.events.push_back(LimiterEvent{12'250us, LimiterEvent::Kind::kRequest, 3});
  return replay_limiter(scenario);
}

TEST(OutputText, FormatsMillisecondsExactly) {
  EXPECT_EQ(detail::format_ms(0ns), "0");
  EXPECT_EQ(detail::format_ms(1500ms), "1500");
  EXPECT_EQ(detail::format_ms(12'500us), "12.5");
  EXPECT_EQ(detail::format_ms(1ns), "0.000001");
  EXPECT_EQ(detail::json_ms(1500ms), json(1500));
  EXPECT_TRUE(detail::json_ms(1500ms).is_number_integer());
  EXPECT_EQ(detail::json_ms(12'500us), json(12.5));
}

TEST(OutputText, QuotesCsvFieldsAsRfc4180) {
  EXPECT_EQ(detail::csv_field("allowed"), "allowed");
  EXPECT_EQ(detail::csv_field("psp, eu"), "\"psp, eu\"");
  EXPECT_EQ(detail::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(detail::csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(detail::csv_field(" padded"), "\" padded\"");
  EXPECT_EQ(detail::csv_field(""), "");
}

TEST(OutputText, TableAlignsColumns) {
  detail::TextTable table(
      {{"name", detail::TextTable::Align::kLeft}, {"n", detail::TextTable::Align::kRight}});
  table.add_row({"a", "100"});
  table.add_row({"longer", "2"});

  EXPECT_EQ(table.render(), "name      n\na       100\nlonger    2\n");
}

TEST(BreakerTable, FitsHundredColumns) {
  const std::string table = render_table(sample_breaker_timeline());

  for (const std::string& line : lines_of(table)) {
    EXPECT_LE(line.size(), 100u) << line;
    EXPECT_FALSE(!line.empty() && line.back() == ' ') << "trailing space: " << line;
  }
}

TEST(BreakerTable, ShowsConfigRowsAndSummary) {
  const std::string table = render_table(sample_breaker_timeline());

  EXPECT_NE(table.find("Breaker psp, eu: max_requests 2, timeout_ms 1000, interval_ms 0"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("ready_to_trip: consecutive_failures > 5 (the default)"), std::string::npos);
  EXPECT_NE(table.find("closed -> open"), std::string::npos) << table;
  EXPECT_NE(table.find("  42.5  "), std::string::npos) << table;
  EXPECT_NE(table.find("rejected: too many requests"), std::string::npos) << table;
  EXPECT_NE(table.find("ignored: generation ended"), std::string::npos) << table;
  EXPECT_NE(table.find("\nSummary\n"), std::string::npos) << table;
}

TEST(BreakerTable, ColumnsNameScenarioOutcome) {
  const std::vector<std::string> lines = lines_of(render_table(sample_breaker_timeline()));

  const std::string header =
      "time_ms  call  scenario  outcome                      state     gen req succ fail c.succ "
      "c.fail";
  ASSERT_EQ(std::count(lines.begin(), lines.end(), header), 1) << "no header: " << header;
  const auto first_row = std::find(lines.begin(), lines.end(), header) + 1;
  ASSERT_NE(first_row, lines.end());
  EXPECT_EQ(*first_row,
            "      0     1  failure   allowed                      closed      1   1    0    0"
            "      0      0");
}

TEST(BreakerTable, RejectedRowShowsScenarioOutcome) {
  const std::string table = render_table(sample_breaker_timeline());

  EXPECT_NE(table.find("    500     8  success   rejected: open "), std::string::npos) << table;
  EXPECT_NE(table.find("   1160    11  success   rejected: too many requests "),
            std::string::npos)
      << table;
}

TEST(BreakerTable, SummaryListsRejectedSuccesses) {
  const std::string table = render_table(sample_breaker_timeline());

  EXPECT_NE(table.find("  rejected, scenario success   2, arriving from 500 to 1160 ms\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("  open periods                 1\n"), std::string::npos) << table;
  EXPECT_NE(table.find("  time open, ms                1000\n"), std::string::npos) << table;
}

TEST(BreakerTable, ListsOpenPeriods) {
  const std::string table = render_table(sample_breaker_timeline());

  const std::string expected =
      "\nOpen periods: the breaker rejects every call from from_ms through to_ms\n"
      "  from_ms  to_ms  open_ms  rejected  rejected, scenario success\n"
      "       55   1055     1000         1                           1\n";
  EXPECT_TRUE(table.ends_with(expected)) << table;
}

TEST(BreakerTable, OpenPeriodStillOpenAtEnd) {
  BreakerScenario scenario;
  scenario.config.ready_to_trip.kind = TripRule::Kind::kConsecutiveFailures;
  scenario.config.ready_to_trip.consecutive_failures_over = 0;
  scenario.calls.push_back(BreakerCall{0ms, 0ms, CallOutcome::kFailure});
  scenario.calls.push_back(BreakerCall{20ms, 0ms, CallOutcome::kFailure});
  const std::string table = render_table(replay_breaker(scenario));

  EXPECT_NE(table.find("  rejected, scenario success   0\n"), std::string::npos) << table;
  EXPECT_NE(table.find("        0  still open at end       20         1"), std::string::npos)
      << table;
}

TEST(BreakerTable, NoOpenPeriodsWithoutTrip) {
  BreakerScenario scenario;
  scenario.calls.push_back(BreakerCall{0ms, 0ms, CallOutcome::kFailure});
  const std::string table = render_table(replay_breaker(scenario));

  EXPECT_NE(table.find("  open periods                 0\n"), std::string::npos) << table;
  EXPECT_EQ(table.find("Open periods:"), std::string::npos) << table;
}

TEST(BreakerJson, EchoesConfigWithDefaults) {
  BreakerScenario scenario;
  scenario.calls.push_back(BreakerCall{0ms, 0ms, CallOutcome::kSuccess});
  const json document = json::parse(render_json(replay_breaker(scenario)));

  EXPECT_EQ(document["component"], "breaker");
  EXPECT_EQ(document["config"]["name"], "breaker");
  EXPECT_EQ(document["config"]["max_requests"], 1);
  EXPECT_EQ(document["config"]["interval_ms"], 0);
  EXPECT_EQ(document["config"]["timeout_ms"], 60000);
  EXPECT_EQ(document["config"]["ready_to_trip"], json({{"consecutive_failures_over", 5}}));
}

TEST(BreakerJson, NameNotUtf8IsReplaced) {
  BreakerScenario scenario;
  scenario.config.name = "gate\xff";
  scenario.calls.push_back(BreakerCall{0ms, 0ms, CallOutcome::kSuccess});
  const json document = json::parse(render_json(replay_breaker(scenario)));

  EXPECT_EQ(document["config"]["name"], "gate\xef\xbf\xbd");
}

TEST(BreakerJson, TransitionsPointAtTheirCause) {
  const BreakerTimeline timeline = sample_breaker_timeline();
  const json document = json::parse(render_json(timeline));

  const json& events = document["events"];
  const json& transitions = document["transitions"];
  ASSERT_EQ(transitions.size(), timeline.summary.transitions);
  ASSERT_GE(transitions.size(), 1u);
  for (const json& transition : transitions) {
    const json& cause = events.at(transition["caused_by_event"].get<std::size_t>());
    EXPECT_EQ(cause["time_ms"], transition["time_ms"]);
    EXPECT_EQ(cause["state"], transition["to"]);
  }
  EXPECT_EQ(transitions[0]["from"], "closed");
  EXPECT_EQ(transitions[0]["to"], "open");
  EXPECT_EQ(events.size() + transitions.size(), timeline.rows.size());
  EXPECT_EQ(document["summary"]["calls"], 11);
  EXPECT_EQ(document["summary"]["final_state"], "closed");
}

TEST(BreakerJson, CompletionNamesReportedOutcomeAndGeneration) {
  const json document = json::parse(render_json(sample_breaker_timeline()));

  const json& first_completion = document["events"][1];
  EXPECT_EQ(first_completion["event"], "completion");
  EXPECT_EQ(first_completion["reported"], "failure");
  EXPECT_EQ(first_completion["outcome"], "failure counted");
  EXPECT_EQ(first_completion["call_generation"], 1);
  EXPECT_EQ(first_completion["counts"]["consecutive_failures"], 1);
}

TEST(BreakerJson, ArrivalNamesScenarioOutcome) {
  const json document = json::parse(render_json(sample_breaker_timeline()));

  for (const json& event : document["events"]) {
    if (event["call"] != 8) continue;
    ASSERT_EQ(event["event"], "arrival");
    EXPECT_EQ(event["scenario_outcome"], "success");
    EXPECT_EQ(event["outcome"], "rejected: open");
    EXPECT_FALSE(event.contains("reported"));
    return;
  }
  ADD_FAILURE() << "no event for call 8";
}

TEST(BreakerJson, SummaryHasRejectedSuccessesAndOpenPeriods) {
  const json summary = json::parse(render_json(sample_breaker_timeline()))["summary"];

  EXPECT_EQ(summary["rejected_scenario_success"],
            json({{"calls", 2}, {"first_ms", 500}, {"last_ms", 1160}}));
  EXPECT_EQ(summary["open_ms"], 1000);
  ASSERT_EQ(summary["open_periods"].size(), 1u);
  EXPECT_EQ(summary["open_periods"][0], json({{"from_ms", 55},
                                              {"to_ms", 1055},
                                              {"open_ms", 1000},
                                              {"rejected_open", 1},
                                              {"rejected_scenario_success", 1}}));
}

TEST(BreakerJson, MissingTimesAreNull) {
  BreakerScenario scenario;
  scenario.config.ready_to_trip.kind = TripRule::Kind::kConsecutiveFailures;
  scenario.config.ready_to_trip.consecutive_failures_over = 0;
  scenario.calls.push_back(BreakerCall{0ms, 0ms, CallOutcome::kFailure});
  scenario.calls.push_back(BreakerCall{20ms, 0ms, CallOutcome::kFailure});
  const json summary = json::parse(render_json(replay_breaker(scenario)))["summary"];

  EXPECT_TRUE(summary["rejected_scenario_success"]["first_ms"].is_null()) << summary;
  EXPECT_TRUE(summary["rejected_scenario_success"]["last_ms"].is_null()) << summary;
  EXPECT_TRUE(summary["open_periods"][0]["to_ms"].is_null()) << summary;
  EXPECT_EQ(summary["open_periods"][0]["open_ms"], 20);
}

TEST(BreakerCsv, HeaderAndOneRowPerLine) {
  const BreakerTimeline timeline = sample_breaker_timeline();
  const std::vector<std::string> lines = lines_of(render_csv(timeline));

  ASSERT_EQ(lines.size(), timeline.rows.size() + 1);
  EXPECT_EQ(lines[0],
            "time_ms,event,call,scenario_outcome,outcome,state,generation,requests,"
            "total_successes,total_failures,consecutive_successes,consecutive_failures");
  EXPECT_EQ(lines[1], "0,arrival,1,failure,allowed,closed,1,1,0,0,0,0");
  const std::string rejected_success = "500,arrival,8,success,rejected: open,open,2,0,0,0,0,0";
  EXPECT_EQ(std::count(lines.begin(), lines.end(), rejected_success), 1);
  bool has_transition = false;
  for (const std::string& line : lines) {
    if (line.find(",transition,") == std::string::npos) continue;
    has_transition = true;
    EXPECT_NE(line.find(",transition,,,"), std::string::npos) << line;
    EXPECT_TRUE(line.ends_with(",,,,,")) << line;
  }
  EXPECT_TRUE(has_transition);
}

TEST(LimiterOutput, TableJsonAndCsv) {
  const LimiterTimeline timeline = sample_limiter_timeline();

  const std::string table = render_table(timeline);
  EXPECT_NE(table.find("Limiter: limit_per_s inf, burst 2"), std::string::npos) << table;
  EXPECT_NE(table.find("limit_per_s inf -> 2.5"), std::string::npos) << table;
  EXPECT_NE(table.find("12.25"), std::string::npos) << table;

  const json document = json::parse(render_json(timeline));
  EXPECT_EQ(document["config"]["limit_per_s"], "inf");
  EXPECT_EQ(document["events"][0]["outcome"], "allowed");
  EXPECT_EQ(document["events"][1]["previous_limit_per_s"], "inf");
  EXPECT_EQ(document["events"][1]["limit_per_s"], 2.5);
  EXPECT_EQ(document["events"][2]["time_ms"], 12.25);
  EXPECT_EQ(document["events"][2]["outcome"], "rejected: n exceeds burst");

  const std::vector<std::string> lines = lines_of(render_csv(timeline));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "time_ms,event,request,n,outcome,tokens,limit_per_s,burst");
  EXPECT_EQ(lines[2], "10,set_limit,,,limit_per_s inf -> 2.5,2,2.5,2");
}

TEST(Output, RenderDispatchesOnFormat) {
  const LimiterTimeline timeline = sample_limiter_timeline();

  EXPECT_EQ(render(timeline, OutputFormat::kTable), render_table(timeline));
  EXPECT_EQ(render(timeline, OutputFormat::kJson), render_json(timeline));
  EXPECT_EQ(render(timeline, OutputFormat::kCsv), render_csv(timeline));
}

}  // namespace
}  // namespace paybench::simulator
