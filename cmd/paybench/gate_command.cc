#include "gate_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>

#include "exit_codes.h"
#include "paybench/reports/atomic_file.h"
#include "paybench/reports/flamegraph.h"
#include "paybench/reports/folded_stacks.h"
#include "paybench/reports/gate.h"
#include "paybench/reports/gate_output.h"
#include "paybench/reports/input_error.h"
#include "paybench/reports/input_text.h"
#include "result_input.h"
#include "usage_error.h"

namespace paybench::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kGateHelp =
    "A benchmark regresses when its median got slower than --max-regression allows, the 95%\n"
    "bootstrap interval of candidate / baseline lies above 1, its Mann-Whitney U test stays\n"
    "significant after a Holm correction over all benchmarks, and the slowdown is at least\n"
    "--min-delta. It passes when even the interval's upper end stays within the threshold.\n"
    "Anything between is inconclusive: too few repetitions (use 9) or too much noise.\n"
    "Results of `paybench run --measure instructions` are exact: the threshold alone decides.\n"
    "\n"
    "Thresholds file (--thresholds FILE, JSON):\n"
    "  {\"max_regression\": \"5%\", \"min_delta_ns\": 2,\n"
    "   \"benchmarks\": [{\"pattern\": \"queues/*\", \"max_regression\": \"15%\"},\n"
    "                  {\"pattern\": \"writes/postgres/*\", \"ignore\": true}]}\n"
    "The first matching pattern applies. Values in the file take precedence over\n"
    "--max-regression and --min-delta.\n";

constexpr double kMaxMinDelta = 1e9;

double parse_min_delta(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [parsed_end, error] = std::from_chars(text.data(), end, value);
  const bool valid = !text.empty() && error == std::errc() && parsed_end == end &&
                     std::isfinite(value) && value >= 0 && value <= kMaxMinDelta;
  if (!valid) {
    throw UsageError(fmt::format(
        "invalid value '{}' for --min-delta: expected ns per op (instructions per op in "
        "instruction mode) from 0 to 1e9, such as 2",
        text));
  }
  return value;
}

reports::GateThresholds thresholds_of(const GateCommandOptions& options) {
  reports::GateThresholds thresholds;
  const bool looks_like_fraction = !options.max_regression.ends_with('%') &&
                                   options.max_regression.starts_with("0.");
  if (looks_like_fraction) {
    fmt::print(stderr,
               "paybench: warning: --max-regression {} means {}%, not {:g}%: the value is in "
               "percent, so write 5 or 5% for five percent\n",
               options.max_regression, options.max_regression,
               std::strtod(options.max_regression.c_str(), nullptr) * 100);
  }
  try {
    thresholds.max_regression = reports::parse_percentage(options.max_regression, "--max-regression");
    thresholds.min_delta = parse_min_delta(options.min_delta);
    if (!options.thresholds.empty()) {
      thresholds = reports::read_thresholds_file(options.thresholds, thresholds);
    }
  } catch (const reports::InputError& error) {
    throw UsageError(error.what());
  }
  return thresholds;
}

// The differential flame graph of each regressed benchmark whose runs carry a CPU profile on
// both sides. Profile paths in a result are relative to its file's directory.
std::vector<reports::GateFlameGraph> regression_flame_graphs(
    const reports::GateReport& report, const reports::Result& baseline,
    const reports::Result& candidate, const GateCommandOptions& options,
    const fs::path& page_directory) {
  const auto folded_path = [](const reports::Result& result, const std::string& file,
                              const std::string& name) -> std::optional<fs::path> {
    for (const reports::BenchmarkRun& run : result.benchmarks) {
      if (run.run_name == name && run.cpu_profile) {
        return fs::path(file).parent_path() / run.cpu_profile->folded;
      }
    }
    return std::nullopt;
  };

  std::vector<reports::GateFlameGraph> graphs;
  for (const reports::GateBenchmark& benchmark : report.benchmarks) {
    if (benchmark.verdict != reports::GateVerdict::kRegression) continue;
    const auto base = folded_path(baseline, options.baseline, benchmark.name);
    const auto other = folded_path(candidate, options.candidate, benchmark.name);
    if (!base || !other) continue;

    try {
      const reports::FoldedProfile base_profile = reports::read_folded_file(*base);
      const reports::FoldedProfile other_profile = reports::read_folded_file(*other);
      reports::FlameOptions flame_options;
      flame_options.title = "Where " + benchmark.name + " changed: candidate against baseline";
      flame_options.subtitle = base->string() + " -> " + other->string();

      reports::GateFlameGraph graph;
      graph.benchmark = benchmark.name;
      std::string file_name = "gate-diff-" + std::to_string(graphs.size() + 1) + ".html";
      graph.file = file_name;
      reports::write_text_file_atomically(
          page_directory / file_name,
          reports::render_diff(base_profile, other_profile, reports::FlameOutput::kHtmlPage,
                               flame_options));
      graph.fragment = reports::render_diff(base_profile, other_profile,
                                            reports::FlameOutput::kHtmlFragment, flame_options);
      graphs.push_back(std::move(graph));
    } catch (const std::exception& error) {
      fmt::print(stderr, "paybench: warning: no differential flame graph of {}: {}\n",
                 reports::shorten_input(benchmark.name),
                 reports::escape_control_characters(error.what()));
    }
  }
  return graphs;
}

bool use_color_on_stdout() {
  const char* no_color = std::getenv("NO_COLOR");
  const bool color_disabled = no_color != nullptr && no_color[0] != '\0';
  return !color_disabled && isatty(STDOUT_FILENO) != 0;
}

void check_not_an_input(const std::string& output, const char* option,
                        const GateCommandOptions& options) {
  if (output.empty()) return;
  for (const std::string& input : {options.baseline, options.candidate, options.thresholds}) {
    std::error_code error;
    if (!input.empty() && fs::equivalent(output, input, error)) {
      throw UsageError(fmt::format("{} '{}' is the input '{}' itself: choose another file", option,
                                   output, input));
    }
  }
}

int exit_code_of(reports::GateVerdict verdict) {
  switch (verdict) {
    case reports::GateVerdict::kRegression:
      return kExitGateRegression;
    case reports::GateVerdict::kInconclusive:
      return kExitGateInconclusive;
    case reports::GateVerdict::kPass:
    case reports::GateVerdict::kIgnored:
      return kExitSuccess;
  }
  return kExitGateInconclusive;
}

}  // namespace

CLI::App* setup_gate_command(CLI::App& app, GateCommandOptions& options) {
  CLI::App* gate = app.add_subcommand(
      "gate", "Fail a CI job when a candidate result regressed against a baseline");
  gate->add_option("baseline", options.baseline, "Result file before the change")
      ->required()
      ->type_name("BASELINE");
  gate->add_option("candidate", options.candidate, "Result file after the change")
      ->required()
      ->type_name("CANDIDATE");
  gate->add_option("--max-regression", options.max_regression,
                   "How much slower a median may get, in percent: 5 and 5% both mean five "
                   "percent (default 5%)")
      ->type_name("PCT");
  gate->add_option("--min-delta", options.min_delta,
                   "Ignore slowdowns smaller than this many ns per op (instructions per op in "
                   "instruction mode), so that 3% of a 2 ns benchmark does not fail a build "
                   "(default 0)")
      ->type_name("NS");
  gate->add_option("--thresholds", options.thresholds,
                   "JSON file of per-pattern thresholds and ignores (see below)")
      ->type_name("FILE");
  gate->add_option("--alpha", options.alpha,
                   "Significance level of the Holm-corrected U tests (default 0.05)")
      ->type_name("A");
  gate->add_option("--format", options.format, "table (default), json, markdown or html")
      ->check(CLI::IsMember({"table", "json", "markdown", "html"}));
  gate->add_option("--out", options.output, "Write the verdict to FILE instead of stdout")
      ->type_name("FILE");
  gate->add_option("--junit", options.junit, "Also write JUnit XML: a testcase per benchmark")
      ->type_name("FILE");
  gate->add_option("--markdown", options.markdown,
                   "Also write a Markdown summary for a pull request comment")
      ->type_name("FILE");
  gate->add_option("--github-benchmark", options.github_benchmark,
                   "Also write github-action-benchmark's customSmallerIsBetter JSON")
      ->type_name("FILE");
  gate->add_option("--bmf", options.bmf, "Also write Bencher Metric Format JSON")
      ->type_name("FILE");
  gate->footer(std::string(kGateHelp) + "\n" + kExitCodesHelp);
  return gate;
}

int run_gate_command(const GateCommandOptions& options) {
  reports::GateOptions gate_options;
  gate_options.thresholds = thresholds_of(options);
  gate_options.alpha = parse_alpha(options.alpha);
  gate_options.baseline_label = options.baseline;
  gate_options.candidate_label = options.candidate;
  const std::pair<const std::string&, const char*> outputs[] = {
      {options.output, "--out"},
      {options.junit, "--junit"},
      {options.markdown, "--markdown"},
      {options.github_benchmark, "--github-benchmark"},
      {options.bmf, "--bmf"}};
  for (const auto& [output, option] : outputs) check_not_an_input(output, option, options);

  const reports::Result baseline = read_result_input(options.baseline, "baseline");
  const reports::Result candidate = read_result_input(options.candidate, "candidate");
  reports::GateReport report;
  try {
    report = reports::evaluate_gate(baseline, candidate, gate_options);
  } catch (const reports::InputError& error) {
    throw UsageError(error.what());
  }

  for (const std::string& pattern : report.unused_patterns) {
    fmt::print(stderr,
               "paybench: warning: pattern {} of {} matches no benchmark of the two results; "
               "patterns match whole names, such as 'queues/*'\n",
               reports::quote_input(pattern, '\''),
               reports::escape_control_characters(options.thresholds));
  }

  // Differential flame graphs go beside the Markdown or HTML file that links them.
  const bool wants_flame_graphs = !options.markdown.empty() || options.format == "html";
  const std::string& page = !options.markdown.empty() ? options.markdown : options.output;
  const fs::path page_directory = page.empty() ? fs::path(".") : fs::path(page).parent_path();
  const std::vector<reports::GateFlameGraph> flame_graphs =
      wants_flame_graphs
          ? regression_flame_graphs(report, baseline, candidate, options,
                                    page_directory.empty() ? fs::path(".") : page_directory)
          : std::vector<reports::GateFlameGraph>{};

  std::string rendered;
  if (options.format == "json") rendered = reports::render_gate_json(report);
  if (options.format == "markdown") rendered = reports::render_gate_markdown(report, flame_graphs);
  if (options.format == "html") rendered = reports::render_gate_html(report, flame_graphs);
  if (options.format == "table") {
    rendered = reports::render_gate_table(report, options.output.empty() && use_color_on_stdout());
  }

  const auto write = [](const std::string& path, const std::string& text) {
    if (!path.empty()) reports::write_text_file_atomically(path, text);
  };
  write(options.junit, reports::render_gate_junit(report));
  write(options.markdown, reports::render_gate_markdown(report, flame_graphs));
  write(options.github_benchmark, reports::render_gate_github_benchmark(report));
  write(options.bmf, reports::render_gate_bmf(report));
  if (options.output.empty()) {
    std::cout << rendered;
  } else {
    write(options.output, rendered);
  }
  return exit_code_of(report.overall());
}

}  // namespace paybench::cli
