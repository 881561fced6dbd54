// The heap profile files of `paybench run --heap-profile`: where each instance's dumps go, and
// the heap profile, folded stacks, flame graph and allocation sites made from them.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "paybench/engine/registry.h"
#include "paybench/reports/result.h"

namespace paybench::cli {

// Creates and returns one directory per instance under `output_directory`/profiles/heap-dumps,
// in the order of `instances`, for the dumps of the heap profiler. Each is named by
// profile_file_stem() with the instance's position in the run: `first_index` plus its index
// in `instances`. Each starts empty. Throws std::runtime_error naming the directory when it
// cannot be created.
std::vector<std::filesystem::path> make_heap_dump_directories(
    const std::filesystem::path& output_directory,
    const std::vector<engine::BenchmarkInstance>& instances, std::size_t first_index = 0);

// Removes the dump directories of make_heap_dump_directories() under `output_directory`, as
// attach_heap_profiles() does once it has read them.
void remove_heap_dump_directories(const std::filesystem::path& output_directory);

// Returns whether `run` measured the instance called `instance_name`, under any allocator: runs
// of an allocator matrix carry an extra allocator:NAME segment (see run_name_with_allocator()).
bool measures_instance(const reports::BenchmarkRun& run, const std::string& instance_name);

// Converts the dumps in each of `dump_directories` into files in `output_directory`/profiles,
// named after the dump directory: "<stem>.heap" (gperftools' profile when the last measured
// region ended), "<stem>.alloc.folded" (bytes allocated in the measured regions, by stack) and
// "<stem>.alloc.html" (its flame graph). Sets heap_profile, with the allocation sites, on every
// run of that instance in `result`, and removes the dump directories. An instance whose dumps
// cannot be read is reported on stderr as a warning and skipped, so the run's other results are
// still written. Returns the number of instances that got a heap profile.
std::size_t attach_heap_profiles(reports::Result& result,
                                 const std::vector<engine::BenchmarkInstance>& instances,
                                 const std::vector<std::filesystem::path>& dump_directories,
                                 const std::filesystem::path& output_directory);

}  // namespace paybench::cli
