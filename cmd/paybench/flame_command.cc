#include "flame_command.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <system_error>
#include <vector>

#include "exit_codes.h"
#include "paybench/engine/cpu_profile.h"
#include "paybench/engine/symbolizer.h"
#include "paybench/reports/atomic_file.h"
#include "paybench/reports/flamegraph.h"
#include "paybench/reports/folded_stacks.h"
#include "paybench/reports/input_error.h"
#include "paybench/reports/input_file.h"
#include "usage_error.h"

namespace paybench::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFlameHelp =
    "Input: folded stacks, one line per call stack, root first, as stackcollapse-perf.pl writes\n"
    "them:\n"
    "  main;paybench::run;malloc 42\n"
    "or a CPU profile that gperftools' profiler wrote (ProfilerStart/ProfilerStop, or the\n"
    "CPUPROFILE variable), recognised by its header. A CPU profile's functions are named from\n"
    "the symbol tables of the files it mapped, so those files must still be on disk, unchanged.\n"
    "\n"
    "Output: without --out, the graph goes to the current directory, named after the input with\n"
    ".html or .svg appended (perf.folded.html); with --diff, INPUT-vs-OTHER with the extension\n"
    "appended, using the file names of both.\n"
    "The HTML page works offline: click a frame to zoom, search to highlight frames.\n"
    "With --diff, INPUT is the base: frames are red where OTHER spends a larger share of its\n"
    "samples, blue where a smaller one.\n";

// A gperftools CPU profile of a 64-bit program starts with the 64-bit header words 0 (header
// count), 3 (header words) and 0 (format version). No folded text starts with these NUL bytes.
bool is_cpu_profile(std::string_view bytes) {
  constexpr std::array<std::uint64_t, 3> kHeaderStart = {0, 3, 0};
  if (bytes.size() < sizeof(kHeaderStart)) {
    return false;
  }
  std::array<std::uint64_t, 3> words{};
  std::memcpy(words.data(), bytes.data(), sizeof(words));
  return words == kHeaderStart;
}

// Reads the whole input, bounded as every reader's input is (reports::kMaxInputFileBytes).
std::string read_file(const std::string& path) {
  try {
    return reports::read_input_file(path, "a folded stacks file or a gperftools CPU profile");
  } catch (const reports::InputError& error) {
    throw UsageError(fmt::format("cannot read profile: {}", error.what()));
  }
}

// Reads folded stacks or a CPU profile, which it converts to folded stacks.
reports::FoldedProfile read_profile(const std::string& path) {
  const std::string bytes = read_file(path);

  reports::FoldedProfile profile;
  try {
    if (is_cpu_profile(bytes)) {
      const engine::CpuProfile cpu_profile = engine::parse_cpu_profile(bytes, path);
      const engine::Symbolizer symbolizer(cpu_profile.mappings);
      profile = engine::folded_from_cpu_profile(cpu_profile, symbolizer);
    } else {
      profile = reports::parse_folded(bytes, path);
    }
  } catch (const reports::InputError& error) {
    throw UsageError(error.what());
  }

  if (profile.total() == 0) {
    throw UsageError(fmt::format(
        "profile '{}' contains no samples: expected lines of the form `frame;frame;...;frame "
        "COUNT` with a COUNT above 0, such as `main;handle_payment;malloc 42`, or a gperftools "
        "CPU profile",
        path));
  }
  return profile;
}

// Rejects an output path that would replace an input.
void check_output_is_no_input(const std::string& output, const std::string& input) {
  std::error_code error;
  if (fs::equivalent(output, input, error)) {
    throw UsageError(fmt::format(
        "--out '{}' is the input profile '{}' itself: choose another file for the graph", output,
        input));
  }
}

reports::FlameOutput output_kind(const std::string& format) {
  return format == "svg" ? reports::FlameOutput::kSvg : reports::FlameOutput::kHtmlPage;
}

std::string file_name_of(const std::string& path) {
  return fs::path(path).filename().string();
}

reports::FlameOptions flame_options_for(const FlameCommandOptions& options) {
  reports::FlameOptions graph_options;
  if (options.diff.empty()) {
    graph_options.title = fmt::format("Flame graph of {}", file_name_of(options.input));
    graph_options.subtitle = options.input;
  } else {
    graph_options.title = fmt::format("Flame graph of {} against {}", file_name_of(options.diff),
                                      file_name_of(options.input));
    graph_options.subtitle = fmt::format("base: {}, other: {}", options.input, options.diff);
  }
  if (!options.title.empty()) {
    graph_options.title = options.title;
  }
  return graph_options;
}

// Returns a CLI11 check that accepts only html and svg, whose error names the value.
CLI::Validator format_check() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (value == "html" || value == "svg") return "";
        return fmt::format("invalid value '{}': expected html or svg, e.g. --format svg", value);
      },
      "{html,svg}");
}

}  // namespace

CLI::App* setup_flame_command(CLI::App& app, FlameCommandOptions& options) {
  CLI::App* flame = app.add_subcommand(
      "flame", "Render a flame graph of folded stacks or a gperftools CPU profile");
  flame->add_option("input", options.input, "Folded stacks file or gperftools CPU profile")
      ->required()
      ->type_name("INPUT");
  flame
      ->add_option("--out", options.output,
                   "Write the graph to FILE (replaced atomically); default: see below")
      ->type_name("FILE");
  flame
      ->add_option("--title", options.title,
                   "Title above the graph; default: 'Flame graph of <input file name>'")
      ->type_name("TEXT");
  flame->add_option("--format", options.format, "html (default: interactive page) or svg (static)")
      ->check(format_check())
      ->type_name("FORMAT");
  flame
      ->add_option("--diff", options.diff,
                   "Draw the difference from INPUT (the base) to OTHER instead")
      ->type_name("OTHER");
  // Setting a footer replaces the exit codes that the subcommand copied from `app`.
  flame->footer(std::string(kFlameHelp) + "\n" + kExitCodesHelp);
  return flame;
}

std::string describe_flame_parse_error(const CLI::App& flame, const CLI::ParseError& error) {
  const bool misses_input = dynamic_cast<const CLI::RequiredError*>(&error) != nullptr &&
                            flame.get_option("input")->count() == 0;
  if (!misses_input) return error.what();
  return "missing INPUT: expected a folded stacks file or a gperftools CPU profile, e.g. "
         "'paybench flame perf.folded'";
}

std::string default_flame_output_path(const FlameCommandOptions& options) {
  const std::string extension = options.format == "svg" ? ".svg" : ".html";
  if (options.diff.empty()) {
    return file_name_of(options.input) + extension;
  }
  return file_name_of(options.input) + "-vs-" + file_name_of(options.diff) + extension;
}

int run_flame_command(const FlameCommandOptions& options) {
  const bool is_diff = !options.diff.empty();
  const std::string output =
      options.output.empty() ? default_flame_output_path(options) : options.output;
  check_output_is_no_input(output, options.input);
  if (is_diff) {
    check_output_is_no_input(output, options.diff);
  }

  const reports::FoldedProfile profile = read_profile(options.input);
  const reports::FlameOptions graph_options = flame_options_for(options);
  std::string graph;
  std::string sample_summary;
  if (is_diff) {
    const reports::FoldedProfile other = read_profile(options.diff);
    graph = reports::render_diff(profile, other, output_kind(options.format), graph_options);
    sample_summary =
        fmt::format("base: {} samples, other: {} samples", profile.total(), other.total());
  } else {
    graph = reports::render_flamegraph(profile, output_kind(options.format), graph_options);
    sample_summary = fmt::format("{} samples", profile.total());
  }

  try {
    reports::write_text_file_atomically(output, graph);
  } catch (const std::runtime_error& error) {
    throw UsageError(fmt::format("{}; choose another file with --out", error.what()));
  }
  fmt::print("Wrote {} ({})\n", output, sample_summary);
  return kExitSuccess;
}

}  // namespace paybench::cli
