#include "paybench/reports/mann_whitney.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace paybench::reports {
namespace {

struct Case {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
  MannWhitneyMethod method;  // the method requested
  MannWhitneyMethod chosen;  // what SciPy 1.10's rules use
  double expected_u;
  double expected_p;
};

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr auto kAuto = MannWhitneyMethod::kAuto;
constexpr auto kExact = MannWhitneyMethod::kExact;
constexpr auto kAsymptotic = MannWhitneyMethod::kAsymptotic;

// Expected U and p: printed by tests/reports/mann_whitney_expected.py, which calls SciPy 1.10.1's
// scipy.stats.mannwhitneyu(x, y, alternative="two-sided", method=...) with the same samples.
// The report_py cases are the samples of Google Benchmark's tools/gbench/report.py tests
// (test3_run0/1.json), whose expected p-values are 1.0, 0.6666666666666666,
// 0.7670968684102772 and 0.2.
std::vector<Case> scipy_cases() {
  const std::vector<double> nine_low = {5.1, 4.8, 5.6, 5.3, 4.9, 5.0, 5.4, 5.2, 4.7};
  const std::vector<double> nine_high = {5.5, 5.9, 5.05, 6.1, 5.7, 5.35, 6.3, 5.8, 6.0};
  return {
      {"exact_no_overlap", {1, 2, 3}, {4, 5, 6}, kAuto, kExact, 0.0, 0.1},
      {"exact_interleaved",
       {1.5, 3.25, 7, 8.5},
       {2, 4, 6, 9, 10},
       kAuto,
       kExact,
       7.0,
       0.5555555555555556},
      {"exact_one_value_each", {3}, {1}, kAuto, kExact, 1.0, 1.0},
      {"exact_eight_against_twenty",
       {10.1, 10.4, 9.8, 10.9, 10.2, 11.3, 9.6, 10.7},
       {10.5,  11.1, 11.8,  12.0, 10.8, 11.6, 12.4,  11.9,  12.2, 11.4,
        10.35, 12.7, 11.25, 12.9, 13.1, 11.7, 12.15, 10.95, 13.4, 12.55},
       kAuto,
       kExact,
       12.0,
       0.00016601755732190514},
      {"exact_forced_nine_each", nine_low, nine_high, kExact, kExact, 8.0, 0.0027560674619498144},
      {"asymptotic_nine_each", nine_low, nine_high, kAuto, kAsymptotic, 8.0, 0.004718198728115028},
      {"asymptotic_ties_small",
       {8, 8},
       {7, 4.54, 800},
       kAuto,
       kAsymptotic,
       4.0,
       0.7670968684102772},
      {"asymptotic_ties_across",
       {1, 2, 2, 3, 3, 3},
       {3, 4, 4, 5, 2},
       kAuto,
       kAsymptotic,
       5.5,
       0.08871369199677616},
      {"asymptotic_forced_no_ties",
       {1, 2, 3},
       {4, 5, 6},
       kAsymptotic,
       kAsymptotic,
       0.0,
       0.08085559837005224},
      {"all_values_equal", {7, 7, 7}, {7, 7}, kAuto, kAsymptotic, 3.0, 1.0},
      {"infinity_is_largest", {1, 2, kInfinity}, {3, 4, 5}, kAuto, kExact, 3.0, 0.7},
      {"report_py_time", {9, 8}, {10, 7}, kAuto, kExact, 2.0, 1.0},
      {"report_py_cpu", {90, 86}, {89, 72}, kAuto, kExact, 3.0, 0.6666666666666666},
      {"report_py_short_time", {8, 8}, {7, 4.54, 800}, kAuto, kAsymptotic, 4.0, 0.7670968684102772},
      {"report_py_short_cpu", {80, 77}, {75, 66.6, 1}, kAuto, kExact, 6.0, 0.2},
      {"separated_thousand_each", std::vector<double>(1000, 1), std::vector<double>(1000, 1000),
       kAuto, kAsymptotic, 0.0, 0.0},
  };
}

TEST(MannWhitney, MatchesScipy) {
  for (const Case& test_case : scipy_cases()) {
    SCOPED_TRACE(test_case.name);
    const MannWhitneyResult result =
        mann_whitney_u_test(test_case.x, test_case.y, test_case.method);
    EXPECT_EQ(result.method, test_case.chosen);
    EXPECT_DOUBLE_EQ(result.u, test_case.expected_u);
    // The sums run in another order than NumPy's, so the last bits may differ.
    EXPECT_NEAR(result.p_value, test_case.expected_p, 1e-12 + 1e-9 * test_case.expected_p);
  }
}

TEST(MannWhitney, ExactBoundaryIsEightValues) {
  std::vector<double> eight;
  std::vector<double> nine;
  std::vector<double> many;
  for (int i = 0; i < 8; ++i) eight.push_back(2.0 * i);
  for (int i = 0; i < 9; ++i) nine.push_back(2.0 * i + 1);
  for (int i = 0; i < 30; ++i) many.push_back(0.5 + 3.0 * i);

  EXPECT_EQ(mann_whitney_u_test(eight, many).method, MannWhitneyMethod::kExact);
  EXPECT_EQ(mann_whitney_u_test(many, eight).method, MannWhitneyMethod::kExact);
  EXPECT_EQ(mann_whitney_u_test(nine, many).method, MannWhitneyMethod::kAsymptotic);
  EXPECT_EQ(mann_whitney_u_test(eight, nine).method, MannWhitneyMethod::kExact);
}

TEST(MannWhitney, SwappingSamplesKeepsPValue) {
  const std::vector<double> x = {1.5, 3.25, 7, 8.5};
  const std::vector<double> y = {2, 4, 6, 9, 10};
  const MannWhitneyResult forward = mann_whitney_u_test(x, y);
  const MannWhitneyResult backward = mann_whitney_u_test(y, x);
  EXPECT_DOUBLE_EQ(forward.p_value, backward.p_value);
  EXPECT_DOUBLE_EQ(forward.u + backward.u, static_cast<double>(x.size() * y.size()));
}

TEST(MannWhitney, ExactAgreesWithCountedOrderings) {
  // For 3 against 3 values without overlap, 1 of the 20 orderings has U = 0 and 1 has U = 9:
  // the two-sided p-value is 2 / 20.
  const MannWhitneyResult separated =
      mann_whitney_u_test(std::vector<double>{1, 2, 3}, std::vector<double>{4, 5, 6}, kExact);
  EXPECT_DOUBLE_EQ(separated.p_value, 0.1);
  // U1 = 4 and U2 = 5 lie on either side of the mean 4.5, so each tail has half the orderings.
  const MannWhitneyResult middle =
      mann_whitney_u_test(std::vector<double>{1, 4, 5}, std::vector<double>{2, 3, 6}, kExact);
  EXPECT_DOUBLE_EQ(middle.u, 4.0);
  EXPECT_DOUBLE_EQ(middle.p_value, 1.0);
}

TEST(MannWhitney, RejectsEmptySample) {
  const std::vector<double> values = {1, 2};
  EXPECT_THROW(mann_whitney_u_test(std::vector<double>{}, values), std::invalid_argument);
  EXPECT_THROW(mann_whitney_u_test(values, std::vector<double>{}), std::invalid_argument);
}

TEST(MannWhitney, RejectsNan) {
  const std::vector<double> values = {1, 2};
  const std::vector<double> with_nan = {1, std::nan("")};
  try {
    mann_whitney_u_test(values, with_nan);
    FAIL() << "a NaN was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("second sample contains a NaN"), std::string::npos)
        << error.what();
  }
}

TEST(MannWhitney, MethodNames) {
  EXPECT_STREQ(to_string(MannWhitneyMethod::kExact), "exact");
  EXPECT_STREQ(to_string(MannWhitneyMethod::kAsymptotic), "asymptotic");
  EXPECT_STREQ(to_string(MannWhitneyMethod::kAuto), "auto");
}

}  // namespace
}  // namespace paybench::reports
