// The CPU profile files of `paybench run --cpu-profile`: where each instance's profile goes,
// and the folded stacks and flame graph made from it after the run.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "paybench/engine/registry.h"
#include "paybench/reports/result.h"

namespace paybench::cli {

// The subdirectory of the output directory that contains the profiles.
inline constexpr const char* kProfilesDirectoryName = "profiles";

// Returns the name that every profile file of the instance at `index` of a run starts with:
// "<position>-<run name>", where every character of the run name other than a letter, digit,
// '.', '_' or '-' becomes '_'. The 1-based position keeps names unique.
std::string profile_file_stem(std::size_t index, const std::string& run_name);

// Returns the path of each instance's gperftools profile under `output_directory`/profiles
// (and its `subdirectory`, such as the allocator of one run of a matrix, if not empty), in the
// order of `instances`: profile_file_stem() followed by ".prof", with the instance's position
// in the run, `first_index` plus its index in `instances`.
std::vector<std::filesystem::path> cpu_profile_paths(
    const std::filesystem::path& output_directory,
    const std::vector<engine::BenchmarkInstance>& instances, const std::string& subdirectory = "",
    std::size_t first_index = 0);

// Converts each recorded profile in `prof_paths` (as cpu_profile_paths() returns them) into
// folded stacks with function names (.folded) and an HTML flame graph (.html) beside it, and
// sets cpu_profile on every run of that instance in `result`. Paths in the result are relative
// to `output_directory`. An instance without a profile file, which happens when its profiler
// could not start, is skipped, and so is an instance without runs in `result`, which an
// interrupted run leaves out. A profile that cannot be read or converted is reported on
// stderr as a warning and skipped, so the run's other results are still written. Returns the
// number of instances that got a profile.
std::size_t attach_cpu_profiles(reports::Result& result,
                                const std::vector<engine::BenchmarkInstance>& instances,
                                const std::vector<std::filesystem::path>& prof_paths,
                                const std::filesystem::path& output_directory);

}  // namespace paybench::cli
