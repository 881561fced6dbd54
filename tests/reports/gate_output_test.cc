// The formats of `paybench gate`: JSON, Markdown, JUnit XML, github-action-benchmark, Bencher
// Metric Format and HTML, from hand-made GateReports and from evaluate_gate on small results.
#include "paybench/reports/gate_output.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "paybench/reports/flamegraph.h"

#ifdef PAYBENCH_HAVE_EXPAT
#include <expat.h>
#endif

namespace paybench::reports {
namespace {

using Json = nlohmann::json;

const std::string kHostileName = "<img src=x onerror=alert(1)>|*x*";
// Every character that XML escapes, in a benchmark name.
const std::string kQuotedName = "queues/\"quoted\" & 'single' <x>";

GateBenchmark benchmark_of(const std::string& name, GateVerdict verdict, double baseline_median,
                           double candidate_median) {
  GateBenchmark benchmark;
  benchmark.name = name;
  benchmark.verdict = verdict;
  benchmark.reason = std::string(to_string(verdict)) + " because of <reasons> & more";
  benchmark.threshold.max_regression = 0.05;
  benchmark.baseline_median = baseline_median;
  benchmark.candidate_median = candidate_median;
  benchmark.baseline_repetitions = 9;
  benchmark.candidate_repetitions = 9;
  return benchmark;
}

void set_interval(GateBenchmark& benchmark, double ratio, double low, double high, double p,
                  double holm_p) {
  benchmark.ratio = ratio;
  benchmark.ci_low = low;
  benchmark.ci_high = high;
  benchmark.p_value = p;
  benchmark.holm_p_value = holm_p;
}

// One benchmark of each verdict, one without usable values, hostile names everywhere and a
// benchmark of each kind that is not judged.
GateReport sample_report() {
  GateReport report;
  report.baseline_label = "main.json";
  report.candidate_label = "pr <1>.json";
  report.baseline_context.date = "2024-05-01T10:00:00+00:00";
  report.candidate_context.date = "2024-05-02T10:00:00+00:00";
  report.candidate_context.host_name = "ci <runner>";

  GateBenchmark regression = benchmark_of(kHostileName, GateVerdict::kRegression, 100, 120);
  set_interval(regression, 1.2, 1.15, 1.25, 0.0001, 0.0004);
  regression.threshold.pattern = "queues/*";
  report.benchmarks.push_back(regression);

  GateBenchmark few_repetitions = benchmark_of(kQuotedName, GateVerdict::kInconclusive, 50, 55);
  few_repetitions.baseline_repetitions = 1;
  few_repetitions.candidate_repetitions = 1;
  report.benchmarks.push_back(few_repetitions);

  GateBenchmark pass = benchmark_of("pool/get_put", GateVerdict::kPass, 10, 10.1);
  set_interval(pass, 1.01, 0.99, 1.03, 0.5, 1);
  report.benchmarks.push_back(pass);

  GateBenchmark ignored = benchmark_of("writes/postgres/insert", GateVerdict::kIgnored, 1000, 2000);
  ignored.threshold.ignored = true;
  ignored.threshold.pattern = "writes/postgres/*";
  report.benchmarks.push_back(ignored);

  report.benchmarks.push_back(benchmark_of("broken/zero", GateVerdict::kInconclusive, 0, 0));

  report.only_in_baseline = {"old/gone"};
  report.only_in_candidate = {"new/<b>added</b>"};
  report.failed = {"failed & crashed"};
  return report;
}

// A report in which every benchmark passed.
GateReport passing_report() {
  GateReport report;
  report.baseline_label = "a.json";
  report.candidate_label = "b.json";
  GateBenchmark pass = benchmark_of("pool/get_put", GateVerdict::kPass, 10, 10.1);
  set_interval(pass, 1.01, 0.99, 1.03, 0.5, 1);
  report.benchmarks.push_back(pass);
  return report;
}

FoldedProfile profile_of(std::uint64_t hostile_samples) {
  FoldedProfile profile;
  profile.stacks.push_back({{"main", "run"}, 100});
  profile.stacks.push_back({{"main", "<script>alert(1)</script>"}, hostile_samples});
  return profile;
}

std::string diff_fragment() {
  return render_diff(profile_of(10), profile_of(40), FlameOutput::kHtmlFragment);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos;
       at = text.find(part, at + part.size())) {
    ++count;
  }
  return count;
}

std::set<std::string> keys_of(const Json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

// Cells of a Markdown table row: the '|' that no backslash escapes, less one.
int cell_count(const std::string& row) {
  int cells = -1;
  for (std::size_t i = 0; i < row.size(); ++i) {
    const bool escaped = i > 0 && row[i - 1] == '\\';
    if (row[i] == '|' && !escaped) ++cells;
  }
  return cells;
}

TEST(GateJson, EveryDocumentedKey) {
  const Json document = Json::parse(render_gate_json(sample_report()));
  const std::set<std::string> top_keys = {"paybench_gate_version",
                                          "verdict",
                                          "exact_counts",
                                          "alpha",
                                          "baseline",
                                          "candidate",
                                          "counts",
                                          "benchmarks",
                                          "only_in_baseline",
                                          "only_in_candidate",
                                          "failed"};
  EXPECT_EQ(keys_of(document), top_keys);
  EXPECT_EQ(document["paybench_gate_version"], 1);
  EXPECT_EQ(document["verdict"], "regression");
  EXPECT_EQ(document["exact_counts"], false);
  EXPECT_EQ(document["alpha"], 0.05);

  const std::set<std::string> side_keys = {"label", "date", "measure"};
  EXPECT_EQ(keys_of(document["baseline"]), side_keys);
  EXPECT_EQ(keys_of(document["candidate"]), side_keys);
  EXPECT_EQ(document["candidate"]["label"], "pr <1>.json");
  EXPECT_EQ(document["baseline"]["date"], "2024-05-01T10:00:00+00:00");
  EXPECT_EQ(document["baseline"]["measure"], "time");

  EXPECT_EQ(document["counts"],
            Json({{"pass", 1}, {"regression", 1}, {"inconclusive", 2}, {"ignored", 1}}));

  const std::set<std::string> benchmark_keys = {"name",
                                                "verdict",
                                                "reason",
                                                "max_regression",
                                                "min_delta",
                                                "threshold_pattern",
                                                "baseline_median",
                                                "candidate_median",
                                                "baseline_repetitions",
                                                "candidate_repetitions",
                                                "ratio",
                                                "ci_low",
                                                "ci_high",
                                                "p_value",
                                                "holm_p_value"};
  const Json& benchmarks = document["benchmarks"];
  ASSERT_EQ(benchmarks.size(), 5u);
  for (const Json& benchmark : benchmarks) {
    EXPECT_EQ(keys_of(benchmark), benchmark_keys) << benchmark.dump();
  }

  const Json& regression = benchmarks[0];
  EXPECT_EQ(regression["name"], kHostileName);
  EXPECT_EQ(regression["verdict"], "regression");
  EXPECT_EQ(regression["reason"], "regression because of <reasons> & more");
  EXPECT_EQ(regression["max_regression"], 0.05);
  EXPECT_EQ(regression["min_delta"], 0.0);
  EXPECT_EQ(regression["threshold_pattern"], "queues/*");
  EXPECT_EQ(regression["baseline_median"], 100.0);
  EXPECT_EQ(regression["candidate_median"], 120.0);
  EXPECT_EQ(regression["baseline_repetitions"], 9);
  EXPECT_EQ(regression["ratio"], 1.2);
  EXPECT_EQ(regression["ci_low"], 1.15);
  EXPECT_EQ(regression["ci_high"], 1.25);
  EXPECT_EQ(regression["p_value"], 0.0001);
  EXPECT_EQ(regression["holm_p_value"], 0.0004);

  EXPECT_EQ(document["only_in_baseline"], Json::array({"old/gone"}));
  EXPECT_EQ(document["only_in_candidate"], Json::array({"new/<b>added</b>"}));
  EXPECT_EQ(document["failed"], Json::array({"failed & crashed"}));
}

TEST(GateJson, MissingNumbersAreNull) {
  const Json benchmarks = Json::parse(render_gate_json(sample_report()))["benchmarks"];
  const Json& few_repetitions = benchmarks[1];
  for (const char* key : {"ratio", "ci_low", "ci_high", "p_value", "holm_p_value"}) {
    EXPECT_TRUE(few_repetitions[key].is_null()) << key;
  }
  EXPECT_TRUE(few_repetitions["threshold_pattern"].is_null());
  EXPECT_EQ(few_repetitions["baseline_median"], 50.0);

  const Json& no_values = benchmarks[4];
  EXPECT_TRUE(no_values["baseline_median"].is_null());
  EXPECT_TRUE(no_values["candidate_median"].is_null());
}

TEST(GateJson, NonFiniteNumberIsNull) {
  GateReport report = passing_report();
  report.benchmarks[0].ratio = std::numeric_limits<double>::quiet_NaN();
  report.benchmarks[0].ci_high = std::numeric_limits<double>::infinity();
  const Json benchmark = Json::parse(render_gate_json(report))["benchmarks"][0];
  EXPECT_TRUE(benchmark["ratio"].is_null());
  EXPECT_TRUE(benchmark["ci_high"].is_null());
  EXPECT_EQ(benchmark["ci_low"], 0.99);
}

TEST(GateMarkdown, VerdictLineFirst) {
  const std::vector<std::string> lines = lines_of(render_gate_markdown(sample_report()));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0],
            "### paybench gate: regression (1 regression, 2 inconclusive, 1 passed, 1 ignored)");
  EXPECT_EQ(lines_of(render_gate_markdown(passing_report()))[0],
            "### paybench gate: pass (1 passed)");
}

TEST(GateMarkdown, FlaggedRowsBeforeDetails) {
  const std::string markdown = render_gate_markdown(sample_report());
  const std::size_t details = markdown.find("<details>");
  const std::size_t details_end = markdown.find("</details>");
  ASSERT_NE(details, std::string::npos) << markdown;
  ASSERT_NE(details_end, std::string::npos) << markdown;
  EXPECT_TRUE(contains(markdown, "<summary>1 passed, 1 ignored</summary>\n\n|")) << markdown;

  const auto row_at = [&](const std::string& name) { return markdown.find("| " + name + " |"); };
  const std::size_t regression = row_at("`<img src=x onerror=alert(1)>\\|*x*`");
  const std::size_t few_repetitions = row_at("`queues/\"quoted\" & 'single' <x>`");
  const std::size_t no_values = row_at("`broken/zero`");
  const std::size_t pass = row_at("`pool/get_put`");
  const std::size_t ignored = row_at("`writes/postgres/insert`");
  EXPECT_LT(regression, details) << markdown;
  EXPECT_LT(few_repetitions, details) << markdown;
  EXPECT_LT(no_values, details) << markdown;
  EXPECT_GT(pass, details) << markdown;
  EXPECT_LT(pass, details_end) << markdown;
  EXPECT_GT(ignored, details) << markdown;
  EXPECT_LT(ignored, details_end) << markdown;
}

TEST(GateMarkdown, RegressionRowCells) {
  const std::string markdown = render_gate_markdown(sample_report());
  EXPECT_TRUE(contains(markdown,
                       "| `<img src=x onerror=alert(1)>\\|*x*` | **regression** | 100 ns | 120 ns "
                       "| +20.0% | \\[1.150, 1.250\\] | 0.0004 | 5% (queues/\\*) | regression "
                       "because of \\<reasons\\> \\& more |"))
      << markdown;
  EXPECT_TRUE(contains(markdown, "| `broken/zero` | inconclusive | - | - | - | - | - |"))
      << markdown;
}

TEST(GateMarkdown, EveryRowHasNineCells) {
  for (const std::string& line : lines_of(render_gate_markdown(sample_report()))) {
    if (line.rfind("|", 0) != 0) continue;
    EXPECT_EQ(cell_count(line), 9) << line;
  }
}

TEST(GateMarkdown, HostileNameShowsLiterally) {
  const std::vector<GateFlameGraph> graphs = {{kHostileName, "flame/regression.html", ""}};
  const std::string markdown = render_gate_markdown(sample_report(), graphs);
  // Every '<' of a name is inside a code span or escaped with a backslash, so no HTML tag
  // starts; '*' and '|' likewise.
  for (std::size_t at = markdown.find("<img"); at != std::string::npos;
       at = markdown.find("<img", at + 1)) {
    const char before = at > 0 ? markdown[at - 1] : '\0';
    EXPECT_TRUE(before == '`' || before == '\\') << markdown.substr(at > 20 ? at - 20 : 0, 60);
  }
  EXPECT_FALSE(contains(markdown, "<b>")) << markdown;
  EXPECT_TRUE(contains(markdown, "new/\\<b\\>added\\</b\\>")) << markdown;
  EXPECT_TRUE(contains(markdown, "failed \\& crashed")) << markdown;
  EXPECT_TRUE(contains(markdown, "Candidate pr \\<1\\>.json against baseline main.json"))
      << markdown;
  EXPECT_TRUE(
      contains(markdown, "- [\\<img src=x onerror=alert(1)\\>\\|\\*x\\*](flame/regression.html)"))
      << markdown;
}

TEST(GateMarkdown, FlameGraphLinksEncoded) {
  const std::vector<GateFlameGraph> graphs = {
      {"a", "flame graphs/diff (1).html", "<figure>"},
      {"b", "javascript:alert(1)", ""},
      {"c", "//evil.example/x.html", ""},
      {"d", "", "<figure>only a fragment</figure>"},
  };
  const std::string markdown = render_gate_markdown(sample_report(), graphs);
  EXPECT_TRUE(contains(markdown, "- [a](flame%20graphs/diff%20%281%29.html)\n")) << markdown;
  EXPECT_TRUE(contains(markdown, "- [b](javascript%3Aalert%281%29)\n")) << markdown;
  EXPECT_TRUE(contains(markdown, "- [c](/%2Fevil.example/x.html)\n")) << markdown;
  EXPECT_FALSE(contains(markdown, "- [d]")) << "a graph without a file has nothing to link";
  EXPECT_FALSE(contains(markdown, "<figure>")) << "fragments belong to the HTML page";
}

TEST(GateMarkdown, AllPassedHasNoFlaggedTable) {
  const std::string markdown = render_gate_markdown(passing_report());
  EXPECT_TRUE(contains(markdown, "No benchmark regressed or was inconclusive.")) << markdown;
  EXPECT_LT(markdown.find("No benchmark regressed"), markdown.find("<details>")) << markdown;
  EXPECT_EQ(occurrences(markdown, "| Benchmark |"), 1u) << markdown;
  EXPECT_FALSE(contains(markdown, "Not judged")) << markdown;
  EXPECT_FALSE(contains(markdown, "flame graphs")) << markdown;
  EXPECT_TRUE(markdown.ends_with("</details>\n")) << markdown;
}

TEST(GateJunit, CountsAndStructure) {
  const std::string xml = render_gate_junit(sample_report());
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u) << xml;
  EXPECT_EQ(occurrences(xml, "<testsuites "), 1u);
  EXPECT_EQ(occurrences(xml, "<testsuite "), 1u);
  EXPECT_EQ(occurrences(xml, "<testcase "), 5u) << xml;
  EXPECT_EQ(occurrences(xml, "<failure "), 1u) << xml;
  EXPECT_EQ(occurrences(xml, "<skipped "), 3u) << xml;
  EXPECT_TRUE(contains(xml,
                       "<testsuite name=\"paybench gate\" tests=\"5\" failures=\"1\" "
                       "errors=\"0\" skipped=\"3\">"))
      << xml;
  EXPECT_TRUE(contains(xml, "<testcase classname=\"pool\" name=\"pool/get_put\"/>")) << xml;
  EXPECT_TRUE(contains(xml, "<skipped message=\"ignored: ignored because of")) << xml;
  EXPECT_TRUE(contains(xml, "<property name=\"verdict\" value=\"regression\"/>")) << xml;
  EXPECT_TRUE(contains(xml, "only in the candidate, not judged: new/&lt;b&gt;added&lt;/b&gt;"))
      << xml;
  EXPECT_TRUE(xml.ends_with("</testsuite>\n</testsuites>\n")) << xml;
}

TEST(GateJunit, EscapesAllFiveCharacters) {
  const std::string xml = render_gate_junit(sample_report());
  EXPECT_TRUE(contains(xml, "name=\"&lt;img src=x onerror=alert(1)&gt;|*x*\"")) << xml;
  EXPECT_TRUE(contains(xml,
                       "name=\"queues/&quot;quoted&quot; &amp; &apos;single&apos; "
                       "&lt;x&gt;\""))
      << xml;
  EXPECT_TRUE(contains(xml, "classname=\"queues\"")) << xml;
  EXPECT_TRUE(contains(xml, "message=\"regression because of &lt;reasons&gt; &amp; more\"")) << xml;
  EXPECT_TRUE(contains(xml, "value=\"pr &lt;1&gt;.json\"")) << xml;
  EXPECT_FALSE(contains(xml, "<img")) << xml;
  EXPECT_FALSE(contains(xml, "<x>")) << xml;
  EXPECT_FALSE(contains(xml, "& ")) << "an unescaped ampersand";
}

TEST(GateJunit, ControlCharactersAndInvalidUtf8Replaced) {
  GateReport report = passing_report();
  report.benchmarks[0].name = std::string("bad\x01name\xff/\xc3\xa9\t");
  const std::string xml = render_gate_junit(report);
  EXPECT_TRUE(contains(xml, "name=\"bad\xEF\xBF\xBDname\xEF\xBF\xBD/\xc3\xa9\xEF\xBF\xBD\""))
      << xml;
}

#ifdef PAYBENCH_HAVE_EXPAT

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;  // as a parser decodes them
  int depth = 0;                                  // 0 for the root
  std::string text;                               // character data directly inside
};

struct XmlDocument {
  std::vector<XmlElement> elements;  // in document order
  std::string error;                 // empty when the document is well-formed
};

struct XmlParseState {
  XmlDocument document;
  std::vector<std::size_t> open;  // indexes of the elements not closed yet
};

void start_element(void* user_data, const XML_Char* name, const XML_Char** attributes) {
  auto* state = static_cast<XmlParseState*>(user_data);
  XmlElement element;
  element.name = name;
  element.depth = static_cast<int>(state->open.size());
  for (int i = 0; attributes[i] != nullptr; i += 2) {
    element.attributes[attributes[i]] = attributes[i + 1];
  }
  state->open.push_back(state->document.elements.size());
  state->document.elements.push_back(element);
}

void end_element(void* user_data, const XML_Char*) {
  static_cast<XmlParseState*>(user_data)->open.pop_back();
}

void character_data(void* user_data, const XML_Char* text, int length) {
  auto* state = static_cast<XmlParseState*>(user_data);
  if (!state->open.empty()) {
    state->document.elements[state->open.back()].text.append(text, length);
  }
}

// Parses `text` with expat, which rejects any document that is not well-formed XML 1.0.
XmlDocument parse_xml(const std::string& text) {
  XmlParseState state;
  XML_Parser parser = XML_ParserCreate("UTF-8");
  XML_SetUserData(parser, &state);
  XML_SetElementHandler(parser, start_element, end_element);
  XML_SetCharacterDataHandler(parser, character_data);
  if (XML_Parse(parser, text.data(), static_cast<int>(text.size()), XML_TRUE) == XML_STATUS_ERROR) {
    state.document.error = std::string(XML_ErrorString(XML_GetErrorCode(parser))) + " at line " +
                           std::to_string(XML_GetCurrentLineNumber(parser));
  }
  XML_ParserFree(parser);
  return state.document;
}

std::vector<const XmlElement*> elements_named(const XmlDocument& document,
                                              const std::string& name) {
  std::vector<const XmlElement*> found;
  for (const XmlElement& element : document.elements) {
    if (element.name == name) found.push_back(&element);
  }
  return found;
}

TEST(GateJunit, WellFormedForAnXmlParser) {
  const std::string xml = render_gate_junit(sample_report());
  const XmlDocument document = parse_xml(xml);
  ASSERT_EQ(document.error, "") << xml;
  ASSERT_FALSE(document.elements.empty());
  EXPECT_EQ(document.elements[0].name, "testsuites");

  const std::vector<const XmlElement*> suites = elements_named(document, "testsuite");
  ASSERT_EQ(suites.size(), 1u);
  EXPECT_EQ(suites[0]->depth, 1);
  EXPECT_EQ(suites[0]->attributes.at("name"), "paybench gate");
  EXPECT_EQ(suites[0]->attributes.at("tests"), "5");
  EXPECT_EQ(suites[0]->attributes.at("failures"), "1");
  EXPECT_EQ(suites[0]->attributes.at("skipped"), "3");
  EXPECT_EQ(suites[0]->attributes.at("errors"), "0");

  const std::vector<const XmlElement*> cases = elements_named(document, "testcase");
  ASSERT_EQ(cases.size(), 5u);
  EXPECT_EQ(cases[0]->depth, 2);
  EXPECT_EQ(cases[0]->attributes.at("name"), kHostileName);
  EXPECT_EQ(cases[0]->attributes.at("classname"), "<img src=x onerror=alert(1)>|*x*");
  EXPECT_EQ(cases[1]->attributes.at("name"), kQuotedName);
  EXPECT_EQ(cases[1]->attributes.at("classname"), "queues");

  const std::vector<const XmlElement*> failures = elements_named(document, "failure");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]->depth, 3);
  EXPECT_EQ(failures[0]->attributes.at("message"), "regression because of <reasons> & more");
  EXPECT_TRUE(contains(failures[0]->text, "baseline median 100 ns (9 repetitions)"))
      << failures[0]->text;
  EXPECT_TRUE(contains(failures[0]->text, "threshold 5% (queues/*)")) << failures[0]->text;
  EXPECT_EQ(elements_named(document, "skipped").size(), 3u);

  const std::vector<const XmlElement*> output = elements_named(document, "system-out");
  ASSERT_EQ(output.size(), 1u);
  EXPECT_TRUE(contains(output[0]->text, "only in the candidate, not judged: new/<b>added</b>"))
      << output[0]->text;
}

TEST(GateJunit, WellFormedWithBadBytes) {
  GateReport report = passing_report();
  report.benchmarks[0].name = std::string("bad\x01\x1f name\xff\xfe]]>");
  report.benchmarks[0].verdict = GateVerdict::kRegression;
  report.benchmarks[0].reason = std::string("reason\nwith\x0b controls");
  const XmlDocument document = parse_xml(render_gate_junit(report));
  ASSERT_EQ(document.error, "");
  EXPECT_EQ(elements_named(document, "testcase").at(0)->attributes.at("name"),
            "bad\xEF\xBF\xBD\xEF\xBF\xBD name\xEF\xBF\xBD\xEF\xBF\xBD]]>");
}

#else

TEST(GateJunit, WellFormedForAnXmlParser) {
  GTEST_SKIP() << "expat was not found when configuring: install libexpat1-dev to parse the "
                  "JUnit output with a real XML parser";
}

#endif

TEST(GateGithubBenchmark, ArrayOfCustomEntries) {
  const Json entries = Json::parse(render_gate_github_benchmark(sample_report()));
  ASSERT_TRUE(entries.is_array());
  ASSERT_EQ(entries.size(), 4u) << "broken/zero has no value and is left out";

  const std::set<std::string> allowed = {"name", "unit", "value", "range", "extra"};
  for (const Json& entry : entries) {
    std::set<std::string> keys = keys_of(entry);
    for (const std::string& key : keys) EXPECT_TRUE(allowed.contains(key)) << key;
    EXPECT_TRUE(entry["name"].is_string());
    EXPECT_EQ(entry["unit"], "ns");
    EXPECT_TRUE(entry["value"].is_number());
    EXPECT_TRUE(entry["extra"].is_string());
    if (entry.contains("range")) {
      EXPECT_TRUE(entry["range"].is_string());
    }
  }

  const Json& regression = entries[0];
  EXPECT_EQ(keys_of(regression), allowed);
  EXPECT_EQ(regression["name"], kHostileName);
  EXPECT_EQ(regression["value"], 120.0);
  EXPECT_EQ(regression["range"], "± 5.00");
  EXPECT_EQ(regression["extra"],
            "baseline median 100 ns; regression: regression because of <reasons> & more");
  EXPECT_EQ(keys_of(entries[2]), allowed) << "pool/get_put has an interval";

  const Json& few_repetitions = entries[1];
  EXPECT_EQ(few_repetitions["name"], kQuotedName);
  EXPECT_FALSE(few_repetitions.contains("range")) << "no interval, no range";
  EXPECT_EQ(entries[3]["name"], "writes/postgres/insert");
}

TEST(GateBmf, ObjectOfMeasures) {
  const Json document = Json::parse(render_gate_bmf(sample_report()));
  ASSERT_TRUE(document.is_object());
  EXPECT_EQ(keys_of(document), (std::set<std::string>{kHostileName, kQuotedName, "pool/get_put",
                                                      "writes/postgres/insert"}));
  for (const auto& [name, measures] : document.items()) {
    ASSERT_TRUE(measures.is_object()) << name;
    EXPECT_EQ(keys_of(measures), std::set<std::string>{"latency"}) << name;
  }

  const Json& regression = document[kHostileName]["latency"];
  EXPECT_EQ(keys_of(regression), (std::set<std::string>{"value", "lower_value", "upper_value"}));
  EXPECT_EQ(regression["value"], 120.0);
  EXPECT_DOUBLE_EQ(regression["lower_value"].get<double>(), 115.0);
  EXPECT_DOUBLE_EQ(regression["upper_value"].get<double>(), 125.0);

  const Json& few_repetitions = document[kQuotedName]["latency"];
  EXPECT_EQ(keys_of(few_repetitions), std::set<std::string>{"value"});
  EXPECT_EQ(few_repetitions["value"], 55.0);
}

TEST(GateHtml, SelfContainedAndEscaped) {
  const std::string html = render_gate_html(sample_report());
  EXPECT_TRUE(contains(html,
                       "<meta http-equiv=\"Content-Security-Policy\" "
                       "content=\"default-src 'none'; style-src 'unsafe-inline'\">"))
      << "no script allowed without flame graphs";
  EXPECT_FALSE(contains(html, "<script")) << "a page without flame graphs has no script";
  EXPECT_FALSE(contains(html, "http:"));
  EXPECT_FALSE(contains(html, "https:"));
  EXPECT_FALSE(contains(html, "{{")) << "a template tag was left unrendered";

  EXPECT_TRUE(contains(html, "&lt;img src=x onerror=alert(1)&gt;|*x*"));
  EXPECT_TRUE(contains(html, "queues/&quot;quoted&quot; &amp; &apos;single&apos; &lt;x&gt;"));
  EXPECT_TRUE(contains(html, "new/&lt;b&gt;added&lt;/b&gt;"));
  EXPECT_TRUE(contains(html, "ci &lt;runner&gt;"));
  EXPECT_FALSE(contains(html, "<img")) << "a name became markup";
  EXPECT_FALSE(contains(html, "<b>")) << "a name became markup";
  EXPECT_FALSE(contains(html, "<x>")) << "a name became markup";
  // The only "src=" is the escaped text of the hostile name: no element loads anything.
  EXPECT_EQ(occurrences(html, "src="), occurrences(html, "&lt;img src=x"));
}

TEST(GateHtml, RowClassPerVerdict) {
  const std::string html = render_gate_html(sample_report());
  EXPECT_EQ(occurrences(html, "<tr class=\"regression\">"), 1u) << html;
  EXPECT_EQ(occurrences(html, "<tr class=\"inconclusive\">"), 2u);
  EXPECT_EQ(occurrences(html, "<tr class=\"pass\">"), 1u);
  EXPECT_EQ(occurrences(html, "<tr class=\"ignored\">"), 1u);
  EXPECT_TRUE(contains(html,
                       "<p class=\"gate-verdict regression\">Verdict: regression (1 "
                       "regression, 2 inconclusive, 1 passed, 1 ignored)</p>"))
      << html;
  EXPECT_TRUE(contains(html, "<td class=\"num\">+20.0%</td>"));
  EXPECT_TRUE(contains(html, "<td class=\"num\">[1.150, 1.250]</td>"));
}

TEST(GateHtml, FlameGraphsEmbeddedWithScriptOnce) {
  const std::string fragment = diff_fragment();
  const std::vector<GateFlameGraph> graphs = {{kHostileName, "flame/a.html", fragment},
                                              {"pool/get_put", "flame/b.html", fragment}};
  const std::string html = render_gate_html(sample_report(), graphs);

  EXPECT_TRUE(contains(html,
                       "default-src 'none'; style-src 'unsafe-inline'; script-src "
                       "'unsafe-inline'\">"));
  EXPECT_EQ(occurrences(html, fragment), 2u);
  EXPECT_EQ(occurrences(html, "<script>"), 1u) << "one script element runs every graph";
  EXPECT_EQ(occurrences(html, std::string(flamegraph_script())), 1u);
  EXPECT_EQ(occurrences(html, std::string(flamegraph_css())), 1u);
  EXPECT_FALSE(contains(html, "<script>alert(1)")) << "a frame name became markup";
  // The script names the SVG namespace, an identifier that is never loaded. Nothing else may
  // mention a URL.
  std::string without_script = html;
  without_script.erase(without_script.find(flamegraph_script()), flamegraph_script().size());
  EXPECT_FALSE(contains(without_script, "http:"));
  EXPECT_FALSE(contains(without_script, "https:"));
  EXPECT_EQ(occurrences(html, "src="), occurrences(html, "&lt;img src=x"));

  EXPECT_TRUE(contains(html, "<details class=\"gate-flame\" id=\"flame-graph-1\" open>"));
  EXPECT_TRUE(contains(html, "<summary>&lt;img src=x onerror=alert(1)&gt;|*x*</summary>"));
  EXPECT_TRUE(contains(html, "<a href=\"#flame-graph-1\">flame graph</a>"));
  EXPECT_TRUE(contains(html, "<a href=\"#flame-graph-2\">flame graph</a>"));
}

TEST(GateHtml, FlameGraphFileOnlyNeedsNoScript) {
  const std::vector<GateFlameGraph> graphs = {{"pool/get_put", "flame/<b>.html", ""}};
  const std::string html = render_gate_html(sample_report(), graphs);
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_FALSE(contains(html, "script-src"));
  EXPECT_TRUE(
      contains(html, "<code>pool/get_put</code>: saved as <code>flame/&lt;b&gt;.html</code>"))
      << html;
}

TEST(GateOutputs, EmptyReportInEveryFormat) {
  GateReport report;
  report.baseline_label = "a.json";
  report.candidate_label = "b.json";
  report.only_in_baseline = {"old/gone"};

  EXPECT_EQ(Json::parse(render_gate_json(report))["benchmarks"], Json::array());
  EXPECT_EQ(lines_of(render_gate_markdown(report))[0], "### paybench gate: pass");
  EXPECT_TRUE(contains(render_gate_junit(report), "tests=\"0\" failures=\"0\" errors=\"0\""));
  EXPECT_EQ(Json::parse(render_gate_github_benchmark(report)), Json::array());
  EXPECT_EQ(Json::parse(render_gate_bmf(report)), Json::object());

  const std::string html = render_gate_html(report);
  EXPECT_TRUE(contains(html, "Verdict: pass</p>")) << html;
  EXPECT_TRUE(contains(html, "No benchmark was judged.")) << html;
  EXPECT_TRUE(contains(html, "Only in the baseline (1): old/gone")) << html;
}

// evaluate_gate on results made by hand, then every format, so that they agree on a real
// verdict.
Result timed_result(const std::map<std::string, std::vector<double>>& times_ns) {
  Result result;
  for (const auto& [name, times] : times_ns) {
    for (const double time : times) {
      BenchmarkRun run;
      run.name = name;
      run.run_name = name;
      run.real_time = time;
      run.cpu_time = time;
      result.benchmarks.push_back(run);
    }
  }
  return result;
}

TEST(GateOutputs, AgreeOnEvaluatedTimes) {
  const std::vector<double> steady = {100, 101, 102, 103, 104, 105, 106, 107, 108};
  std::vector<double> doubled;
  for (const double time : steady) doubled.push_back(time * 2);
  const Result baseline = timed_result({{"pool/get_put", steady}, {"queues/spsc", steady}});
  const Result candidate = timed_result({{"pool/get_put", steady}, {"queues/spsc", doubled}});
  GateOptions options;
  options.baseline_label = "base.json";
  options.candidate_label = "cand.json";
  const GateReport report = evaluate_gate(baseline, candidate, options);
  ASSERT_EQ(report.overall(), GateVerdict::kRegression);

  const Json json = Json::parse(render_gate_json(report));
  EXPECT_EQ(json["verdict"], "regression");
  EXPECT_EQ(json["counts"]["regression"], 1);
  EXPECT_EQ(json["counts"]["pass"], 1);

  const std::string xml = render_gate_junit(report);
  EXPECT_TRUE(contains(xml, "tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\"")) << xml;
  EXPECT_TRUE(contains(xml, "<testcase classname=\"queues\" name=\"queues/spsc\">")) << xml;

  const Json entries = Json::parse(render_gate_github_benchmark(report));
  ASSERT_EQ(entries.size(), 2u);
  for (const Json& entry : entries) {
    EXPECT_TRUE(entry.contains("range")) << entry.dump();
  }

  const Json bmf = Json::parse(render_gate_bmf(report));
  const Json& regressed = bmf["queues/spsc"]["latency"];
  EXPECT_EQ(regressed["value"], 208.0);
  EXPECT_LE(regressed["lower_value"].get<double>(), 208.0);
  EXPECT_GE(regressed["upper_value"].get<double>(), 208.0);
  EXPECT_GT(regressed["lower_value"].get<double>(), 104.0) << "the interval lies above 1";

  const std::string markdown = render_gate_markdown(report);
  EXPECT_EQ(lines_of(markdown)[0], "### paybench gate: regression (1 regression, 1 passed)");
  EXPECT_LT(markdown.find("| `queues/spsc` |"), markdown.find("<details>")) << markdown;
  EXPECT_GT(markdown.find("| `pool/get_put` |"), markdown.find("<details>")) << markdown;

  const std::string html = render_gate_html(report);
  EXPECT_TRUE(contains(html, "<tr class=\"regression\">\n        <td class=\"name\">queues/spsc"))
      << html;
}

TEST(GateOutputs, AgreeOnEvaluatedInstructionCounts) {
  Result baseline = timed_result({{"pool/get_put", {1000}}, {"queues/spsc", {2000}}});
  Result candidate = timed_result({{"pool/get_put", {1000}}, {"queues/spsc", {2400}}});
  baseline.context.measure = kMeasureInstructions;
  candidate.context.measure = kMeasureInstructions;
  const GateReport report = evaluate_gate(baseline, candidate, GateOptions{});
  ASSERT_TRUE(report.exact_counts);
  ASSERT_EQ(report.overall(), GateVerdict::kRegression);

  const Json json = Json::parse(render_gate_json(report));
  EXPECT_EQ(json["exact_counts"], true);
  EXPECT_EQ(json["baseline"]["measure"], "instructions");

  const Json entries = Json::parse(render_gate_github_benchmark(report));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1]["unit"], "instructions");
  EXPECT_EQ(entries[1]["value"], 2400.0);
  EXPECT_EQ(entries[1]["range"], "± 0") << "counts repeat exactly";

  const Json bmf = Json::parse(render_gate_bmf(report));
  const Json& metric = bmf["queues/spsc"]["instructions"];
  EXPECT_EQ(metric["value"], 2400.0);
  EXPECT_DOUBLE_EQ(metric["lower_value"].get<double>(), 2400.0);
  EXPECT_DOUBLE_EQ(metric["upper_value"].get<double>(), 2400.0);
  EXPECT_FALSE(bmf["queues/spsc"].contains("latency"));

  EXPECT_TRUE(
      contains(render_gate_junit(report), "<property name=\"measure\" value=\"instructions\"/>"));
}

}  // namespace
}  // namespace paybench::reports
