"""paybench flame: real folded files, bad input, --diff, CPU profiles, and the page in Chromium.

The browser tests run headless Chromium on the written page and read the DOM it dumps. A test
script added to a copy of the page clicks, searches and hovers like a user and writes what it
saw into a body attribute.
"""

import glob
import html
import json
import os
import re
import shutil
import subprocess
import unittest
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from paybench_cli import BINARY, run_paybench, scratch_directory

CASES_DIR = os.environ.get("PAYBENCH_FLAMEGRAPH_CASES_DIR", "")
CHROMIUM = "/usr/bin/chromium"
LIBPROFILER = "/usr/lib/x86_64-linux-gnu/libprofiler.so.0"
CHROMIUM_TIMEOUT_S = 120

# Stacks with a duplicate line and a stack that ends where another continues: 12 samples,
# "main" 10, "a" 5, "b" 5 (4 of its own), "malloc" 5 under a and 1 under b, "other" 2.
KNOWN_STACKS = """main;a;malloc 3
main;b;malloc 1
main;b 4
main;a;malloc 2
other 2
"""

# Base 20 samples, other 10. "old" is only in base, "c" only in other.
DIFF_BASE = "main;a 6\nmain;b 4\nold 10\n"
DIFF_OTHER = "main;a 2\nmain;b 6\nmain;c 2\n"

HOSTILE_NAMES = [
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">",
    "</script><script>document.body.setAttribute('data-pwned','script')</script>",
    "<script>alert(1)</script>",
    "a&b",
    "\"quotes\"",
    "operator<<",
    "std::vector<int*>",
]


def case_files():
    return sorted(glob.glob(os.path.join(CASES_DIR, "*.folded"))) if CASES_DIR else []


def read_text(path):
    with open(path, encoding="utf-8", errors="replace") as file:
        return file.read()


def write_text(path, text):
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def folded_total(text):
    """Sums the count at the end of each line, independently of paybench's parser."""
    return sum(int(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.strip())


def tree_size(text):
    """Counts the frames of the merged call tree, the root "all" included."""
    root = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        node = root
        for frame in line.rsplit(" ", 1)[0].split(";"):
            node = node.setdefault(frame, {})

    def count(node):
        return sum(1 + count(child) for child in node.values())

    return 1 + count(root)


def with_thousands(number):
    return f"{number:,}"


def layout_data(page):
    """Returns the JSON layout that the page hands to its script."""
    match = re.search(r'<script type="application/json" class="pb-flame-data">(.*?)</script>',
                      page, re.S)
    if match is None:
        raise AssertionError("no layout data in the page")
    return json.loads(match.group(1))


def dump_dom(page_path, directory):
    """Loads the page in headless Chromium and returns the DOM after its scripts ran."""
    process = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--user-data-dir=" + os.path.join(directory, "chromium-profile"),
         "--dump-dom", Path(page_path).as_uri()],
        capture_output=True, text=True, timeout=CHROMIUM_TIMEOUT_S, check=False)
    if process.returncode != 0:
        raise AssertionError(f"chromium exited with {process.returncode}: {process.stderr[-2000:]}")
    return process.stdout


# Runs after the graph's own DOMContentLoaded handler, because it is added after its script.
INTERACTION_SCRIPT = """<script>
document.addEventListener("DOMContentLoaded", function () {
  var result = {};
  try {
    var figure = document.querySelector("figure.pb-flame");
    var data = JSON.parse(figure.querySelector("script.pb-flame-data").textContent);
    var groups = figure.querySelectorAll("g[data-frame]");
    var tooltip = figure.querySelector(".pb-flame-tooltip");
    var frameIndex = function (name, depth) {
      for (var i = 0; i < data.frames.length; i++) {
        if (data.names[data.frames[i][0]] === name && data.frames[i][1] === depth) return i;
      }
      return -1;
    };
    var shownNames = function () {
      var names = [];
      groups.forEach(function (group, i) {
        if (group.getAttribute("display") !== "none") names.push(data.names[data.frames[i][0]]);
      });
      return names;
    };
    var hover = function (i) {
      var rect = groups[i].querySelector("rect");
      var box = rect.getBoundingClientRect();
      rect.dispatchEvent(new MouseEvent("mousemove",
          {bubbles: true, clientX: box.left + 1, clientY: box.top + 1}));
      return tooltip.textContent;
    };

    result.frameCount = groups.length;
    result.tooltips = [];
    for (var i = 0; i < groups.length; i++) result.tooltips.push(hover(i));
    result.tooltipShown = !tooltip.hidden;

    // Zooms into the frame "b" on top of "main", if the graph has one.
    var b = frameIndex("b", 2);
    if (b >= 0) {
      groups[b].querySelector("rect").dispatchEvent(new MouseEvent("click", {bubbles: true}));
      result.zoomedNames = shownNames();
      result.zoomedWidth = Number(groups[b].querySelector("rect").getAttribute("width"));
      var reset = figure.querySelector(".pb-flame-reset");
      result.resetEnabledWhenZoomed = !reset.disabled;
      reset.click();
      result.shownAfterReset = shownNames().length;
      result.resetEnabledAfterReset = !reset.disabled;
    }

    var search = figure.querySelector(".pb-flame-search");
    search.value = %SEARCH%;
    search.dispatchEvent(new Event("input"));
    result.matchedText = figure.querySelector(".pb-flame-matched").textContent;
    result.highlighted = figure.querySelectorAll(".pb-flame-matched-frame").length;
  } catch (error) {
    result.error = String(error);
  }
  document.body.setAttribute("data-test-result", JSON.stringify(result));
});
</script>
"""


def interaction_result(page_path, directory, search_term):
    """Runs INTERACTION_SCRIPT on a copy of the page and returns what it recorded."""
    page = read_text(page_path)
    script = INTERACTION_SCRIPT.replace("%SEARCH%", json.dumps(search_term))
    test_page = os.path.join(directory, "interaction.html")
    write_text(test_page, page.replace("</body>", script + "</body>"))
    dom = dump_dom(test_page, directory)
    match = re.search(r'data-test-result="([^"]*)"', dom)
    if match is None:
        raise AssertionError("the test script recorded nothing; DOM starts: " + dom[:500])
    return json.loads(html.unescape(match.group(1))), dom


@unittest.skipUnless(CASES_DIR and os.path.isdir(CASES_DIR),
                     "PAYBENCH_FLAMEGRAPH_CASES_DIR does not name the folded stack files")
class SharedFilesTest(unittest.TestCase):
    def test_html_of_each_file(self):
        self.assertEqual(len(case_files()), 5)
        for path in case_files():
            with self.subTest(file=os.path.basename(path)), scratch_directory() as directory:
                output = os.path.join(directory, "graph.html")
                completed = run_paybench("flame", path, "--out", output)
                self.assertEqual(completed.exit_code, 0, completed.stderr)
                total = folded_total(read_text(path))
                self.assertIn(f"Wrote {output} ({total} samples)", completed.stdout)
                page = read_text(output)
                self.assertIn(f"Total: {with_thousands(total)} samples.", page)
                data = layout_data(page)
                self.assertEqual(data["totalSamples"], total)
                self.assertEqual(len(data["frames"]), tree_size(read_text(path)))

    def test_svg_of_each_file_is_well_formed(self):
        for path in case_files():
            with self.subTest(file=os.path.basename(path)), scratch_directory() as directory:
                output = os.path.join(directory, "graph.svg")
                completed = run_paybench("flame", path, "--format", "svg", "--out", output)
                self.assertEqual(completed.exit_code, 0, completed.stderr)
                svg = ElementTree.parse(output).getroot()
                frames = svg.findall("{http://www.w3.org/2000/svg}g")
                self.assertEqual(len(frames), tree_size(read_text(path)))
                total = folded_total(read_text(path))
                self.assertIn(f"Total: {with_thousands(total)} samples.", read_text(output))

    def test_default_output_in_current_directory(self):
        path = case_files()[0]
        with scratch_directory() as directory:
            completed = run_paybench("flame", path, cwd=directory)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            self.assertEqual(os.listdir(directory), [os.path.basename(path) + ".html"])

    def test_diff_of_two_files(self):
        base, other = case_files()[0], case_files()[1]
        with scratch_directory() as directory:
            completed = run_paybench("flame", base, "--diff", other, cwd=directory)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            expected_name = os.path.basename(base) + "-vs-" + os.path.basename(other) + ".html"
            self.assertEqual(os.listdir(directory), [expected_name])
            page = read_text(os.path.join(directory, expected_name))
            base_total = folded_total(read_text(base))
            other_total = folded_total(read_text(other))
            self.assertIn(f"Base: {with_thousands(base_total)} samples. "
                          f"Other: {with_thousands(other_total)} samples.", page)


class BadInputTest(unittest.TestCase):
    def assert_rejected(self, folded_text, *expected_texts):
        with scratch_directory() as directory:
            profile = os.path.join(directory, "bad.folded")
            write_text(profile, folded_text)
            output = os.path.join(directory, "graph.html")
            completed = run_paybench("flame", profile, "--out", output)
            self.assertEqual(completed.exit_code, 2, completed.stderr)
            self.assertIn(profile, completed.stderr)
            for text in expected_texts:
                self.assertIn(text, completed.stderr)
            self.assertEqual(completed.stdout, "")
            self.assertEqual(os.listdir(directory), ["bad.folded"], "a rejected input left files")

    def test_line_without_count(self):
        self.assert_rejected("main;a 3\nmain;b 2\nmain;c\n", "line 3",
                             "expected `frame;frame;...;frame COUNT`")

    def test_count_not_a_number(self):
        self.assert_rejected("main;a 3\nmain;b lots\n", "line 2", "lots")

    def test_empty_file(self):
        self.assert_rejected("", "contains no samples", "frame;frame;...;frame COUNT")

    def test_binary_bytes_are_shown_escaped(self):
        with scratch_directory() as directory:
            profile = os.path.join(directory, "garbage.bin")
            with open(profile, "wb") as file:
                file.write(b"garbage\x1b]0;pwned\x07\x1b[31m\x9b\xff\x00tail")
            completed = subprocess.run([BINARY, "flame", profile], capture_output=True,
                                       cwd=directory, timeout=60, check=False)
            self.assertEqual(completed.returncode, 2, completed.stderr)
            self.assertIn(b"garbage<U+001B>]0;pwned<U+0007><U+001B>[31m<0x9B><0xFF><U+0000>tail",
                          completed.stderr)
            for control in (b"\x1b", b"\x07", b"\x9b", b"\x00"):
                self.assertNotIn(control, completed.stderr)

    def test_only_zero_counts(self):
        self.assert_rejected("main;a 0\n", "contains no samples")

    def test_missing_file(self):
        with scratch_directory() as directory:
            missing = os.path.join(directory, "missing.folded")
            completed = run_paybench("flame", missing, "--out", os.path.join(directory, "g.html"))
            self.assertEqual(completed.exit_code, 2)
            self.assertIn(missing, completed.stderr)
            self.assertIn("No such file", completed.stderr)

    def test_bad_diff_file_names_it(self):
        with scratch_directory() as directory:
            base = os.path.join(directory, "base.folded")
            other = os.path.join(directory, "other.folded")
            write_text(base, KNOWN_STACKS)
            write_text(other, "main;a 1\nbroken\n")
            completed = run_paybench("flame", base, "--diff", other, cwd=directory)
            self.assertEqual(completed.exit_code, 2)
            self.assertIn(other, completed.stderr)
            self.assertIn("line 2", completed.stderr)
            self.assertEqual(sorted(os.listdir(directory)), ["base.folded", "other.folded"])

    def test_unknown_format(self):
        completed = run_paybench("flame", "x.folded", "--format", "pdf")
        self.assertEqual(completed.exit_code, 2)
        self.assertIn("invalid value 'pdf': expected html or svg", completed.stderr)

    def test_missing_input(self):
        completed = run_paybench("flame")
        self.assertEqual(completed.exit_code, 2)
        self.assertIn("missing INPUT", completed.stderr)

    def test_output_is_input(self):
        with scratch_directory() as directory:
            profile = os.path.join(directory, "p.folded")
            write_text(profile, KNOWN_STACKS)
            completed = run_paybench("flame", profile, "--out", profile)
            self.assertEqual(completed.exit_code, 2)
            self.assertIn("is the input profile", completed.stderr)
            self.assertEqual(read_text(profile), KNOWN_STACKS)

    def test_output_directory_created(self):
        with scratch_directory() as directory:
            profile = os.path.join(directory, "p.folded")
            write_text(profile, KNOWN_STACKS)
            output = os.path.join(directory, "new-dir", "g.html")
            completed = run_paybench("flame", profile, "--out", output)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            self.assertTrue(os.path.isfile(output))

    def test_output_under_regular_file(self):
        with scratch_directory() as directory:
            profile = os.path.join(directory, "p.folded")
            write_text(profile, KNOWN_STACKS)
            output = os.path.join(profile, "g.html")
            completed = run_paybench("flame", profile, "--out", output)
            self.assertEqual(completed.exit_code, 2)
            self.assertIn(output, completed.stderr)
            self.assertIn(f"creating its directory {profile}", completed.stderr)
            self.assertIn("--out", completed.stderr)


class DiffTest(unittest.TestCase):
    def test_svg_tooltips_show_changes(self):
        with scratch_directory() as directory:
            base = os.path.join(directory, "base.folded")
            other = os.path.join(directory, "other.folded")
            write_text(base, DIFF_BASE)
            write_text(other, DIFF_OTHER)
            output = os.path.join(directory, "diff.svg")
            completed = run_paybench("flame", base, "--diff", other, "--format", "svg",
                                     "--out", output)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            self.assertIn("base: 20 samples, other: 10 samples", completed.stdout)

            svg = ElementTree.parse(output).getroot()
            titles = [element.text for element in svg.iter("{http://www.w3.org/2000/svg}title")]
            for expected in (
                    "b: base 4 samples (20.00%), other 6 samples (60.00%), change +40.00 "
                    "percentage points",
                    "a: base 6 samples (30.00%), other 2 samples (20.00%), change -10.00 "
                    "percentage points",
                    "c: base 0 samples (0.00%), other 2 samples (20.00%), change +20.00 "
                    "percentage points",
                    "old: base 10 samples (50.00%), other 0 samples (0.00%), change -50.00 "
                    "percentage points"):
                self.assertIn(expected, titles)


@unittest.skipUnless(os.path.exists(LIBPROFILER), "gperftools' libprofiler is not installed")
class CpuProfileTest(unittest.TestCase):
    def test_profile_of_python_busy_loop(self):
        with scratch_directory() as directory:
            profile = os.path.join(directory, "python.prof")
            environment = dict(os.environ, LD_PRELOAD=LIBPROFILER, CPUPROFILE=profile,
                               CPUPROFILE_FREQUENCY="1000")
            subprocess.run(["/usr/bin/python3", "-c", "sum(i * i for i in range(3 * 10**6))"],
                           env=environment, capture_output=True, timeout=120, check=True)
            with open(profile, "rb") as file:
                self.assertEqual(file.read(24), bytes(8) + (3).to_bytes(8, "little") + bytes(8))

            output = os.path.join(directory, "python.html")
            completed = run_paybench("flame", profile, "--out", output)
            self.assertEqual(completed.exit_code, 0, completed.stderr)
            samples = int(re.search(r"\((\d+) samples?\)", completed.stdout).group(1))
            self.assertGreater(samples, 0)
            data = layout_data(read_text(output))
            self.assertEqual(data["totalSamples"], samples)
            self.assertIn("main", " ".join(data["names"]))

    def test_cut_profile_names_byte_offset(self):
        with scratch_directory() as directory:
            profile = os.path.join(directory, "cut.prof")
            with open(profile, "wb") as file:
                file.write(bytes(8) + (3).to_bytes(8, "little") + bytes(8) + bytes(4))
            completed = run_paybench("flame", profile, "--out", os.path.join(directory, "g.html"))
            self.assertEqual(completed.exit_code, 2)
            self.assertIn(profile, completed.stderr)
            self.assertIn("at byte", completed.stderr)


@unittest.skipUnless(shutil.which(CHROMIUM), "Chromium is not installed at /usr/bin/chromium")
class BrowserTest(unittest.TestCase):
    def render(self, directory, folded_text, *arguments):
        profile = os.path.join(directory, "profile.folded")
        write_text(profile, folded_text)
        output = os.path.join(directory, "graph.html")
        completed = run_paybench("flame", profile, "--out", output, *arguments)
        self.assertEqual(completed.exit_code, 0, completed.stderr)
        return output

    @unittest.skipUnless(CASES_DIR and os.path.isdir(CASES_DIR),
                         "PAYBENCH_FLAMEGRAPH_CASES_DIR does not name the folded stack files")
    def test_shared_files_render_without_error(self):
        for path in case_files():
            with self.subTest(file=os.path.basename(path)), scratch_directory() as directory:
                output = os.path.join(directory, "graph.html")
                self.assertEqual(run_paybench("flame", path, "--out", output).exit_code, 0)
                dom = dump_dom(output, directory)
                self.assertIn('data-flame-ready="true"', dom)
                self.assertNotIn('data-flame-error="', dom)
                self.assertEqual(dom.count('data-frame="'), tree_size(read_text(path)))

    def test_zoom_search_and_tooltip(self):
        with scratch_directory() as directory:
            output = self.render(directory, KNOWN_STACKS)
            result, dom = interaction_result(output, directory, "malloc")
            self.assertNotIn("error", result)
            self.assertIn('data-flame-ready="true"', dom)
            self.assertEqual(result["frameCount"], 7)
            self.assertIn("b\n5 samples, 41.67% of all", result["tooltips"])
            self.assertIn("all\n12 samples, 100.00% of all", result["tooltips"])
            self.assertTrue(result["tooltipShown"])
            self.assertEqual(result["zoomedNames"], ["all", "main", "b", "malloc"])
            self.assertAlmostEqual(result["zoomedWidth"], 1200, places=1)
            self.assertTrue(result["resetEnabledWhenZoomed"])
            self.assertEqual(result["shownAfterReset"], 7)
            self.assertFalse(result["resetEnabledAfterReset"])
            self.assertEqual(result["matchedText"], "Matched: 50.00% (6 of 12 samples)")
            self.assertEqual(result["highlighted"], 2)

    def test_diff_tooltip_and_search(self):
        with scratch_directory() as directory:
            other = os.path.join(directory, "other.folded")
            write_text(other, DIFF_OTHER)
            output = self.render(directory, DIFF_BASE, "--diff", other)
            result, _ = interaction_result(output, directory, "a")
            self.assertNotIn("error", result)
            self.assertIn("b\nbase:   4 samples, 20.00%\nother:  6 samples, 60.00%\n"
                          "change: +40.00 percentage points", result["tooltips"])
            self.assertIn("old\nbase:   10 samples, 50.00%\nother:  0 samples, 0.00%\n"
                          "change: -50.00 percentage points", result["tooltips"])
            # "main" contains "a", and every other match is one of its callees. The root never
            # matches.
            self.assertEqual(result["matchedText"], "Matched: base 50.00%, other 100.00%")

    def test_two_graphs_on_one_page(self):
        # The page's <figure> is the HTML fragment that a report embeds, so two of them with
        # the page's style and script make a report with two graphs.
        with scratch_directory() as directory:
            first = read_text(self.render(directory, KNOWN_STACKS))
            second = read_text(self.render(directory, DIFF_BASE))
            figure_pattern = re.compile(r'<figure class="pb-flame">.*?</figure>', re.S)
            combined = figure_pattern.sub(
                lambda match: match.group(0) + figure_pattern.search(second).group(0), first)
            click_second = """<script>
document.addEventListener("DOMContentLoaded", function () {
  var figures = document.querySelectorAll("figure.pb-flame");
  figures[1].querySelector("g[data-frame='1'] rect")
      .dispatchEvent(new MouseEvent("click", {bubbles: true}));
  var hidden = function (figure) {
    return figure.querySelectorAll("g[data-frame][display='none']").length;
  };
  document.body.setAttribute("data-test-result", JSON.stringify(
      {figures: figures.length, hiddenFirst: hidden(figures[0]), hiddenSecond: hidden(figures[1]),
       svgs: document.querySelectorAll("svg.pb-flame-svg").length}));
});
</script>
"""
            page = os.path.join(directory, "two.html")
            write_text(page, combined.replace("</body>", click_second + "</body>"))
            dom = dump_dom(page, directory)

            self.assertEqual(dom.count('data-flame-ready="true"'), 2)
            result = json.loads(html.unescape(
                re.search(r'data-test-result="([^"]*)"', dom).group(1)))
            self.assertEqual(result["figures"], 2)
            self.assertEqual(result["svgs"], 2)
            self.assertEqual(result["hiddenFirst"], 0)
            # Zooming into "main" of the second graph hides its "old".
            self.assertEqual(result["hiddenSecond"], 1)

    def test_hostile_names_stay_text(self):
        folded = "".join(f"main;{name};b 1\n" for name in HOSTILE_NAMES)
        with scratch_directory() as directory:
            output = self.render(directory, folded, "--title", HOSTILE_NAMES[0])
            result, dom = interaction_result(output, directory, "<script")
            self.assertNotIn("error", result)
            self.assertNotIn("data-pwned=", dom)
            self.assertNotIn('data-flame-error="', dom)
            shown_names = {tooltip.split("\n")[0] for tooltip in result["tooltips"]}
            self.assertEqual(shown_names, {"all", "main", "b", *HOSTILE_NAMES})
            self.assertEqual(result["highlighted"], 2)


if __name__ == "__main__":
    unittest.main()
