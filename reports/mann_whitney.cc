#include "paybench/reports/mann_whitney.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace paybench::reports {
namespace {

// The ranks of x's values among all values, and the sizes of the groups of tied values.
struct RankSums {
  double x_rank_sum = 0;
  // Sum over every group of t tied values of t^3 - t: the tie correction of the variance.
  double tie_term = 0;
  bool has_ties = false;
};

// Ranks the values of x and y together, 1 for the smallest, the mean rank for tied values.
RankSums rank_samples(std::span<const double> x, std::span<const double> y) {
  std::vector<double> values(x.begin(), x.end());
  values.insert(values.end(), y.begin(), y.end());
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });

  RankSums sums;
  std::size_t group_start = 0;
  while (group_start < order.size()) {
    std::size_t group_end = group_start + 1;
    while (group_end < order.size() && values[order[group_end]] == values[order[group_start]]) {
      ++group_end;
    }

    // Positions group_start..group_end-1 get the ranks group_start+1..group_end.
    const double tied = static_cast<double>(group_end - group_start);
    const double mean_rank = (static_cast<double>(group_start + 1 + group_end)) / 2;
    for (std::size_t position = group_start; position < group_end; ++position) {
      const bool is_from_x = order[position] < x.size();
      if (is_from_x) {
        sums.x_rank_sum += mean_rank;
      }
    }
    sums.tie_term += tied * tied * tied - tied;
    sums.has_ties = sums.has_ties || tied > 1;
    group_start = group_end;
  }
  return sums;
}

// Returns P(U <= k) under the null hypothesis for samples of m and n values without ties.
//
// count[i][u] is the number of orderings of i values of the first sample and j of the second
// with U = u, for the current j. The largest value of such an ordering is either from the
// second sample (U unchanged, j - 1 values left) or from the first, where it exceeds all j
// values of the second: count(i, j, u) = count(i, j - 1, u) + count(i - 1, j, u - j).
// Counts are doubles because they exceed 2^64 for moderate sizes. Only additions of
// non-negative numbers occur, so the relative error stays near the rounding of one addition
// per step.
double exact_cdf(std::size_t m, std::size_t n, std::size_t k) {
  // The distribution is the same with the samples swapped; the smaller one makes fewer rows.
  if (m > n) std::swap(m, n);

  std::vector<std::vector<double>> count(m + 1, std::vector<double>(k + 1, 0.0));
  for (std::vector<double>& row : count) {
    row[0] = 1;  // with j = 0 every ordering has U = 0
  }
  for (std::size_t j = 1; j <= n; ++j) {
    for (std::size_t i = 1; i <= m; ++i) {
      for (std::size_t u = j; u <= k; ++u) {
        count[i][u] += count[i - 1][u - j];
      }
    }
  }

  // All orderings: (m + n) choose m, as a product that stays exact for small m.
  double orderings = 1;
  for (std::size_t t = 1; t <= m; ++t) {
    orderings = orderings * static_cast<double>(n + t) / static_cast<double>(t);
  }
  const double at_most_k = std::accumulate(count[m].begin(), count[m].end(), 0.0);
  return at_most_k / orderings;
}

double standard_normal_survival(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

void check_sample(std::span<const double> sample, const char* sample_name) {
  if (sample.empty()) {
    throw std::invalid_argument(std::string("Mann-Whitney U test: the ") + sample_name +
                                " sample is empty, but it needs at least one value");
  }
  if (std::any_of(sample.begin(), sample.end(), [](double value) { return std::isnan(value); })) {
    throw std::invalid_argument(std::string("Mann-Whitney U test: the ") + sample_name +
                                " sample contains a NaN, which has no rank");
  }
}

}  // namespace

MannWhitneyResult mann_whitney_u_test(std::span<const double> x, std::span<const double> y,
                                      MannWhitneyMethod method) {
  check_sample(x, "first");
  check_sample(y, "second");

  const double n1 = static_cast<double>(x.size());
  const double n2 = static_cast<double>(y.size());
  const RankSums ranks = rank_samples(x, y);
  const double u1 = ranks.x_rank_sum - n1 * (n1 + 1) / 2;
  const double u2 = n1 * n2 - u1;

  if (method == MannWhitneyMethod::kAuto) {
    const std::size_t max_exact = static_cast<std::size_t>(kMannWhitneyExactMaxSize);
    const bool both_large = x.size() > max_exact && y.size() > max_exact;
    method =
        both_large || ranks.has_ties ? MannWhitneyMethod::kAsymptotic : MannWhitneyMethod::kExact;
  }

  // Two-sided: the larger of U1 and U2 gives the upper tail, and the p-value is twice it.
  const double u = std::max(u1, u2);
  double one_sided = 1;
  if (method == MannWhitneyMethod::kExact) {
    // P(U >= floor(u)) equals P(U <= m * n - floor(u)), because U's distribution is symmetric.
    const double complement = n1 * n2 - std::floor(u);
    one_sided = exact_cdf(x.size(), y.size(), static_cast<std::size_t>(complement));
  } else {
    const double n = n1 + n2;
    const double variance = n1 * n2 / 12 * ((n + 1) - ranks.tie_term / (n * (n - 1)));
    // Continuity correction: the upper tail starts half a step below u.
    const double shifted = u - n1 * n2 / 2 - 0.5;
    // With every value tied the variance is 0 and u is the mean, so the tail is everything.
    one_sided = variance > 0 ? standard_normal_survival(shifted / std::sqrt(variance)) : 1.0;
  }

  MannWhitneyResult result;
  result.u = u1;
  result.p_value = std::clamp(2 * one_sided, 0.0, 1.0);
  result.method = method;
  return result;
}

const char* to_string(MannWhitneyMethod method) {
  switch (method) {
    case MannWhitneyMethod::kAuto:
      return "auto";
    case MannWhitneyMethod::kExact:
      return "exact";
    case MannWhitneyMethod::kAsymptotic:
      return "asymptotic";
  }
  return "unknown";
}

}  // namespace paybench::reports
