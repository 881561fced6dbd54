// Counting the instructions of measured regions with valgrind's callgrind, for
// `paybench run --measure instructions`.
//
// The process runs under `valgrind --tool=callgrind --instr-atstart=no`, so nothing is counted
// until thread 0 of a benchmark starts its measured region, which switches callgrind's
// instrumentation on for every thread until the region ends. After each call of a benchmark's
// function, thread 0 requests a callgrind dump of the counts collected since the previous
// dump, with the benchmark's name in the dump's trigger line. Callgrind counts executed guest
// instructions, which do not depend on the load of the machine: two runs of one binary give the
// same count for code that runs on one thread. Where threads wait for each other, the waiting
// loops are counted too, and vary between runs.
//
// The client requests are valgrind's own macros, which cost a few instructions and do nothing
// outside valgrind.
#pragma once

#include <cstdint>
#include <string>

namespace paybench::engine {

// Returns whether this process runs under valgrind.
bool running_under_valgrind();

// Turns the region marks below on or off; off by default.
void enable_instruction_counting(bool enabled);

// Called by thread 0 of a benchmark where its measured region starts and ends: switch
// callgrind's instrumentation on and off while counting is enabled.
void mark_instruction_region_start();
void mark_instruction_region_end();

// Called by thread 0 after each call of a benchmark's function: dumps the counts collected
// since the previous dump, with `benchmark_name` in the dump's trigger line
// ("desc: Trigger: Client Request: <name>"), while counting is enabled.
void dump_instruction_counts(const std::string& benchmark_name);

}  // namespace paybench::engine
