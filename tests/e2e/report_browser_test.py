"""Every kind of paybench HTML page, opened in headless Chromium: the run report, the report of a
profiled run, the compare page and the gate page.

Each page comes from real runs of the paybench binary. A page must load without a console
error and without any network request, show the charts and tables that its data calls for,
draw something on screen, and keep its charts and numbers without JavaScript. In the flame
graphs, a click on a frame zooms into it and the search box highlights matching frames. A
benchmark name that is HTML shows as text.
"""

import copy
import json
import os
import shutil
import unittest

from browser_session import BrowserSession, ink_share, require_browser
from paybench_cli import needs_build_without_sanitizer, run_paybench, scratch_directory
from result_profiles import embedded_flame_graph_count

# Short runs: these tests check what the pages show, not what the numbers are.
SHORT_RUN = ["--suite", "quick", "--repetitions", "2", "--min-time", "0.002", "--quiet"]
# A benchmark name that runs a script if a page inserted it as markup.
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
# A screenshot of a page that shows its content has at least this share of non-white pixels
# and this many colours. A blank or failed page has one colour.
MIN_INK_SHARE = 0.02
MIN_COLOURS = 16
# The gate's candidate: the baseline's pool variant made this much slower, a regression that
# no threshold lets through. A factor above the spread of the repetitions separates the two
# samples fully, so the U test decides even when a busy machine spreads the times widely (at
# 1.5 the gate found some runs inconclusive under load).
SLOWDOWN = 3.0


def read_json(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def write_json(path, document):
    with open(path, "w", encoding="utf-8") as file:
        json.dump(document, file)


def run_into(test_case, out_dir, *arguments):
    completed = run_paybench(*arguments, "--out-dir", out_dir, timeout=600)
    test_case.assertEqual(completed.exit_code, 0, completed.stderr)
    return read_json(os.path.join(out_dir, "result.json"))


def iteration_instances(result):
    """Returns the (run_name, allocator) of every benchmark instance with an iteration run."""
    return {(run["run_name"], run.get("allocator", "")) for run in result["benchmarks"]
            if run["run_type"] == "iteration"}


class PageChecks(unittest.TestCase):
    """Checks that every page must pass."""

    def assert_loads_cleanly(self, page):
        with BrowserSession() as browser:
            browser.open(page)
            self.assertEqual(browser.console_errors(), [])
            self.assertEqual(browser.requests_beyond_page(), [])
            self.assertFalse(browser.has_alert())
            share, colours = ink_share(browser.screenshot())
            self.assertGreater(share, MIN_INK_SHARE)
            self.assertGreater(colours, MIN_COLOURS)

    def assert_charts_without_javascript(self, page, chart_selector):
        """Checks that the page's charts and numbers are shown with JavaScript off."""
        with BrowserSession(javascript=False) as browser:
            browser.open(page)
            self.assertEqual(browser.console_errors(), [])
            charts = browser.find(chart_selector)
            self.assertGreater(len(charts), 0)
            for chart in charts:
                browser.script("arguments[0].scrollIntoView()", chart)
                self.assertGreater(chart.size["width"], 100)
                self.assertGreater(chart.size["height"], 40)
            numbers = [cell.text for cell in browser.find("td.num") if cell.text.strip()]
            self.assertGreater(len(numbers), 0)

    def assert_flame_graph_interactions(self, browser, figure):
        """Clicks a frame of `figure`'s flame graph and searches for its name."""
        self.assertEqual(figure.get_attribute("data-flame-ready"), "true")
        # Zooms into the widest frame narrower than the graph, because that hides its neighbours.
        # A graph of one call chain has no such frame, so then the first frame above the root.
        frame, share, width_px, name, depths = browser.script("""
            var data = JSON.parse(arguments[0].querySelector("script.pb-flame-data").textContent);
            var total = data.frames[0][3];
            var best = -1;
            for (var i = 1; i < data.frames.length; i++) {
              var share = data.frames[i][3] / total;
              var isWider = best < 0 || share > data.frames[best][3] / total;
              if (share > 0.02 && share < 0.98 && isWider) best = i;
            }
            if (best < 0) best = 1;
            var depths = data.frames.map(function (frame) { return frame[1]; });
            return [best, data.frames[best][3] / total, data.widthPx,
                    data.names[data.frames[best][0]], depths];
            """, figure)
        reset = figure.find_element("css selector", ".pb-flame-reset")
        self.assertFalse(reset.is_enabled())

        rect = figure.find_element("css selector", f'g[data-frame="{frame}"] rect')
        self.assertAlmostEqual(float(rect.get_attribute("width")), share * width_px, delta=0.01)
        rect.click()
        self.assertAlmostEqual(float(rect.get_attribute("width")), width_px, delta=0.01)
        self.assertTrue(reset.is_enabled())
        # Frames come in pre-order: the zoomed frame's callees follow it up to the next frame
        # at its depth or lower, and its callers are the last frame of each lower depth before
        # it. Every other frame is hidden.
        callees_end = next((i for i in range(frame + 1, len(depths))
                            if depths[i] <= depths[frame]), len(depths))
        callers = {max(i for i in range(frame) if depths[i] == depth)
                   for depth in range(depths[frame])}
        shown = set(range(frame, callees_end)) | callers
        hidden = {int(group.get_attribute("data-frame")) for group in
                  figure.find_elements("css selector", 'g[data-frame][display="none"]')}
        self.assertEqual(hidden, set(range(len(depths))) - shown)
        ancestors = figure.find_elements("css selector", "g.pb-flame-ancestor")
        self.assertEqual(len(ancestors), len(callers))

        search = figure.find_element("css selector", ".pb-flame-search")
        search.send_keys(name)
        matched = figure.find_elements("css selector", "g.pb-flame-matched-frame")
        self.assertGreater(len(matched), 0)
        self.assertTrue(figure.find_element("css selector", ".pb-flame-matched").text
                        .startswith("Matched:"))
        reset.click()
        self.assertFalse(reset.is_enabled())


@needs_build_without_sanitizer
class RunReportTest(PageChecks):
    """The report of a run under two allocators: every view that needs no profile."""

    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        cls.out_dir = os.path.join(cls.scratch.name, "run")
        cls.page = os.path.join(cls.out_dir, "report.html")

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def setUp(self):
        require_browser(self)
        if not os.path.exists(self.page):
            type(self).result = run_into(
                self, self.out_dir, "run", "memory/object_pool/*/size:64/*",
                "queues/spsc_handoff/*/item_bytes:8/*", "writes/memory", *SHORT_RUN,
                "--allocators", "glibc,jemalloc")

    def test_loads_cleanly(self):
        self.assert_loads_cleanly(self.page)

    def test_every_view_is_present(self):
        with BrowserSession() as browser:
            browser.open(self.page)
            for section in ("summary", "comparisons", "thread-scaling", "batch-size", "latency",
                            "allocator-matrix", "context"):
                with self.subTest(section=section):
                    self.assertEqual(len(browser.find(f"section#{section} h2")), 1)
                    self.assertEqual(len(browser.find(f'nav.toc a[href="#{section}"]')), 1)
            self.assertEqual(len(browser.find("section#profiles")), 0)

            self.assertEqual(len(browser.find("#comparisons figure.chart svg")),
                             len(self.result["comparisons"]))
            # object_pool at threads 1 and 2: one chart per size and batch.
            self.assertEqual(len(browser.find("#thread-scaling figure.line-chart")), 2)
            self.assertGreater(len(browser.find("#thread-scaling path.series-line")), 0)
            # writes/memory: throughput and latency against batch size.
            titles = [title.text for title in browser.find("#batch-size figure h4")]
            self.assertEqual(titles, ["writes/memory: throughput", "writes/memory: latency"])
            self.assertEqual(len(browser.find("#batch-size table.chart-data")), 2)

            latency_rows = browser.find("#latency g.latency-row")
            instances_with_latency = {
                (run["run_name"], run["allocator"]) for run in self.result["benchmarks"]
                if run["run_type"] == "iteration" and "latency_p50_ns" in run}
            self.assertEqual(len(latency_rows), len(instances_with_latency))

            cells = browser.find("#allocator-matrix g.heat-cell")
            self.assertEqual(len(cells), len(iteration_instances(self.result)))
            columns = [label.text for label in browser.find("#allocator-matrix text.column-label")]
            self.assertEqual(columns[:2], ["glibc", "jemalloc"])

    def test_comparison_charts_show_each_repetition(self):
        with BrowserSession() as browser:
            browser.open(self.page)
            for chart in browser.find("#comparisons figure.chart"):
                bars = chart.find_elements("css selector", "rect[class^=bar-]")
                self.assertEqual(len(bars), 2)
                dots = chart.find_elements("css selector", "circle.repetition")
                self.assertGreaterEqual(len(dots), 2 * 2)
                self.assertGreater(len(chart.find_elements("css selector", "line.whisker")), 0)

    def test_charts_without_javascript(self):
        self.assert_charts_without_javascript(self.page, "main svg")

    def test_print_style(self):
        with BrowserSession() as browser:
            browser.open(self.page)
            browser.emulate_print()
            toc = browser.find("nav.toc")[0]
            self.assertEqual(browser.script("return getComputedStyle(arguments[0]).display", toc),
                             "none")
            chart = browser.find("#comparisons figure.chart")[0]
            self.assertEqual(
                browser.script("return getComputedStyle(arguments[0]).breakInside", chart),
                "avoid")
            pdf = browser.print_to_pdf()
            self.assertTrue(pdf.startswith(b"%PDF"))
            self.assertGreater(pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page "), 1)

    def test_hostile_name_shows_as_text(self):
        result = copy.deepcopy(self.result)
        for run in result["benchmarks"]:
            run["run_name"] = run["run_name"].replace("object_pool", HOSTILE_NAME)
            run["name"] = run["name"].replace("object_pool", HOSTILE_NAME)
            run["label"] = HOSTILE_NAME
        for comparison in result["comparisons"]:
            for key in ("workload", "baseline_run_name", "candidate_run_name"):
                comparison[key] = comparison[key].replace("object_pool", HOSTILE_NAME)
        directory = os.path.join(self.scratch.name, "hostile")
        os.makedirs(directory, exist_ok=True)
        write_json(os.path.join(directory, "result.json"), result)
        completed = run_paybench("report", os.path.join(directory, "result.json"))
        self.assertEqual(completed.exit_code, 0, completed.stderr)

        with BrowserSession() as browser:
            browser.open(os.path.join(directory, "report.html"))
            self.assertEqual(browser.find("img"), [])
            self.assertFalse(browser.has_alert())
            self.assertEqual(browser.console_errors(), [])
            self.assertEqual(browser.requests_beyond_page(), [])
            body = browser.find("body")[0].text
            self.assertIn(HOSTILE_NAME, body)


@needs_build_without_sanitizer
class ProfileReportTest(PageChecks):
    """The report of `paybench profile`: CPU and allocation flame graphs and their diff."""

    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        cls.out_dir = os.path.join(cls.scratch.name, "profile")
        cls.page = os.path.join(cls.out_dir, "report.html")

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def setUp(self):
        require_browser(self)
        if not os.path.exists(self.page):
            # Enough measured time for some hundred CPU samples per benchmark.
            type(self).result = run_into(
                self, self.out_dir, "profile", "memory/object_pool/*/size:64/batch:1/*",
                "--threads", "1", "--repetitions", "2", "--min-time", "0.2", "--quiet")

    def test_loads_cleanly(self):
        self.assert_loads_cleanly(self.page)

    def test_flame_graphs_are_drawn(self):
        with BrowserSession() as browser:
            browser.open(self.page)
            self.assertEqual(len(browser.find('nav.toc a[href="#profiles"]')), 1)
            figures = browser.find("#profiles figure.pb-flame")
            # A CPU and an allocation graph per benchmark with samples, and the diff of the
            # comparison.
            self.assertEqual(len(figures), embedded_flame_graph_count(self.result, self.out_dir))
            self.assertGreaterEqual(len(figures), 3)
            self.assertEqual(len(browser.find('figure.pb-flame[data-flame-ready="true"]')),
                             len(figures))
            self.assertEqual(browser.find("figure.pb-flame[data-flame-error]"), [])
            self.assertGreater(len(browser.find("#profiles table.sites tbody tr")), 0)

    def test_click_zooms_and_search_highlights(self):
        with BrowserSession() as browser:
            browser.open(self.page)
            for details in browser.find("details.profile-graph"):
                with self.subTest(graph=details.find_element("css selector", "summary").text):
                    details.find_element("css selector", "summary").click()
                    figure = details.find_element("css selector", "figure.pb-flame")
                    self.assert_flame_graph_interactions(browser, figure)
            self.assertEqual(browser.console_errors(), [])

    def test_numbers_without_javascript(self):
        self.assert_charts_without_javascript(self.page, "#comparisons svg")
        with BrowserSession(javascript=False) as browser:
            browser.open(self.page)
            self.assertEqual(browser.find('figure.pb-flame[data-flame-ready]'), [])
            self.assertGreater(len(browser.find("#profiles table.sites tbody tr")), 0)


class ComparePageTest(PageChecks):
    """`paybench compare --format html` of two runs of the same benchmarks."""

    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        cls.page = os.path.join(cls.scratch.name, "compare.html")

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def setUp(self):
        require_browser(self)
        if os.path.exists(self.page):
            return
        results = []
        for side in ("before", "after"):
            out_dir = os.path.join(self.scratch.name, side)
            results.append(run_into(self, out_dir, "run", "memory/object_pool/*/size:64/*",
                                    "--suite", "quick", "--repetitions", "3", "--min-time",
                                    "0.002", "--quiet"))
        type(self).baseline = results[0]
        completed = run_paybench(
            "compare", os.path.join(self.scratch.name, "before", "result.json"),
            os.path.join(self.scratch.name, "after", "result.json"), "--format", "html", "--out",
            self.page)
        self.assertEqual(completed.exit_code, 0, completed.stderr)

    def test_loads_cleanly(self):
        self.assert_loads_cleanly(self.page)

    def test_change_chart_and_table(self):
        with BrowserSession() as browser:
            browser.open(self.page)
            rows = browser.find("#changes figure.change-chart g.change-row")
            self.assertEqual(len(rows), len(iteration_instances(self.baseline)))
            for row in rows:
                verdict = row.get_attribute("class").split()[-1]
                self.assertIn(verdict, ("faster", "slower", "same", "untested"))
            self.assertEqual(len(browser.find("#changes .verdict-counts .tag")), 3)
            self.assertGreater(len(browser.find("table.comparison tr.p-value")), 0)
            self.assertEqual(len(browser.find("#context table.context-table")), 1)

    def test_charts_without_javascript(self):
        self.assert_charts_without_javascript(self.page, "#changes svg")


class GatePageTest(PageChecks):
    """`paybench gate --format html` of a real run against a copy made slower: a regression
    with its differential flame graph."""

    @classmethod
    def setUpClass(cls):
        cls.scratch = scratch_directory()
        cls.page = os.path.join(cls.scratch.name, "gate", "gate.html")

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def setUp(self):
        require_browser(self)
        if os.path.exists(self.page):
            return
        baseline_dir = os.path.join(self.scratch.name, "baseline")
        baseline = run_into(self, baseline_dir, "run", "memory/object_pool/*/size:64/batch:1/*",
                            "--threads", "1", "--cpu-profile", "--suite", "quick",
                            "--repetitions", "9", "--min-time", "0.01", "--quiet")
        # The candidate shares the baseline's profiles, so its pool variant regresses while
        # its flame graph stays a real one.
        candidate = copy.deepcopy(baseline)
        for run in candidate["benchmarks"]:
            if run["variant"] == "pool":
                run["real_time"] *= SLOWDOWN
                run["cpu_time"] *= SLOWDOWN
        candidate_dir = os.path.join(self.scratch.name, "candidate")
        shutil.copytree(os.path.join(baseline_dir, "profiles"),
                        os.path.join(candidate_dir, "profiles"))
        write_json(os.path.join(candidate_dir, "result.json"), candidate)
        type(self).benchmark_count = len(iteration_instances(baseline))

        os.makedirs(os.path.dirname(self.page))
        completed = run_paybench("gate", os.path.join(baseline_dir, "result.json"),
                                 os.path.join(candidate_dir, "result.json"), "--format", "html",
                                 "--out", self.page)
        self.assertEqual(completed.exit_code, 1, completed.stdout + completed.stderr)

    def test_loads_cleanly(self):
        self.assert_loads_cleanly(self.page)

    def test_verdicts_thresholds_and_p_values(self):
        with BrowserSession() as browser:
            browser.open(self.page)
            self.assertEqual(len(browser.find("p.gate-verdict.regression")), 1)
            rows = browser.find("figure.change-chart g.change-row")
            self.assertEqual(len(rows), self.benchmark_count)
            self.assertEqual(len(browser.find("figure.change-chart g.change-row.regression")), 1)
            self.assertEqual(len(browser.find("figure.change-chart line.threshold")),
                             self.benchmark_count)
            self.assertEqual(len(browser.find("figure.change-chart line.whisker")),
                             3 * self.benchmark_count)
            table_rows = browser.find("table.gate tbody tr")
            self.assertEqual(len(table_rows), self.benchmark_count)
            regression_row = browser.find("table.gate tbody tr.regression")[0]
            p_values = regression_row.find_elements("css selector", "td.num")[4:6]
            for cell in p_values:
                self.assertLess(float(cell.text), 0.05)

    def test_flame_graph_click_and_search(self):
        with BrowserSession() as browser:
            browser.open(self.page)
            figures = browser.find("#flame-graphs figure.pb-flame")
            self.assertEqual(len(figures), 1)
            self.assert_flame_graph_interactions(browser, figures[0])
            self.assertEqual(browser.console_errors(), [])

    def test_charts_without_javascript(self):
        self.assert_charts_without_javascript(self.page, "#benchmarks svg")


if __name__ == "__main__":
    unittest.main()
