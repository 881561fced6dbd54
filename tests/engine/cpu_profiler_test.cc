#include "paybench/engine/cpu_profiler.h"

#include <gperftools/profiler.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "cpu_profile_capture.h"
#include "paybench/engine/cpu_profile.h"

namespace paybench::engine {
namespace {

using testing::TemporaryDirectory;

// At gperftools' default of 100 samples per CPU second, an estimated 3 s of spinning; the loop
// ends as soon as enough samples arrive.
constexpr int kMaxSpinRounds = 300;
// An estimated 0.3 s of CPU time, which gives about 30 samples at 100 per second when the
// profiler keeps them.
constexpr int kUnmeasuredSpinRounds = 30;
constexpr std::uint64_t kIterationsPerRound = 10'000'000;

// Spins until the running profile has `min_samples` samples or kMaxSpinRounds have passed, and
// returns the samples gathered.
int spin_until_sampled(int min_samples) {
  ProfilerState state{};
  std::uint64_t sink = 0;
  for (int round = 0; round < kMaxSpinRounds && state.samples_gathered < min_samples; ++round) {
    sink += testing::spin_cpu(kIterationsPerRound);
    ProfilerGetCurrentState(&state);
  }
  volatile std::uint64_t observed = sink;
  static_cast<void>(observed);
  return state.samples_gathered;
}

TEST(CpuProfileRecorder, SamplesInsideMeasuredRegion) {
  const TemporaryDirectory directory;
  const auto path = directory.path() / "inside.prof";
  CpuProfileRecorder recorder;
  ASSERT_EQ(recorder.record_to(path), "");

  enter_measured_region();
  const int gathered = spin_until_sampled(5);
  leave_measured_region();
  recorder.stop();

  EXPECT_GE(gathered, 5);
  const CpuProfile profile = read_cpu_profile(path);
  EXPECT_GE(profile.total_samples(), 5u);
}

TEST(CpuProfileRecorder, NoSamplesOutsideMeasuredRegion) {
  const TemporaryDirectory directory;
  const auto path = directory.path() / "outside.prof";
  CpuProfileRecorder recorder;
  ASSERT_EQ(recorder.record_to(path), "");

  std::uint64_t sink = 0;
  for (int round = 0; round < kUnmeasuredSpinRounds; ++round) {
    sink += testing::spin_cpu(kIterationsPerRound);
  }
  volatile std::uint64_t observed = sink;
  static_cast<void>(observed);
  recorder.stop();

  EXPECT_EQ(read_cpu_profile(path).total_samples(), 0u);
}

TEST(CpuProfileRecorder, SamePathKeepsRecording) {
  const TemporaryDirectory directory;
  const auto path = directory.path() / "same.prof";
  CpuProfileRecorder recorder;
  ASSERT_EQ(recorder.record_to(path), "");
  enter_measured_region();
  const int first = spin_until_sampled(3);
  leave_measured_region();

  ASSERT_EQ(recorder.record_to(path), "");

  ProfilerState state{};
  ProfilerGetCurrentState(&state);
  EXPECT_TRUE(state.enabled);
  EXPECT_EQ(state.samples_gathered, first) << "the profile was restarted";
  recorder.stop();
}

TEST(CpuProfileRecorder, NewPathWritesPreviousFile) {
  const TemporaryDirectory directory;
  CpuProfileRecorder recorder;
  ASSERT_EQ(recorder.record_to(directory.path() / "a.prof"), "");
  ASSERT_EQ(recorder.record_to(directory.path() / "b.prof"), "");

  EXPECT_NO_THROW(read_cpu_profile(directory.path() / "a.prof"));
  recorder.stop();
  EXPECT_NO_THROW(read_cpu_profile(directory.path() / "b.prof"));
}

TEST(CpuProfileRecorder, UnwritablePathIsError) {
  const TemporaryDirectory directory;
  const auto path = directory.path() / "missing-directory" / "x.prof";
  CpuProfileRecorder recorder;

  const std::string error = recorder.record_to(path);

  EXPECT_NE(error.find(path.string()), std::string::npos) << error;
  ProfilerState state{};
  ProfilerGetCurrentState(&state);
  EXPECT_FALSE(state.enabled);
}

}  // namespace
}  // namespace paybench::engine
