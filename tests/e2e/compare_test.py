"""paybench compare: Google Benchmark's own comparison inputs, every format, bad input, and two
real paybench runs.

The expected numbers are those that Google Benchmark's tools/gbench/report.py tests expect for
the same files (changes and p-values to 4 decimals). Where Debian's compare.py is installed, the
tests also run its get_difference_report on the same files and check that every number agrees.
"""

import json
import os
import pty
import subprocess
import sys
import unittest
from html.parser import HTMLParser

from paybench_cli import BINARY, GBENCH_COMPARE, run_paybench, scratch_directory

CASES_DIR = os.environ["PAYBENCH_GBENCH_COMPARE_CASES_DIR"]
HOSTILE_NAME = "<img src=x onerror=alert(1)>"


def case(name):
    return os.path.join(CASES_DIR, name)


def read_json(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def write_json(path, document):
    with open(path, "w", encoding="utf-8") as file:
        json.dump(document, file)


def table_rows(stdout):
    """Splits the table's rows into words, from the header to the first blank line."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Benchmark "))
    rows = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        rows.append(line.split())
    return rows


def load_gbench_report():
    """Imports Debian's tools/gbench/report.py and util.py, or returns None without them."""
    if not GBENCH_COMPARE or not os.path.exists(GBENCH_COMPARE):
        return None
    sys.path.insert(0, os.path.dirname(GBENCH_COMPARE))
    try:
        from gbench import report, util  # pylint: disable=import-outside-toplevel
    except ImportError:
        return None
    return report, util


class ComparePyAgreement:
    """Checks a paybench compare JSON document against compare.py's difference report."""

    def assert_agrees_with_compare_py(self, baseline_path, candidate_path, document):
        modules = load_gbench_report()
        if modules is None:
            self.skipTest("Debian's compare.py (libbenchmark-tools) is not installed")
        report, util = modules
        # compare.py's command line sorts each file before comparing.
        old = util.sort_benchmark_results(read_json(baseline_path))
        new = util.sort_benchmark_results(read_json(candidate_path))
        expected = report.get_difference_report(old, new, utest=True)

        expected_rows = [row for row in expected if row["name"] != "OVERALL_GEOMEAN"]
        self.assertEqual([row["name"] for row in document["benchmarks"]],
                         [row["name"] for row in expected_rows])
        for row, expected_row in zip(document["benchmarks"], expected_rows):
            self.assertEqual(len(row["measurements"]), len(expected_row["measurements"]))
            for pair, expected_pair in zip(row["measurements"], expected_row["measurements"]):
                self.assertAlmostEqual(pair["real_time_change"], expected_pair["time"], places=12)
                self.assertAlmostEqual(pair["cpu_time_change"], expected_pair["cpu"], places=12)
                self.assertEqual(pair["baseline_real_time"], expected_pair["real_time"])
                self.assertEqual(pair["candidate_cpu_time"], expected_pair["cpu_time_other"])
            if expected_row["utest"]:
                self.assertAlmostEqual(row["u_test"]["real_time_p_value"],
                                       expected_row["utest"]["time_pvalue"], places=12)
                self.assertAlmostEqual(row["u_test"]["cpu_time_p_value"],
                                       expected_row["utest"]["cpu_pvalue"], places=12)
                self.assertEqual(row["u_test"]["has_recommended_repetitions"],
                                 expected_row["utest"]["have_optimal_repetitions"])

        geomean = [row for row in expected if row["name"] == "OVERALL_GEOMEAN"]
        if geomean:
            expected_pair = geomean[0]["measurements"][0]
            self.assertAlmostEqual(document["overall_geomean"]["real_time_change"],
                                   expected_pair["time"], places=12)
            self.assertAlmostEqual(document["overall_geomean"]["cpu_time_change"],
                                   expected_pair["cpu"], places=12)
            self.assertAlmostEqual(document["overall_geomean"]["baseline_real_time_s"] /
                                   expected_pair["real_time"], 1.0, places=12)
        else:
            self.assertIsNone(document["overall_geomean"])


class GoogleBenchmarkInputsTest(unittest.TestCase, ComparePyAgreement):
    def compare(self, *arguments):
        completed = run_paybench("compare", *arguments)
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        return completed

    def compare_json(self, *arguments):
        return json.loads(self.compare(*arguments, "--format", "json").stdout)

    def test_changes_and_geomean(self):
        rows = table_rows(self.compare(case("test1_run1.json"), case("test1_run2.json")).stdout)
        # report.py's TestReportDifference: name, time change, CPU change.
        expected = [
            ["BM_SameTimes", "+0.0000", "+0.0000"],
            ["BM_2xFaster", "-0.5000", "-0.5000"],
            ["BM_2xSlower", "+1.0000", "+1.0000"],
            ["BM_1PercentFaster", "-0.0100", "-0.0100"],
            ["BM_1PercentSlower", "+0.0100", "+0.0100"],
            ["BM_10PercentFaster", "-0.1000", "-0.1000"],
            ["BM_10PercentSlower", "+0.1000", "+0.1000"],
            ["BM_100xSlower", "+99.0000", "+99.0000"],
            ["BM_100xFaster", "-0.9900", "-0.9900"],
            ["BM_10PercentCPUToTime", "+0.1000", "-0.1000"],
            ["BM_ThirdFaster", "-0.3333", "-0.3334"],
            ["BM_NotBadTimeUnit", "-0.9000", "+0.2000"],
            ["BM_hasLabel", "+0.0000", "+0.0000"],
            ["OVERALL_GEOMEAN", "-0.8113", "-0.7779"],
        ]
        self.assertEqual([row[:3] for row in rows], expected)

    def test_changes_agree_with_compare_py(self):
        document = self.compare_json(case("test1_run1.json"), case("test1_run2.json"))
        self.assert_agrees_with_compare_py(case("test1_run1.json"), case("test1_run2.json"),
                                           document)

    def test_changed_time_unit_is_noted(self):
        completed = self.compare(case("test1_run1.json"), case("test1_run2.json"))
        self.assertIn("BM_DifferentTimeUnit: 1 candidate value in ns left out", completed.stdout)
        document = self.compare_json(case("test1_run1.json"), case("test1_run2.json"))
        self.assertEqual(document["time_unit_mismatches"][0]["name"], "BM_DifferentTimeUnit")

    def test_family_filter(self):
        rows = table_rows(self.compare(case("test2_run.json"), case("test2_run.json"),
                                       "--filter-baseline", "BM_Z.ro",
                                       "--filter-candidate", "BM_O.e").stdout)
        # report.py's TestReportDifferenceBetweenFamilies, with the replacement text of
        # compare.py's command line. The family name contains spaces, so rows are compared as
        # their words.
        family = "[BM_Z.ro vs. BM_O.e]"
        expected = [
            (family, ["-0.5000", "-0.5000", "10.0", "ns", "5.00", "ns"]),
            (family + "/4", ["-0.5000", "-0.5000", "40.0", "ns", "20.0", "ns"]),
            ("Prefix/" + family, ["-0.5000", "-0.5000", "20.0", "ns", "10.0", "ns"]),
            ("Prefix/" + family + "/3", ["-0.5000", "-0.5000", "30.0", "ns", "15.0", "ns"]),
            ("OVERALL_GEOMEAN", ["-0.5000", "-0.5000"]),
        ]
        self.assertEqual(len(rows), len(expected))
        for words, (name, values) in zip(rows, expected):
            name_words = len(name.split())
            self.assertEqual(" ".join(words[:name_words]), name)
            self.assertEqual(words[name_words:name_words + len(values)], values)

    def test_family_filter_json_names_patterns(self):
        document = self.compare_json(case("test2_run.json"), case("test2_run.json"),
                                     "--filter-baseline", "BM_Z.ro",
                                     "--filter-candidate", "BM_O.e")
        self.assertEqual(document["baseline"]["filter"], "BM_Z.ro")
        self.assertEqual(document["candidate"]["filter"], "BM_O.e")
        self.assertAlmostEqual(document["overall_geomean"]["real_time_change"], -0.5, places=12)

    def test_u_test_p_values(self):
        rows = table_rows(self.compare(case("test3_run0.json"), case("test3_run1.json")).stdout)
        by_name = {}
        for row in rows:
            by_name.setdefault(row[0], []).append(row[1:])
        # report.py's TestReportDifferenceWithUTest.
        self.assertEqual(by_name["BM_Two"], [["+0.1111", "-0.0111", "9.00", "ns", "10.0", "ns",
                                              "90.0", "ns", "89.0", "ns"],
                                             ["-0.1250", "-0.1628", "8.00", "ns", "7.00", "ns",
                                              "86.0", "ns", "72.0", "ns"]])
        self.assertEqual(by_name["BM_Two_pvalue"][0][:2], ["1.0000", "0.6667"])
        self.assertEqual([row[:2] for row in by_name["short"]],
                         [["-0.1250", "-0.0625"], ["-0.4325", "-0.1351"]])
        self.assertEqual(by_name["short_pvalue"][0][:2], ["0.7671", "0.2000"])
        self.assertEqual([row[:2] for row in by_name["medium"]], [["-0.3750", "-0.3375"]])
        self.assertEqual(by_name["OVERALL_GEOMEAN"][0][:2], ["+1.6405", "-0.6985"])

        output = self.compare(case("test3_run0.json"), case("test3_run1.json")).stdout
        self.assertIn("BM_Two_pvalue", output)
        self.assertIn("U test, 2 vs 2 repetitions", output)
        self.assertIn("U test, 2 vs 3 repetitions", output)
        self.assertIn("unreliable: fewer than 9 repetitions", output)

    def test_u_test_json_p_values(self):
        document = self.compare_json(case("test3_run0.json"), case("test3_run1.json"))
        tests = {row["name"]: row["u_test"] for row in document["benchmarks"]}
        self.assertAlmostEqual(tests["BM_Two"]["real_time_p_value"], 1.0, places=4)
        self.assertAlmostEqual(tests["BM_Two"]["cpu_time_p_value"], 0.6667, places=4)
        self.assertAlmostEqual(tests["short"]["real_time_p_value"], 0.7671, places=4)
        self.assertAlmostEqual(tests["short"]["cpu_time_p_value"], 0.2, places=4)
        self.assertIsNone(tests["BM_One"])
        self.assertIsNone(tests["medium"])
        self.assertFalse(tests["short"]["has_recommended_repetitions"])

    def test_percentage_aggregate(self):
        completed = self.compare(case("test4_run0.json"), case("test4_run1.json"))
        rows = table_rows(completed.stdout)
        # report.py's TestReportDifferenceForPercentageAggregates; the values are percentages.
        self.assertEqual(rows, [["whocares", "-0.5000", "+0.5000", "1.0%", "0.5%", "10.0%",
                                 "15.0%"]])
        document = self.compare_json(case("test4_run0.json"), case("test4_run1.json"))
        self.assertEqual(document["benchmarks"][0]["aggregate_unit"], "percentage")
        self.assertIsNone(document["overall_geomean"])
        self.assert_agrees_with_compare_py(case("test4_run0.json"), case("test4_run1.json"),
                                           document)

    def test_thousand_repetitions(self):
        # report.py's test5 case repeats the file's one benchmark 1000 times on each side.
        with scratch_directory() as directory:
            paths = []
            for name in ("test5_run0.json", "test5_run1.json"):
                document = read_json(case(name))
                document["benchmarks"] = document["benchmarks"] * 1000
                path = os.path.join(directory, name)
                write_json(path, document)
                paths.append(path)
            rows = table_rows(self.compare(*paths).stdout)
            document = self.compare_json(*paths)

        self.assertEqual(sum(1 for row in rows if row[0] == "BM_ManyRepetitions"), 1000)
        p_value_row = next(row for row in rows if row[0] == "BM_ManyRepetitions_pvalue")
        self.assertEqual(p_value_row[1:3], ["0.0000", "0.0000"])
        self.assertIn("1000 vs 1000 repetitions", " ".join(p_value_row))
        self.assertEqual(rows[-1][:3], ["OVERALL_GEOMEAN", "+999.0000", "-0.9990"])
        u_test = document["benchmarks"][0]["u_test"]
        self.assertEqual(u_test["real_time_p_value"], 0.0)
        self.assertEqual(u_test["cpu_time_p_value"], 0.0)
        self.assertTrue(u_test["has_recommended_repetitions"])

    def test_alpha_sets_significance(self):
        lenient = self.compare_json(case("test3_run0.json"), case("test3_run1.json"),
                                    "--alpha", "0.3")
        self.assertEqual(lenient["alpha"], 0.3)
        tests = {row["name"]: row["u_test"] for row in lenient["benchmarks"]}
        self.assertTrue(tests["short"]["cpu_time_significant"])  # p = 0.2
        self.assertFalse(tests["short"]["real_time_significant"])  # p = 0.7671

    def test_exit_code_is_zero_for_a_regression(self):
        completed = run_paybench("compare", case("test1_run1.json"), case("test1_run2.json"))
        self.assertIn("+99.0000", completed.stdout)
        self.assertEqual(completed.exit_code, 0)


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = set()
        self.attributes = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def hostile_result(times):
    return {"benchmarks": [{"name": HOSTILE_NAME, "real_time": time, "cpu_time": time,
                            "time_unit": "ns", "iterations": 1} for time in times]}


class FormatsTest(unittest.TestCase):
    def test_json_parses(self):
        completed = run_paybench("compare", case("test3_run0.json"), case("test3_run1.json"),
                                 "--format", "json")
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        document = json.loads(completed.stdout)
        self.assertEqual(document["paybench_compare_version"], 1)
        self.assertEqual(document["alpha"], 0.05)
        self.assertEqual(len(document["benchmarks"]), 4)

    def test_markdown_table_has_rows(self):
        completed = run_paybench("compare", case("test3_run0.json"), case("test3_run1.json"),
                                 "--format", "markdown")
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        lines = completed.stdout.splitlines()
        self.assertIn("| Benchmark | Time | CPU | Time old | Time new | CPU old | CPU new |",
                      lines)
        self.assertIn("| `BM_Two` | +0.1111 | -0.0111 | 9.00 ns | 10.0 ns | 90.0 ns | 89.0 ns |",
                      lines)
        p_value_rows = [line for line in lines if line.startswith("| `short_pvalue` |")]
        self.assertEqual(len(p_value_rows), 1)
        self.assertTrue(p_value_rows[0].startswith("| `short_pvalue` | 0.7671 | 0.2000 |"))
        self.assertTrue(any(line.startswith("| `OVERALL_GEOMEAN` | +1.6405 | -0.6985 |")
                            for line in lines))
        table_lines = [line for line in lines if line.startswith("| ")]
        self.assertEqual(len(table_lines), 2 + 6 + 2 + 1)  # header, rule, pairs, p, geomean

    def test_html_is_self_contained_and_escaped(self):
        with scratch_directory() as directory:
            baseline = os.path.join(directory, "baseline.json")
            candidate = os.path.join(directory, "candidate.json")
            write_json(baseline, hostile_result([10, 11, 12]))
            write_json(candidate, hostile_result([20, 21, 22]))
            output = os.path.join(directory, "comparison.html")
            completed = run_paybench("compare", baseline, candidate, "--format", "html",
                                     "--out", output)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            self.assertIn("Wrote " + output, completed.stdout)
            with open(output, encoding="utf-8") as file:
                page = file.read()

        self.assertNotIn("<img", page)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", page)
        parser = TagCollector()
        parser.feed(page)
        self.assertFalse(parser.tags & {"img", "script", "link", "iframe", "object", "embed"},
                         parser.tags)
        for name, value in parser.attributes:
            self.assertNotIn(name, ("src", "href", "onerror", "onload"), (name, value))
        self.assertNotIn("http://", page)
        self.assertNotIn("https://", page)
        self.assertIn("default-src 'none'", page)
        self.assertIn(HOSTILE_NAME + "_pvalue", "".join(parser.text))

    def test_markdown_escapes_hostile_name(self):
        with scratch_directory() as directory:
            baseline = os.path.join(directory, "baseline.json")
            candidate = os.path.join(directory, "candidate.json")
            write_json(baseline, hostile_result([10, 11]))
            write_json(candidate, hostile_result([20, 21]))
            completed = run_paybench("compare", baseline, candidate, "--format", "markdown")
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        for line in completed.stdout.splitlines():
            if HOSTILE_NAME in line:
                self.assertIn("`" + HOSTILE_NAME, line, "a raw name outside a code span")

    def test_out_replaces_file(self):
        with scratch_directory() as directory:
            output = os.path.join(directory, "comparison.md")
            with open(output, "w", encoding="utf-8") as file:
                file.write("old content")
            completed = run_paybench("compare", case("test1_run1.json"), case("test1_run2.json"),
                                     "--format", "markdown", "--out", output)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            with open(output, encoding="utf-8") as file:
                self.assertTrue(file.read().startswith("## paybench compare"))
            self.assertEqual(sorted(os.listdir(directory)), ["comparison.md"])

    def test_colour_only_on_terminal(self):
        arguments = [BINARY, "compare", case("test1_run1.json"), case("test1_run2.json")]
        environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
        self.assertIn("\x1b[", run_in_terminal(arguments, environment))
        self.assertNotIn("\x1b[", run_in_terminal(arguments, {**environment, "NO_COLOR": "1"}))
        piped = subprocess.run(arguments, capture_output=True, text=True, env=environment,
                               check=False)
        self.assertNotIn("\x1b[", piped.stdout)


def run_in_terminal(arguments, environment):
    """Runs a command with a pseudo-terminal as stdout and returns what it printed."""
    controller, terminal = pty.openpty()
    with subprocess.Popen(arguments, stdout=terminal, stderr=subprocess.DEVNULL,
                          env=environment) as process:
        os.close(terminal)
        output = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed when the process exited
                break
            if not chunk:
                break
            output += chunk
        process.wait(timeout=60)
    os.close(controller)
    return output.decode("utf-8", errors="replace")


class BadInputTest(unittest.TestCase):
    def assert_rejected(self, arguments, *expected_texts):
        completed = run_paybench("compare", *arguments)
        self.assertEqual(completed.exit_code, 2, completed.stderr)
        self.assertEqual(completed.stdout, "")
        for text in expected_texts:
            self.assertIn(text, completed.stderr)
        return completed

    def test_missing_file(self):
        self.assert_rejected(["no-such.json", case("test1_run1.json")],
                             "baseline no-such.json", "cannot be opened")

    def test_not_json(self):
        with scratch_directory() as directory:
            path = os.path.join(directory, "notes.txt")
            with open(path, "w", encoding="utf-8") as file:
                file.write("BM_x 12 ns\n")
            self.assert_rejected([case("test1_run1.json"), path], "candidate " + path,
                                 "not valid JSON")

    def test_json_without_benchmarks(self):
        with scratch_directory() as directory:
            path = os.path.join(directory, "context_only.json")
            write_json(path, {"context": {"date": "2024-01-01"}})
            self.assert_rejected([path, case("test1_run1.json")], path, "benchmarks")

    def test_no_benchmark_in_common(self):
        completed = self.assert_rejected([case("test1_run1.json"), case("test3_run0.json")],
                                         case("test1_run1.json"), case("test3_run0.json"),
                                         "no benchmark has the same name in both")
        self.assertIn("'BM_SameTimes'", completed.stderr)
        self.assertIn("'BM_One'", completed.stderr)
        self.assertIn("and 11 more", completed.stderr)

    def test_bad_regex(self):
        self.assert_rejected([case("test2_run.json"), case("test2_run.json"),
                              "--filter-baseline", "BM_(Zero", "--filter-candidate", "BM_One"],
                             "--filter-baseline", "'BM_(Zero'", "regular expression")

    def test_one_filter_without_the_other(self):
        self.assert_rejected([case("test2_run.json"), case("test2_run.json"),
                              "--filter-baseline", "BM_Zero"],
                             "--filter-baseline 'BM_Zero' needs --filter-candidate")
        self.assert_rejected([case("test2_run.json"), case("test2_run.json"),
                              "--filter-candidate", "BM_One"],
                             "--filter-candidate 'BM_One' needs --filter-baseline")

    def test_filter_matching_nothing(self):
        self.assert_rejected([case("test2_run.json"), case("test2_run.json"),
                              "--filter-baseline", "BM_Nothing", "--filter-candidate", "BM_One"],
                             "--filter-baseline 'BM_Nothing' matches no benchmark",
                             "'BM_Hi'")

    def test_bad_alpha(self):
        for alpha in ("0", "1", "-0.1", "five", "0.05x"):
            self.assert_rejected([case("test1_run1.json"), case("test1_run2.json"),
                                  "--alpha", alpha], f"'{alpha}'", "--alpha", "such as 0.05")

    def test_bad_format(self):
        self.assert_rejected([case("test1_run1.json"), case("test1_run2.json"),
                              "--format", "csv"], "'csv'", "table, json, markdown or html")

    def test_missing_candidate(self):
        self.assert_rejected([case("test1_run1.json")], "missing CANDIDATE")

    def test_out_is_an_input(self):
        with scratch_directory() as directory:
            baseline = os.path.join(directory, "baseline.json")
            write_json(baseline, read_json(case("test1_run1.json")))
            self.assert_rejected([baseline, case("test1_run2.json"), "--out", baseline],
                                 "--out", "is the input")
            self.assertEqual(read_json(baseline), read_json(case("test1_run1.json")))

    def test_out_creates_missing_directory(self):
        with scratch_directory() as directory:
            output = os.path.join(directory, "missing", "comparison.txt")
            completed = run_paybench("compare", case("test1_run1.json"), case("test1_run2.json"),
                                     "--out", output)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            self.assertTrue(os.path.isfile(output))

    def test_out_under_regular_file(self):
        with scratch_directory() as directory:
            blocker = os.path.join(directory, "blocker")
            with open(blocker, "w", encoding="utf-8") as file:
                file.write("a file, not a directory")
            output = os.path.join(blocker, "comparison.txt")
            self.assert_rejected([case("test1_run1.json"), case("test1_run2.json"),
                                  "--out", output], output,
                                 f"creating its directory {blocker}", "--out")


ESCAPE_NAME = "BM_x\x1b]0;pwned\x07\x1b[31m"
ESCAPED_NAME = "BM_x<U+001B>]0;pwned<U+0007><U+001B>[31m"


def with_renamed_benchmark(document, old_name, new_name):
    """Returns a copy of a Google Benchmark document with one benchmark renamed."""
    copy = json.loads(json.dumps(document))
    for run in copy["benchmarks"]:
        if run["name"] == old_name:
            run["name"] = new_name
            run["run_name"] = new_name
    return copy


class HostileInputTest(unittest.TestCase):
    """Result files as an attacker or a broken tool writes them: terminal escape sequences in
    names, megabyte-long strings and negative times."""

    def setUp(self):
        self.directory = scratch_directory()
        self.addCleanup(self.directory.cleanup)

    def write(self, name, document):
        path = os.path.join(self.directory.name, name)
        write_json(path, document)
        return path

    def test_escape_sequences_in_names_are_shown_escaped(self):
        original = read_json(case("test1_run1.json"))
        hostile = self.write("hostile.json",
                             with_renamed_benchmark(original, "BM_2xFaster", ESCAPE_NAME))
        without = json.loads(json.dumps(original))
        without["benchmarks"] = [run for run in without["benchmarks"]
                                 if run["name"] != "BM_2xFaster"]
        other = self.write("other.json", without)

        both = run_paybench("compare", hostile, hostile)
        self.assertEqual(both.exit_code, 0, both.stderr)
        self.assertIn("\n" + ESCAPED_NAME + "  ", both.stdout)
        one_side = run_paybench("compare", hostile, other)
        self.assertEqual(one_side.exit_code, 0, one_side.stderr)
        self.assertIn("only in the baseline (1): " + ESCAPED_NAME, one_side.stdout)
        for completed in (both, one_side):
            self.assertNotIn("\x1b", completed.stdout)
            self.assertNotIn("\x07", completed.stdout)

    def test_escape_sequences_in_error_listing_are_shown_escaped(self):
        hostile = self.write("hostile.json", {"benchmarks": [
            {"name": ESCAPE_NAME, "real_time": 1, "cpu_time": 1, "time_unit": "ns"}]})
        completed = run_paybench("compare", case("test1_run1.json"), hostile)
        self.assertEqual(completed.exit_code, 2, completed.stderr)
        self.assertIn("'" + ESCAPED_NAME + "'", completed.stderr)
        self.assertNotIn("\x1b", completed.stderr)

    def test_unterminated_long_string_gives_short_error(self):
        path = os.path.join(self.directory.name, "unterminated.json")
        with open(path, "w", encoding="utf-8") as file:
            file.write('{"benchmarks": ["' + "9" * 5_000_000)
        completed = run_paybench("compare", case("test1_run1.json"), path)
        self.assertEqual(completed.exit_code, 2, completed.stderr[:500])
        self.assertLess(len(completed.stderr), 1000, completed.stderr[:500])
        self.assertIn("not valid JSON", completed.stderr)
        self.assertIn("'\"" + "9" * 79 + "...' (5000001 characters)", completed.stderr)

    def test_long_name_in_nothing_to_compare_is_shortened(self):
        long_name = "9" * 5_000_000
        path = self.write("long_name.json", {"benchmarks": [
            {"name": long_name, "real_time": 1, "cpu_time": 1, "time_unit": "ns"}]})
        completed = run_paybench("compare", case("test1_run1.json"), path)
        self.assertEqual(completed.exit_code, 2, completed.stderr[:500])
        self.assertLess(len(completed.stderr), 1000, completed.stderr[:500])
        self.assertIn("nothing to compare", completed.stderr)
        self.assertIn("'" + "9" * 80 + "...' (5000000 characters)", completed.stderr)

    def test_negative_time_is_rejected(self):
        for key in ("real_time", "cpu_time"):
            with self.subTest(key):
                document = read_json(case("test1_run1.json"))
                document["benchmarks"][3][key] = -5
                path = self.write("negative.json", document)
                completed = run_paybench("compare", case("test1_run1.json"), path)
                self.assertEqual(completed.exit_code, 2, completed.stderr)
                self.assertEqual(completed.stdout, "")
                self.assertIn(f"benchmarks[3].{key}: expected a number >= 0, found -5",
                              completed.stderr)


class PaybenchResultsTest(unittest.TestCase, ComparePyAgreement):
    """Two real runs of one workload, compared as a user compares before and after."""

    @classmethod
    def setUpClass(cls):
        cls.directory = scratch_directory()
        cls.results = []
        for side in ("before", "after"):
            out_dir = os.path.join(cls.directory.name, side)
            completed = run_paybench("run", "memory/object_pool", "--suite", "quick",
                                     "--out-dir", out_dir, "--quiet")
            if completed.exit_code != 0:
                raise AssertionError(f"paybench run failed: {completed.stderr}")
            cls.results.append(os.path.join(out_dir, "result.json"))

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def test_every_benchmark_compared(self):
        completed = run_paybench("compare", *self.results, "--format", "json")
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        document = json.loads(completed.stdout)
        names = {run["name"] for run in read_json(self.results[0])["benchmarks"]}
        self.assertEqual({row["name"] for row in document["benchmarks"]}, names)
        iterations = [row for row in document["benchmarks"] if row["run_type"] == "iteration"]
        self.assertTrue(iterations)
        for row in iterations:
            self.assertEqual(row["u_test"]["baseline_repetitions"], 5, row["name"])
            self.assertEqual(row["u_test"]["candidate_repetitions"], 5, row["name"])
        self.assertIsNotNone(document["overall_geomean"])
        self.assertEqual(document["failures"], [])

    def test_agrees_with_compare_py(self):
        completed = run_paybench("compare", *self.results, "--format", "json")
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        self.assert_agrees_with_compare_py(*self.results, json.loads(completed.stdout))

    def test_out_message_counts_benchmarks(self):
        # Each benchmark has 5 repetitions and 4 aggregates, which compare as 5 rows.
        runs = read_json(self.results[0])["benchmarks"]
        benchmarks = len({run["run_name"] for run in runs})
        self.assertGreater(len({run["name"] for run in runs}), benchmarks)
        for output_format in ("table", "json", "markdown", "html"):
            with self.subTest(output_format), scratch_directory() as directory:
                output = os.path.join(directory, "comparison." + output_format)
                completed = run_paybench("compare", *self.results, "--format", output_format,
                                         "--out", output)
                self.assertEqual(completed.exit_code, 0, completed.stderr)
                self.assertEqual(completed.stdout,
                                 f"Wrote {output} ({benchmarks} benchmarks compared)\n")

    def test_every_format(self):
        name = "memory/object_pool/pool/size:64/batch:1/threads:1"
        expected = {"table": name + "_pvalue", "json": '"name": "' + name + '"',
                    "markdown": "| `" + name + "_pvalue` |",
                    # The page offers a line break after each '/'.
                    "html": name.replace("/", "/<wbr>") + "_pvalue<wbr></td>"}
        for output_format, text in expected.items():
            with self.subTest(output_format):
                completed = run_paybench("compare", *self.results, "--format", output_format)
                self.assertEqual(completed.exit_code, 0, completed.stderr)
                self.assertIn(text, completed.stdout)


if __name__ == "__main__":
    unittest.main()
