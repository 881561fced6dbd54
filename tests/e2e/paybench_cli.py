"""Runs the paybench binary under test and keeps what it printed."""

import os
import subprocess
import tempfile
from dataclasses import dataclass

BINARY = os.environ["PAYBENCH_BINARY"]
SCHEMA = os.environ["PAYBENCH_SCHEMA"]
GBENCH_COMPARE = os.environ.get("PAYBENCH_GBENCH_COMPARE", "")

# Settings that keep a test run short; the numbers are not what these tests check.
FAST_RUN = ["--suite", "quick", "--repetitions", "2", "--min-time", "0.002", "--quiet"]


@dataclass
class Completed:
    exit_code: int
    stdout: str
    stderr: str


def run_paybench(*arguments, cwd=None, timeout=300):
    process = subprocess.run(
        [BINARY, *arguments],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    return Completed(process.returncode, process.stdout, process.stderr)


def scratch_directory():
    return tempfile.TemporaryDirectory(prefix="paybench-e2e-")
