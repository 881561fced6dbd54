#include "paybench/engine/runner.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "paybench/engine/allocator.h"
#include "paybench/engine/cpu_profiler.h"
#include "paybench/engine/heap_profiler.h"
#include "paybench/engine/idle_thread.h"
#include "paybench/engine/instruction_counter.h"
#include "paybench/engine/interruption.h"
#include "paybench/engine/machine_context.h"
#include "paybench/engine/progress.h"
#include "paybench/engine/state.h"

namespace paybench::engine {
namespace {

using benchmark::BenchmarkReporter;

const char* time_unit_name(benchmark::TimeUnit unit) {
  switch (unit) {
    case benchmark::kNanosecond: return "ns";
    case benchmark::kMicrosecond: return "us";
    case benchmark::kMillisecond: return "ms";
    case benchmark::kSecond: return "s";
  }
  return "ns";
}

// Key that identifies an instance among Google Benchmark's runs: the registered name (which
// has no thread count) and the thread count.
using InstanceKey = std::pair<std::string, std::int64_t>;

// Counts the finished repetitions of one instance on the progress line as they end. Google
// Benchmark reports an instance's repetitions together after its last one, which with
// interleaved repetitions comes near the end of the run, so counting its reports alone would
// leave the line at 0 until then. Thread 0 of the instance's calls and the reporter use it,
// never at the same time: the threads of a call have ended before the next call or a report.
class RepetitionCounter {
 public:
  // Counts the repetitions that a finished call of the body with `requested` iterations shows to
  // be finished. Google Benchmark calls the body several times in the first repetition while it
  // settles the iteration count, requesting more each time, then once per repetition with the
  // settled count. So a call that requests as many as the previous call ends a later
  // repetition, and shows that the first one had ended too.
  void on_call_finished(benchmark::IterationCount requested, ProgressLine& progress) {
    const bool repeats_request = requested == last_requested_;
    last_requested_ = requested;
    if (!repeats_request) return;

    const int finished = counted_ == 0 ? 2 : 1;
    for (int i = 0; i < finished; ++i) progress.on_run_done();
    counted_ += finished;
  }

  // Counts a repetition that Google Benchmark reports, unless on_call_finished() counted it.
  void on_repetition_reported(ProgressLine& progress) {
    if (counted_ > 0) {
      --counted_;
      return;
    }
    progress.on_run_done();
  }

 private:
  benchmark::IterationCount last_requested_ = 0;
  int counted_ = 0;  // repetitions counted by on_call_finished() and not yet reported
};

// Receives Google Benchmark's reports and turns each run into a reports::BenchmarkRun carrying
// the workload, variant and parameters it came from.
class CollectingReporter : public BenchmarkReporter {
 public:
  CollectingReporter(const std::vector<BenchmarkInstance>& instances,
                     const std::map<InstanceKey, std::size_t>& index_by_key,
                     std::vector<RepetitionCounter>& repetition_counters, ProgressLine& progress)
      : instances_(instances),
        index_by_key_(index_by_key),
        repetition_counters_(repetition_counters),
        progress_(progress) {}

  bool ReportContext(const Context& context) override {
    context_ = collect_context(context);
    return true;
  }

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      const std::size_t index = index_by_key_.at({run.run_name.function_name, run.threads});
      runs_.push_back(convert(run, instances_[index]));
      if (run.run_type == Run::RT_Iteration) {
        repetition_counters_[index].on_repetition_reported(progress_);
      }
    }
  }

  reports::Context& context() { return context_; }
  std::vector<reports::BenchmarkRun>& runs() { return runs_; }

 private:
  reports::BenchmarkRun convert(const Run& run, const BenchmarkInstance& instance) const {
    reports::BenchmarkRun result;
    result.run_name = instance.name();
    result.family_index = run.family_index;
    result.per_family_instance_index = run.per_family_instance_index;
    result.repetitions = run.repetitions;
    result.threads = run.threads;
    result.error_occurred = run.error_occurred;
    result.error_message = run.error_message;
    result.iterations = run.iterations;
    result.time_unit = time_unit_name(run.time_unit);
    result.label = run.report_label;

    const bool is_aggregate = run.run_type == Run::RT_Aggregate;
    result.run_type = is_aggregate ? reports::RunType::kAggregate : reports::RunType::kIteration;
    result.name = is_aggregate ? result.run_name + "_" + run.aggregate_name : result.run_name;
    result.repetition_index = is_aggregate ? 0 : run.repetition_index;

    // As Google Benchmark's JSON reporter: a percentage aggregate (cv) is not a time per
    // iteration, so it is reported unscaled.
    const bool is_percentage = is_aggregate && run.aggregate_unit == benchmark::kPercentage;
    if (is_aggregate) {
      result.aggregate_name = run.aggregate_name;
      result.aggregate_unit = is_percentage ? "percentage" : "time";
    }
    result.real_time = is_percentage ? run.real_accumulated_time : run.GetAdjustedRealTime();
    result.cpu_time = is_percentage ? run.cpu_accumulated_time : run.GetAdjustedCPUTime();

    for (const auto& [name, counter] : run.counters) result.counters[name] = counter.value;

    result.family = instance.workload->family;
    result.workload = instance.workload->name;
    result.variant = instance.variant->name;
    result.params = instance.params;
    result.allocator = context_.allocators.empty() ? "" : context_.allocators.front().name;
    return result;
  }

  const std::vector<BenchmarkInstance>& instances_;
  const std::map<InstanceKey, std::size_t>& index_by_key_;
  std::vector<RepetitionCounter>& repetition_counters_;
  ProgressLine& progress_;
  reports::Context context_;
  std::vector<reports::BenchmarkRun> runs_;
};

// Returns the path of this executable, or "paybench" when /proc is unavailable.
std::string executable_path() {
  std::error_code error;
  const std::filesystem::path path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string("paybench") : path.string();
}

// Passes the run settings to Google Benchmark through its own flags, which it reads only in
// Initialize(). Benchmark names never carry Google Benchmark's "/repeats:N" suffix, even where
// a workload raises the repetitions, because the reporter names runs from the instance.
void configure_google_benchmark(const RunSettings& settings) {
  // Google Benchmark keeps a pointer to argv[0] and reports it as the context's "executable",
  // so the strings must outlive every run: they are static.
  static std::vector<std::string> flags;
  flags = {
      executable_path(),
      "--benchmark_repetitions=" + std::to_string(settings.repetitions),
      "--benchmark_min_time=" + std::to_string(settings.min_time_s),
      // A profile covers all repetitions of one instance, so they must not interleave with
      // other instances' repetitions.
      settings.records_profiles() || settings.counts_instructions()
          ? "--benchmark_enable_random_interleaving=false"
          : "--benchmark_enable_random_interleaving=true",
      "--benchmark_report_aggregates_only=false",
      "--benchmark_display_aggregates_only=false",
  };
  static std::vector<char*> argv;
  argv.clear();
  for (std::string& flag : flags) argv.push_back(flag.data());
  int argc = static_cast<int>(argv.size());
  benchmark::Initialize(&argc, argv.data());
}

// The error of the repetitions skipped after an interruption request. Their instances are
// dropped from the result.
constexpr const char* kSkippedByInterruption = "skipped: the run was interrupted";

// The iteration count that the finished repetitions of one instance reported for the count
// Google Benchmark requested. A batched loop (State::keep_running_batch) rounds the request up
// to whole batches, so the two differ. Thread 0 records it after each call that ran its
// measured loop to the end, and any thread of a skipped repetition reads it.
class ReportedIterations {
 public:
  void record(benchmark::IterationCount requested, benchmark::IterationCount reported) {
    const std::lock_guard lock(mutex_);
    requested_ = requested;
    reported_ = reported;
  }

  // Returns the count that a finished repetition reported for `requested`, or `requested` when
  // none finished with that request.
  benchmark::IterationCount reported_for(benchmark::IterationCount requested) const {
    const std::lock_guard lock(mutex_);
    return requested_ == requested ? reported_ : requested;
  }

 private:
  mutable std::mutex mutex_;
  benchmark::IterationCount requested_ = 0;  // guarded by mutex_
  benchmark::IterationCount reported_ = 0;   // guarded by mutex_
};

// Ends a repetition that starts after an interruption request as failed, at once. Google
// Benchmark 1.7.1 aborts when the repetitions of one benchmark report different iteration
// counts, failed ones included, because its ComputeStats() compares the counts before it skips
// failed runs. So the skipped repetition reports the count that the finished ones reported:
// a single batch of `iterations` reports exactly that many, and runs no work of the variant.
void skip_interrupted_repetition(benchmark::State& state, benchmark::IterationCount iterations) {
  while (state.KeepRunningBatch(std::max(iterations, state.max_iterations))) {
  }
  state.SkipWithError(kSkippedByInterruption);
}

// The profile files of one instance; an empty path records no profile of that kind.
struct InstanceProfiles {
  std::filesystem::path cpu_profile_path;
  std::filesystem::path heap_profile_directory;
};

// The profilers of a run, switched from one instance to the next by thread 0.
struct Profilers {
  CpuProfileRecorder cpu;
  HeapProfileRecorder heap;

  // Returns an empty string, or why a profiler could not start.
  std::string record(const InstanceProfiles& profiles) {
    if (!profiles.cpu_profile_path.empty()) {
      std::string error = cpu.record_to(profiles.cpu_profile_path);
      if (!error.empty()) return error;
    }
    if (!profiles.heap_profile_directory.empty()) return heap.record_to(profiles.heap_profile_directory);
    return "";
  }

  void stop() {
    cpu.stop();
    heap.stop();
  }
};

// The body Google Benchmark calls: runs the variant through paybench's State and reports the
// measured region's allocations. Exceptions become the benchmark's error instead of ending the
// process.
// With profiles, thread 0 switches the profilers to this instance's files before any thread can
// enter the measured loop, because Google Benchmark starts the loop behind a barrier of all
// threads.
void run_instance(benchmark::State& benchmark_state, const BenchmarkInstance& instance,
                  ProgressLine& progress, const std::string& progress_name,
                  Profilers& profilers, const InstanceProfiles& profiles,
                  ReportedIterations& reported_iterations) {
  // Every thread checks, because each thread's state ends its own loop.
  if (interruption_requested()) {
    skip_interrupted_repetition(
        benchmark_state, reported_iterations.reported_for(benchmark_state.max_iterations));
    return;
  }
  if (benchmark_state.thread_index() == 0) progress.on_benchmark_start(progress_name);

  State state(benchmark_state, instance.params);
  if (state.thread_index() == 0) {
    const std::string error = profilers.record(profiles);
    if (!error.empty()) {
      state.skip_with_error(error);
      return;
    }
  }

  try {
    instance.variant->run(state);
  } catch (const std::exception& error) {
    state.skip_with_error(std::string("uncaught exception: ") + error.what());
    return;
  }

  const bool loop_skipped = !state.measured_loop_finished() && !state.error_occurred();
  if (loop_skipped) {
    state.skip_with_error("variant '" + instance.variant->name +
                          "' returned without running its measured loop to the end");
    return;
  }

  // Each thread reports its own counts; Google Benchmark sums the threads' counters and
  // kAvgIterations divides by the iterations of all threads together.
  const AllocationCounts measured = state.measured_allocations();
  state.counters()["allocs_per_op"] =
      benchmark::Counter(static_cast<double>(measured.allocations), benchmark::Counter::kAvgIterations);
  state.counters()["bytes_per_op"] =
      benchmark::Counter(static_cast<double>(measured.bytes), benchmark::Counter::kAvgIterations);
  if (state.thread_index() == 0) {
    reported_iterations.record(benchmark_state.max_iterations, benchmark_state.iterations());
  }
}

// Returns the runs grouped by instance, in the order of `instances`. Google Benchmark reports
// interleaved repetitions in random order. Readers of the result expect each benchmark's
// repetitions together, followed by its aggregates, as Google Benchmark writes them without
// interleaving. Within an instance the reported order is kept.
std::vector<reports::BenchmarkRun> in_instance_order(std::vector<reports::BenchmarkRun> runs,
                                                     const std::vector<BenchmarkInstance>& instances) {
  std::map<std::string, std::size_t> position;
  for (std::size_t i = 0; i < instances.size(); ++i) position.emplace(instances[i].name(), i);

  std::stable_sort(runs.begin(), runs.end(), [&](const auto& a, const auto& b) {
    const bool a_is_aggregate = a.run_type == reports::RunType::kAggregate;
    const bool b_is_aggregate = b.run_type == reports::RunType::kAggregate;
    return std::tie(position.at(a.run_name), a_is_aggregate) <
           std::tie(position.at(b.run_name), b_is_aggregate);
  });
  return runs;
}

// Removes the runs of every instance that a repetition skipped by an interruption request left
// unfinished.
void drop_unfinished_instances(std::vector<reports::BenchmarkRun>& runs) {
  std::set<std::string> unfinished;
  for (const reports::BenchmarkRun& run : runs) {
    if (run.error_occurred && run.error_message == kSkippedByInterruption) {
      unfinished.insert(run.run_name);
    }
  }
  std::erase_if(
      runs, [&](const reports::BenchmarkRun& run) { return unfinished.contains(run.run_name); });
}

}  // namespace

int planned_repetitions(const BenchmarkInstance& instance, const RunSettings& settings) {
  // An instruction count does not vary like a time, so one repetition is the measurement.
  if (settings.counts_instructions()) return 1;
  return std::max(settings.repetitions, instance.workload->min_repetitions);
}

reports::Result run_benchmarks(const std::vector<BenchmarkInstance>& instances,
                               const RunSettings& settings) {
  // Started first, so every measurement below runs in a multi-threaded process.
  IdleThread idle_thread;

  configure_google_benchmark(settings);
  int total_runs = 0;
  for (const BenchmarkInstance& instance : instances)
    total_runs += planned_repetitions(instance, settings);
  ProgressLine progress(settings.show_progress, total_runs, settings.progress_prefix);

  Profilers profilers;
  std::vector<InstanceProfiles> profiles(instances.size());
  for (std::size_t i = 0; i < instances.size(); ++i) {
    if (!settings.cpu_profile_paths.empty()) profiles[i].cpu_profile_path = settings.cpu_profile_paths.at(i);
    if (!settings.heap_profile_directories.empty()) {
      profiles[i].heap_profile_directory = settings.heap_profile_directories.at(i);
    }
  }
  // Sized once: the registered bodies keep references to their elements.
  std::vector<ReportedIterations> reported_iterations(instances.size());
  std::vector<RepetitionCounter> repetition_counters(instances.size());
  std::map<InstanceKey, std::size_t> index_by_key;
  std::vector<std::string> progress_names;
  progress_names.reserve(instances.size());
  for (const BenchmarkInstance& instance : instances) progress_names.push_back(instance.name());

  for (std::size_t i = 0; i < instances.size(); ++i) {
    const BenchmarkInstance& instance = instances[i];
    const std::string registered_name = instance.name_without_threads();
    index_by_key[{registered_name, instance.threads}] = i;

    const std::string& progress_name = progress_names[i];
    const InstanceProfiles& instance_profiles = profiles[i];
    ReportedIterations& instance_iterations = reported_iterations[i];
    RepetitionCounter& repetition_counter = repetition_counters[i];
    // Thread 0 dumps the instruction count of each call, so callgrind's dumps name their
    // benchmark.
    const auto body = [&instance, &progress, &progress_name, &profilers, &instance_profiles,
                       &instance_iterations, &repetition_counter](benchmark::State& state) {
      run_instance(state, instance, progress, progress_name, profilers, instance_profiles,
                   instance_iterations);
      if (state.thread_index() != 0) return;
      dump_instruction_counts(progress_name);
      repetition_counter.on_call_finished(state.max_iterations, progress);
    };
    benchmark::internal::Benchmark* benchmark =
        benchmark::RegisterBenchmark(registered_name.c_str(), body)
            ->Threads(instance.threads)
            ->Repetitions(planned_repetitions(instance, settings))
            ->UseRealTime()
            ->Unit(benchmark::kNanosecond);
    if (settings.counts_instructions()) benchmark->Iterations(settings.instruction_iterations);
  }

  enable_instruction_counting(settings.counts_instructions());
  CollectingReporter reporter(instances, index_by_key, repetition_counters, progress);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  profilers.stop();
  benchmark::ClearRegisteredBenchmarks();
  progress.finish();

  reports::Result result;
  result.context = std::move(reporter.context());
  result.benchmarks = in_instance_order(std::move(reporter.runs()), instances);
  result.context.suite = settings.suite;
  result.context.repetitions = settings.repetitions;
  result.context.min_time_s = settings.min_time_s;
  result.context.command_line = settings.command_line;
  if (interruption_requested()) {
    result.context.interrupted = true;
    drop_unfinished_instances(result.benchmarks);
  }
  return result;
}

std::vector<reports::ComparisonRequest> comparison_requests(
    const std::vector<BenchmarkInstance>& instances) {
  std::vector<const Workload*> workloads;
  for (const BenchmarkInstance& instance : instances) {
    if (std::find(workloads.begin(), workloads.end(), instance.workload) == workloads.end()) {
      workloads.push_back(instance.workload);
    }
  }

  std::vector<reports::ComparisonRequest> requests;
  for (const Workload* workload : workloads) {
    for (const std::string& candidate : workload->compared_variants()) {
      requests.push_back({workload->family, workload->name, workload->baseline, candidate});
    }
  }
  return requests;
}

}  // namespace paybench::engine
