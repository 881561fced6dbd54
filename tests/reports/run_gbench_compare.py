#!/usr/bin/python3
"""Run Google Benchmark's compare.py on two result files and check that it read them.

usage: run_gbench_compare.py COMPARE_PY BASELINE.json CONTENDER.json EXPECTED_NAME

Exit 0 when `compare.py benchmarks BASELINE CONTENDER` exits 0 and its output contains
EXPECTED_NAME. compare.py's own exit status never reflects the comparison, only whether it
could read and compare the files.
"""
import subprocess
import sys


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    compare_py, baseline, contender, expected_name = argv[1:]
    completed = subprocess.run(
        [sys.executable, compare_py, "benchmarks", baseline, contender],
        capture_output=True, text=True, check=False)
    print(completed.stdout)
    print(completed.stderr, file=sys.stderr)
    if completed.returncode != 0:
        print(f"compare.py failed with exit status {completed.returncode}", file=sys.stderr)
        return 1
    if expected_name not in completed.stdout:
        print(f"compare.py's output does not contain {expected_name!r}", file=sys.stderr)
        return 1
    print(f"compare.py read both files and reported {expected_name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
