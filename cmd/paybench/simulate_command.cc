#include "simulate_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "exit_codes.h"
#include "paybench/reports/atomic_file.h"
#include "paybench/simulator/breaker_timeline.h"
#include "paybench/simulator/limiter_timeline.h"
#include "paybench/simulator/output.h"
#include "paybench/simulator/scenario_error.h"
#include "paybench/simulator/scenario_reader.h"
#include "usage_error.h"

namespace paybench::cli {
namespace {

namespace fs = std::filesystem;
using simulator::OutputFormat;
using simulator::ScenarioFormat;

constexpr const char* kSimulateHelp =
    "Scenario, in JSON (docs/simulate.md describes CSV and every key):\n"
    "  breaker: {\"config\": {\"name\": \"psp\", \"max_requests\": 2, \"interval_ms\": 0,\n"
    "            \"timeout_ms\": 30000, \"ready_to_trip\": {\"consecutive_failures_over\": 5}},\n"
    "            \"events\": [{\"at_ms\": 0, \"outcome\": \"failure\", \"duration_ms\": 20,\n"
    "                        \"repeat\": 10, \"every_ms\": 50}]}\n"
    "  limiter: {\"config\": {\"limit_per_s\": 10, \"burst\": 5},\n"
    "            \"events\": [{\"at_ms\": 0, \"n\": 1, \"repeat\": 8, \"every_ms\": 10},\n"
    "                       {\"at_ms\": 500, \"set_limit_per_s\": 20},\n"
    "                       {\"at_ms\": 600, \"set_burst\": 2}]}\n"
    "  Times are milliseconds >= 0 on a virtual clock. A breaker call asks the breaker at at_ms\n"
    "  and, if allowed, reports its outcome at at_ms + duration_ms. A CSV scenario has key=value\n"
    "  config lines, then a header row (at_ms,outcome,... or at_ms,n,...), then one row per\n"
    "  event. The limiter's set_limit_per_s and set_burst are CSV columns too.\n"
    "\n"
    "Output: one line per event in time order, with completions before arrivals at equal times\n"
    "and file order after that. Each state transition follows the event that caused it, and a\n"
    "summary ends the output (except in CSV).\n"
    "  breaker: time_ms, call, scenario (the outcome that the scenario gives the call, reported\n"
    "           only if the call is allowed), outcome, then state, generation and counts after\n"
    "           the event. JSON and CSV add the event kind. The summary lists rejected calls\n"
    "           whose scenario outcome is success, and each period the breaker was open.\n"
    "  limiter: time_ms, request, event, n, outcome, then tokens, limit_per_s and burst after it\n";

// Returns the format that --input-format names, or else the one that the scenario's extension
// names. When neither names one and the path is a directory or does not exist, returns
// std::nullopt, so that the reader reports that problem, which is the one to fix first.
std::optional<ScenarioFormat> resolve_input_format(const SimulateOptions& options) {
  if (options.input_format == "json") return ScenarioFormat::kJson;
  if (options.input_format == "csv") return ScenarioFormat::kCsv;

  const std::optional<ScenarioFormat> by_extension =
      simulator::format_from_extension(options.scenario);
  std::error_code error;
  const bool reader_reports_path =
      !fs::exists(options.scenario, error) || fs::is_directory(options.scenario, error);
  if (!by_extension && !reader_reports_path) {
    throw UsageError(fmt::format(
        "cannot tell the format of scenario '{}' from its extension: expected a .json or .csv "
        "file, or pass --input-format json|csv",
        options.scenario));
  }
  return by_extension;
}

OutputFormat parse_output_format(const std::string& format) {
  if (format == "json") return OutputFormat::kJson;
  if (format == "csv") return OutputFormat::kCsv;
  return OutputFormat::kTable;
}

// Returns the choices as prose: "json or csv", "table, json or csv".
std::string join_choices(const std::vector<std::string>& choices) {
  std::string text;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) text += i + 1 == choices.size() ? " or " : ", ";
    text += choices[i];
  }
  return text;
}

// Returns a CLI11 check that accepts only `choices`. Its error names the value, the choices and
// `example`, a corrected command line.
CLI::Validator one_of(const std::vector<std::string>& choices, std::string example) {
  const std::string description = fmt::format("{{{}}}", fmt::join(choices, ","));
  return CLI::Validator(
      [choices, example = std::move(example)](std::string& value) -> std::string {
        if (std::find(choices.begin(), choices.end(), value) != choices.end()) return "";
        return fmt::format("invalid value '{}': expected {}, e.g. {}", value,
                           join_choices(choices), example);
      },
      description);
}

// Reads the scenario, replays it and returns the rendered output.
std::string simulate(const SimulateOptions& options) {
  const std::optional<ScenarioFormat> input_format = resolve_input_format(options);
  const OutputFormat output_format = parse_output_format(options.format);

  if (options.component == "breaker") {
    const simulator::BreakerScenario scenario =
        simulator::read_breaker_scenario(options.scenario, input_format);
    return simulator::render(simulator::replay_breaker(scenario), output_format);
  }
  const simulator::LimiterScenario scenario =
      simulator::read_limiter_scenario(options.scenario, input_format);
  return simulator::render(simulator::replay_limiter(scenario), output_format);
}

void check_output_is_not_scenario(const SimulateOptions& options) {
  std::error_code error;
  if (!options.output.empty() && fs::equivalent(options.output, options.scenario, error)) {
    throw UsageError(
        fmt::format("--out '{}' is the scenario file itself: choose another file for the output",
                    options.output));
  }
}

}  // namespace

CLI::App* setup_simulate_command(CLI::App& app, SimulateOptions& options) {
  CLI::App* simulate = app.add_subcommand(
      "simulate",
      "Replay a breaker or limiter scenario on a virtual clock and show every decision");
  simulate->add_option("component", options.component, "breaker or limiter")
      ->required()
      ->check(one_of({"breaker", "limiter"}, "'paybench simulate breaker --scenario FILE'"));
  simulate->add_option("--scenario", options.scenario, "Scenario file, .json or .csv")
      ->required()
      ->type_name("FILE");
  simulate
      ->add_option("--input-format", options.input_format,
                   "Scenario format when the extension is neither .json nor .csv")
      ->check(one_of({"json", "csv"}, "--input-format csv"));
  simulate->add_option("--format", options.format, "Output format: table (default), json or csv")
      ->check(one_of({"table", "json", "csv"}, "--format json"));
  // --out as in every other command; --output is the name this option had first.
  simulate
      ->add_option("--out,--output", options.output,
                   "Write the output to FILE (replaced atomically, its directory created) "
                   "instead of stdout")
      ->type_name("FILE");
  // Setting a footer replaces the exit codes that the subcommand copied from `app`.
  simulate->footer(std::string(kSimulateHelp) + "\n" + kExitCodesHelp);
  return simulate;
}

std::string describe_simulate_parse_error(const CLI::App& simulate, const CLI::ParseError& error) {
  if (dynamic_cast<const CLI::RequiredError*>(&error) == nullptr) return error.what();

  // CLI11 raises RequiredError after it has parsed every argument, so the options' counts show
  // which one is missing. The suggested command keeps what the user gave.
  const CLI::Option* component = simulate.get_option("component");
  const CLI::Option* scenario = simulate.get_option("--scenario");
  if (component->count() == 0) {
    const std::string scenario_given = scenario->count() > 0 ? scenario->results().front() : "FILE";
    return fmt::format(
        "missing the component to replay: expected breaker or limiter, e.g. 'paybench simulate "
        "breaker --scenario {}'",
        scenario_given);
  }
  if (scenario->count() == 0) {
    return fmt::format(
        "missing --scenario: expected the scenario file to replay, e.g. 'paybench simulate {} "
        "--scenario FILE'",
        component->results().front());
  }
  return error.what();
}

int run_simulate_command(const SimulateOptions& options) {
  check_output_is_not_scenario(options);

  std::string output;
  try {
    output = simulate(options);
  } catch (const simulator::ScenarioError& error) {
    if (error.found_kind()) {
      throw UsageError(fmt::format("{}: run 'paybench simulate {} --scenario {}'", error.what(),
                                   simulator::to_string(*error.found_kind()), options.scenario));
    }
    throw UsageError(error.what());
  }

  if (options.output.empty()) {
    std::cout << output;
    return kExitSuccess;
  }
  try {
    reports::write_text_file_atomically(options.output, output);
  } catch (const std::runtime_error& error) {
    throw UsageError(fmt::format("{}; choose another file with --out", error.what()));
  }
  return kExitSuccess;
}

}  // namespace paybench::cli
