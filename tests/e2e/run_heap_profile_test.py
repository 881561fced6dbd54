"""paybench run --heap-profile and paybench profile: the heap profile pass under gperftools'
tcmalloc, allocation sites that account for each variant's allocs/op, and their files."""

import json
import os
import unittest

import jsonschema

from paybench_cli import SCHEMA, needs_build_without_sanitizer, run_paybench, scratch_directory

# Interner: the copy variant makes one 25-byte string per op, the interning variants none.
# Object pool: malloc makes one 64-byte allocation per op, the pool none once it is warm.
PATTERNS = ["memory/interner/copy/*", "memory/interner/sharded/*",
            "memory/object_pool/*/size:64/batch:1/*"]
QUICK = ["--suite", "quick", "--repetitions", "2", "--threads", "1", "--quiet"]


def read_text(path):
    with open(path, encoding="utf-8") as file:
        return file.read()


def first_repetitions(result):
    return {run["run_name"]: run for run in result["benchmarks"]
            if run["run_type"] == "iteration" and run["repetition_index"] == 0}


@needs_build_without_sanitizer
class HeapProfileRunTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        cls.out_dir = os.path.join(cls.scratch.name, "run")
        cls.completed = run_paybench("run", *PATTERNS, *QUICK, "--heap-profile",
                                     "--out-dir", cls.out_dir)
        cls.result = json.loads(read_text(os.path.join(cls.out_dir, "result.json")))
        cls.runs = first_repetitions(cls.result)

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def test_says_which_allocator_records_the_heap(self):
        self.assertEqual(self.completed.exit_code, 0, self.completed.stderr)
        self.assertIn("second pass under gperftools' tcmalloc", self.completed.stderr)
        self.assertIn("libtcmalloc.so.4", self.completed.stderr)
        self.assertIn("Wrote heap profiles of 4 of 4 benchmarks", self.completed.stdout)

    def test_times_come_from_the_requested_allocator(self):
        for run in self.result["benchmarks"]:
            self.assertEqual(run["allocator"], "glibc", run["name"])

    def test_result_matches_schema(self):
        jsonschema.validate(self.result, json.loads(read_text(SCHEMA)))

    def test_every_run_references_existing_files(self):
        for run in self.result["benchmarks"]:
            profile = run["heap_profile"]
            for key in ("heap", "folded", "flamegraph"):
                self.assertTrue(os.path.isfile(os.path.join(self.out_dir, profile[key])),
                                f"{run['name']}: {profile[key]}")
        leftovers = os.path.join(self.out_dir, "profiles", "heap-dumps")
        self.assertFalse(os.path.exists(leftovers), "the dumps are removed after conversion")

    def test_sites_account_for_allocations_per_op(self):
        for name, run in self.runs.items():
            profile = run["heap_profile"]
            counted = run["allocs_per_op"]
            with self.subTest(name):
                if counted >= 1:
                    self.assertAlmostEqual(profile["allocs_per_op"], counted, delta=0.01 * counted)
                    self.assertAlmostEqual(profile["bytes_per_op"], run["bytes_per_op"],
                                           delta=0.01 * run["bytes_per_op"])
                    top = profile["sites"][0]
                    self.assertGreaterEqual(top["allocs_per_op"], 0.99 * counted)
                else:
                    self.assertLess(profile["allocs_per_op"], 0.001)

    def test_site_is_the_workload_function(self):
        copy = next(run for name, run in self.runs.items() if "/copy/" in name)
        self.assertIn("run_copy", copy["heap_profile"]["sites"][0]["function"])
        self.assertEqual(copy["heap_profile"]["sites"][0]["bytes_per_op"], 25)

    def test_folded_file_counts_bytes_by_stack(self):
        copy = next(run for name, run in self.runs.items() if "/copy/" in name)
        text = read_text(os.path.join(self.out_dir, copy["heap_profile"]["folded"]))
        lines = [line.rpartition(" ") for line in text.splitlines()]
        self.assertTrue(lines)
        leaves = {frames.split(";")[-1] for frames, _, _ in lines}
        self.assertTrue(any("run_copy" in leaf for leaf in leaves), leaves)
        self.assertFalse(any(leaf in ("malloc", "operator new(unsigned long)") for leaf in leaves),
                         "the allocator's own frames are left out")

    def test_heap_file_is_gperftools_format(self):
        run = next(iter(self.runs.values()))
        text = read_text(os.path.join(self.out_dir, run["heap_profile"]["heap"]))
        self.assertTrue(text.startswith("heap profile:"), text[:80])
        self.assertIn("MAPPED_LIBRARIES:", text)

    def test_flamegraph_is_self_contained(self):
        run = next(iter(self.runs.values()))
        html = read_text(os.path.join(self.out_dir, run["heap_profile"]["flamegraph"]))
        self.assertIn("Bytes allocated by", html)
        self.assertIn("bytes.</span>", html, "the total counts bytes, not samples")
        self.assertNotIn("<link", html)
        self.assertNotIn(" src=", html)


@needs_build_without_sanitizer
class ProfileCommandTest(unittest.TestCase):
    def profile(self, scratch, *options):
        out_dir = os.path.join(scratch, "profile")
        completed = run_paybench("profile", "memory/interner/copy/*", "--threads", "1",
                                 "--repetitions", "1", "--min-time", "0.05", "--quiet",
                                 "--out-dir", out_dir, *options)
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        return json.loads(read_text(os.path.join(out_dir, "result.json")))

    def test_records_both_profiles_by_default(self):
        with scratch_directory() as scratch:
            result = self.profile(scratch)
            self.assertEqual(result["context"]["suite"], "profile")
            run = result["benchmarks"][0]
            self.assertIn("cpu_profile", run)
            self.assertIn("heap_profile", run)

    def test_records_only_what_is_asked(self):
        with scratch_directory() as scratch:
            run = self.profile(scratch, "--cpu")["benchmarks"][0]
            self.assertIn("cpu_profile", run)
            self.assertNotIn("heap_profile", run)

    def test_rejects_missing_pattern(self):
        completed = run_paybench("profile")
        self.assertEqual(completed.exit_code, 2)
        self.assertIn("paybench profile --help", completed.stderr)

    def test_rejects_rate_without_cpu_profile(self):
        completed = run_paybench("profile", "memory/interner/copy/*", "--heap", "--hz", "500")
        self.assertEqual(completed.exit_code, 2)
        self.assertIn("--hz sets the CPU profile's rate", completed.stderr)


if __name__ == "__main__":
    unittest.main()
