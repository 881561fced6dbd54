"""The resilience and metrics workloads end to end: they run, check themselves, compare."""

import json
import os
import unittest

from paybench_cli import run_paybench, scratch_directory

FAST_RUN = ["--suite", "quick", "--repetitions", "2", "--min-time", "0.001", "--quiet"]


class ResilienceMetricsFamiliesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        out_dir = os.path.join(cls.scratch.name, "families")
        cls.completed = run_paybench("run", "resilience", "metrics", *FAST_RUN,
                                     "--out-dir", out_dir)
        with open(os.path.join(out_dir, "result.json"), encoding="utf-8") as file:
            cls.result = json.load(file)
        with open(os.path.join(out_dir, "report.html"), encoding="utf-8") as file:
            cls.report = file.read()

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def iterations(self):
        return [b for b in self.result["benchmarks"] if b["run_type"] == "iteration"]

    def test_runs_without_error(self):
        self.assertEqual(self.completed.exit_code, 0, self.completed.stderr)
        self.assertTrue(self.iterations())
        for benchmark in self.iterations():
            self.assertFalse(benchmark.get("error_occurred", False), benchmark)

    def test_every_workload_compares_against_its_baseline(self):
        baselines = {(c["family"], c["workload"]): c["baseline"] for c in self.result["comparisons"]}
        self.assertEqual(baselines[("resilience", "limiter_allow")], "mutex_token_bucket")
        self.assertEqual(baselines[("resilience", "breaker_closed")], "mutex_breaker")
        self.assertEqual(baselines[("resilience", "breaker_open")], "mutex_breaker")
        self.assertEqual(baselines[("resilience", "breaker_half_open")], "mutex_breaker")
        self.assertEqual(baselines[("metrics", "counter_increment")], "atomic_counter")
        self.assertEqual(baselines[("metrics", "histogram_observe")], "mutex_histogram")
        self.assertEqual(baselines[("metrics", "registry_lookup")], "mutex_string_map")

    def test_anchors_are_not_compared(self):
        compared = {(c["workload"], c["candidate"]) for c in self.result["comparisons"]}
        self.assertNotIn(("breaker_closed", "bare_call"), compared)
        self.assertNotIn(("limiter_allow", "steady_clock_read"), compared)
        self.assertIn(("breaker_closed", "breaker"), compared)
        self.assertIn(("limiter_allow", "gcra_leases_coarse_clock"), compared)

    def test_limiter_reports_admitted_share(self):
        limiter = [b for b in self.iterations()
                   if b["workload"] == "limiter_allow" and b["variant"] != "steady_clock_read"]
        self.assertTrue(limiter)
        for benchmark in limiter:
            self.assertIn("admitted_percent", benchmark)
            self.assertGreaterEqual(benchmark["admitted_percent"], 0.0)
            self.assertLessEqual(benchmark["admitted_percent"], 100.0)

    def test_runs_on_one_and_two_threads(self):
        threads = {(b["workload"], b["threads"]) for b in self.iterations()}
        for workload in ("limiter_allow", "breaker_closed", "counter_increment"):
            self.assertIn((workload, 1), threads)
            self.assertIn((workload, 2), threads)

    def test_report_shows_both_families(self):
        self.assertIn("resilience", self.report)
        self.assertIn("breaker_closed", self.report)
        self.assertIn("counter_increment", self.report)


if __name__ == "__main__":
    unittest.main()
