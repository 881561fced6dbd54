"""paybench run with isolation: a workload that crashes, aborts, throws, exits early or hangs
becomes the error of that workload's benchmarks, and the other workloads' results are kept.

Runs paybench_reliability, a build of the command line with test workloads (tests/reliability).
"""

import json
import os
import signal
import subprocess
import unittest

import jsonschema

from paybench_cli import FAST_RUN, SCHEMA, scratch_directory

RELIABILITY = os.environ["PAYBENCH_RELIABILITY"]

# Each failing workload, and a part of the error message its benchmarks must carry.
EXPECTED_ERRORS = {
    "crash": "killed by SIGSEGV (Segmentation fault)",
    "abort": "killed by SIGABRT (Aborted)",
    "throw": "uncaught exception of type std::runtime_error: settlement batch 42 has no currency",
    "exit": "exited with code 3 before writing its result",
    "hang": "timed out: the workload's process ran longer than 3 s (--timeout)",
}


def run_reliability(*arguments, timeout=300):
    return subprocess.run([RELIABILITY, *arguments], capture_output=True, text=True,
                          timeout=timeout, check=False)


class IsolationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        cls.out_dir = os.path.join(cls.scratch.name, "run")
        patterns = ["reliability/basic"] + [f"reliability/{name}" for name in EXPECTED_ERRORS]
        cls.completed = run_reliability("run", *patterns, *FAST_RUN, "--timeout", "3",
                                        "--out-dir", cls.out_dir)
        with open(os.path.join(cls.out_dir, "result.json"), encoding="utf-8") as file:
            cls.result = json.load(file)
        with open(os.path.join(cls.out_dir, "report.html"), encoding="utf-8") as file:
            cls.html = file.read()

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def runs_of(self, workload):
        return [b for b in self.result["benchmarks"] if b["workload"] == workload]

    def test_exit_code_says_benchmarks_failed(self):
        self.assertEqual(self.completed.returncode, 1, self.completed.stderr)

    def test_result_matches_schema(self):
        with open(SCHEMA, encoding="utf-8") as file:
            jsonschema.validate(self.result, json.load(file))
        self.assertFalse(self.result["context"]["interrupted"])

    def test_working_workload_is_kept(self):
        iterations = [b for b in self.runs_of("basic") if b["run_type"] == "iteration"]
        self.assertEqual(sorted({b["variant"] for b in iterations}), ["increment", "multiply"])
        self.assertEqual(len(iterations), 4)
        for benchmark in self.runs_of("basic"):
            self.assertFalse(benchmark.get("error_occurred", False), benchmark)
        for benchmark in iterations:
            self.assertGreater(benchmark["iterations"], 0, benchmark)
        compared = [c for c in self.result["comparisons"] if c["workload"] == "basic"]
        self.assertEqual(len(compared), 1)

    def test_every_benchmark_of_failed_workload_has_error(self):
        for workload, expected in EXPECTED_ERRORS.items():
            with self.subTest(workload=workload):
                runs = self.runs_of(workload)
                self.assertEqual(sorted(b["run_name"] for b in runs), sorted(
                    f"reliability/{workload}/{variant}/threads:1"
                    for variant in ("increment", workload if workload != "crash" else "segfault")))
                for benchmark in runs:
                    self.assertTrue(benchmark["error_occurred"], benchmark)
                    self.assertIn(expected, benchmark["error_message"])
                    self.assertEqual(benchmark["run_type"], "iteration")
                    self.assertEqual(benchmark["iterations"], 0)

    def test_benchmarks_keep_run_order(self):
        names = [b["run_name"] for b in self.result["benchmarks"] if b["run_type"] == "iteration"]
        workloads = [name.split("/")[1] for name in names]
        self.assertEqual(workloads, sorted(workloads))
        family_indexes = [b["family_index"] for b in self.result["benchmarks"]]
        self.assertEqual(family_indexes, sorted(family_indexes))
        self.assertEqual(len(set(family_indexes)), 12)

    def test_terminal_shows_errors(self):
        for workload, expected in EXPECTED_ERRORS.items():
            with self.subTest(workload=workload):
                self.assertIn(f"{workload}/increment/threads:1", self.completed.stdout)
                self.assertIn(expected, self.completed.stdout)
                self.assertIn(f"paybench: error: reliability/{workload}: ", self.completed.stderr)

    def test_report_shows_errors(self):
        self.assertIn("SIGSEGV (Segmentation fault)", self.html)
        self.assertIn("SIGABRT (Aborted)", self.html)
        self.assertIn("settlement batch 42 has no currency", self.html)
        self.assertIn("exited with code 3", self.html)
        self.assertIn("timed out", self.html)

    def test_output_directory_has_no_leftovers(self):
        self.assertEqual(sorted(os.listdir(self.out_dir)), ["report.html", "result.json"])


class IsolationWithProfilesTest(unittest.TestCase):
    def test_cpu_profiles_of_surviving_workload(self):
        with scratch_directory() as scratch:
            out_dir = os.path.join(scratch, "run")
            completed = run_reliability("run", "reliability/abort", "reliability/basic", *FAST_RUN,
                                        "--cpu-profile", "--out-dir", out_dir)
            self.assertEqual(completed.returncode, 1, completed.stderr)
            with open(os.path.join(out_dir, "result.json"), encoding="utf-8") as file:
                result = json.load(file)
            profiled = {b["run_name"]: b["cpu_profile"]["prof"]
                        for b in result["benchmarks"] if "cpu_profile" in b}
            # Profile files are numbered by the benchmark's position in the whole run. With
            # profiles the benchmarks of a workload run in order, so abort/increment finished
            # and wrote its profile before abort/abort ended the process.
            self.assertEqual(profiled, {
                "reliability/abort/increment/threads:1":
                    "profiles/1-reliability_abort_increment_threads_1.prof",
                "reliability/basic/increment/threads:1":
                    "profiles/3-reliability_basic_increment_threads_1.prof",
                "reliability/basic/multiply/threads:1":
                    "profiles/4-reliability_basic_multiply_threads_1.prof",
            })
            leftovers = [name for name in os.listdir(os.path.join(out_dir, "profiles"))
                         if name.startswith(".")]
            self.assertEqual(leftovers, [])


class NoIsolationTest(unittest.TestCase):
    def test_measures_in_process(self):
        with scratch_directory() as scratch:
            out_dir = os.path.join(scratch, "run")
            completed = run_reliability("run", "reliability/basic", *FAST_RUN, "--no-isolation",
                                        "--out-dir", out_dir)
            self.assertEqual(completed.returncode, 0, completed.stderr)
            with open(os.path.join(out_dir, "result.json"), encoding="utf-8") as file:
                result = json.load(file)
            self.assertEqual(len([b for b in result["benchmarks"] if b["run_type"] == "iteration"]),
                             4)

    def test_crash_ends_the_run(self):
        with scratch_directory() as scratch:
            out_dir = os.path.join(scratch, "run")
            completed = run_reliability("run", "reliability/basic", "reliability/crash",
                                        *FAST_RUN, "--no-isolation", "--out-dir", out_dir)
            self.assertEqual(completed.returncode, -signal.SIGSEGV, completed.stderr)
            self.assertFalse(os.path.exists(os.path.join(out_dir, "result.json")))

    def test_timeout_needs_isolation(self):
        completed = run_reliability("run", "reliability/basic", "--no-isolation",
                                    "--timeout", "5")
        self.assertEqual(completed.returncode, 2)
        self.assertIn("--timeout", completed.stderr)
        self.assertIn("--no-isolation", completed.stderr)

    def test_invalid_timeout_is_named(self):
        for value in ("0", "-1", "ten", "1e9"):
            with self.subTest(value=value):
                completed = run_reliability("run", "reliability/basic", "--timeout", value)
                self.assertEqual(completed.returncode, 2)
                self.assertIn(f"invalid value '{value}' for --timeout", completed.stderr)


if __name__ == "__main__":
    unittest.main()
