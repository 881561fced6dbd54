"""The executor, pipeline and map workloads end to end: they run, check themselves, compare."""

import json
import os
import unittest

from paybench_cli import run_paybench, scratch_directory

FAST_RUN = ["--suite", "quick", "--repetitions", "2", "--min-time", "0.001", "--quiet"]


class ConcurrencyFamiliesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        out_dir = os.path.join(cls.scratch.name, "families")
        cls.completed = run_paybench("run", "executors", "pipeline", "maps", *FAST_RUN,
                                     "--out-dir", out_dir)
        with open(os.path.join(out_dir, "result.json"), encoding="utf-8") as file:
            cls.result = json.load(file)

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def iterations(self):
        return [b for b in self.result["benchmarks"] if b["run_type"] == "iteration"]

    def test_runs_without_error(self):
        self.assertEqual(self.completed.exit_code, 0, self.completed.stderr)
        for benchmark in self.iterations():
            self.assertFalse(benchmark.get("error_occurred", False), benchmark)

    def test_every_family_compares_against_its_baseline(self):
        baselines = {(c["family"], c["workload"]): c["baseline"] for c in self.result["comparisons"]}
        self.assertEqual(baselines[("executors", "small_tasks")], "thread_per_task")
        self.assertEqual(baselines[("executors", "try_submit_overload")], "thread_per_task")
        self.assertEqual(baselines[("pipeline", "payment_stages")], "inline")
        self.assertEqual(baselines[("maps", "read_write_mix")], "mutex_map")

    def test_overload_reports_rejections(self):
        overload = [b for b in self.iterations() if b["workload"] == "try_submit_overload"]
        self.assertTrue(overload)
        for benchmark in overload:
            self.assertIn("rejected_per_task", benchmark)
            self.assertGreaterEqual(benchmark["rejected_per_task"], 0)

    def test_throughput_reported(self):
        for benchmark in self.iterations():
            if benchmark["family"] in ("executors", "pipeline"):
                self.assertGreater(benchmark["items_per_second"], 0, benchmark["name"])


if __name__ == "__main__":
    unittest.main()
