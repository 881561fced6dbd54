#include "paybench/engine/runner.h"

#include <gtest/gtest.h>

#include <benchmark/benchmark.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "paybench/engine/allocator.h"
#include "paybench/engine/build_info.h"
#include "paybench/engine/interruption.h"

namespace paybench::engine {
namespace {

constexpr std::size_t kBlockBytes = 48;

// The allocator that runs record without --allocator: glibc's, except in a sanitizer build,
// whose runtime replaces malloc.
std::string default_allocator_name() {
  return build_info().sanitizer.empty() ? "glibc" : detect_active_allocator().name;
}

void allocate_once_per_op(State& state) {
  // Setup allocations happen outside the measured region and must not be counted.
  for (int i = 0; i < 100; ++i) {
    void* block = std::malloc(1000);
    benchmark::DoNotOptimize(block);
    std::free(block);
  }
  for (auto _ : state) {
    void* block = std::malloc(kBlockBytes);
    benchmark::DoNotOptimize(block);
    std::free(block);
  }
}

void allocate_nothing(State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(state.iterations());
}

void allocate_twice_per_batch_of_ten(State& state) {
  while (state.keep_running_batch(10)) {
    void* first = std::malloc(kBlockBytes);
    void* second = std::malloc(kBlockBytes);
    benchmark::DoNotOptimize(first);
    benchmark::DoNotOptimize(second);
    std::free(first);
    std::free(second);
  }
}

void allocate_while_paused(State& state) {
  for (auto _ : state) {
    state.pause_timing();
    void* block = std::malloc(kBlockBytes);
    benchmark::DoNotOptimize(block);
    std::free(block);
    state.resume_timing();
  }
}

void throw_error(State&) { throw std::runtime_error("ledger unavailable"); }

void skip_loop(State&) {}

class RunnerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    registry_ = new Registry;
    registry_->add(Workload{
        .family = "testing",
        .name = "counting",
        .description = "allocation counting",
        .threads = {1, 2},
        .variants = {{"once", "one malloc per op", &allocate_once_per_op},
                     {"none", "no allocation", &allocate_nothing},
                     {"batch", "two per batch of ten", &allocate_twice_per_batch_of_ten},
                     {"paused", "allocates while paused", &allocate_while_paused}},
        .baseline = "once",
    });
    registry_->add(Workload{
        .family = "testing",
        .name = "failing",
        .description = "failures become data",
        .variants = {{"throws", "throws", &throw_error}, {"skips", "skips its loop", &skip_loop}},
        .baseline = "throws",
    });

    RunSettings settings;
    settings.repetitions = 3;
    settings.min_time_s = 0.001;
    settings.suite = "test";
    settings.command_line = "runner_test";
    instances_ = new std::vector<BenchmarkInstance>(registry_->instances());
    result_ = new reports::Result(run_benchmarks(*instances_, settings));
  }

  static void TearDownTestSuite() {
    delete result_;
    delete instances_;
    delete registry_;
  }

  // The iteration runs of one benchmark instance.
  static std::vector<const reports::BenchmarkRun*> iterations_of(const std::string& run_name) {
    std::vector<const reports::BenchmarkRun*> runs;
    for (const auto& run : result_->benchmarks) {
      if (run.run_name == run_name && run.run_type == reports::RunType::kIteration) {
        runs.push_back(&run);
      }
    }
    return runs;
  }

  static Registry* registry_;
  static std::vector<BenchmarkInstance>* instances_;
  static reports::Result* result_;
};

Registry* RunnerTest::registry_ = nullptr;
std::vector<BenchmarkInstance>* RunnerTest::instances_ = nullptr;
reports::Result* RunnerTest::result_ = nullptr;

TEST_F(RunnerTest, EveryRepetitionIsReported) {
  for (const BenchmarkInstance& instance : *instances_) {
    const auto runs = iterations_of(instance.name());
    EXPECT_EQ(runs.size(), 3u) << instance.name();
  }
}

TEST_F(RunnerTest, RunsGroupedInInstanceOrder) {
  std::vector<std::string> order;
  for (const BenchmarkInstance& instance : *instances_) order.push_back(instance.name());

  std::size_t instance_position = 0;
  bool seen_aggregate = false;
  for (const auto& run : result_->benchmarks) {
    while (instance_position < order.size() && order[instance_position] != run.run_name) {
      ++instance_position;
      seen_aggregate = false;
    }
    ASSERT_LT(instance_position, order.size()) << run.name << " is out of instance order";
    const bool is_aggregate = run.run_type == reports::RunType::kAggregate;
    EXPECT_FALSE(seen_aggregate && !is_aggregate) << run.name << " follows an aggregate";
    seen_aggregate = seen_aggregate || is_aggregate;
  }
}

TEST_F(RunnerTest, AggregatesFollowGoogleBenchmarkNaming) {
  int medians = 0;
  for (const auto& run : result_->benchmarks) {
    if (run.run_type != reports::RunType::kAggregate) continue;
    EXPECT_EQ(run.name, run.run_name + "_" + run.aggregate_name);
    if (run.aggregate_name == "median") ++medians;
    if (run.aggregate_name == "cv") {
      EXPECT_EQ(run.aggregate_unit, "percentage");
    }
  }
  EXPECT_GT(medians, 0);
}

TEST_F(RunnerTest, RunsCarryTheirOrigin) {
  const auto runs = iterations_of("testing/counting/batch/threads:2");
  ASSERT_FALSE(runs.empty());
  EXPECT_EQ(runs.front()->family, "testing");
  EXPECT_EQ(runs.front()->workload, "counting");
  EXPECT_EQ(runs.front()->variant, "batch");
  EXPECT_EQ(runs.front()->threads, 2);
  EXPECT_EQ(runs.front()->allocator, default_allocator_name());
  EXPECT_EQ(runs.front()->time_unit, "ns");
  EXPECT_GT(runs.front()->real_time, 0);
}

TEST_F(RunnerTest, CountsAllocationsOfMeasuredRegionOnly) {
  for (const char* threads : {"1", "2"}) {
    const std::string suffix = std::string("/threads:") + threads;
    for (const auto* run : iterations_of("testing/counting/once" + suffix)) {
      EXPECT_DOUBLE_EQ(run->counters.at("allocs_per_op"), 1.0) << threads;
      EXPECT_DOUBLE_EQ(run->counters.at("bytes_per_op"), double(kBlockBytes)) << threads;
    }
    for (const auto* run : iterations_of("testing/counting/none" + suffix)) {
      EXPECT_DOUBLE_EQ(run->counters.at("allocs_per_op"), 0.0) << threads;
    }
    for (const auto* run : iterations_of("testing/counting/paused" + suffix)) {
      EXPECT_DOUBLE_EQ(run->counters.at("allocs_per_op"), 0.0) << threads;
    }
  }
}

TEST_F(RunnerTest, BatchCountsArePerItem) {
  for (const auto* run : iterations_of("testing/counting/batch/threads:1")) {
    EXPECT_EQ(run->iterations % 10, 0);
    EXPECT_DOUBLE_EQ(run->counters.at("allocs_per_op"), 0.2);
  }
}

TEST_F(RunnerTest, ExceptionBecomesError) {
  const auto runs = iterations_of("testing/failing/throws/threads:1");
  ASSERT_FALSE(runs.empty());
  EXPECT_TRUE(runs.front()->error_occurred);
  EXPECT_NE(runs.front()->error_message.find("ledger unavailable"), std::string::npos);
}

TEST_F(RunnerTest, SkippedLoopBecomesError) {
  const auto runs = iterations_of("testing/failing/skips/threads:1");
  ASSERT_FALSE(runs.empty());
  EXPECT_TRUE(runs.front()->error_occurred);
  EXPECT_NE(runs.front()->error_message.find("measured loop"), std::string::npos);
}

TEST_F(RunnerTest, ContextDescribesMachineAndBuild) {
  const reports::Context& context = result_->context;
  EXPECT_FALSE(context.date.empty());
  EXPECT_NE(context.executable.find("paybench_engine_tests"), std::string::npos)
      << context.executable;
  EXPECT_FALSE(context.host_name.empty());
  EXPECT_GT(context.num_cpus, 0);
  EXPECT_FALSE(context.library_build_type.empty());
  EXPECT_FALSE(context.caches.empty());
  EXPECT_FALSE(context.paybench_version.empty());
  EXPECT_FALSE(context.compiler.empty());
  EXPECT_FALSE(context.cpu_model.empty());
  EXPECT_FALSE(context.kernel.empty());
  EXPECT_GT(context.cores, 0);
  ASSERT_EQ(context.allocators.size(), 1u);
  EXPECT_EQ(context.allocators.front().name, default_allocator_name());
  EXPECT_EQ(context.suite, "test");
  EXPECT_EQ(context.repetitions, 3);
  EXPECT_EQ(context.command_line, "runner_test");
}

// One batch that counts as 10^12 items, more than Google Benchmark's limit of 10^9 iterations
// (kMaxIterations in Google Benchmark 1.7.1).
// Google Benchmark then accepts the first call as the whole repetition, and every finished
// repetition reports 10^12 iterations whatever count it requested.
constexpr std::int64_t kItemsInOneBatch = 1'000'000'000'000;
constexpr int kInterruptedRepetitions = 4;
std::atomic<int> one_batch_calls{0};

// Requests an interruption as SIGINT would, once two repetitions have finished.
void run_one_batch_then_interrupt(State& state) {
  while (state.keep_running_batch(kItemsInOneBatch)) {
  }
  if (one_batch_calls.fetch_add(1) + 1 == 2) std::raise(SIGINT);
}

// Runs two finished and two skipped repetitions of a batched benchmark, next to another one
// that the interruption request may leave unfinished too, and returns 0 when the
// result is as expected, or prints what is wrong and returns 1.
int run_batch_interrupted_after_two_repetitions() {
  install_interruption_handlers();
  Registry registry;
  registry.add(Workload{
      .family = "testing",
      .name = "interrupted",
      .description = "an interruption request between repetitions",
      .variants = {{"none", "no allocation", &allocate_nothing},
                   {"one_batch", "one batch of 10^12 items", &run_one_batch_then_interrupt}},
      .baseline = "none",
  });
  RunSettings settings;
  settings.repetitions = kInterruptedRepetitions;
  settings.min_time_s = 0.001;
  const reports::Result result = run_benchmarks(registry.instances(), settings);

  if (!result.context.interrupted) {
    std::fprintf(stderr, "the result does not record the interruption\n");
    return 1;
  }
  for (const reports::BenchmarkRun& run : result.benchmarks) {
    if (run.variant == "one_batch") {
      std::fprintf(stderr, "the unfinished benchmark %s is in the result\n", run.name.c_str());
      return 1;
    }
  }
  return 0;
}

// Google Benchmark 1.7.1 aborts in ComputeStats() when the repetitions of one benchmark report
// different iteration counts, skipped ones included. Runs in a child process, because an
// interruption request cannot be withdrawn.
TEST(RunnerInterruption, SkippedBatchRepetitionsDoNotAbort) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(std::exit(run_batch_interrupted_after_two_repetitions()),
              ::testing::ExitedWithCode(0), "");
}

// Marks each call in the captured stderr, where the progress line is drawn too.
constexpr const char* kCallMarker = "<call ended>";

void allocate_nothing_then_mark_call(State& state) {
  allocate_nothing(state);
  std::fputs(kCallMarker, stderr);
}

// The progress line counts each repetition when it ends. Google Benchmark reports the
// repetitions of a benchmark only after the last one, so the count "[2/3]" must be drawn before
// the call of the third repetition ends.
TEST(RunnerProgress, CountsRepetitionsAsTheyEnd) {
  Registry registry;
  registry.add(Workload{
      .family = "testing",
      .name = "progress",
      .description = "progress line",
      .variants = {{"marked", "marks its calls", &allocate_nothing_then_mark_call},
                   {"none", "no allocation", &allocate_nothing}},
      .baseline = "none",
  });
  std::vector<BenchmarkInstance> instances = registry.instances();
  std::erase_if(instances, [](const BenchmarkInstance& instance) {
    return instance.variant->name != "marked";
  });
  ASSERT_EQ(instances.size(), 1u);
  RunSettings settings;
  settings.repetitions = 3;
  settings.min_time_s = 0.001;
  settings.show_progress = true;

  ::testing::internal::CaptureStderr();
  run_benchmarks(instances, settings);
  const std::string printed = ::testing::internal::GetCapturedStderr();

  const std::size_t last_call = printed.rfind(kCallMarker);
  ASSERT_NE(last_call, std::string::npos) << printed;
  const std::size_t second_counted = printed.find("[2/3]");
  ASSERT_NE(second_counted, std::string::npos) << printed;
  EXPECT_LT(second_counted, last_call) << printed;
  EXPECT_NE(printed.find("[3/3]"), std::string::npos) << printed;
  EXPECT_EQ(printed.find("[4/3]"), std::string::npos) << printed;
}

TEST(ComparisonRequests, OnePerComparedVariant) {
  Registry registry;
  auto noop = [](State&) {};
  registry.add(Workload{.family = "testing",
                        .name = "requests",
                        .description = "requests",
                        .variants = {{"a", "a", noop}, {"b", "b", noop}, {"c", "c", noop}},
                        .baseline = "b"});
  const auto requests = comparison_requests(registry.instances());
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].baseline_variant, "b");
  EXPECT_EQ(requests[0].candidate_variant, "a");
  EXPECT_EQ(requests[1].candidate_variant, "c");
}

}  // namespace
}  // namespace paybench::engine
