// Reading thresholds files from text: each malformed file is rejected with the source, the JSON
// path and what was expected.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "paybench/reports/gate_thresholds.h"

namespace paybench::reports {
namespace {

// Returns the message of the InputError that reading `text` raises, or "" when none is raised.
std::string error_of(const std::string& text) {
  try {
    thresholds_from_json_text(text, "thresholds.json", GateThresholds{});
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

TEST(GateThresholdsText, ReadsOverridesOverDefaults) {
  GateThresholds defaults;
  defaults.min_delta = 7;
  const GateThresholds thresholds = thresholds_from_json_text(
      R"({"max_regression": "4%", "benchmarks": [{"pattern": "queues/*", "ignore": true}]})",
      "thresholds.json", defaults);

  EXPECT_DOUBLE_EQ(thresholds.max_regression, 0.04);
  EXPECT_DOUBLE_EQ(thresholds.min_delta, 7);
  ASSERT_EQ(thresholds.overrides.size(), 1u);
  EXPECT_TRUE(thresholds.for_benchmark("queues/mutex").ignored);
}

TEST(GateThresholdsText, RejectsMalformedFiles) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", "thresholds.json: not JSON: parse error at line 1, column 1: syntax error while "
           "parsing value - unexpected end of input; expected '[', '{', or a literal"},
      {R"({"min_delta_ns": 1e400})",
       "thresholds.json: not JSON: number overflow parsing '1e400'"},
      // The input that the fuzz target found, which escaped as nlohmann's out_of_range error.
      {std::string("1111E11111\xff" "11m"),
       "thresholds.json: not JSON: number overflow parsing '1111E11111'"},
      {"[1, 2]", "thresholds.json: expected a JSON object, found an array"},
      {"\"5%\"", "thresholds.json: expected a JSON object, found \"5%\""},
      {R"({"max_regresion": 5})",
       "thresholds.json: max_regresion: unknown key; expected one of benchmarks, max_regression, "
       "min_delta_ns"},
      {R"({"max_regression": [[[5]]]})",
       "thresholds.json: max_regression: expected a percentage such as 5 or \"5%\", found an "
       "array"},
      {R"({"max_regression": 1001})",
       "thresholds.json: max_regression: invalid percentage '1001': expected a number from 0 to "
       "1000, optionally followed by %, such as 5 or 5%"},
      {R"({"min_delta_ns": -1})",
       "thresholds.json: min_delta_ns: expected a number of ns (instructions in instruction "
       "mode) from 0 to 1e9, found -1"},
      {R"({"benchmarks": {"pattern": "x"}})",
       "thresholds.json: benchmarks: expected an array of overrides, found an object"},
      {R"({"benchmarks": ["queues/*"]})",
       "thresholds.json: benchmarks[0]: expected an object, found \"queues/*\""},
      {R"({"benchmarks": [{"max_regression": 5}]})",
       "thresholds.json: benchmarks[0].pattern: missing; expected a benchmark name pattern such "
       "as \"queues/*\""},
      {R"({"benchmarks": [{"pattern": 5}]})",
       "thresholds.json: benchmarks[0].pattern: expected a benchmark name pattern such as "
       "\"queues/*\", found 5"},
      {R"({"benchmarks": [{"pattern": ""}]})",
       "thresholds.json: benchmarks[0].pattern: expected a benchmark name pattern such as "
       "\"queues/*\", found \"\""},
      {R"({"benchmarks": [{"pattern": "a\u0000b"}]})",
       "thresholds.json: benchmarks[0].pattern: expected a benchmark name pattern such as "
       "\"queues/*\", found \"a\\u0000b\""},
      {R"({"benchmarks": [{"pattern": "x", "ignore": "yes"}]})",
       "thresholds.json: benchmarks[0].ignore: expected true or false, found \"yes\""},
      {R"({"benchmarks": [{"pattern": "x", "treshold": 5}]})",
       "thresholds.json: benchmarks[0].treshold: unknown key; expected one of ignore, "
       "max_regression, min_delta_ns, pattern"},
  };

  for (const Case& bad : cases) {
    EXPECT_EQ(error_of(bad.text), bad.message) << "for the text " << bad.text;
  }
}

TEST(GateThresholdsText, QuotesLongValuesShortened) {
  const std::string message = error_of(R"({"benchmarks": [{"pattern": "x", "ignore": ")" +
                                       std::string(100, 'y') + R"("}]})");

  EXPECT_EQ(message, "thresholds.json: benchmarks[0].ignore: expected true or false, found \"" +
                         std::string(79, 'y') + "... (102 characters)");
}

TEST(GateThresholdsText, UnterminatedLongStringShortened) {
  const std::string message =
      error_of(R"({"benchmarks": [{"pattern": ")" + std::string(5'000'000, 'q'));

  EXPECT_LT(message.size(), 400u) << message.substr(0, 400);
  EXPECT_NE(message.find("last read: '\"" + std::string(79, 'q') + "...' (5000001 characters)"),
            std::string::npos)
      << message.substr(0, 400);
}

TEST(GateThresholdsText, ControlCharactersInKeyEscaped) {
  const std::string message = error_of(R"({"benchmarks": [{"pattern": "q", "x\u001b[31m": 1}]})");

  EXPECT_NE(message.find("benchmarks[0].x<U+001B>[31m: unknown key"), std::string::npos)
      << message;
  EXPECT_EQ(message.find('\x1b'), std::string::npos) << message;
}

TEST(GateThresholdsText, RejectsDeeplyNestedValueWithoutPrintingIt) {
  const std::string nested = std::string(100'000, '[') + std::string(100'000, ']');

  EXPECT_EQ(error_of(R"({"min_delta_ns": )" + nested + "}"),
            "thresholds.json: min_delta_ns: expected a number of ns (instructions in instruction "
            "mode) from 0 to 1e9, found an array");
}

}  // namespace
}  // namespace paybench::reports
