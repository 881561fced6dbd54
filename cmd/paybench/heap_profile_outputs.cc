#include "heap_profile_outputs.h"

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include "cpu_profile_outputs.h"
#include "paybench/engine/heap_allocations.h"
#include "paybench/engine/heap_profile.h"
#include "paybench/engine/heap_profiler.h"
#include "paybench/engine/symbolizer.h"
#include "paybench/reports/atomic_file.h"
#include "paybench/reports/flamegraph.h"
#include "paybench/reports/folded_stacks.h"
#include "paybench/reports/formatting.h"

namespace paybench::cli {
namespace fs = std::filesystem;
namespace {

constexpr const char* kDumpDirectoryName = "heap-dumps";

// What the recorder wrote into the regions file of one instance.
struct RegionLog {
  std::int64_t dumps = 0;
  std::int64_t iterations = 0;
};

RegionLog read_region_log(const fs::path& directory) {
  const fs::path path = directory / engine::kHeapRegionsFileName;
  std::ifstream file(path);
  RegionLog log;
  std::string dumps_key;
  std::string iterations_key;
  const bool complete = static_cast<bool>(file >> dumps_key >> log.dumps >> iterations_key >>
                                          log.iterations) &&
                        dumps_key == "dumps" && iterations_key == "iterations";
  if (!complete) {
    throw std::runtime_error(fmt::format("{} is missing or incomplete: the heap profiler did not "
                                         "finish this benchmark",
                                         path.string()));
  }
  return log;
}

// Returns the dumps of `directory` in the order they were written ("dump.0001.heap", ...).
std::vector<fs::path> dumps_in_order(const fs::path& directory) {
  std::vector<std::pair<long, fs::path>> numbered;
  const std::string prefix = std::string(engine::kHeapDumpPrefix) + ".";
  for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix) || entry.path().extension() != ".heap") continue;
    const std::string digits = entry.path().stem().string().substr(prefix.size());
    long number = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (error == std::errc() && end == digits.data() + digits.size()) {
      numbered.emplace_back(number, entry.path());
    }
  }
  std::sort(numbered.begin(), numbered.end());
  std::vector<fs::path> paths;
  for (auto& [number, path] : numbered) paths.push_back(std::move(path));
  return paths;
}

std::string relative_to(const fs::path& path, const fs::path& directory) {
  return fs::relative(path, directory).generic_string();
}

// Writes the files of one instance and returns what the result records.
reports::HeapProfileFiles convert_dumps(const fs::path& dump_directory, const fs::path& stem_path,
                                        const std::string& run_name,
                                        const fs::path& output_directory) {
  const RegionLog log = read_region_log(dump_directory);
  const std::vector<fs::path> dumps = dumps_in_order(dump_directory);
  const bool pairs_complete = log.dumps > 0 && log.dumps % 2 == 0 &&
                              static_cast<std::int64_t>(dumps.size()) == log.dumps;
  if (!pairs_complete) {
    throw std::runtime_error(fmt::format(
        "{} holds {} dumps where the recorder wrote {} at region starts and ends; another heap "
        "profile dump (HEAP_PROFILE_*_INTERVAL variables) may have interfered",
        dump_directory.string(), dumps.size(), log.dumps));
  }
  if (log.iterations <= 0) {
    throw std::runtime_error(fmt::format("no measured iteration was recorded in {}",
                                         dump_directory.string()));
  }

  std::map<std::vector<std::uint64_t>, engine::AllocationDelta> allocations;
  engine::HeapProfile last;
  for (std::size_t i = 0; i < dumps.size(); i += 2) {
    const engine::HeapProfile before = engine::read_heap_profile(dumps[i]);
    engine::HeapProfile after = engine::read_heap_profile(dumps[i + 1]);
    engine::add_allocations_between(before, after, allocations);
    last = std::move(after);
  }

  const engine::Symbolizer symbolizer(last.mappings);
  const engine::NamedAllocations named =
      engine::name_allocations(allocations, symbolizer, log.iterations);

  fs::path heap_path = stem_path;
  heap_path += ".heap";
  fs::path folded_path = stem_path;
  folded_path += ".alloc.folded";
  fs::path html_path = stem_path;
  html_path += ".alloc.html";
  reports::copy_file_atomically(dumps.back(), heap_path);
  reports::write_text_file_atomically(folded_path, reports::to_folded_text(named.bytes_by_stack));

  const double iterations = static_cast<double>(log.iterations);
  reports::FlameOptions options;
  options.title = "Bytes allocated by " + run_name;
  options.count_unit = "byte";
  options.count_unit_plural = "bytes";
  options.subtitle = fmt::format(
      "measured region of all repetitions: {} allocations, {} bytes in {} iterations "
      "(gperftools heap profiler under tcmalloc)",
      named.objects, named.bytes, log.iterations);
  reports::write_text_file_atomically(
      html_path,
      reports::render_flamegraph(named.bytes_by_stack, reports::FlameOutput::kHtmlPage, options));

  reports::HeapProfileFiles files;
  files.heap = relative_to(heap_path, output_directory);
  files.folded = relative_to(folded_path, output_directory);
  files.flamegraph = relative_to(html_path, output_directory);
  files.allocs_per_op = static_cast<double>(named.objects) / iterations;
  files.bytes_per_op = static_cast<double>(named.bytes) / iterations;
  const std::size_t kept = std::min(named.sites.size(), reports::kMaxAllocationSites);
  files.sites.assign(named.sites.begin(), named.sites.begin() + static_cast<std::ptrdiff_t>(kept));
  return files;
}

}  // namespace

std::vector<fs::path> make_heap_dump_directories(
    const fs::path& output_directory, const std::vector<engine::BenchmarkInstance>& instances,
    std::size_t first_index) {
  std::vector<fs::path> directories;
  directories.reserve(instances.size());
  for (std::size_t i = 0; i < instances.size(); ++i) {
    const fs::path directory = output_directory / kProfilesDirectoryName / kDumpDirectoryName /
                               profile_file_stem(first_index + i, instances[i].name());
    // Dumps that a killed run left behind would be read as this run's.
    std::error_code error;
    fs::remove_all(directory, error);
    fs::create_directories(directory, error);
    if (error) {
      throw std::runtime_error(fmt::format("failed to create the heap dump directory '{}': {}",
                                           directory.string(), error.message()));
    }
    directories.push_back(directory);
  }
  return directories;
}

bool measures_instance(const reports::BenchmarkRun& run, const std::string& instance_name) {
  const std::string allocator_segment = "/allocator:" + run.allocator;
  std::string name = run.run_name;
  const std::size_t at = name.find(allocator_segment);
  if (!run.allocator.empty() && at != std::string::npos) name.erase(at, allocator_segment.size());
  return name == instance_name;
}

std::size_t attach_heap_profiles(reports::Result& result,
                                 const std::vector<engine::BenchmarkInstance>& instances,
                                 const std::vector<fs::path>& dump_directories,
                                 const fs::path& output_directory) {
  std::size_t attached = 0;
  for (std::size_t i = 0; i < instances.size() && i < dump_directories.size(); ++i) {
    const std::string run_name = instances[i].name();
    const fs::path stem_path =
        output_directory / kProfilesDirectoryName / dump_directories[i].filename();

    reports::HeapProfileFiles files;
    bool converted = false;
    try {
      files = convert_dumps(dump_directories[i], stem_path, run_name, output_directory);
      converted = true;
    } catch (const std::exception& error) {
      fmt::print(stderr, "paybench: warning: heap profile of {} left out: {}\n", run_name,
                 error.what());
    }
    if (converted) {
      for (reports::BenchmarkRun& run : result.benchmarks) {
        if (measures_instance(run, run_name)) run.heap_profile = files;
      }
      ++attached;
    }
  }

  remove_heap_dump_directories(output_directory);
  return attached;
}

void remove_heap_dump_directories(const fs::path& output_directory) {
  std::error_code ignored;
  fs::remove_all(output_directory / kProfilesDirectoryName / kDumpDirectoryName, ignored);
}

}  // namespace paybench::cli
