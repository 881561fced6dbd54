"""paybench run --measure instructions: counts from valgrind's callgrind that repeat exactly
between two runs, with comparisons and the result's measure recorded."""

import json
import os
import unittest

import jsonschema

from paybench_cli import SCHEMA, needs_build_without_sanitizer, run_paybench, scratch_directory

# Single-threaded workloads whose work runs on the benchmark thread, so counts are exact.
PATTERNS = ["memory/object_pool/*/size:64/batch:1/*", "resilience/breaker_closed/*/interval_s:0/*"]
COUNTED = ["--threads", "1", "--measure", "instructions", "--iterations", "500", "--quiet"]


def read_result(out_dir):
    with open(os.path.join(out_dir, "result.json"), encoding="utf-8") as file:
        return json.load(file)


@needs_build_without_sanitizer
class InstructionCountTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        cls.results = []
        cls.completed = []
        for index in range(2):
            out_dir = os.path.join(cls.scratch.name, f"run{index}")
            cls.completed.append(run_paybench("run", *PATTERNS, *COUNTED, "--out-dir", out_dir))
            cls.results.append(read_result(out_dir))

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def test_exit_code_and_unit(self):
        self.assertEqual(self.completed[0].exit_code, 0, self.completed[0].stderr)
        self.assertIn("instr/op", self.completed[0].stdout)
        self.assertIn(" instr ", self.completed[0].stdout)

    def test_result_records_the_measure(self):
        result = self.results[0]
        jsonschema.validate(result, json.loads(open(SCHEMA, encoding="utf-8").read()))
        self.assertEqual(result["context"]["measure"], "instructions")
        self.assertEqual(result["context"]["instruction_iterations"], 500)

    def test_one_repetition_of_fixed_iterations(self):
        for run in self.results[0]["benchmarks"]:
            self.assertEqual(run["run_type"], "iteration", run["name"])
            self.assertEqual(run["iterations"], 500, run["name"])
            self.assertEqual(run["real_time"], run["instructions_per_op"], run["name"])

    def test_two_runs_give_the_same_counts(self):
        first = {run["name"]: run["real_time"] for run in self.results[0]["benchmarks"]}
        second = {run["name"]: run["real_time"] for run in self.results[1]["benchmarks"]}
        self.assertEqual(first, second)

    def test_pool_needs_fewer_instructions_than_malloc(self):
        comparisons = [c for c in self.results[0]["comparisons"]
                       if c["workload"] == "object_pool" and c["candidate"] == "pool"]
        self.assertEqual(len(comparisons), 1)
        comparison = comparisons[0]
        self.assertEqual(comparison["metric"], "instructions")
        self.assertLess(comparison["ratio"], 1)
        self.assertEqual(comparison["ci_low"], comparison["ratio"])
        self.assertEqual(comparison["verdict"], "faster")


class InstructionBadInputTest(unittest.TestCase):
    def test_rejects_iterations_in_time_mode(self):
        completed = run_paybench("run", "memory/object_pool/pool/*", "--iterations", "10")
        self.assertEqual(completed.exit_code, 2)
        self.assertIn("--iterations needs --measure instructions", completed.stderr)

    def test_rejects_profiles(self):
        completed = run_paybench("run", "memory/object_pool/pool/*", "--measure", "instructions",
                                 "--cpu-profile")
        self.assertEqual(completed.exit_code, 2)
        self.assertIn("cannot be combined with --cpu-profile", completed.stderr)

    def test_rejects_zero_iterations(self):
        completed = run_paybench("run", "memory/object_pool/pool/*", "--measure", "instructions",
                                 "--iterations", "0")
        self.assertEqual(completed.exit_code, 2)
        self.assertIn("'0'", completed.stderr)

    def test_rejects_unknown_measure(self):
        completed = run_paybench("run", "memory/object_pool/pool/*", "--measure", "cycles")
        self.assertEqual(completed.exit_code, 2)
        self.assertIn("cycles", completed.stderr)


if __name__ == "__main__":
    unittest.main()
