// paybench: measure payment-backend building blocks and compare their variants.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <exception>
#include <string>

#include "exit_codes.h"
#include "list_command.h"
#include "run_command.h"
#include "usage_error.h"

namespace {

std::string join_command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) line += ' ';
    line += argv[i];
  }
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace paybench::cli;

  CLI::App app{"paybench: measure payment-backend building blocks and compare their variants"};
  app.footer(kExitCodesHelp);
  app.require_subcommand(1);

  ListOptions list_options;
  RunOptions run_options;
  setup_list_command(app, list_options);
  setup_run_command(app, run_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    fmt::print(stderr, "paybench: error: {}\nRun 'paybench --help' for usage.\n", error.what());
    return kExitUsageError;
  }

  try {
    if (app.got_subcommand("list")) return run_list_command(list_options);
    return run_run_command(run_options, join_command_line(argc, argv));
  } catch (const UsageError& error) {
    fmt::print(stderr, "paybench: error: {}\n", error.what());
    return kExitUsageError;
  } catch (const std::exception& error) {
    fmt::print(stderr, "paybench: error: {}\n", error.what());
    return kExitUsageError;
  }
}
