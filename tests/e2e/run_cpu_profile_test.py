"""paybench run --cpu-profile: profile files per benchmark, their references in result.json,
the workload's own functions in the folded stacks, and samples from every benchmark thread."""

import html
import json
import os
import re
import subprocess
import unittest
import urllib.parse

import jsonschema

from paybench_cli import (
    BINARY, SCHEMA, needs_build_without_sanitizer, run_paybench, scratch_directory)

# The quick suite with fewer repetitions, because profiles need CPU time, not precision.
PROFILED_RUN = ["--cpu-profile", "--suite", "quick", "--repetitions", "2", "--quiet"]

# A function of workloads/memory/object_pool.cc: the measured loop of the pool variant, named
# by its template argument PoolSource.
POOL_WORKLOAD_FUNCTION = "(anonymous namespace)::PoolSource"


def read_text(path):
    with open(path, encoding="utf-8") as file:
        return file.read()


def folded_stacks(text):
    """Returns (frames, count) for each line of folded-stack text."""
    stacks = []
    for line in text.splitlines():
        frames, _, count = line.rpartition(" ")
        stacks.append((frames.split(";"), int(count)))
    return stacks


class CpuProfileOfPoolTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        cls.out_dir = os.path.join(cls.scratch.name, "run")
        cls.completed = run_paybench(
            "run", "memory/object_pool/pool/size:64/*", *PROFILED_RUN, "--out-dir", cls.out_dir)
        cls.result = json.loads(read_text(os.path.join(cls.out_dir, "result.json")))

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def test_exit_code_and_summary(self):
        self.assertEqual(self.completed.exit_code, 0, self.completed.stderr)
        self.assertIn("Wrote CPU profiles of", self.completed.stdout)
        self.assertIn(os.path.join(self.out_dir, "profiles"), self.completed.stdout)

    def test_result_matches_schema(self):
        jsonschema.validate(self.result, json.loads(read_text(SCHEMA)))

    def test_every_run_references_existing_files(self):
        self.assertTrue(self.result["benchmarks"])
        for run in self.result["benchmarks"]:
            profile = run.get("cpu_profile")
            self.assertIsNotNone(profile, run["name"])
            for key in ("prof", "folded", "flamegraph"):
                self.assertFalse(os.path.isabs(profile[key]), profile[key])
                path = os.path.join(self.out_dir, profile[key])
                self.assertTrue(os.path.isfile(path), path)
            self.assertGreater(profile["samples"], 0, run["name"])

    def test_runs_of_one_instance_share_a_profile(self):
        by_instance = {}
        for run in self.result["benchmarks"]:
            by_instance.setdefault(run["run_name"], set()).add(run["cpu_profile"]["prof"])
        self.assertGreaterEqual(len(by_instance), 2)
        for run_name, files in by_instance.items():
            self.assertEqual(len(files), 1, run_name)
        all_files = [next(iter(files)) for files in by_instance.values()]
        self.assertEqual(len(set(all_files)), len(all_files), "two instances share a file")

    def test_folded_stacks_name_workload_function(self):
        for run in self.result["benchmarks"]:
            folded = read_text(os.path.join(self.out_dir, run["cpu_profile"]["folded"]))
            self.assertIn(POOL_WORKLOAD_FUNCTION, folded, run["name"])

    def test_samples_match_folded_total(self):
        for run in self.result["benchmarks"]:
            folded = read_text(os.path.join(self.out_dir, run["cpu_profile"]["folded"]))
            total = sum(count for _, count in folded_stacks(folded))
            self.assertEqual(total, run["cpu_profile"]["samples"], run["name"])

    def test_flamegraph_shows_total(self):
        for run in self.result["benchmarks"]:
            page = read_text(os.path.join(self.out_dir, run["cpu_profile"]["flamegraph"]))
            self.assertTrue(page.startswith("<!DOCTYPE html>"), page[:80])
            self.assertIn(f"{run['cpu_profile']['samples']} samples", page, run["name"])

    def test_report_embeds_graph_per_benchmark(self):
        report = read_text(os.path.join(self.out_dir, "report.html"))
        profiles = {run["run_name"]: run["cpu_profile"] for run in self.result["benchmarks"]}
        self.assertGreaterEqual(len(profiles), 2)
        self.assertIn("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
                      report)

        # Only the pool variant ran, so there is no comparison and no differential graph.
        graph_data = '<script type="application/json" class="pb-flame-data">'
        self.assertEqual(report.count(graph_data), len(profiles))
        for run_name in profiles:
            title = f'<span class="pb-flame-title">CPU profile of {html.escape(run_name)}</span>'
            self.assertIn(title, report)

        # The table of contents links into the page; every other link names a profile file.
        links = [link for link in re.findall(r'href="([^"]*)"', report) if not link.startswith("#")]
        expected = {profile[key] for profile in profiles.values()
                    for key in ("prof", "folded", "flamegraph")}
        self.assertEqual({urllib.parse.unquote(link) for link in links}, expected)
        for link in links:
            self.assertFalse(os.path.isabs(link), link)
            path = os.path.join(self.out_dir, urllib.parse.unquote(link))
            self.assertTrue(os.path.isfile(path), path)

    def test_only_measured_region_sampled(self):
        # Google Benchmark's own work between runs, such as choosing the iteration count, runs
        # outside run_instance. The profiler keeps samples only inside State's loop, which runs
        # within it, so a stack of the main thread without run_instance means the filter let
        # such work through. Other threads (stacks from start_thread) are sampled while the
        # region runs, whatever they do then: an idle helper thread that wakes counts too.
        for run in self.result["benchmarks"]:
            folded = read_text(os.path.join(self.out_dir, run["cpu_profile"]["folded"]))
            for frames, _ in folded_stacks(folded):
                if "start_thread" in frames:
                    continue
                self.assertTrue(any("run_instance" in frame for frame in frames), frames)


class CpuProfileOfTwoThreadsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        cls.out_dir = os.path.join(cls.scratch.name, "run")
        cls.completed = run_paybench(
            "run", "maps/read_write_mix/concurrent_map/*", "--threads", "2", *PROFILED_RUN,
            "--out-dir", cls.out_dir)
        cls.result = json.loads(read_text(os.path.join(cls.out_dir, "result.json")))

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def test_both_benchmark_threads_sampled(self):
        # Google Benchmark runs thread 0 of a benchmark on the main thread, whose stacks start at
        # _start, and thread 1 on a std::thread, whose stacks start at start_thread. The engine's
        # idle thread sleeps and never reaches ConcurrentMap, so ConcurrentMap samples under
        # start_thread come from benchmark thread 1.
        self.assertEqual(self.completed.exit_code, 0, self.completed.stderr)
        self.assertTrue(self.result["benchmarks"])
        for run in self.result["benchmarks"]:
            self.assertEqual(run["threads"], 2, run["name"])
            folded = read_text(os.path.join(self.out_dir, run["cpu_profile"]["folded"]))
            map_stacks = [frames for frames, _ in folded_stacks(folded)
                          if any("ConcurrentMap" in frame for frame in frames)]
            main_thread = [frames for frames in map_stacks if frames[0] == "_start"]
            other_thread = [frames for frames in map_stacks if "start_thread" in frames[:3]]
            self.assertTrue(main_thread, f"no ConcurrentMap samples on the main thread: {folded}")
            self.assertTrue(other_thread, f"no ConcurrentMap samples on thread 1: {folded}")


class CpuProfileStartFailureTest(unittest.TestCase):
    def test_failed_start_is_benchmark_error(self):
        # With CPUPROFILE set, gperftools profiles the whole process from the start, so paybench's
        # own ProfilerStart fails. Each benchmark records the error and the run goes on.
        with scratch_directory() as scratch:
            out_dir = os.path.join(scratch, "run")
            environment = dict(os.environ, CPUPROFILE=os.path.join(scratch, "whole.prof"),
                               CPUPROFILE_FREQUENCY="1000")
            process = subprocess.run(
                [BINARY, "run", "memory/object_pool/pool/size:64/batch:1/*", *PROFILED_RUN,
                 "--out-dir", out_dir],
                capture_output=True, text=True, env=environment, timeout=300, check=False)
            self.assertEqual(process.returncode, 1, process.stderr)
            result = json.loads(read_text(os.path.join(out_dir, "result.json")))
            self.assertTrue(result["benchmarks"])
            for run in result["benchmarks"]:
                self.assertTrue(run.get("error_occurred"), run["name"])
                self.assertIn("failed to start the CPU profiler", run["error_message"])
                self.assertNotIn("cpu_profile", run)


@needs_build_without_sanitizer
class CpuProfileOfAllocatorMatrixTest(unittest.TestCase):
    def test_one_profile_per_allocator(self):
        with scratch_directory() as scratch:
            out_dir = os.path.join(scratch, "run")
            completed = run_paybench("run", "memory/object_pool/malloc/size:64/batch:1/*",
                                     "--threads", "1", *PROFILED_RUN,
                                     "--allocators", "glibc,jemalloc", "--out-dir", out_dir)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            result = json.loads(read_text(os.path.join(out_dir, "result.json")))

            profiles = {}
            for run in result["benchmarks"]:
                profiles.setdefault(run["allocator"], set()).add(run["cpu_profile"]["prof"])
            self.assertEqual(sorted(profiles), ["glibc", "jemalloc"])
            for allocator, paths in profiles.items():
                self.assertEqual(len(paths), 1, "the runs of one instance share one profile")
                path = paths.pop()
                self.assertTrue(path.startswith(f"profiles/{allocator}/"), path)
                self.assertTrue(os.path.isfile(os.path.join(out_dir, path)), path)


class CpuProfileBadInputTest(unittest.TestCase):
    def test_rejects_zero_frequency(self):
        completed = run_paybench("run", "memory/object_pool/pool/*", "--cpu-profile",
                                 "--cpu-profile-hz", "0")
        self.assertNotEqual(completed.exit_code, 0)
        self.assertIn("--cpu-profile-hz", completed.stderr)

    def test_rejects_frequency_without_profile(self):
        completed = run_paybench("run", "memory/object_pool/pool/*", "--cpu-profile-hz", "500")
        self.assertNotEqual(completed.exit_code, 0)
        self.assertIn("--cpu-profile-hz needs --cpu-profile", completed.stderr)


if __name__ == "__main__":
    unittest.main()
