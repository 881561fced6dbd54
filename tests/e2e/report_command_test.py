"""paybench report: the run's report rendered again from result.json, --out in another folder
with working profile links, Google Benchmark JSON, and bad input."""

import json
import os
import re
import unittest
import urllib.parse

from paybench_cli import run_paybench, scratch_directory
from result_profiles import embedded_flame_graph_count

EXIT_USAGE = 2
PROFILED_RUN = ["memory/object_pool/*/size:64/batch:1/*", "--threads", "1", "--cpu-profile",
                "--suite", "quick", "--repetitions", "2", "--min-time", "0.05", "--quiet"]


def read_text(path):
    with open(path, encoding="utf-8") as file:
        return file.read()


def write_text(path, text):
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def relative_links(page):
    """Returns the href values of a page that point to files, not into the page."""
    return [link for link in re.findall(r'href="([^"]*)"', page) if not link.startswith("#")]


class ReportOfProfiledRunTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        cls.run_dir = os.path.join(cls.scratch.name, "run")
        cls.completed = run_paybench("run", *PROFILED_RUN, "--out-dir", cls.run_dir)
        cls.result_path = os.path.join(cls.run_dir, "result.json")

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def setUp(self):
        self.assertEqual(self.completed.exit_code, 0, self.completed.stderr)

    def test_renders_the_runs_report_again(self):
        written_by_run = read_text(os.path.join(self.run_dir, "report.html"))
        os.remove(os.path.join(self.run_dir, "report.html"))

        completed = run_paybench("report", self.result_path)

        self.assertEqual(completed.exit_code, 0, completed.stderr)
        self.assertIn("report.html", completed.stdout)
        self.assertEqual(read_text(os.path.join(self.run_dir, "report.html")), written_by_run)
        leftovers = [name for name in os.listdir(self.run_dir) if ".tmp-" in name]
        self.assertEqual(leftovers, [])

    def test_out_elsewhere_keeps_links(self):
        output = os.path.join(self.scratch.name, "elsewhere", "deeper", "pool.html")
        os.makedirs(os.path.dirname(output))

        completed = run_paybench("report", self.result_path, "--out", output)

        self.assertEqual(completed.exit_code, 0, completed.stderr)
        page = read_text(output)
        links = relative_links(page)
        self.assertGreater(len(links), 0)
        for link in links:
            with self.subTest(link=link):
                target = os.path.join(os.path.dirname(output), urllib.parse.unquote(link))
                self.assertTrue(os.path.isfile(target), target)
        result = json.loads(read_text(self.result_path))
        self.assertEqual(page.count('<script type="application/json" class="pb-flame-data">'),
                         embedded_flame_graph_count(result, self.run_dir))
        self.assertNotIn("profile file missing", page)


class ReportInputTest(unittest.TestCase):
    def test_google_benchmark_json(self):
        with scratch_directory() as directory:
            result = os.path.join(directory, "gbench.json")
            runs = [{"name": f"BM_Pool/threads:{threads}", "run_name": f"BM_Pool/threads:{threads}",
                     "run_type": "iteration", "repetitions": 2, "repetition_index": index,
                     "threads": threads, "iterations": 1000, "real_time": time,
                     "cpu_time": time, "time_unit": "ns", "items_per_second": 1e9 / time}
                    for threads, times in ((1, [10.0, 10.2]), (2, [6.0, 6.1]))
                    for index, time in enumerate(times)]
            write_text(result, json.dumps({"context": {}, "benchmarks": runs}))

            completed = run_paybench("report", result)

            self.assertEqual(completed.exit_code, 0, completed.stderr)
            page = read_text(os.path.join(directory, "report.html"))
            # The family is the name up to its first '/'; the two thread counts make one chart.
            self.assertTrue("<h3>BM_Pool</h3>" in page)
            self.assertEqual(page.count('<figure class="chart line-chart">'), 1)
            self.assertTrue("<td class=\"num\">99M/s</td><td class=\"num\">165M/s</td>" in page)

    def test_run_without_comparisons_has_no_comparisons_section(self):
        with scratch_directory() as directory:
            result = os.path.join(directory, "failed.json")
            runs = [{"name": "BM_Pool", "run_name": "BM_Pool", "run_type": "iteration",
                     "repetitions": 1, "repetition_index": 0, "threads": 1, "iterations": 0,
                     "real_time": 0, "cpu_time": 0, "time_unit": "ns", "error_occurred": True,
                     "error_message": "crashed"}]
            write_text(result, json.dumps({"context": {}, "benchmarks": runs}))

            completed = run_paybench("report", result)

            self.assertEqual(completed.exit_code, 0, completed.stderr)
            page = read_text(os.path.join(directory, "report.html"))
            self.assertIn("error: crashed", page)
            self.assertNotIn('<section id="comparisons">', page)
            self.assertNotIn('href="#comparisons"', page)

    def test_negative_time_is_rejected(self):
        with scratch_directory() as directory:
            result = os.path.join(directory, "negative.json")
            runs = [{"name": "BM_Pool", "real_time": -5, "cpu_time": 1, "time_unit": "ns"}]
            write_text(result, json.dumps({"benchmarks": runs}))
            self.assert_rejected([result], "benchmarks[0].real_time: expected a number >= 0, "
                                 "found -5", directory=directory)

    def assert_rejected(self, arguments, *expected_texts, directory):
        completed = run_paybench("report", *arguments)
        self.assertEqual(completed.exit_code, EXIT_USAGE, completed.stdout)
        for text in expected_texts:
            self.assertIn(text, completed.stderr)
        self.assertEqual([name for name in os.listdir(directory) if name.endswith(".html")], [])

    def test_missing_file(self):
        with scratch_directory() as directory:
            missing = os.path.join(directory, "missing.json")
            self.assert_rejected([missing], "cannot read the result file", missing,
                                 "expected result.json", directory=directory)

    def test_not_a_result(self):
        with scratch_directory() as directory:
            path = os.path.join(directory, "other.json")
            write_text(path, '{"rows": []}')
            self.assert_rejected([path], "other.json", "benchmarks", directory=directory)

    def test_not_json(self):
        with scratch_directory() as directory:
            path = os.path.join(directory, "result.json")
            write_text(path, "<html>")
            self.assert_rejected([path], "result.json", "expected result.json",
                                 directory=directory)

    def test_out_is_the_result(self):
        with scratch_directory() as directory:
            path = os.path.join(directory, "result.json")
            write_text(path, json.dumps({"context": {}, "benchmarks": []}))
            self.assert_rejected([path, "--out", path], "is the result file itself",
                                 directory=directory)
            self.assertEqual(json.loads(read_text(path)), {"context": {}, "benchmarks": []})

    def test_out_creates_missing_directories(self):
        with scratch_directory() as directory:
            path = os.path.join(directory, "result.json")
            write_text(path, json.dumps({"context": {}, "benchmarks": []}))
            output = os.path.join(directory, "review", "pool", "report.html")
            completed = run_paybench("report", path, "--out", output)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            self.assertTrue(read_text(output).rstrip().endswith("</html>"))

    def test_out_under_regular_file_names_directory(self):
        with scratch_directory() as directory:
            path = os.path.join(directory, "result.json")
            write_text(path, json.dumps({"context": {}, "benchmarks": []}))
            output = os.path.join(path, "report.html")
            completed = run_paybench("report", path, "--out", output)
            self.assertEqual(completed.exit_code, EXIT_USAGE, completed.stdout)
            self.assertIn(f"writing {output} failed: creating its directory {path}: Not a "
                          "directory; choose another file with --out", completed.stderr)
            self.assertNotIn(".tmp-", completed.stderr)

    def test_missing_argument(self):
        completed = run_paybench("report")
        self.assertEqual(completed.exit_code, EXIT_USAGE)
        self.assertIn("missing RESULT", completed.stderr)
        self.assertIn("paybench report --help", completed.stderr)


if __name__ == "__main__":
    unittest.main()
