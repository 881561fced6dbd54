// paybench: measure payment-backend building blocks and compare their variants.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <exception>
#include <string>
#include <string_view>

#include "command_line.h"
#include "compare_command.h"
#include "exit_codes.h"
#include "flame_command.h"
#include "gate_command.h"
#include "paybench/engine/build_info.h"
#include "paybench/reports/input_text.h"
#include "list_command.h"
#include "profile_command.h"
#include "report_command.h"
#include "run_command.h"
#include "simulate_command.h"
#include "usage_error.h"

namespace {

// Returns an error message fit for the terminal. Messages quote input (a benchmark name, a line
// of a profile), whose control characters must not act on the terminal. The line breaks that
// paybench writes into a message stay.
std::string printable_message(std::string_view message) {
  std::string printable;
  std::size_t line_start = 0;
  while (true) {
    const std::size_t line_end = message.find('\n', line_start);
    printable += paybench::reports::escape_control_characters(
        message.substr(line_start, line_end - line_start));
    if (line_end == std::string_view::npos) return printable;
    printable += '\n';
    line_start = line_end + 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace paybench::cli;

  CLI::App app{"paybench: measure payment-backend building blocks and compare their variants"};
  app.footer(kExitCodesHelp);
  app.require_subcommand(1);
  const paybench::engine::BuildInfo& build = paybench::engine::build_info();
  app.set_version_flag("--version",
                       fmt::format("paybench {} ({})", build.version, build.git_commit));

  ListOptions list_options;
  RunOptions run_options;
  SimulateOptions simulate_options;
  FlameCommandOptions flame_options;
  CompareOptions compare_options;
  ProfileOptions profile_options;
  GateCommandOptions gate_options;
  ReportOptions report_options;
  setup_list_command(app, list_options);
  setup_run_command(app, run_options);
  setup_profile_command(app, profile_options);
  const CLI::App* simulate = setup_simulate_command(app, simulate_options);
  const CLI::App* flame = setup_flame_command(app, flame_options);
  const CLI::App* compare = setup_compare_command(app, compare_options);
  setup_gate_command(app, gate_options);
  const CLI::App* report = setup_report_command(app, report_options);

  // CLI11 reports a mistyped command only as a missing subcommand; name the word instead.
  const bool names_unknown_command = argc > 1 && argv[1][0] != '-' &&
                                     std::string_view(argv[1]) != "list" &&
                                     std::string_view(argv[1]) != "run" &&
                                     std::string_view(argv[1]) != "profile" &&
                                     std::string_view(argv[1]) != "simulate" &&
                                     std::string_view(argv[1]) != "flame" &&
                                     std::string_view(argv[1]) != "compare" &&
                                     std::string_view(argv[1]) != "gate" &&
                                     std::string_view(argv[1]) != "report";
  if (names_unknown_command) {
    fmt::print(stderr,
               "paybench: error: unknown command '{}': expected list, run, profile, simulate, "
               "flame, compare, gate or report\nRun 'paybench --help' for usage.\n",
               printable_message(argv[1]));
    return kExitUsageError;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& help_or_version) {
    return app.exit(help_or_version);
  } catch (const CLI::ParseError& error) {
    // The unknown-command check above ensures that a first argument without a dash names a
    // command, and that command's help is the one to read.
    const bool names_command = argc > 1 && argv[1][0] != '-';
    const std::string help_command =
        names_command ? fmt::format("paybench {} --help", argv[1]) : "paybench --help";
    std::string message = error.what();
    if (simulate->parsed()) message = describe_simulate_parse_error(*simulate, error);
    if (flame->parsed()) message = describe_flame_parse_error(*flame, error);
    if (compare->parsed()) message = describe_compare_parse_error(*compare, error);
    if (report->parsed()) message = describe_report_parse_error(*report, error);
    fmt::print(stderr, "paybench: error: {}\nRun '{}' for usage.\n", printable_message(message),
               printable_message(help_command));
    return kExitUsageError;
  }

  try {
    if (app.got_subcommand("list")) return run_list_command(list_options);
    if (app.got_subcommand("simulate")) return run_simulate_command(simulate_options);
    if (app.got_subcommand("flame")) return run_flame_command(flame_options);
    if (app.got_subcommand("compare")) return run_compare_command(compare_options);
    if (app.got_subcommand("gate")) return run_gate_command(gate_options);
    if (app.got_subcommand("report")) return run_report_command(report_options);
    if (app.got_subcommand("profile")) {
      return run_profile_command(profile_options, recorded_command_line(argc, argv));
    }
    return run_run_command(run_options, recorded_command_line(argc, argv));
  } catch (const UsageError& error) {
    fmt::print(stderr, "paybench: error: {}\n", printable_message(error.what()));
    return kExitUsageError;
  } catch (const std::exception& error) {
    fmt::print(stderr, "paybench: error: {}\n", printable_message(error.what()));
    return kExitUsageError;
  }
}
