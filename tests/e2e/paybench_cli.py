"""Runs the paybench binary under test and keeps what it printed."""

import os
import subprocess
import tempfile
import unittest
from dataclasses import dataclass

BINARY = os.environ["PAYBENCH_BINARY"]
SCHEMA = os.environ["PAYBENCH_SCHEMA"]
GBENCH_COMPARE = os.environ.get("PAYBENCH_GBENCH_COMPARE", "")
# The sanitizer that the binaries under test are built with ("address", "thread"), or empty.
SANITIZER = os.environ.get("PAYBENCH_SANITIZER", "")

# Skips a test that runs another allocator (LD_PRELOAD), gperftools' profilers or valgrind: a
# sanitizer's runtime replaces malloc and must come first, so none of them can run in its process.
# The release build runs these tests.
needs_build_without_sanitizer = unittest.skipIf(
    SANITIZER != "",
    f"the binaries are built with the {SANITIZER} sanitizer, whose runtime replaces malloc; "
    "other allocators, gperftools and valgrind need the release build")

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
