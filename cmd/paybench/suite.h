// The suites of `paybench run`: how long each benchmark is measured and how often.
#pragma once

#include <optional>
#include <string_view>

namespace paybench::cli {

struct Suite {
  const char* name;
  int repetitions;
  double min_time_s;  // per repetition
};

// quick: a first look and CI smoke runs; the memory family finishes in well under a minute on
// 2 cores. Five repetitions are the fewest that still give a bootstrap interval of a median.
inline constexpr Suite kQuickSuite{"quick", 5, 0.02};
// full: for decisions. Nine repetitions, the count from which Google Benchmark's compare.py
// stops warning that its U test lacks power, and 0.5 s each, Google Benchmark's default.
inline constexpr Suite kFullSuite{"full", 9, 0.5};

// profile: what `paybench profile` measures with. Longer than full per repetition, so that a CPU
// profile has enough samples: gperftools delivered about 250 a CPU second on this kind of
// machine (see run_command.cc), so three repetitions of 1 s give some 750 per benchmark.
inline constexpr Suite kProfileSuite{"profile", 3, 1.0};

inline std::optional<Suite> find_suite(std::string_view name) {
  if (name == kQuickSuite.name) return kQuickSuite;
  if (name == kFullSuite.name) return kFullSuite;
  if (name == kProfileSuite.name) return kProfileSuite;
  return std::nullopt;
}

}  // namespace paybench::cli
