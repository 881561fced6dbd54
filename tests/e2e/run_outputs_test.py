"""paybench run end to end: result.json, report.html and the terminal summary of real runs."""

import json
import os
import re
import subprocess
import unittest

import jsonschema

from paybench_cli import (
    FAST_RUN, GBENCH_COMPARE, SCHEMA, needs_build_without_sanitizer, run_paybench,
    scratch_directory)

PATTERNS = ["memory/record_scan", "memory/object_pool/*/size:256/batch:1/threads:1"]


class RunOutputsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        cls.out_dir = os.path.join(cls.scratch.name, "run")
        cls.completed = run_paybench("run", *PATTERNS, *FAST_RUN, "--out-dir", cls.out_dir)
        with open(os.path.join(cls.out_dir, "result.json"), encoding="utf-8") as file:
            cls.result = json.load(file)
        with open(os.path.join(cls.out_dir, "report.html"), encoding="utf-8") as file:
            cls.html = file.read()

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def iterations(self):
        return [b for b in self.result["benchmarks"] if b["run_type"] == "iteration"]

    def test_exit_code_and_summary(self):
        self.assertEqual(self.completed.exit_code, 0, self.completed.stderr)
        self.assertIn("record_scan", self.completed.stdout)
        self.assertIn("result.json", self.completed.stdout)
        self.assertIn("report.html", self.completed.stdout)
        self.assertNotIn("\x1b[", self.completed.stdout, "NO_COLOR was ignored")

    def test_no_temporary_files_left(self):
        self.assertEqual(sorted(os.listdir(self.out_dir)), ["report.html", "result.json"])

    def test_result_matches_schema(self):
        with open(SCHEMA, encoding="utf-8") as file:
            schema = json.load(file)
        jsonschema.validate(self.result, schema)

    def test_every_repetition_is_present(self):
        names = [b["name"] for b in self.iterations()]
        expected = {
            "memory/record_scan/naive/threads:1",
            "memory/record_scan/compact/threads:1",
            "memory/object_pool/malloc/size:256/batch:1/threads:1",
            "memory/object_pool/pool/size:256/batch:1/threads:1",
        }
        self.assertEqual(set(names), expected)
        for name in expected:
            self.assertEqual(names.count(name), 2, name)

    def test_counters_on_every_benchmark(self):
        for benchmark in self.iterations():
            self.assertIn("allocs_per_op", benchmark, benchmark["name"])
            self.assertIn("bytes_per_op", benchmark, benchmark["name"])
            self.assertGreaterEqual(benchmark["allocs_per_op"], 0)
            self.assertFalse(benchmark.get("error_occurred", False), benchmark)

    def test_malloc_variant_allocates_once_per_op(self):
        for benchmark in self.iterations():
            if benchmark["variant"] == "malloc":
                self.assertAlmostEqual(benchmark["allocs_per_op"], 1.0)
                self.assertAlmostEqual(benchmark["bytes_per_op"], 256.0)
            if benchmark["variant"] == "pool":
                self.assertLess(benchmark["allocs_per_op"], 0.01)

    def test_google_benchmark_fields(self):
        benchmark = self.iterations()[0]
        for key in ("name", "family_index", "per_family_instance_index", "run_name", "run_type",
                    "repetitions", "repetition_index", "threads", "iterations", "real_time",
                    "cpu_time", "time_unit"):
            self.assertIn(key, benchmark)
        medians = [b for b in self.result["benchmarks"] if b.get("aggregate_name") == "median"]
        self.assertEqual(len(medians), 4)
        for key in ("date", "host_name", "executable", "num_cpus", "mhz_per_cpu",
                    "cpu_scaling_enabled", "caches", "load_avg", "library_build_type"):
            self.assertIn(key, self.result["context"])

    @needs_build_without_sanitizer
    def test_context_records_build_and_allocator(self):
        context = self.result["context"]
        self.assertEqual(context["allocators"][0]["name"], "glibc")
        self.assertRegex(context["allocators"][0]["version"], r"^\d+\.\d+")
        self.assertIn("run", context["command_line"])
        self.assertTrue(context["executable"].endswith("paybench"), context["executable"])
        self.assertEqual(context["suite"], "quick")
        self.assertEqual(context["repetitions"], 2)
        for key in ("paybench_version", "git_commit", "build_type", "compiler",
                    "compiler_flags", "cpu_model", "cores", "kernel"):
            self.assertTrue(context[key], key)

    def test_comparisons_have_ratio_interval_and_verdict(self):
        comparisons = {(c["workload"], c["candidate"]): c for c in self.result["comparisons"]}
        self.assertEqual(set(comparisons), {("record_scan", "compact"), ("object_pool", "pool")})
        for comparison in comparisons.values():
            self.assertLessEqual(comparison["ci_low"], comparison["ratio"])
            self.assertLessEqual(comparison["ratio"], comparison["ci_high"])
            self.assertIn(comparison["verdict"], ("faster", "slower", "no difference"))
            ratio = comparison["candidate_median"] / comparison["baseline_median"]
            self.assertAlmostEqual(comparison["ratio"], ratio, places=6)
        self.assertEqual(comparisons[("object_pool", "pool")]["params"], {"size": 256, "batch": 1})

    def test_html_is_self_contained(self):
        self.assertTrue(self.html.lstrip().lower().startswith("<!doctype html>"))
        self.assertIsNone(re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", self.html))
        self.assertNotIn("<script src", self.html)
        self.assertNotIn("@import", self.html)
        self.assertIn("memory/record_scan", self.html)
        self.assertIn("<svg", self.html)

    def test_compare_py_reads_result(self):
        if not GBENCH_COMPARE:
            self.skipTest("Google Benchmark's compare.py is not installed (libbenchmark-tools)")
        path = os.path.join(self.out_dir, "result.json")
        process = subprocess.run(["/usr/bin/python3", GBENCH_COMPARE, "benchmarks", path, path],
                                 capture_output=True, text=True, check=False)
        self.assertEqual(process.returncode, 0, process.stderr)
        self.assertIn("memory/record_scan/compact/threads:1", process.stdout)

    def test_json_format_prints_result(self):
        with scratch_directory() as directory:
            completed = run_paybench("run", "memory/record_scan", *FAST_RUN, "--format", "json",
                                     "--out-dir", os.path.join(directory, "json"))
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            printed = json.loads(completed.stdout)
            self.assertIn("benchmarks", printed)
            self.assertIn("result.json", completed.stderr)

    def test_parameter_override_replaces_values(self):
        with scratch_directory() as directory:
            out_dir = os.path.join(directory, "param")
            completed = run_paybench("run", "memory/object_pool", "--param", "size=64",
                                     "--param", "batch=1", "--threads", "1", *FAST_RUN,
                                     "--out-dir", out_dir)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            with open(os.path.join(out_dir, "result.json"), encoding="utf-8") as file:
                result = json.load(file)
            names = {b["run_name"] for b in result["benchmarks"]}
            self.assertEqual(names, {"memory/object_pool/malloc/size:64/batch:1/threads:1",
                                     "memory/object_pool/pool/size:64/batch:1/threads:1"})

    def test_default_directory_and_latest_link(self):
        with scratch_directory() as directory:
            completed = run_paybench("run", "memory/record_scan", *FAST_RUN, cwd=directory)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            root = os.path.join(directory, "paybench-results")
            runs = [name for name in os.listdir(root) if name != "latest"]
            self.assertEqual(len(runs), 1)
            self.assertRegex(runs[0], r"^\d{8}T\d{6}Z$")
            latest = os.path.join(root, "latest")
            self.assertTrue(os.path.islink(latest))
            self.assertTrue(os.path.isfile(os.path.join(latest, "result.json")))
            self.assertTrue(os.path.isfile(os.path.join(latest, "report.html")))


if __name__ == "__main__":
    unittest.main()
