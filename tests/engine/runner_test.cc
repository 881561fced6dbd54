#include "paybench/engine/runner.h"

#include <gtest/gtest.h>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "paybench/engine/allocator.h"
#include "paybench/engine/build_info.h"

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
