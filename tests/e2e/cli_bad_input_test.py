"""Bad input: exit code 2, a message naming the value and the fix, nothing left behind."""

import os
import unittest

from paybench_cli import run_paybench, scratch_directory


class BadInputTest(unittest.TestCase):
    def assert_rejected(self, arguments, *expected_texts):
        with scratch_directory() as directory:
            out_dir = os.path.join(directory, "out")
            completed = run_paybench("run", "memory/record_scan", "--out-dir", out_dir,
                                     *arguments, cwd=directory)
            self.assertEqual(completed.exit_code, 2, completed.stderr)
            for text in expected_texts:
                self.assertIn(text, completed.stderr)
            self.assertEqual(completed.stdout, "")
            self.assertFalse(os.path.exists(out_dir), "a rejected run left its directory")
            self.assertEqual(os.listdir(directory), [], "a rejected run left files behind")

    def test_negative_repetitions(self):
        self.assert_rejected(["--repetitions", "-1"], "'-1'", "--repetitions", "whole number")

    def test_repetitions_not_a_number(self):
        self.assert_rejected(["--repetitions", "many"], "'many'", "--repetitions")

    def test_zero_min_time(self):
        self.assert_rejected(["--min-time", "0"], "'0'", "--min-time", "seconds")

    def test_min_time_not_a_number(self):
        self.assert_rejected(["--min-time", "1s"], "'1s'", "--min-time")

    def test_zero_threads(self):
        self.assert_rejected(["--threads", "1,0"], "'0'", "--threads")

    def test_empty_thread_item(self):
        self.assert_rejected(["--threads", "1,,2"], "'1,,2'", "--threads")

    def test_unknown_allocator(self):
        self.assert_rejected(["--allocator", "hoard"], "'hoard'",
                             "glibc, jemalloc, tcmalloc, mimalloc")

    def test_allocator_listed_twice(self):
        self.assert_rejected(["--allocators", "glibc,glibc"], "'glibc'", "twice")

    def test_allocator_and_allocators_together(self):
        self.assert_rejected(["--allocator", "glibc", "--allocators", "glibc,jemalloc"],
                             "--allocator")

    def test_unknown_suite(self):
        self.assert_rejected(["--suite", "slow"], "'slow'", "quick, full or profile")

    def test_unknown_format(self):
        self.assert_rejected(["--format", "xml"], "xml")

    def test_unknown_parameter(self):
        self.assert_rejected(["--param", "sizes=64"], "'sizes'", "no selected workload")

    def test_parameter_without_values(self):
        self.assert_rejected(["--param", "size"], "'size'", "NAME=V1,V2")

    def test_parameter_value_not_a_number(self):
        self.assert_rejected(["--param", "size=big"], "'big'", "--param size")

    def test_unknown_pattern(self):
        self.assert_rejected(["memory/intener"], "memory/intener", "memory/interner")

    def test_unknown_option(self):
        self.assert_rejected(["--repetition", "3"], "--repetition")

    def test_output_directory_is_a_file(self):
        with scratch_directory() as directory:
            blocker = os.path.join(directory, "blocker")
            with open(blocker, "w", encoding="utf-8") as file:
                file.write("not a directory")
            for out_dir in (blocker, os.path.join(blocker, "run")):
                completed = run_paybench("run", "memory/record_scan", "--out-dir", out_dir)
                self.assertEqual(completed.exit_code, 2, completed.stderr)
                self.assertIn(out_dir, completed.stderr)
                self.assertIn("--out-dir", completed.stderr)
            with open(blocker, encoding="utf-8") as file:
                self.assertEqual(file.read(), "not a directory")


if __name__ == "__main__":
    unittest.main()
