"""paybench gate: verdicts and exit codes on real runs in time and instruction modes, a
deliberately slowed build caught, the CI exports parsed as their formats, and bad input."""

import json
import os
import subprocess
import unittest
import xml.etree.ElementTree as ElementTree

from paybench_cli import needs_build_without_sanitizer, run_paybench, scratch_directory

REFERENCE_BUILD = os.environ.get("PAYBENCH_SELFTEST_REFERENCE", "")
SLOWED_BUILD = os.environ.get("PAYBENCH_SELFTEST_SLOWED", "")

EXIT_PASS, EXIT_REGRESSION, EXIT_USAGE, EXIT_INCONCLUSIVE = 0, 1, 2, 3


def write_json(path, document):
    with open(path, "w", encoding="utf-8") as file:
        json.dump(document, file)


def google_benchmark_file(path, times_by_name):
    """A plain Google Benchmark result with one iteration run per time, in ns."""
    benchmarks = []
    for name, times in times_by_name.items():
        for index, time in enumerate(times):
            benchmarks.append({"name": name, "run_name": name, "run_type": "iteration",
                               "repetitions": len(times), "repetition_index": index,
                               "threads": 1, "iterations": 1000, "real_time": time,
                               "cpu_time": time, "time_unit": "ns"})
    write_json(path, {"context": {}, "benchmarks": benchmarks})


def count_instructions(binary, out_dir):
    """Runs selftest/mix of a self-test build in instruction mode and returns result.json."""
    process = subprocess.run(
        [binary, "run", "selftest", "--measure", "instructions", "--iterations", "200",
         "--quiet", "--out-dir", out_dir],
        capture_output=True, text=True, timeout=300, check=False)
    if process.returncode != 0:
        raise AssertionError(f"{binary} failed: {process.stderr}")
    return os.path.join(out_dir, "result.json")


# Nine repetitions a side, spread about 1%: the spread of a quiet single-threaded benchmark.
STEADY = [100.0, 100.6, 99.5, 100.2, 99.8, 100.9, 99.3, 100.4, 100.1]


class SyntheticGateTest(unittest.TestCase):
    def test_catches_ten_percent_regression(self):
        with scratch_directory() as scratch:
            baseline = os.path.join(scratch, "baseline.json")
            candidate = os.path.join(scratch, "candidate.json")
            google_benchmark_file(baseline, {"BM_Pool": STEADY, "BM_Map": STEADY})
            google_benchmark_file(candidate, {"BM_Pool": [t * 1.10 for t in STEADY],
                                              "BM_Map": STEADY[::-1]})
            completed = run_paybench("gate", baseline, candidate)
            self.assertEqual(completed.exit_code, EXIT_REGRESSION, completed.stdout + completed.stderr)
            self.assertIn("regression BM_Pool: 10.0% slower", completed.stdout)
            self.assertIn("Verdict: regression (1 regression, 1 passed)", completed.stdout)

    def test_regression_within_threshold_passes(self):
        with scratch_directory() as scratch:
            baseline = os.path.join(scratch, "baseline.json")
            candidate = os.path.join(scratch, "candidate.json")
            google_benchmark_file(baseline, {"BM_Pool": STEADY})
            google_benchmark_file(candidate, {"BM_Pool": [t * 1.10 for t in STEADY]})
            completed = run_paybench("gate", baseline, candidate, "--max-regression", "20")
            self.assertEqual(completed.exit_code, EXIT_PASS, completed.stdout)

    def test_one_repetition_is_inconclusive(self):
        with scratch_directory() as scratch:
            baseline = os.path.join(scratch, "baseline.json")
            candidate = os.path.join(scratch, "candidate.json")
            google_benchmark_file(baseline, {"BM_Pool": [100.0]})
            google_benchmark_file(candidate, {"BM_Pool": [130.0]})
            completed = run_paybench("gate", baseline, candidate)
            self.assertEqual(completed.exit_code, EXIT_INCONCLUSIVE, completed.stdout)
            self.assertIn("needs at least 2 repetitions", completed.stdout)


class RealRunGateTest(unittest.TestCase):
    """Two runs made one after the other on a shared machine can differ for real: a busy
    neighbour slows every repetition of the second. So the A/A check splits one run, whose
    repetitions paybench interleaves across benchmarks, into two results of the same build
    under the same conditions: alternate repetitions go to each side."""

    def test_two_halves_of_one_run_do_not_regress(self):
        with scratch_directory() as scratch:
            out_dir = os.path.join(scratch, "run")
            completed = run_paybench("run", "memory/object_pool/*/size:64/batch:1/*",
                                     "--threads", "1", "--suite", "quick",
                                     "--repetitions", "18", "--quiet", "--out-dir", out_dir)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            with open(os.path.join(out_dir, "result.json"), encoding="utf-8") as file:
                result = json.load(file)

            halves = []
            for parity in (0, 1):
                half = dict(result)
                half["benchmarks"] = [run for run in result["benchmarks"]
                                      if run["run_type"] == "iteration"
                                      and run["repetition_index"] % 2 == parity]
                half["comparisons"] = []
                path = os.path.join(scratch, f"half{parity}.json")
                write_json(path, half)
                halves.append(path)

            completed = run_paybench("gate", *halves)
            self.assertIn(completed.exit_code, (EXIT_PASS, EXIT_INCONCLUSIVE),
                          completed.stdout + completed.stderr)


@unittest.skipUnless(REFERENCE_BUILD and SLOWED_BUILD, "the self-test builds are not configured")
@needs_build_without_sanitizer
class InstructionGateTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        root = cls.scratch.name
        cls.reference = count_instructions(REFERENCE_BUILD, os.path.join(root, "reference"))
        cls.reference_again = count_instructions(REFERENCE_BUILD, os.path.join(root, "again"))
        cls.slowed = count_instructions(SLOWED_BUILD, os.path.join(root, "slowed"))

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def test_same_build_passes(self):
        completed = run_paybench("gate", self.reference, self.reference_again, "--max-regression", "1%")
        self.assertEqual(completed.exit_code, EXIT_PASS, completed.stdout + completed.stderr)
        self.assertIn("+0.0%", completed.stdout)

    def test_slowed_build_fails(self):
        completed = run_paybench("gate", self.reference, self.slowed, "--max-regression", "2%")
        self.assertEqual(completed.exit_code, EXIT_REGRESSION, completed.stdout + completed.stderr)
        self.assertIn("regression selftest/mix/mix/threads:1", completed.stdout)

    def test_exports_parse_as_their_formats(self):
        with scratch_directory() as scratch:
            paths = {name: os.path.join(scratch, name) for name in
                     ("junit.xml", "summary.md", "github.json", "bmf.json", "gate.json")}
            completed = run_paybench(
                "gate", self.reference, self.slowed, "--max-regression", "2%",
                "--junit", paths["junit.xml"], "--markdown", paths["summary.md"],
                "--github-benchmark", paths["github.json"], "--bmf", paths["bmf.json"],
                "--format", "json", "--out", paths["gate.json"])
            self.assertEqual(completed.exit_code, EXIT_REGRESSION, completed.stderr)

            suite = ElementTree.parse(paths["junit.xml"]).getroot()
            if suite.tag == "testsuites":
                suite = suite.find("testsuite")
            cases = suite.findall("testcase")
            self.assertEqual(len(cases), 2)
            failed = [case for case in cases if case.find("failure") is not None]
            self.assertEqual([case.get("name") for case in failed], ["selftest/mix/mix/threads:1"])

            with open(paths["github.json"], encoding="utf-8") as file:
                github = json.load(file)
            self.assertIsInstance(github, list)
            for entry in github:
                self.assertEqual(set(entry) - {"range", "extra"}, {"name", "unit", "value"})
                self.assertEqual(entry["unit"], "instructions")
                self.assertIsInstance(entry["value"], (int, float))

            with open(paths["bmf.json"], encoding="utf-8") as file:
                bmf = json.load(file)
            measure = bmf["selftest/mix/mix/threads:1"]["instructions"]
            self.assertLessEqual(measure["lower_value"], measure["value"])
            self.assertLessEqual(measure["value"], measure["upper_value"])

            with open(paths["gate.json"], encoding="utf-8") as file:
                self.assertEqual(json.load(file)["verdict"], "regression")
            with open(paths["summary.md"], encoding="utf-8") as file:
                self.assertIn("selftest/mix/mix/threads:1", file.read())

    def test_rejects_times_against_counts(self):
        with scratch_directory() as scratch:
            timed = os.path.join(scratch, "timed.json")
            google_benchmark_file(timed, {"selftest/mix/mix/threads:1": STEADY})
            completed = run_paybench("gate", timed, self.reference)
            self.assertEqual(completed.exit_code, EXIT_USAGE)
            self.assertIn("gate two results of the same --measure", completed.stderr)


class GateBadInputTest(unittest.TestCase):
    def test_missing_file(self):
        completed = run_paybench("gate", "/nonexistent/base.json", "/nonexistent/new.json")
        self.assertEqual(completed.exit_code, EXIT_USAGE)
        self.assertIn("/nonexistent/base.json", completed.stderr)

    def test_bad_percentage(self):
        with scratch_directory() as scratch:
            path = os.path.join(scratch, "r.json")
            google_benchmark_file(path, {"BM_A": STEADY})
            completed = run_paybench("gate", path, path, "--max-regression", "five")
            self.assertEqual(completed.exit_code, EXIT_USAGE)
            self.assertIn("invalid percentage 'five'", completed.stderr)

    def test_thresholds_file_with_unknown_key(self):
        with scratch_directory() as scratch:
            path = os.path.join(scratch, "r.json")
            thresholds = os.path.join(scratch, "thresholds.json")
            google_benchmark_file(path, {"BM_A": STEADY})
            write_json(thresholds, {"benchmarks": [{"pattern": "BM_*", "max_regresion": 5}]})
            completed = run_paybench("gate", path, path, "--thresholds", thresholds)
            self.assertEqual(completed.exit_code, EXIT_USAGE)
            self.assertIn("benchmarks[0].max_regresion: unknown key", completed.stderr)

    def test_escape_sequences_in_names_are_shown_escaped(self):
        hostile = "BM_x\x1b]0;pwned\x07\x1b[31m"
        with scratch_directory() as scratch:
            path = os.path.join(scratch, "r.json")
            google_benchmark_file(path, {hostile: STEADY})
            completed = run_paybench("gate", path, path)
            self.assertEqual(completed.exit_code, EXIT_PASS, completed.stdout + completed.stderr)
            self.assertIn("\nBM_x<U+001B>]0;pwned<U+0007><U+001B>[31m  ", completed.stdout)
            self.assertNotIn("\x1b", completed.stdout)
            self.assertNotIn("\x07", completed.stdout)

    def test_negative_time_is_rejected(self):
        with scratch_directory() as scratch:
            path = os.path.join(scratch, "r.json")
            negative = os.path.join(scratch, "negative.json")
            google_benchmark_file(path, {"BM_A": STEADY})
            google_benchmark_file(negative, {"BM_A": STEADY[:3] + [-5.0] + STEADY[4:]})
            completed = run_paybench("gate", path, negative)
            self.assertEqual(completed.exit_code, EXIT_USAGE)
            self.assertEqual(completed.stdout, "")
            self.assertIn("benchmarks[3].real_time: expected a number >= 0, found -5.0",
                          completed.stderr)

    def test_nothing_in_common(self):
        with scratch_directory() as scratch:
            first = os.path.join(scratch, "a.json")
            second = os.path.join(scratch, "b.json")
            google_benchmark_file(first, {"BM_A": STEADY})
            google_benchmark_file(second, {"BM_B": STEADY})
            completed = run_paybench("gate", first, second)
            self.assertEqual(completed.exit_code, EXIT_USAGE)
            self.assertIn("no benchmark in common", completed.stderr)


if __name__ == "__main__":
    unittest.main()
