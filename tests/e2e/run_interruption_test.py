"""paybench run under SIGINT, SIGTERM and kill -9. An interrupted run writes a valid partial
result and report and exits with 130 or 143. A second Ctrl-C exits at once. A killed run leaves
either the old files or the new ones, never a truncated one.

Runs paybench_reliability, a build of the command line with test workloads (tests/reliability):
reliability/slow and reliability/hang print "reliability/<name>: started in process <pid>" on
stderr when they start, and reliability/batched prints "reliability/batched: finished two
repetitions in process <pid>": that is when these tests send their signal.
"""

import json
import os
import queue
import re
import signal
import subprocess
import threading
import time
import unittest

import jsonschema

from paybench_cli import FAST_RUN, SCHEMA, scratch_directory

RELIABILITY = os.environ["PAYBENCH_RELIABILITY"]

# Maximum wait for a workload to start or a run to end. The runs take a few seconds.
WAIT_SECONDS = 120
STARTED = re.compile(r"reliability/(\w+): started in process (\d+)")
TWO_REPETITIONS = re.compile(r"reliability/batched: finished two repetitions in process (\d+)")
# Google Benchmark's failed internal checks, such as "./src/statistics.cc:135: ComputeStats:
# Check `(run_iterations) == (run.iterations)' failed.", which abort the process.
FAILED_CHECK = re.compile(r"Check `.*' failed")

with open(SCHEMA, encoding="utf-8") as schema_file:
    RESULT_SCHEMA = json.load(schema_file)


def environment_with_temporary_directory(directory):
    """Returns this environment with TMPDIR set to `directory`, where paybench keeps its scratch
    files: a run killed at once leaves them behind."""
    return {**os.environ, "TMPDIR": directory}


class RunningPaybench:
    """A paybench_reliability run in the background whose stderr is read as it arrives."""

    def __init__(self, *arguments, temporary_directory):
        self.process = subprocess.Popen([RELIABILITY, *arguments], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True,
                                        env=environment_with_temporary_directory(
                                            temporary_directory))
        self.stderr_lines = queue.Queue()
        self.stderr_text = []
        self.reader = threading.Thread(target=self._read_stderr, daemon=True)
        self.reader.start()

    def _read_stderr(self):
        for line in self.process.stderr:
            self.stderr_text.append(line)
            self.stderr_lines.put(line)

    def wait_for_line(self, pattern, accept=lambda match: True):
        """Returns the match of the first stderr line that matches `pattern` and that `accept`
        accepts, or None when the run ended or WAIT_SECONDS passed first."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            try:
                line = self.stderr_lines.get(timeout=1)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            match = pattern.search(line)
            if match and accept(match):
                return match
        return None

    def wait_for_start(self, workload):
        """Returns the process id of the child that started `workload`."""
        match = self.wait_for_line(STARTED, lambda match: match.group(1) == workload)
        if match is None:
            raise AssertionError(
                f"reliability/{workload} did not start: {''.join(self.stderr_text)}")
        return int(match.group(2))

    def signal(self, number):
        self.process.send_signal(number)

    def finish(self):
        stdout = self.process.stdout.read()
        self.process.wait(timeout=WAIT_SECONDS)
        self.reader.join(timeout=WAIT_SECONDS)
        return self.process.returncode, stdout, "".join(self.stderr_text)


def process_is_gone(pid):
    """Returns whether `pid` has ended; a zombie that no one reaped has ended too."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as file:
            state = file.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def read_result(out_dir):
    with open(os.path.join(out_dir, "result.json"), encoding="utf-8") as file:
        result = json.load(file)
    jsonschema.validate(result, RESULT_SCHEMA)
    return result


class InterruptionTest(unittest.TestCase):
    def setUp(self):
        self.scratch = scratch_directory()
        self.out_dir = os.path.join(self.scratch.name, "run")

    def tearDown(self):
        self.scratch.cleanup()

    def interrupt_slow_run(self, number, *options):
        run = RunningPaybench("run", "reliability/basic", "reliability/slow", "--repetitions", "3",
                              "--min-time", "1", "--quiet", "--out-dir", self.out_dir, *options,
                              temporary_directory=self.scratch.name)
        run.wait_for_start("slow")
        run.signal(number)
        return run.finish()

    def check_partial_result(self, stdout):
        """Checks that every benchmark in the result finished all its repetitions."""
        result = read_result(self.out_dir)
        self.assertTrue(result["context"]["interrupted"])
        for benchmark in result["benchmarks"]:
            self.assertFalse(benchmark.get("error_occurred", False), benchmark)
        for name in {b["run_name"] for b in result["benchmarks"]}:
            repetitions = [b for b in result["benchmarks"]
                           if b["run_name"] == name and b["run_type"] == "iteration"]
            self.assertEqual(len(repetitions), 3, name)
        self.assertIn("interrupted: SIGINT or SIGTERM stopped the run early", stdout)
        with open(os.path.join(self.out_dir, "report.html"), encoding="utf-8") as file:
            report = file.read()
        self.assertTrue("<dt>Interrupted</dt>" in report, "the report does not say so")
        return result, report

    def check_basic_workload_kept(self, result, report):
        """Checks that reliability/basic, which finished before the signal, is in the outputs."""
        finished = [b for b in result["benchmarks"] if b["workload"] == "basic"]
        self.assertEqual(len([b for b in finished if b["run_type"] == "iteration"]), 6)
        self.assertTrue("basic/<wbr>increment" in report, "the report lacks basic/increment")

    def check_no_failed_check(self, stderr):
        self.assertIsNone(FAILED_CHECK.search(stderr), stderr)

    def test_sigint_writes_finished_workloads(self):
        exit_code, stdout, stderr = self.interrupt_slow_run(signal.SIGINT)
        self.assertEqual(exit_code, 130, stderr)
        self.check_basic_workload_kept(*self.check_partial_result(stdout))
        self.assertIn("the run was interrupted", stderr)
        self.check_no_failed_check(stderr)

    def test_sigterm_exits_with_143(self):
        exit_code, stdout, stderr = self.interrupt_slow_run(signal.SIGTERM)
        self.assertEqual(exit_code, 143, stderr)
        self.check_basic_workload_kept(*self.check_partial_result(stdout))
        self.check_no_failed_check(stderr)

    def test_sigint_without_isolation(self):
        # Repetitions interleave across both workloads here, so basic may be unfinished too.
        exit_code, stdout, stderr = self.interrupt_slow_run(signal.SIGINT, "--no-isolation")
        self.assertEqual(exit_code, 130, stderr)
        self.check_partial_result(stdout)
        self.check_no_failed_check(stderr)

    def test_sigint_between_batched_repetitions(self):
        # one_batch reports more iterations than Google Benchmark requested, and the signal
        # arrives after two of its nine repetitions, so the skipped ones must report as many.
        run = RunningPaybench("run", "reliability/basic", "reliability/batched", "--repetitions",
                              "9", "--min-time", "0.05", "--quiet", "--out-dir", self.out_dir,
                              temporary_directory=self.scratch.name)
        if run.wait_for_line(TWO_REPETITIONS) is None:
            raise AssertionError(f"one_batch did not finish two repetitions: "
                                 f"{''.join(run.stderr_text)}")
        run.signal(signal.SIGINT)
        exit_code, _, stderr = run.finish()
        self.assertEqual(exit_code, 130, stderr)
        self.check_no_failed_check(stderr)
        result = read_result(self.out_dir)
        self.assertTrue(result["context"]["interrupted"])
        self.assertEqual(len([b for b in result["benchmarks"] if b["workload"] == "basic"
                              and b["run_type"] == "iteration"]), 18)
        self.assertEqual([b["name"] for b in result["benchmarks"]
                          if b["variant"] == "one_batch"], [])

    def test_hanging_workload_is_killed_after_grace(self):
        run = RunningPaybench("run", "reliability/basic", "reliability/hang", *FAST_RUN,
                              "--out-dir", self.out_dir, temporary_directory=self.scratch.name)
        hanging_pid = run.wait_for_start("hang")
        run.signal(signal.SIGINT)
        exit_code, _, stderr = run.finish()
        self.assertEqual(exit_code, 130, stderr)
        self.assertTrue(process_is_gone(hanging_pid))
        result = read_result(self.out_dir)
        self.assertTrue(result["context"]["interrupted"])
        self.assertEqual({b["workload"] for b in result["benchmarks"]}, {"basic"})

    def test_second_sigint_exits_at_once(self):
        run = RunningPaybench("run", "reliability/hang", *FAST_RUN, "--out-dir", self.out_dir,
                              temporary_directory=self.scratch.name)
        hanging_pid = run.wait_for_start("hang")
        run.signal(signal.SIGINT)
        time.sleep(0.2)
        started = time.monotonic()
        run.signal(signal.SIGINT)
        exit_code, _, stderr = run.finish()
        # Well within the grace period that the first signal started (5 s and more).
        self.assertLess(time.monotonic() - started, 4)
        self.assertEqual(exit_code, 130, stderr)
        self.assertIn("paybench: interrupted again: stopped at once without writing the result "
                      "and report\n", stderr)
        deadline = time.monotonic() + 10
        while not process_is_gone(hanging_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(process_is_gone(hanging_pid))
        self.assertFalse(os.path.exists(os.path.join(self.out_dir, "result.json")))


class KillDuringWriteTest(unittest.TestCase):
    """kill -9 at many points of a run: every file under its final name stays complete."""

    KILLS = 12

    def test_result_and_report_are_old_or_new(self):
        with scratch_directory() as scratch:
            out_dir = os.path.join(scratch, "run")
            arguments = ["run", "reliability/basic", *FAST_RUN, "--out-dir", out_dir]
            started = time.monotonic()
            self.assertEqual(subprocess.run([RELIABILITY, *arguments], capture_output=True,
                                            check=False).returncode, 0)
            run_seconds = time.monotonic() - started

            for kill in range(self.KILLS):
                with self.subTest(kill=kill):
                    process = subprocess.Popen([RELIABILITY, *arguments], stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL,
                                               env=environment_with_temporary_directory(scratch))
                    time.sleep(run_seconds * (0.6 + 0.6 * kill / self.KILLS))
                    process.kill()
                    process.wait()
                    result = read_result(out_dir)
                    self.assertFalse(result["context"]["interrupted"])
                    with open(os.path.join(out_dir, "report.html"), encoding="utf-8") as file:
                        self.assertTrue(file.read().rstrip().endswith("</html>"))

    def test_cpu_profiles_are_complete(self):
        with scratch_directory() as scratch:
            out_dir = os.path.join(scratch, "run")
            profiles = os.path.join(out_dir, "profiles")
            checked = set()
            # Later kills find more profiles written; stop once some were checked.
            for delay in (0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0):
                process = subprocess.Popen(
                    [RELIABILITY, "run", "reliability/basic", "--repetitions", "2",
                     "--min-time", "0.3", "--quiet", "--cpu-profile", "--out-dir", out_dir],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    env=environment_with_temporary_directory(scratch))
                time.sleep(delay)
                process.kill()
                process.wait()
                names = os.listdir(profiles) if os.path.isdir(profiles) else []
                for name in [name for name in names if name.endswith(".prof")]:
                    with self.subTest(delay=delay, profile=name):
                        # paybench flame reads the profile and fails on a truncated one.
                        completed = subprocess.run(
                            [RELIABILITY, "flame", os.path.join(profiles, name), "--out",
                             os.path.join(scratch, name + ".html")],
                            capture_output=True, text=True, check=False)
                        self.assertEqual(completed.returncode, 0, completed.stderr)
                    checked.add(name)
                if len(checked) >= 2:
                    break
            self.assertGreaterEqual(len(checked), 1, "no run got far enough to write a profile")

if __name__ == "__main__":
    unittest.main()
