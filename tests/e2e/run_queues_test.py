"""The queue hand-off workloads end to end: every queue moves every item, with latency."""

import json
import os
import unittest

from paybench_cli import run_paybench, scratch_directory

# Short runs: these tests check the hand-off and the reported fields, not the speed.
QUEUE_RUN = ["--suite", "quick", "--min-time", "0.001", "--quiet", "--param", "item_bytes=8"]


class QueueHandoffTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        out_dir = os.path.join(cls.scratch.name, "queues")
        cls.completed = run_paybench("run", "queues/*", *QUEUE_RUN, "--out-dir", out_dir)
        with open(os.path.join(out_dir, "result.json"), encoding="utf-8") as file:
            cls.result = json.load(file)

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def iterations(self):
        return [b for b in self.result["benchmarks"] if b["run_type"] == "iteration"]

    def test_every_queue_runs_without_error(self):
        self.assertEqual(self.completed.exit_code, 0, self.completed.stderr)
        variants = {(b["workload"], b["variant"]) for b in self.iterations()}
        for variant in ("mutex_queue", "spsc_ring", "mpmc_ring", "moodycamel", "moodycamel_tokens",
                        "reader_writer_queue", "boost_queue", "boost_spsc_queue",
                        "tbb_bounded_queue"):
            self.assertIn(("spsc_handoff", variant), variants)
        for variant in ("spsc_ring", "reader_writer_queue", "boost_spsc_queue"):
            self.assertNotIn(("mpmc_handoff", variant), variants)
        for benchmark in self.iterations():
            self.assertFalse(benchmark.get("error_occurred", False), benchmark)

    def test_queue_comparisons_have_nine_repetitions(self):
        for benchmark in self.iterations():
            self.assertGreaterEqual(benchmark["repetitions"], 9, benchmark["name"])
        comparisons = [c for c in self.result["comparisons"] if c["family"] == "queues"]
        self.assertEqual(len(comparisons), 8 + 5)
        for comparison in comparisons:
            self.assertEqual(comparison["baseline"], "mutex_queue")
            self.assertGreaterEqual(comparison["baseline_samples"], 9)

    def test_throughput_and_latency_counters(self):
        for benchmark in self.iterations():
            self.assertGreater(benchmark["items_per_second"], 0, benchmark["name"])
            self.assertGreater(benchmark["latency_samples"], 0, benchmark["name"])
            self.assertGreater(benchmark["latency_p50_ns"], 0, benchmark["name"])
            self.assertLessEqual(benchmark["latency_p50_ns"], benchmark["latency_p99_ns"])
            self.assertLessEqual(benchmark["latency_p99_ns"], benchmark["latency_p999_ns"])

    def test_other_shape_by_parameter(self):
        with scratch_directory() as directory:
            out_dir = os.path.join(directory, "shape")
            completed = run_paybench("run", "queues", *QUEUE_RUN,
                                     "--param", "producers=3", "--param", "consumers=1",
                                     "--out-dir", out_dir)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            with open(os.path.join(out_dir, "result.json"), encoding="utf-8") as file:
                result = json.load(file)
            names = {b["run_name"] for b in result["benchmarks"]}
            self.assertIn(
                "queues/mpmc_handoff/mpmc_ring/producers:3/consumers:1/item_bytes:8/threads:1", names)
            # The single-producer workload has no shape to change.
            self.assertIn("queues/spsc_handoff/spsc_ring/item_bytes:8/threads:1", names)
            for benchmark in result["benchmarks"]:
                self.assertFalse(benchmark.get("error_occurred", False), benchmark["name"])

if __name__ == "__main__":
    unittest.main()
