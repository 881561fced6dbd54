"""The event-sourcing workloads end to end: they run, check their results, compare."""

import json
import os
import unittest

from paybench_cli import run_paybench, scratch_directory

FAST_RUN = ["--suite", "quick", "--repetitions", "2", "--min-time", "0.001", "--quiet"]


class EventSourcingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        out_dir = os.path.join(cls.scratch.name, "events")
        cls.data_dir = os.path.join(cls.scratch.name, "data")
        os.mkdir(cls.data_dir)
        cls.completed = run_paybench("run", "eventsourcing", *FAST_RUN, "--data-dir",
                                     cls.data_dir, "--out-dir", out_dir)
        with open(os.path.join(out_dir, "result.json"), encoding="utf-8") as file:
            cls.result = json.load(file)

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def iterations(self):
        return [b for b in self.result["benchmarks"] if b["run_type"] == "iteration"]

    def test_runs_without_error(self):
        self.assertEqual(self.completed.exit_code, 0, self.completed.stderr)
        workloads = {b["workload"] for b in self.iterations()}
        self.assertEqual(workloads, {"append", "replay", "read_model_query"})
        for benchmark in self.iterations():
            self.assertFalse(benchmark.get("error_occurred", False), benchmark)

    def test_contended_appends_report_conflicts(self):
        appends = [b for b in self.iterations() if b["workload"] == "append"]
        self.assertEqual({b["variant"] for b in appends}, {"memory", "file_log", "sqlite"})
        for benchmark in appends:
            self.assertGreaterEqual(benchmark["conflicts_per_append"], 0.0)
        single_stream = [b for b in appends if b["threads"] == 1]
        for benchmark in single_stream:
            self.assertEqual(benchmark["conflicts_per_append"], 0.0, benchmark["name"])

    def test_replay_counts_events(self):
        for benchmark in self.iterations():
            if benchmark["workload"] == "replay":
                self.assertGreater(benchmark["items_per_second"], 0)

    def test_read_model_compared_with_replay(self):
        compared = {(c["workload"], c["baseline"], c["candidate"])
                    for c in self.result["comparisons"]}
        self.assertIn(("read_model_query", "replay_events", "read_model"), compared)
        self.assertIn(("replay", "memory", "sqlite"), compared)

    def test_scratch_files_removed(self):
        self.assertEqual(os.listdir(self.data_dir), [])


if __name__ == "__main__":
    unittest.main()
