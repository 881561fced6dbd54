"""The write workloads end to end: they run on their sinks, prove no row was lost, compare."""

import json
import os
import unittest

from paybench_cli import run_paybench, scratch_directory

FAST_RUN = ["--suite", "quick", "--repetitions", "2", "--min-time", "0.001", "--quiet"]

SECRET = "not-a-real-password-1234"

# Written by the postgres_server test fixture: the connection string of a throwaway server.
DSN_FILE = os.environ.get("PAYBENCH_PG_DSN_FILE", "")


def postgres_dsn():
    if DSN_FILE and os.path.exists(DSN_FILE):
        with open(DSN_FILE, encoding="utf-8") as file:
            return file.read().strip()
    return ""


def iterations(result):
    return [b for b in result["benchmarks"] if b["run_type"] == "iteration"]


class EmbeddedSinksTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        out_dir = os.path.join(cls.scratch.name, "writes")
        cls.data_dir = os.path.join(cls.scratch.name, "data")
        os.mkdir(cls.data_dir)
        cls.completed = run_paybench("run", "writes", *FAST_RUN, "--data-dir", cls.data_dir,
                                     "--out-dir", out_dir)
        with open(os.path.join(out_dir, "result.json"), encoding="utf-8") as file:
            cls.result = json.load(file)

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def test_runs_without_error(self):
        self.assertEqual(self.completed.exit_code, 0, self.completed.stderr)
        workloads = {b["workload"] for b in iterations(self.result)}
        self.assertEqual(workloads, {"memory", "file_log", "sqlite"})
        for benchmark in iterations(self.result):
            self.assertFalse(benchmark.get("error_occurred", False), benchmark)

    def test_every_row_verified(self):
        for benchmark in iterations(self.result):
            rows = benchmark["iterations"]
            self.assertEqual(benchmark["verified_rows"], rows, benchmark["name"])

    def test_reports_commit_latency(self):
        for benchmark in iterations(self.result):
            self.assertGreater(benchmark["latency_p50_ns"], 0, benchmark["name"])
            self.assertGreaterEqual(benchmark["latency_max_ns"], benchmark["latency_p99_ns"])
            self.assertGreater(benchmark["items_per_second"], 0)

    def test_compares_batch_sizes_with_single_rows(self):
        compared = {(c["workload"], c["candidate"]) for c in self.result["comparisons"]
                    if c["baseline"] == "batch_1"}
        for sink in ("memory", "file_log", "sqlite"):
            for batch in ("batch_10", "batch_100", "batch_1000"):
                self.assertIn((sink, batch), compared)

    def test_scratch_files_removed(self):
        self.assertEqual(os.listdir(self.data_dir), [])


class StorageOptionErrorsTest(unittest.TestCase):
    def test_data_dir_that_is_a_file(self):
        with scratch_directory() as scratch:
            path = os.path.join(scratch, "file")
            open(path, "w", encoding="utf-8").close()
            completed = run_paybench("run", "writes/sqlite", *FAST_RUN, "--data-dir", path,
                                     "--out-dir", os.path.join(scratch, "out"))
        self.assertEqual(completed.exit_code, 2)
        self.assertIn(f"--data-dir '{path}' is not an existing directory", completed.stderr)
        self.assertEqual(completed.stdout, "")

    @unittest.skipIf(os.environ.get("PAYBENCH_PG_DSN"), "PAYBENCH_PG_DSN names a server")
    def test_postgres_without_server_says_how_to_enable(self):
        with scratch_directory() as scratch:
            completed = run_paybench("run", "writes/postgres", *FAST_RUN,
                                     "--out-dir", os.path.join(scratch, "out"))
        self.assertEqual(completed.exit_code, 2)
        self.assertIn("writes/postgres: no PostgreSQL server: pass --pg-dsn DSN",
                      completed.stderr)

    def test_unreachable_server_names_dsn_without_password(self):
        with scratch_directory() as scratch:
            # Port 1 on loopback: nothing listens there.
            completed = run_paybench("run", "writes/postgres", *FAST_RUN, "--pg-dsn",
                                     "host=127.0.0.1 port=1 password=hunter2 connect_timeout=5",
                                     "--out-dir", os.path.join(scratch, "out"))
        self.assertEqual(completed.exit_code, 2)
        self.assertIn("--pg-dsn", completed.stderr)
        self.assertIn("port=1", completed.stderr)
        self.assertNotIn("hunter2", completed.stderr)


@unittest.skipUnless(postgres_dsn(), "no PostgreSQL test server: apt-get install postgresql-15 "
                     "(scripts/setup installs it) and run through ctest")
class PostgresSinkTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        out_dir = os.path.join(cls.scratch.name, "postgres")
        # The test server trusts loopback connections and ignores the password, which must not
        # reach the result.
        cls.completed = run_paybench("run", "writes/postgres", *FAST_RUN, "--pg-dsn",
                                     postgres_dsn() + " password=" + SECRET, "--out-dir", out_dir)
        with open(os.path.join(out_dir, "result.json"), encoding="utf-8") as file:
            cls.result = json.load(file)

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def test_every_mode_runs_and_verifies(self):
        self.assertEqual(self.completed.exit_code, 0, self.completed.stderr)
        variants = {b["variant"] for b in iterations(self.result)}
        self.assertEqual(variants, {"row_per_transaction", "multi_row_insert_batch_10",
                                    "multi_row_insert_batch_100", "multi_row_insert_batch_1000",
                                    "copy_batch_10", "copy_batch_100", "copy_batch_1000"})
        for benchmark in iterations(self.result):
            self.assertFalse(benchmark.get("error_occurred", False), benchmark)
            self.assertEqual(benchmark["verified_rows"], benchmark["iterations"])

    def test_result_hides_password(self):
        command_line = self.result["context"]["command_line"]
        self.assertIn("password=***", command_line)
        self.assertNotIn(SECRET, json.dumps(self.result))

    def test_copy_compared_with_row_per_transaction(self):
        compared = {c["candidate"] for c in self.result["comparisons"]
                    if c["workload"] == "postgres"}
        self.assertIn("copy_batch_1000", compared)
        self.assertIn("multi_row_insert_batch_1000", compared)


if __name__ == "__main__":
    unittest.main()
