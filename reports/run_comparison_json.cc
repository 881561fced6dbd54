// The JSON form of a RunComparison, whose shape run_comparison_output.h documents.
#include <nlohmann/json.hpp>

#include "paybench/reports/run_comparison_output.h"

namespace paybench::reports {
namespace {

using Json = nlohmann::ordered_json;

// Version of the document's shape. Bump it when a reader of an older document would misread a
// newer one.
constexpr int kComparisonJsonVersion = 1;

Json side_json(const RunComparison& comparison, ComparisonSide side) {
  const bool is_baseline = side == ComparisonSide::kBaseline;
  const Context& context = is_baseline ? comparison.baseline_context : comparison.candidate_context;
  Json json;
  json["label"] = is_baseline ? comparison.baseline_label : comparison.candidate_label;
  if (comparison.family_filter) {
    const FamilyFilter& filter = *comparison.family_filter;
    json["filter"] = is_baseline ? filter.baseline.text() : filter.candidate.text();
  } else {
    json["filter"] = nullptr;
  }
  json["date"] = context.date;
  json["host_name"] = context.host_name;
  json["paybench_version"] = context.paybench_version;
  json["git_commit"] = context.git_commit;
  return json;
}

Json measurement_json(const MeasurementChange& pair) {
  Json json;
  json["baseline_real_time"] = pair.baseline_real_time;
  json["candidate_real_time"] = pair.candidate_real_time;
  json["real_time_change"] = pair.real_time_change;
  json["baseline_cpu_time"] = pair.baseline_cpu_time;
  json["candidate_cpu_time"] = pair.candidate_cpu_time;
  json["cpu_time_change"] = pair.cpu_time_change;
  return json;
}

Json u_test_json(const UTest& test) {
  Json json;
  json["real_time_p_value"] = test.real_time.p_value;
  json["cpu_time_p_value"] = test.cpu_time.p_value;
  json["real_time_u"] = test.real_time.u;
  json["cpu_time_u"] = test.cpu_time.u;
  json["real_time_method"] = to_string(test.real_time.method);
  json["cpu_time_method"] = to_string(test.cpu_time.method);
  json["baseline_repetitions"] = test.baseline_repetitions;
  json["candidate_repetitions"] = test.candidate_repetitions;
  json["has_recommended_repetitions"] = test.has_recommended_repetitions;
  json["real_time_significant"] = test.real_time_significant;
  json["cpu_time_significant"] = test.cpu_time_significant;
  return json;
}

Json benchmark_json(const BenchmarkDifference& benchmark) {
  Json json;
  json["name"] = benchmark.name;
  json["label"] = benchmark.label;
  json["run_type"] = to_string(benchmark.run_type);
  json["aggregate_name"] = benchmark.aggregate_name;
  json["aggregate_unit"] = benchmark.aggregate_unit;
  json["time_unit"] = benchmark.time_unit;
  json["measurements"] = Json::array();
  for (const MeasurementChange& pair : benchmark.measurements) {
    json["measurements"].push_back(measurement_json(pair));
  }
  json["u_test"] = benchmark.u_test ? u_test_json(*benchmark.u_test) : Json(nullptr);
  return json;
}

Json geomean_json(const GeomeanDifference& geomean) {
  Json json;
  json["baseline_real_time_s"] = geomean.baseline_real_time_s;
  json["candidate_real_time_s"] = geomean.candidate_real_time_s;
  json["real_time_change"] = geomean.real_time_change;
  json["baseline_cpu_time_s"] = geomean.baseline_cpu_time_s;
  json["candidate_cpu_time_s"] = geomean.candidate_cpu_time_s;
  json["cpu_time_change"] = geomean.cpu_time_change;
  return json;
}

}  // namespace

std::string render_comparison_json(const RunComparison& comparison) {
  Json document;
  document["paybench_compare_version"] = kComparisonJsonVersion;
  document["baseline"] = side_json(comparison, ComparisonSide::kBaseline);
  document["candidate"] = side_json(comparison, ComparisonSide::kCandidate);
  document["alpha"] = comparison.alpha;

  document["benchmarks"] = Json::array();
  for (const BenchmarkDifference& benchmark : comparison.benchmarks) {
    document["benchmarks"].push_back(benchmark_json(benchmark));
  }
  document["overall_geomean"] =
      comparison.overall_geomean ? geomean_json(*comparison.overall_geomean) : Json(nullptr);

  document["failures"] = Json::array();
  for (const FailedBenchmark& failure : comparison.failures) {
    document["failures"].push_back({{"side", to_string(failure.side)},
                                    {"name", failure.name},
                                    {"error_message", failure.error_message},
                                    {"failed_runs", failure.failed_runs}});
  }
  document["time_unit_mismatches"] = Json::array();
  for (const TimeUnitMismatch& mismatch : comparison.time_unit_mismatches) {
    document["time_unit_mismatches"].push_back({{"name", mismatch.name},
                                                {"time_unit", mismatch.time_unit},
                                                {"other_time_unit", mismatch.other_time_unit},
                                                {"baseline_skipped", mismatch.baseline_skipped},
                                                {"candidate_skipped", mismatch.candidate_skipped}});
  }
  document["only_in_baseline"] = comparison.only_in_baseline;
  document["only_in_candidate"] = comparison.only_in_candidate;

  // nlohmann writes NaN and infinity as null. Invalid UTF-8 in a name becomes U+FFFD.
  return document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace paybench::reports
