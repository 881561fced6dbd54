"""paybench simulate: golden timelines, output files and bad input.

The goldens under scenarios/ were checked by hand against gobreaker's and x/time/rate's rules;
scenarios/README.md explains why their lines are right.
"""

import json
import os
import unittest

from paybench_cli import run_paybench, scratch_directory

SCENARIOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")


def scenario_path(name):
    return os.path.join(SCENARIOS, name)


def read_text(path):
    with open(path, encoding="utf-8") as file:
        return file.read()


def write_text(path, text):
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


class GoldenTest(unittest.TestCase):
    def assert_golden(self, component, scenario, output_format, golden):
        completed = run_paybench("simulate", component, "--scenario", scenario_path(scenario),
                                 "--format", output_format)
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        self.assertEqual(completed.stderr, "")
        self.assertEqual(completed.stdout, read_text(scenario_path(golden)))

    def test_breaker_outage_table(self):
        self.assert_golden("breaker", "breaker_outage.json", "table",
                           "breaker_outage.expected.txt")

    def test_breaker_outage_json(self):
        self.assert_golden("breaker", "breaker_outage.json", "json",
                           "breaker_outage.expected.json")

    def test_breaker_outage_csv(self):
        self.assert_golden("breaker", "breaker_outage.json", "csv", "breaker_outage.expected.csv")

    def test_breaker_outage_from_csv_scenario(self):
        for output_format, golden in (("table", "breaker_outage.expected.txt"),
                                      ("json", "breaker_outage.expected.json")):
            with self.subTest(output_format=output_format):
                self.assert_golden("breaker", "breaker_outage.csv", output_format, golden)

    def test_breaker_rules_table(self):
        self.assert_golden("breaker", "breaker_rules.json", "table", "breaker_rules.expected.txt")

    def test_limiter_refill_table(self):
        self.assert_golden("limiter", "limiter_refill.json", "table",
                           "limiter_refill.expected.txt")

    def test_limiter_refill_json(self):
        self.assert_golden("limiter", "limiter_refill.json", "json",
                           "limiter_refill.expected.json")

    def test_limiter_refill_csv(self):
        self.assert_golden("limiter", "limiter_refill.json", "csv", "limiter_refill.expected.csv")

    def test_limiter_refill_from_csv_scenario(self):
        self.assert_golden("limiter", "limiter_refill.csv", "table", "limiter_refill.expected.txt")

    def test_breaker_json_summary_matches_events(self):
        document = json.loads(read_text(scenario_path("breaker_outage.expected.json")))
        events = document["events"]
        arrivals = [event for event in events if event["event"] == "arrival"]
        summary = document["summary"]
        self.assertEqual(summary["calls"], len(arrivals))
        self.assertEqual(summary["allowed"],
                         sum(1 for event in arrivals if event["outcome"] == "allowed"))
        self.assertEqual(summary["transitions"], len(document["transitions"]))
        for transition in document["transitions"]:
            cause = events[transition["caused_by_event"]]
            self.assertEqual(cause["time_ms"], transition["time_ms"])
            self.assertEqual(cause["generation"], transition["generation"])

    def test_breaker_json_rejected_successes_match_events(self):
        document = json.loads(read_text(scenario_path("breaker_outage.expected.json")))
        rejected_successes = [
            event for event in document["events"]
            if event["event"] == "arrival" and event["outcome"] != "allowed"
            and event["scenario_outcome"] == "success"]
        summary = document["summary"]["rejected_scenario_success"]
        self.assertEqual(summary["calls"], len(rejected_successes))
        self.assertEqual(summary["first_ms"], rejected_successes[0]["time_ms"])
        self.assertEqual(summary["last_ms"], rejected_successes[-1]["time_ms"])

    def test_breaker_json_open_periods_match_events(self):
        document = json.loads(read_text(scenario_path("breaker_outage.expected.json")))
        summary = document["summary"]
        periods = summary["open_periods"]
        trips = [transition for transition in document["transitions"] if transition["to"] == "open"]
        self.assertEqual([period["from_ms"] for period in periods],
                         [trip["time_ms"] for trip in trips])
        self.assertEqual(sum(period["open_ms"] for period in periods), summary["open_ms"])
        self.assertEqual(sum(period["rejected_open"] for period in periods),
                         summary["rejected_open"])
        for period in periods:
            with self.subTest(from_ms=period["from_ms"]):
                rejected = [event for event in document["events"]
                            if event["outcome"] == "rejected: open"
                            and period["from_ms"] <= event["time_ms"] <= period["to_ms"]]
                self.assertEqual(period["rejected_open"], len(rejected))
                self.assertEqual(
                    period["rejected_scenario_success"],
                    sum(1 for event in rejected if event["scenario_outcome"] == "success"))


class OutputFileTest(unittest.TestCase):
    def test_output_file_has_stdout_content(self):
        scenario = scenario_path("breaker_rules.json")
        printed = run_paybench("simulate", "breaker", "--scenario", scenario, "--format", "csv")
        with scratch_directory() as directory:
            output = os.path.join(directory, "timeline.csv")
            write_text(output, "old content")
            completed = run_paybench("simulate", "breaker", "--scenario", scenario, "--format",
                                     "csv", "--out", output)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            self.assertEqual(completed.stdout, "")
            self.assertEqual(read_text(output), printed.stdout)
            self.assertEqual(os.listdir(directory), ["timeline.csv"], "a temporary file was left")

    def test_output_is_other_name_of_out(self):
        scenario = scenario_path("breaker_rules.json")
        printed = run_paybench("simulate", "breaker", "--scenario", scenario)
        with scratch_directory() as directory:
            output = os.path.join(directory, "timeline.txt")
            completed = run_paybench("simulate", "breaker", "--scenario", scenario, "--output",
                                     output)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            self.assertEqual(read_text(output), printed.stdout)

    def test_out_creates_missing_directories(self):
        scenario = scenario_path("breaker_rules.json")
        printed = run_paybench("simulate", "breaker", "--scenario", scenario)
        with scratch_directory() as directory:
            output = os.path.join(directory, "missing", "nested", "timeline.txt")
            completed = run_paybench("simulate", "breaker", "--scenario", scenario, "--out",
                                     output)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            self.assertEqual(completed.stdout, "")
            self.assertEqual(read_text(output), printed.stdout)

    def test_out_under_regular_file_rejected(self):
        with scratch_directory() as directory:
            blocker = os.path.join(directory, "blocker")
            write_text(blocker, "a file, not a directory")
            output = os.path.join(blocker, "timeline.txt")
            completed = run_paybench("simulate", "breaker", "--scenario",
                                     scenario_path("breaker_rules.json"), "--out", output)
            self.assertEqual(completed.exit_code, 2, completed.stderr)
            self.assertEqual(completed.stdout, "")
            self.assertIn(f"writing {output} failed: creating its directory {blocker}: "
                          "Not a directory; choose another file with --out", completed.stderr)
            self.assertNotIn(".tmp-", completed.stderr)
            self.assertEqual(os.listdir(directory), ["blocker"])

    def test_out_over_scenario_rejected(self):
        with scratch_directory() as directory:
            scenario = os.path.join(directory, "rules.json")
            original = read_text(scenario_path("breaker_rules.json"))
            write_text(scenario, original)
            completed = run_paybench("simulate", "breaker", "--scenario", scenario, "--out",
                                     scenario)
            self.assertEqual(completed.exit_code, 2, completed.stderr)
            self.assertIn(f"--out '{scenario}' is the scenario file itself", completed.stderr)
            self.assertEqual(read_text(scenario), original)

    def test_input_format_for_other_extension(self):
        with scratch_directory() as directory:
            scenario = os.path.join(directory, "refill.txt")
            write_text(scenario, read_text(scenario_path("limiter_refill.csv")))

            guessed = run_paybench("simulate", "limiter", "--scenario", scenario)
            self.assertEqual(guessed.exit_code, 2)
            self.assertIn("--input-format", guessed.stderr)
            self.assertEqual(guessed.stdout, "")

            named = run_paybench("simulate", "limiter", "--scenario", scenario, "--input-format",
                                 "csv")
            self.assertEqual(named.exit_code, 0, named.stderr)
            self.assertEqual(named.stdout, read_text(scenario_path("limiter_refill.expected.txt")))


class BadScenarioTest(unittest.TestCase):
    def assert_rejected(self, component, file_name, content, *expected_texts):
        with scratch_directory() as directory:
            scenario = os.path.join(directory, file_name)
            write_text(scenario, content)
            completed = run_paybench("simulate", component, "--scenario", scenario)
            self.assertEqual(completed.exit_code, 2, completed.stderr)
            self.assertEqual(completed.stdout, "")
            self.assertIn(scenario, completed.stderr)
            for text in expected_texts:
                self.assertIn(text, completed.stderr)

    def test_missing_file(self):
        completed = run_paybench("simulate", "breaker", "--scenario", "/nonexistent/outage.json")
        self.assertEqual(completed.exit_code, 2)
        self.assertEqual(completed.stdout, "")
        self.assertIn("/nonexistent/outage.json: cannot open the file", completed.stderr)

    def test_missing_file_without_extension(self):
        # The missing file is the problem to fix, not its extension.
        completed = run_paybench("simulate", "breaker", "--scenario", "/nonexistent/outage")
        self.assertEqual(completed.exit_code, 2)
        self.assertIn("/nonexistent/outage: cannot open the file", completed.stderr)
        self.assertNotIn("extension", completed.stderr)

    def test_directory_as_scenario(self):
        with scratch_directory() as directory:
            completed = run_paybench("simulate", "breaker", "--scenario", directory)
            self.assertEqual(completed.exit_code, 2)
            self.assertEqual(completed.stdout, "")
            self.assertIn(f"{directory}: is a directory", completed.stderr)
            self.assertNotIn("extension", completed.stderr)

    def test_csv_header_without_outcome(self):
        self.assert_rejected("breaker", "no_outcome.csv",
                             "timeout_ms=5000\n\nat_ms,duration_ms\n0,50\n",
                             "line 3: header has no column 'outcome'",
                             "expected at_ms,outcome[,duration_ms,repeat,every_ms]")

    def test_malformed_json(self):
        # The missing comma is noticed at the end of the next token, "outcome", in column 25.
        self.assert_rejected("breaker", "bad.json",
                             '{\n  "events": [\n    {"at_ms": 0 "outcome": "success"}\n  ]\n}\n',
                             "line 3, column 25", "invalid JSON", "unexpected string literal")

    def test_unknown_key(self):
        self.assert_rejected("breaker", "typo.json",
                             '{"config": {"timout_ms": 5000},'
                             ' "events": [{"at_ms": 0, "outcome": "success"}]}',
                             "config.timout_ms", "did you mean 'timeout_ms'?")

    def test_wrong_type(self):
        self.assert_rejected("breaker", "type.json",
                             '{"events": [{"at_ms": 0, "outcome": "success", "repeat": "3"}]}',
                             "events[0].repeat", "invalid value \"3\"", "whole number")

    def test_negative_time(self):
        self.assert_rejected("breaker", "negative.json",
                             '{"events": [{"at_ms": -1, "outcome": "success"}]}',
                             "events[0].at_ms", "invalid value -1", "milliseconds >= 0")

    def test_unknown_outcome(self):
        self.assert_rejected("breaker", "outcome.json",
                             '{"events": [{"at_ms": 0, "outcome": "timeout"}]}',
                             "events[0].outcome", "\"timeout\"", "\"success\" or \"failure\"")

    def test_empty_events(self):
        self.assert_rejected("breaker", "empty.json", '{"events": []}', "events: empty")

    def test_csv_bad_number(self):
        self.assert_rejected("breaker", "bad.csv",
                             "timeout_ms=5000\nat_ms,outcome\n0,success\n12ms,failure\n",
                             "line 4, column at_ms", "invalid value \"12ms\"")

    def test_breaker_scenario_given_to_limiter(self):
        with scratch_directory() as directory:
            scenario = os.path.join(directory, "rules.json")
            write_text(scenario, read_text(scenario_path("breaker_rules.json")))
            completed = run_paybench("simulate", "limiter", "--scenario", scenario)
            self.assertEqual(completed.exit_code, 2, completed.stderr)
            self.assertEqual(completed.stdout, "")
            self.assertIn("this is a breaker scenario", completed.stderr)
            self.assertIn(f"run 'paybench simulate breaker --scenario {scenario}'",
                          completed.stderr)

    def test_limiter_scenario_given_to_breaker(self):
        completed = run_paybench("simulate", "breaker", "--scenario",
                                 scenario_path("limiter_refill.csv"))
        self.assertEqual(completed.exit_code, 2, completed.stderr)
        self.assertIn("this is a limiter scenario", completed.stderr)


class SimulateCommandLineTest(unittest.TestCase):
    def assert_usage_error(self, arguments, *expected_texts):
        completed = run_paybench("simulate", *arguments)
        self.assertEqual(completed.exit_code, 2, completed.stderr)
        self.assertEqual(completed.stdout, "")
        for text in expected_texts:
            self.assertIn(text, completed.stderr)
        self.assertIn("Run 'paybench simulate --help' for usage.", completed.stderr)

    def test_unknown_component(self):
        self.assert_usage_error(["bracker", "--scenario", scenario_path("breaker_rules.json")],
                                "component: invalid value 'bracker': expected breaker or limiter",
                                "'paybench simulate breaker --scenario FILE'")

    def test_component_required(self):
        self.assert_usage_error([], "missing the component to replay: expected breaker or limiter",
                                "'paybench simulate breaker --scenario FILE'")

    def test_component_required_keeps_scenario(self):
        self.assert_usage_error(["--scenario", "outage.json"],
                                "'paybench simulate breaker --scenario outage.json'")

    def test_scenario_option_required(self):
        self.assert_usage_error(["limiter"], "missing --scenario: expected the scenario file",
                                "'paybench simulate limiter --scenario FILE'")

    def test_unknown_output_format(self):
        self.assert_usage_error(
            ["breaker", "--scenario", scenario_path("breaker_rules.json"), "--format", "yaml"],
            "--format: invalid value 'yaml': expected table, json or csv, e.g. --format json")

    def test_unknown_input_format(self):
        self.assert_usage_error(
            ["breaker", "--scenario", scenario_path("breaker_rules.json"), "--input-format",
             "xml"],
            "--input-format: invalid value 'xml': expected json or csv, e.g. --input-format csv")


class SimulateHelpTest(unittest.TestCase):
    def test_help_documents_formats(self):
        completed = run_paybench("simulate", "--help")
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        for text in ("--scenario", "--format", "--out,--output", "--input-format", "at_ms",
                     "outcome", "limit_per_s", "set_burst", "completions before arrivals"):
            self.assertIn(text, completed.stdout)

    def test_help_lists_exit_codes(self):
        completed = run_paybench("simulate", "--help")
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        self.assertIn("Exit codes:\n  0  success\n", completed.stdout)
        self.assertIn("  2  invalid command line", completed.stdout)

    def test_help_names_choices(self):
        completed = run_paybench("simulate", "--help")
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        for text in ("{breaker,limiter} REQUIRED", "--format TEXT:{table,json,csv}",
                     "--input-format TEXT:{json,csv}", "--scenario FILE REQUIRED"):
            self.assertIn(text, completed.stdout)

    def test_unknown_command_lists_simulate(self):
        completed = run_paybench("simulat")
        self.assertEqual(completed.exit_code, 2)
        self.assertIn("expected list, run, profile, simulate, flame, compare, gate or report",
                      completed.stderr)


if __name__ == "__main__":
    unittest.main()
