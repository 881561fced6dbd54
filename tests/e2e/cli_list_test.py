"""paybench list and --help, as a user calls them."""

import json
import unittest

from paybench_cli import run_paybench


class ListTest(unittest.TestCase):
    def test_table_lists_memory_workloads(self):
        completed = run_paybench("list")
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        for workload in ("memory/object_pool", "memory/buffer_pool", "memory/size_class_pool",
                         "memory/interner", "memory/record_footprint", "memory/record_scan"):
            self.assertIn(workload, completed.stdout)
        self.assertIn("(baseline)", completed.stdout)

    def test_json_describes_workloads(self):
        completed = run_paybench("list", "--format", "json")
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        workloads = {entry["name"]: entry for entry in json.loads(completed.stdout)}
        pool = workloads["memory/object_pool"]
        self.assertEqual(pool["family"], "memory")
        self.assertEqual(pool["baseline"], "malloc")
        self.assertEqual(pool["compared"], ["pool"])
        self.assertEqual(pool["parameters"]["size"], [64, 256, 1024, 4096])
        self.assertEqual(pool["threads"], [1, 2])
        self.assertIn("memory/object_pool/pool/size:256/batch:32/threads:2", pool["benchmarks"])
        self.assertEqual(len(pool["benchmarks"]), 2 * 4 * 2 * 2)

    def test_table_marks_anchor_variants(self):
        completed = run_paybench("list", "resilience/breaker_closed")
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        lines = {line.split()[0]: line for line in completed.stdout.splitlines() if line.strip()}
        self.assertIn("(anchor, not compared)", lines["bare_call"])
        self.assertIn("(baseline)", lines["mutex_breaker"])
        self.assertNotIn("(anchor", lines["breaker"])

    def test_pattern_selects_workloads(self):
        completed = run_paybench("list", "*/object_pool/*", "--format", "json")
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        names = [entry["name"] for entry in json.loads(completed.stdout)]
        self.assertEqual(names, ["memory/object_pool"])

    def test_unknown_pattern_suggests(self):
        completed = run_paybench("list", "memory/objectpool")
        self.assertEqual(completed.exit_code, 2)
        self.assertIn("memory/objectpool", completed.stderr)
        self.assertIn("did you mean memory/object_pool", completed.stderr)

    def test_help_documents_exit_codes(self):
        completed = run_paybench("--help")
        self.assertEqual(completed.exit_code, 0)
        self.assertIn("Exit codes", completed.stdout)
        self.assertIn("2  invalid command line", completed.stdout)
        self.assertIn("130  run: interrupted by SIGINT", completed.stdout)
        self.assertIn("143  run: interrupted by SIGTERM", completed.stdout)


if __name__ == "__main__":
    unittest.main()
