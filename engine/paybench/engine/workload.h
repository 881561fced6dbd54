// The workload API: what a workload declares and how its variants are measured.
//
// A workload compares two or more variants of one component (object pool against malloc, one
// queue against another) at each combination of its parameters. It names one variant as the
// baseline; every other variant, or the listed candidates, is compared against it at equal
// parameters, thread count and allocator. A workload registers itself from its own file:
//
//   const paybench::engine::Registration kRegistration{paybench::engine::Workload{
//       .family = "memory",
//       .name = "object_pool",
//       .description = "ObjectPool get/put against malloc/free",
//       .parameters = {{"size", {64, 256}}},
//       .threads = {1, 2},
//       .variants = {{"malloc", "malloc + free", &run_malloc},
//                    {"pool", "ObjectPool get + put", &run_pool}},
//       .baseline = "malloc",
//   }};
//
// Benchmark names follow Google Benchmark's style:
// family/workload/variant/param:value/.../threads:N.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "paybench/engine/state.h"

namespace paybench::engine {

struct Parameter {
  std::string name;                  // e.g. "size"; shown as size:256 in benchmark names
  std::vector<std::int64_t> values;  // every value is measured, in this order
  std::string description;           // what the parameter sets, with its unit; shown by list
};

struct Variant {
  std::string name;
  std::string description;
  // Sets up, runs `for (auto _ : state)` over the measured region, and tears down. It runs
  // once per thread for multi-threaded benchmarks, and several times per repetition while
  // Google Benchmark settles the iteration count.
  std::function<void(State&)> run;
  // Returns whether the variant applies at these parameter values (a single-producer queue has
  // no two-producer benchmark). Empty: the variant runs at every combination.
  std::function<bool(const std::map<std::string, std::int64_t>& params)> applies;
};

struct Workload {
  std::string family;
  std::string name;
  std::string description;
  std::vector<Parameter> parameters;
  // Thread counts to run at. A workload with more than one entry here is multi-threaded, and
  // `paybench run --threads LIST` replaces this list; for the others --threads does not apply.
  std::vector<int> threads = {1};
  std::vector<Variant> variants;
  std::string baseline;                 // name of the baseline variant
  std::vector<std::string> candidates;  // variants compared with the baseline; empty means all
  // Fewest repetitions of each benchmark, whatever the suite or --repetitions requests: workloads
  // whose variants vary a lot between repetitions (threads handing items over) need more
  // samples for a useful confidence interval. 0: no minimum.
  int min_repetitions = 0;
  // Returns why the workload cannot run in this process, such as a server that no option names,
  // or nullopt when it can. Empty: always available. An unavailable workload has no benchmark
  // instances, and `paybench list` and `run` print the reason.
  std::function<std::optional<std::string>()> unavailable_reason;

  std::string full_name() const { return family + "/" + name; }
  // Returns unavailable_reason(), or nullopt when it is empty.
  std::optional<std::string> unavailability() const {
    return unavailable_reason ? unavailable_reason() : std::nullopt;
  }
  bool multi_threaded() const { return threads.size() > 1 || threads.front() > 1; }
  // Returns the compared variants: `candidates`, or every variant but the baseline.
  std::vector<std::string> compared_variants() const;
};

// Registers a workload during static initialization. A workload that breaks the rules above
// (fewer than two variants, an unknown baseline, a duplicate name) is a programming error:
// registration prints what is wrong and aborts, so such a binary never runs.
class Registration {
 public:
  explicit Registration(Workload workload);
};

}  // namespace paybench::engine
