// The exit codes of every paybench subcommand; `paybench --help` and the README list them.
#pragma once

namespace paybench::cli {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitBenchmarkFailed = 1;  // the run finished, but a benchmark failed
inline constexpr int kExitUsageError = 2;       // invalid option, value, pattern or input file
inline constexpr int kExitGateRegression = 1;   // gate: at least one benchmark regressed
inline constexpr int kExitGateInconclusive = 3;  // gate: no regression, but some undecided
// run: SIGINT or SIGTERM stopped the run, which wrote what finished: 128 + the signal number,
// as a shell reports a process that the signal ended.
inline constexpr int kExitInterrupted = 130;  // SIGINT (Ctrl-C)
inline constexpr int kExitTerminated = 143;   // SIGTERM

inline constexpr const char* kExitCodesHelp =
    "Exit codes:\n"
    "  0  success\n"
    "  1  run: the run finished but at least one benchmark failed, for example because its\n"
    "     workload's process crashed or timed out (the error is in the result);\n"
    "     gate: at least one benchmark regressed\n"
    "  2  invalid command line, option value, pattern or input, or a file that cannot be\n"
    "     read or written; no partial output is left behind\n"
    "  3  gate: no regression, but some benchmarks were inconclusive (too few repetitions or\n"
    "     too much noise to decide)\n"
    "  130  run: interrupted by SIGINT (Ctrl-C); the result and report hold what finished\n"
    "  143  run: interrupted by SIGTERM; the result and report hold what finished\n";

}  // namespace paybench::cli
