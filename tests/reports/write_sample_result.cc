// Writes the sample result of sample_result.h as a result file (and optionally as an HTML
// report), for the tests that check files with outside tools: the JSON Schema validator and
// Google Benchmark's compare.py.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>

#include "paybench/reports/atomic_file.h"
#include "paybench/reports/html_report.h"
#include "paybench/reports/result_json.h"
#include "sample_result.h"

namespace {

constexpr std::string_view kUsage =
    "usage: paybench_reports_write_sample OUTPUT.json [--candidate-factor F] [--seed N]\n"
    "                                     [--allocators a,b,...] [--html OUTPUT.html]\n"
    "                                     [--wrong-type]\n"
    "  --candidate-factor F  multiply the candidate variants' times by F (default 1)\n"
    "  --wrong-type          write benchmarks[0].real_time as a string, for negative checks\n";

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    items.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

}  // namespace

int main(int argc, char** argv) {
  using paybench::reports::testing::SampleOptions;
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }

  const std::string output = argv[1];
  SampleOptions options;
  std::string html_output;
  bool wrong_type = false;
  for (int i = 2; i < argc; ++i) {
    const std::string_view argument = argv[i];
    const bool has_value = i + 1 < argc;
    if (argument == "--candidate-factor" && has_value) {
      options.candidate_time_factor = std::stod(argv[++i]);
    } else if (argument == "--seed" && has_value) {
      options.seed = std::stoull(argv[++i]);
    } else if (argument == "--allocators" && has_value) {
      options.allocators = split_list(argv[++i]);
    } else if (argument == "--html" && has_value) {
      html_output = argv[++i];
    } else if (argument == "--wrong-type") {
      wrong_type = true;
    } else {
      std::cerr << "invalid argument \"" << argument << "\"\n" << kUsage;
      return 2;
    }
  }

  try {
    const paybench::reports::Result result = paybench::reports::testing::make_sample_result(options);
    nlohmann::ordered_json json = paybench::reports::to_json(result);
    if (wrong_type) {
      json["benchmarks"][0]["real_time"] = "6.2 ns";
    }
    paybench::reports::write_text_file_atomically(output, json.dump(2) + "\n");
    if (!html_output.empty()) {
      paybench::reports::write_text_file_atomically(html_output,
                                                    paybench::reports::render_html_report(result));
    }
  } catch (const std::exception& error) {
    std::cerr << "paybench_reports_write_sample: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
