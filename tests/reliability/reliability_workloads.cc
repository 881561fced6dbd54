// Workloads that fail the way real code can fail, for the tests of isolation and interruption.
// They segfault, abort, throw an exception that no handler catches, exit early and hang, each
// next to a variant that works. Two more work: `basic`, which is quick, and `slow`, which takes
// as long as --min-time requests.
//
// A failing variant fails on its first call. The `hang` and `slow` variants print one line to
// stderr when they start, "reliability/<workload>: started in process <pid>", so that a test
// knows when to send a signal. The `batched` workload's `one_batch` variant prints
// "reliability/batched: finished two repetitions in process <pid>" instead, so that a signal
// arrives between its repetitions.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "paybench/engine/workload.h"

namespace {

using paybench::engine::State;
using paybench::engine::Variant;
using paybench::engine::Workload;

// The exit code of the `exit` variant, which the tests expect in the error message.
constexpr int kEarlyExitCode = 3;

void run_increment(State& state) {
  std::uint64_t value = 0;
  for (auto _ : state) benchmark::DoNotOptimize(++value);
}

void run_multiply(State& state) {
  std::uint64_t value = 1;
  for (auto _ : state) {
    value = value * 6364136223846793005ULL + 1442695040888963407ULL;
    benchmark::DoNotOptimize(value);
  }
}

// Prints the start line of `workload` once: `announced` is the variant's own flag.
void announce_start(const char* workload, std::atomic<bool>& announced) {
  if (!announced.exchange(true)) {
    std::fprintf(stderr, "reliability/%s: started in process %d\n", workload,
                 static_cast<int>(::getpid()));
    std::fflush(stderr);
  }
}

void run_segfault(State& state) {
  // No core file, and no sanitizer handler that would turn the signal into an exit code.
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  ::signal(SIGSEGV, SIG_DFL);
  for (auto _ : state) {
    volatile int* null_pointer = nullptr;
    *null_pointer = 1;
  }
}

void run_abort(State& state) {
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  for (auto _ : state) std::abort();
}

// An exception thrown on a thread that the variant starts reaches no handler of the variant's
// or of the runner's, so std::terminate ends the process.
void run_throw(State& state) {
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  for (auto _ : state) {
    std::thread worker([] { throw std::runtime_error("settlement batch 42 has no currency"); });
    worker.join();
  }
}

void run_exit(State& state) {
  for (auto _ : state) std::_Exit(kEarlyExitCode);
}

// Never returns, and ignores interruption requests as a stuck call would.
void run_hang(State& state) {
  static std::atomic<bool> announced{false};
  announce_start("hang", announced);
  for (auto _ : state) {
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

void run_sleep(State& state) {
  static std::atomic<bool> announced{false};
  announce_start("slow", announced);
  for (auto _ : state) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// One batch that counts as 10^12 items, more than Google Benchmark's limit of 10^9 iterations.
// Google Benchmark then accepts the first call as the whole repetition, and every repetition
// reports 10^12 iterations, more than the count it requested.
constexpr std::int64_t kItemsInOneBatch = 1'000'000'000'000;
constexpr std::chrono::milliseconds kOneBatchSleep{50};

void run_one_batch(State& state) {
  static std::atomic<int> finished_repetitions{0};
  while (state.keep_running_batch(kItemsInOneBatch)) std::this_thread::sleep_for(kOneBatchSleep);
  if (finished_repetitions.fetch_add(1) + 1 == 2) {
    std::fprintf(stderr, "reliability/batched: finished two repetitions in process %d\n",
                 static_cast<int>(::getpid()));
    std::fflush(stderr);
  }
}

// A workload of a working variant and `failing`.
Workload failing_workload(const char* name, const char* description, Variant failing) {
  return Workload{
      .family = "reliability",
      .name = name,
      .description = description,
      .parameters = {},
      .threads = {1},
      .variants = {{"increment", "an increment", &run_increment}, std::move(failing)},
      .baseline = "increment",
  };
}

const paybench::engine::Registration kBasic{Workload{
    .family = "reliability",
    .name = "basic",
    .description = "two cheap variants that work",
    .parameters = {},
    .threads = {1},
    .variants = {{"increment", "an increment", &run_increment},
                 {"multiply", "a multiply-add", &run_multiply}},
    .baseline = "increment",
}};

const paybench::engine::Registration kSlow{Workload{
    .family = "reliability",
    .name = "slow",
    .description = "sleeps 1 ms per op, so a run lasts as long as --min-time requests",
    .parameters = {},
    .threads = {1},
    .variants = {{"increment", "an increment", &run_increment},
                 {"sleep", "a 1 ms sleep", &run_sleep}},
    .baseline = "increment",
}};

const paybench::engine::Registration kBatched{Workload{
    .family = "reliability",
    .name = "batched",
    .description = "a batched loop whose repetitions report more iterations than requested",
    .parameters = {},
    .threads = {1},
    .variants = {{"increment", "an increment", &run_increment},
                 {"one_batch", "one 50 ms batch of 10^12 items", &run_one_batch}},
    .baseline = "increment",
}};

const paybench::engine::Registration kSegfault{failing_workload(
    "crash", "a write through a null pointer", {"segfault", "writes through null", &run_segfault})};
const paybench::engine::Registration kAbort{
    failing_workload("abort", "std::abort", {"abort", "calls std::abort", &run_abort})};
const paybench::engine::Registration kThrow{
    failing_workload("throw", "an exception on a thread of the variant",
                     {"throw", "throws on a thread", &run_throw})};
const paybench::engine::Registration kExit{
    failing_workload("exit", "an early exit with code 3", {"exit", "calls _Exit(3)", &run_exit})};
const paybench::engine::Registration kHang{
    failing_workload("hang", "a call that never returns", {"hang", "sleeps forever", &run_hang})};

}  // namespace
