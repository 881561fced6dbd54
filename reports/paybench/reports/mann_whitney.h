// The two-sided Mann-Whitney U test (Wilcoxon rank-sum test), computed as SciPy 1.10's
// scipy.stats.mannwhitneyu computes it with the arguments that Google Benchmark's compare.py
// passes: alternative='two-sided', use_continuity=True, method='auto'.
#pragma once

#include <span>

namespace paybench::reports {

// Samples of at most this many values get the exact null distribution of U under
// MannWhitneyMethod::kAuto when there are no ties. SciPy 1.10 switches to the normal
// approximation only when both samples are larger.
inline constexpr int kMannWhitneyExactMaxSize = 8;

enum class MannWhitneyMethod {
  // kExact when either sample has at most kMannWhitneyExactMaxSize values and no two values of
  // the samples taken together are equal, otherwise kAsymptotic. Never reported in a result.
  kAuto,
  // The p-value from the exact distribution of U, which assumes no ties. With ties it is only
  // an approximation, as in SciPy: a fractional U is rounded down.
  kExact,
  // The normal approximation with tie correction and continuity correction.
  kAsymptotic,
};

struct MannWhitneyResult {
  // SciPy's statistic: U of the first sample, the number of pairs (x, y) with x > y plus half
  // the number of pairs with x == y. It lies in [0, size(x) * size(y)].
  double u = 0;
  // Two-sided p-value in [0, 1]. It is exactly 0 when it underflows, as SciPy's is.
  double p_value = 1;
  MannWhitneyMethod method = MannWhitneyMethod::kExact;  // kExact or kAsymptotic
};

// Tests whether values of `x` tend to be larger or smaller than values of `y`. Values are
// compared exactly: two times count as tied only when they are equal doubles. Infinities are
// allowed and rank above or below every finite value.
//
// kExact costs about m * n * min(U, m * n - U) additions for sample sizes m and n, so callers
// that force it should keep the samples small. kAuto chooses it only when one sample has at
// most kMannWhitneyExactMaxSize values.
//
// Throws std::invalid_argument when a sample is empty or contains a NaN.
MannWhitneyResult mann_whitney_u_test(std::span<const double> x, std::span<const double> y,
                                      MannWhitneyMethod method = MannWhitneyMethod::kAuto);

const char* to_string(MannWhitneyMethod method);

}  // namespace paybench::reports
