#include "cpu_profile_outputs.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <string>

#include "paybench/engine/cpu_profile.h"
#include "paybench/engine/symbolizer.h"
#include "paybench/reports/atomic_file.h"
#include "paybench/reports/flamegraph.h"
#include "paybench/reports/folded_stacks.h"

namespace paybench::cli {
namespace fs = std::filesystem;
namespace {

// Writes the .folded and .html files of one instance and returns what the result records.
reports::CpuProfileFiles convert_profile(const fs::path& prof_path, const std::string& run_name,
                                         const fs::path& output_directory) {
  const engine::CpuProfile cpu_profile = engine::read_cpu_profile(prof_path);
  const engine::Symbolizer symbolizer(cpu_profile.mappings);
  const reports::FoldedProfile folded = engine::folded_from_cpu_profile(cpu_profile, symbolizer);

  fs::path folded_path = prof_path;
  folded_path.replace_extension(".folded");
  fs::path html_path = prof_path;
  html_path.replace_extension(".html");
  reports::write_text_file_atomically(folded_path, reports::to_folded_text(folded));

  reports::FlameOptions options;
  options.title = "CPU profile of " + run_name;
  options.subtitle = fmt::format("measured region of all repetitions: {} samples, requested every {} us",
                                 folded.total(), cpu_profile.sampling_period.count());
  reports::write_text_file_atomically(
      html_path, reports::render_flamegraph(folded, reports::FlameOutput::kHtmlPage, options));

  reports::CpuProfileFiles files;
  files.prof = fs::relative(prof_path, output_directory).generic_string();
  files.folded = fs::relative(folded_path, output_directory).generic_string();
  files.flamegraph = fs::relative(html_path, output_directory).generic_string();
  files.samples = folded.total();
  return files;
}

}  // namespace

std::string profile_file_stem(std::size_t index, const std::string& run_name) {
  std::string name = run_name;
  for (char& c : name) {
    const bool is_safe = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' ||
                         c == '_' || c == '-';
    if (!is_safe) c = '_';
  }
  return std::to_string(index + 1) + "-" + name;
}

std::vector<fs::path> cpu_profile_paths(const fs::path& output_directory,
                                        const std::vector<engine::BenchmarkInstance>& instances,
                                        const std::string& subdirectory, std::size_t first_index) {
  const fs::path directory = output_directory / kProfilesDirectoryName / subdirectory;
  std::vector<fs::path> paths;
  paths.reserve(instances.size());
  for (std::size_t i = 0; i < instances.size(); ++i) {
    const std::string stem = profile_file_stem(first_index + i, instances[i].name());
    paths.push_back(directory / (stem + ".prof"));
  }
  return paths;
}

std::size_t attach_cpu_profiles(reports::Result& result,
                                const std::vector<engine::BenchmarkInstance>& instances,
                                const std::vector<fs::path>& prof_paths,
                                const fs::path& output_directory) {
  std::size_t attached = 0;
  for (std::size_t i = 0; i < instances.size() && i < prof_paths.size(); ++i) {
    const std::string run_name = instances[i].name();
    // An interrupted run leaves out the benchmarks that did not finish, and their profiles.
    const bool has_runs =
        std::any_of(result.benchmarks.begin(), result.benchmarks.end(),
                    [&](const reports::BenchmarkRun& run) { return run.run_name == run_name; });
    if (!has_runs || !fs::exists(prof_paths[i])) continue;

    reports::CpuProfileFiles files;
    try {
      files = convert_profile(prof_paths[i], run_name, output_directory);
    } catch (const std::exception& error) {
      fmt::print(stderr, "paybench: warning: CPU profile of {} left out: {}\n", run_name,
                 error.what());
      continue;
    }

    for (reports::BenchmarkRun& run : result.benchmarks) {
      if (run.run_name == run_name) run.cpu_profile = files;
    }
    ++attached;
  }
  return attached;
}

}  // namespace paybench::cli
