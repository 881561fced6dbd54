#include "paybench/engine/interruption.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>

namespace paybench::engine {
namespace {

// Each test runs in a child process, because an interruption request cannot be withdrawn and a
// second signal ends the process.
class InterruptionTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(InterruptionTest, FirstSignalOnlyRecordsRequest) {
  EXPECT_EXIT(
      {
        install_interruption_handlers();
        std::raise(SIGTERM);
        std::exit(interruption_signal() == SIGTERM ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(InterruptionTest, SecondSignalExitsWithoutWriting) {
  EXPECT_EXIT(
      {
        install_interruption_handlers();
        std::raise(SIGINT);
        std::raise(SIGINT);
        std::exit(0);
      },
      ::testing::ExitedWithCode(130),
      "^paybench: interrupted again: stopped at once without writing the result and report\n$");
}

TEST_F(InterruptionTest, SecondSignalWhileWritingWarns) {
  EXPECT_EXIT(
      {
        install_interruption_handlers();
        std::raise(SIGTERM);
        mark_output_writing_started();
        std::raise(SIGINT);
        std::exit(0);
      },
      ::testing::ExitedWithCode(130),
      "after it had started writing the result and report; some may be missing");
}

TEST_F(InterruptionTest, SecondSigtermExitsWith143) {
  EXPECT_EXIT(
      {
        install_interruption_handlers();
        std::raise(SIGTERM);
        std::raise(SIGTERM);
        std::exit(0);
      },
      ::testing::ExitedWithCode(143), "interrupted again");
}

TEST(SignalName, NamesKnownAndUnknownSignals) {
  EXPECT_EQ(signal_name(SIGINT), "SIGINT");
  EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
  EXPECT_EQ(signal_name(1000), "signal 1000");
}

}  // namespace
}  // namespace paybench::engine
