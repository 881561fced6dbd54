"""paybench run under other allocators: the allocator is verified inside the process."""

import json
import os
import unittest

from paybench_cli import FAST_RUN, needs_build_without_sanitizer, run_paybench, scratch_directory

PATTERN = "memory/size_class_pool"


@needs_build_without_sanitizer
class AllocatorTest(unittest.TestCase):
    def run_json(self, *arguments):
        with scratch_directory() as directory:
            out_dir = os.path.join(directory, "out")
            completed = run_paybench("run", PATTERN, *FAST_RUN, "--out-dir", out_dir, *arguments)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            with open(os.path.join(out_dir, "result.json"), encoding="utf-8") as file:
                return json.load(file)

    def test_each_allocator_is_active(self):
        for name in ("jemalloc", "tcmalloc", "mimalloc", "glibc"):
            with self.subTest(allocator=name):
                result = self.run_json("--allocator", name)
                allocators = result["context"]["allocators"]
                self.assertEqual(len(allocators), 1)
                self.assertEqual(allocators[0]["name"], name)
                self.assertIn(f"--allocator {name}", result["context"]["command_line"])
                self.assertNotIn("--recorded-command-line", result["context"]["command_line"])
                self.assertNotEqual(allocators[0]["version"], "unknown")
                self.assertIn(name if name != "glibc" else "libc", allocators[0]["library"])
                for benchmark in result["benchmarks"]:
                    self.assertEqual(benchmark["allocator"], name)

    def test_allocation_counts_under_every_allocator(self):
        # malloc + free once per operation, whichever library serves it.
        for name in ("jemalloc", "tcmalloc", "mimalloc"):
            with self.subTest(allocator=name):
                result = self.run_json("--allocator", name)
                for benchmark in result["benchmarks"]:
                    if benchmark["run_type"] == "iteration" and benchmark["variant"] == "malloc":
                        self.assertAlmostEqual(benchmark["allocs_per_op"], 1.0)

    def test_matrix_merges_results(self):
        result = self.run_json("--allocators", "glibc,jemalloc")
        command_line = result["context"]["command_line"]
        self.assertIn("--allocators glibc,jemalloc", command_line)
        self.assertNotIn("--result-file", command_line)
        names = [a["name"] for a in result["context"]["allocators"]]
        self.assertEqual(names, ["glibc", "jemalloc"])
        run_names = {b["run_name"] for b in result["benchmarks"]}
        self.assertIn("memory/size_class_pool/malloc/allocator:glibc/threads:1", run_names)
        self.assertIn("memory/size_class_pool/malloc/allocator:jemalloc/threads:1", run_names)

        variant_comparisons = [c for c in result["comparisons"] if c["baseline"] != c["candidate"]]
        self.assertEqual(len(variant_comparisons), 2)
        for comparison in variant_comparisons:
            self.assertEqual(comparison["baseline_allocator"], comparison["candidate_allocator"])

        allocator_comparisons = [c for c in result["comparisons"] if c["baseline"] == c["candidate"]]
        self.assertEqual(len(allocator_comparisons), 2)
        for comparison in allocator_comparisons:
            self.assertEqual(comparison["baseline_allocator"], "glibc")
            self.assertEqual(comparison["candidate_allocator"], "jemalloc")


if __name__ == "__main__":
    unittest.main()
