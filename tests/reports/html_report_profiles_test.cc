// The Profiles section of the HTML report, with folded files written to a temporary directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "paybench/reports/flamegraph.h"
#include "paybench/reports/html_report.h"
#include "sample_result.h"

namespace paybench::reports {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHostileName = "<img src=x onerror=alert(1)>";
constexpr const char* kHostileNameEscaped = "&lt;img src=x onerror=alert(1)&gt;";

// The instances of make_fixed_result() that ran: malloc is the baseline, free_list the
// candidate of the one comparison.
constexpr const char* kMallocRun = "pool/get_put/malloc/size:256/threads:1";
constexpr const char* kFreeListRun = "pool/get_put/free_list/size:256/threads:1";

// The data element of each embedded flame graph. The graph's <figure> tag is not counted,
// because the flame graph script names it in a comment.
constexpr const char* kFlameGraph = "<script type=\"application/json\" class=\"pb-flame-data\">";
constexpr const char* kDiffLegend = "Width: the mean of a frame&apos;s shares of the base";
constexpr const char* kPlainCsp =
    "content=\"default-src 'none'; style-src 'unsafe-inline'\"";
constexpr const char* kFlameCsp =
    "content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\"";

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Counts the links to files, leaving out the table of contents' links into the page.
std::size_t file_link_count(const std::string& html) {
  return count_of(html, "href=") - count_of(html, "href=\"#");
}

// Returns the profile files of the instance whose files start with `stem`, in profiles/.
CpuProfileFiles cpu_files(const std::string& stem, std::uint64_t samples) {
  return {.prof = "profiles/" + stem + ".prof",
          .folded = "profiles/" + stem + ".folded",
          .flamegraph = "profiles/" + stem + ".html",
          .samples = samples};
}

HeapProfileFiles heap_files(const std::string& stem) {
  return {.heap = "profiles/" + stem + ".heap",
          .folded = "profiles/" + stem + ".alloc.folded",
          .flamegraph = "profiles/" + stem + ".alloc.html",
          .allocs_per_op = 1,
          .bytes_per_op = 256,
          .sites = {{"make_connection()", 0.75, 192}, {"Ledger::append(Entry const&)", 0.25, 64}}};
}

class HtmlReportProfilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string test_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    directory_ = fs::temp_directory_path() /
                 ("paybench_report_profiles_" + test_name + "_" + std::to_string(::getpid()));
    fs::remove_all(directory_);
    fs::create_directories(directory_ / "profiles");

    // malloc spends its time in malloc, free_list in its own pop: the diff has both colours.
    write("profiles/1-malloc.folded", "main;get_put;malloc 30\nmain;get_put;free 10\n");
    write("profiles/1-malloc.alloc.folded", "main;get_put;make_connection 192\n");
    write("profiles/2-free_list.folded", "main;get_put;FreeList::pop 12\nmain;get_put 8\n");

    result_ = testing::make_fixed_result();
    for (BenchmarkRun& run : result_.benchmarks) {
      if (run.run_name == kMallocRun) {
        run.cpu_profile = cpu_files("1-malloc", 40);
        run.heap_profile = heap_files("1-malloc");
      } else if (run.run_name == kFreeListRun) {
        run.cpu_profile = cpu_files("2-free_list", 20);
      }
    }
  }

  void TearDown() override { fs::remove_all(directory_); }

  void write(const std::string& relative_path, const std::string& text) const {
    std::ofstream file(directory_ / relative_path, std::ios::binary);
    file << text;
    ASSERT_TRUE(file.good()) << "cannot write " << (directory_ / relative_path);
  }

  std::string render() const { return render_html_report(result_, directory_); }

  fs::path directory_;
  Result result_;
};

TEST(HtmlReportWithoutProfiles, NoSectionAndNoScript) {
  const Result result = testing::make_sample_result();
  const fs::path directory = fs::temp_directory_path();

  const std::string html = render_html_report(result);

  EXPECT_FALSE(contains(html, "<h2>Profiles</h2>"));
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_FALSE(contains(html, kFlameGraph));
  EXPECT_EQ(count_of(html, kPlainCsp), 1u);
  EXPECT_TRUE(contains(html, "it loads nothing and runs no script."));
  EXPECT_EQ(render_html_report(result, directory), html)
      << "a directory changes nothing without profiles";
}

TEST_F(HtmlReportProfilesTest, EmbedsGraphsOnceWithScript) {
  const std::string html = render();

  EXPECT_TRUE(contains(html, "<h2>Profiles</h2>"));
  // CPU graphs of malloc and free_list, the allocation graph of malloc, and one diff.
  EXPECT_EQ(count_of(html, kFlameGraph), 4u);
  EXPECT_EQ(count_of(html, "<summary>CPU flame graph</summary>"), 2u);
  EXPECT_EQ(count_of(html, "<summary>Allocation flame graph (bytes allocated)</summary>"), 1u);
  EXPECT_TRUE(contains(html, "CPU profile of pool/get_put/malloc/size:256/threads:1"));
  EXPECT_TRUE(contains(html, "Bytes allocated by pool/get_put/malloc/size:256/threads:1"));

  EXPECT_EQ(count_of(html, kFlameCsp), 1u);
  EXPECT_FALSE(contains(html, kPlainCsp));
  EXPECT_EQ(count_of(html, "<script>"), 1u) << "the flame graph script is included once";
  EXPECT_EQ(count_of(html, std::string(flamegraph_script()).substr(0, 200)), 1u);
  EXPECT_EQ(count_of(html, ".pb-flame-chart {"), 1u) << "the flame graph CSS is included once";
  EXPECT_TRUE(contains(html, "its only script draws the flame graphs."));
}

TEST_F(HtmlReportProfilesTest, LinksAreRelative) {
  const std::string html = render();

  for (const char* href :
       {"href=\"profiles/1-malloc.html\"", "href=\"profiles/1-malloc.folded\"",
        "href=\"profiles/1-malloc.prof\"", "href=\"profiles/1-malloc.alloc.html\"",
        "href=\"profiles/1-malloc.alloc.folded\"", "href=\"profiles/1-malloc.heap\"",
        "href=\"profiles/2-free_list.html\"", "href=\"profiles/2-free_list.folded\"",
        "href=\"profiles/2-free_list.prof\""}) {
    EXPECT_TRUE(contains(html, href)) << href;
  }
  EXPECT_EQ(file_link_count(html), 9u);
  EXPECT_FALSE(contains(html, directory_.string())) << "an absolute path leaked into the page";
  for (const char* forbidden : {"https://", "src=", "<link", "<iframe", "url(", "@import"}) {
    EXPECT_FALSE(contains(html, forbidden)) << "found " << forbidden;
  }
  EXPECT_EQ(count_of(html, "http://"), count_of(html, "http://www.w3.org/2000/svg"))
      << "the only URL is the SVG namespace of the flame graph script";
}

TEST_F(HtmlReportProfilesTest, LinksEncodeFileNames) {
  // A ':' would start a URL scheme and a '#' a fragment. Spaces, quotes and '<' are invalid in
  // a URL.
  result_.benchmarks.front().cpu_profile->flamegraph = "javascript:alert(1)";
  result_.benchmarks.front().cpu_profile->prof = "profiles/a b#1\"<x>.prof";
  result_.benchmarks.front().cpu_profile->folded = "/tmp/absolute.folded";

  const std::string html = render();

  EXPECT_TRUE(contains(html, "href=\"javascript%3Aalert%281%29\""));
  EXPECT_TRUE(contains(html, "href=\"profiles/a%20b%231%22%3Cx%3E.prof\""));
  EXPECT_TRUE(contains(html, "title=\"profiles/a b#1&quot;&lt;x&gt;.prof\""));
  EXPECT_FALSE(contains(html, "href=\"/tmp/absolute.folded\""));
  EXPECT_TRUE(contains(html, "folded stacks <code>/tmp/absolute.folded</code> (not linked"));
  EXPECT_TRUE(contains(html, "profile path invalid: &apos;/tmp/absolute.folded&apos;"));
}

TEST_F(HtmlReportProfilesTest, AllocationSitesTable) {
  const std::string html = render();

  EXPECT_TRUE(contains(html, "Heap profile, 1 allocs/op and 256 bytes/op:"));
  EXPECT_TRUE(contains(html,
                       "<tr><td class=\"name\">make_connection()</td><td class=\"num\">0.75</td>"
                       "<td class=\"num\">192</td><td class=\"num\">75.0%</td></tr>"));
  EXPECT_TRUE(contains(html,
                       "<tr><td class=\"name\">Ledger::append(Entry const&amp;)</td>"
                       "<td class=\"num\">0.25</td><td class=\"num\">64</td>"
                       "<td class=\"num\">25.0%</td></tr>"));
  EXPECT_FALSE(contains(html, "functions with the most allocations per op"))
      << "two sites are not a cut list";
}

TEST_F(HtmlReportProfilesTest, EscapesHostileNames) {
  const std::string hostile_run = std::string("pool/get_put/") + kHostileName + "/size:256";
  for (BenchmarkRun& run : result_.benchmarks) {
    if (run.run_name == kFreeListRun) {
      run.run_name = hostile_run;
      run.name = hostile_run;
    }
    if (run.heap_profile) {
      run.heap_profile->sites.front().function = kHostileName;
    }
  }
  result_.comparisons.at(0).candidate_run_name = hostile_run;
  result_.comparisons.at(0).candidate = kHostileName;
  // Frame names with markup, a closing script tag and Mustache tags, in the graphs of both
  // instances and so in the diff.
  write("profiles/1-malloc.folded", std::string("main;") + kHostileName + " 5\nmain;{{name}} 5\n");
  write("profiles/2-free_list.folded",
        "main;</script><script>alert(1)</script> 3\nmain;{{{name}}} 2\n");

  const std::string html = render();

  EXPECT_TRUE(contains(html, "\\u003cimg src=x onerror=alert(1)\\u003e"))
      << "the frame name is in the graph's data, escaped";
  EXPECT_TRUE(contains(html, "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"));
  EXPECT_TRUE(contains(html, "\"{{name}}\"")) << "a frame name is not read as a Mustache tag";
  EXPECT_TRUE(contains(html, "\"{{{name}}}\""));
  EXPECT_FALSE(contains(html, "<img")) << "unescaped tag in output";
  EXPECT_FALSE(contains(html, "<script>alert")) << "unescaped script in output";
  EXPECT_EQ(count_of(html, "</script>"), 5u) << "one per graph's data and one for the script";
  // The instance heading, the CPU graph title, the allocation site, the diff title and summary.
  EXPECT_GE(count_of(html, kHostileNameEscaped), 5u);
  EXPECT_EQ(count_of(html, kFlameGraph), 4u) << "every graph still renders";
}

TEST_F(HtmlReportProfilesTest, MissingFoldedFileGivesMessage) {
  fs::remove(directory_ / "profiles/2-free_list.folded");

  const std::string html = render();

  // The entry of free_list and the diff, which needs its profile, both show the message.
  EXPECT_EQ(count_of(html, "profile file missing: profiles/2-free_list.folded"), 2u);
  EXPECT_EQ(count_of(html, kFlameGraph), 2u) << "malloc's CPU and allocation graphs remain";
  EXPECT_TRUE(contains(html, "href=\"profiles/2-free_list.html\""));
  EXPECT_TRUE(contains(html, "<h2>Machine and build</h2>"));
  EXPECT_EQ(count_of(html, kFlameCsp), 1u);
}

TEST_F(HtmlReportProfilesTest, InvalidFoldedFileGivesMessage) {
  write("profiles/1-malloc.alloc.folded", "main;make_connection many\n");
  fs::create_directory(directory_ / "profiles/dir.folded");
  result_.benchmarks.front().cpu_profile->folded = "profiles/dir.folded";

  const std::string html = render();

  EXPECT_TRUE(contains(html, "profile file invalid: profiles/1-malloc.alloc.folded: line 1"));
  EXPECT_TRUE(contains(html, "profile file unreadable: profiles/dir.folded: is a directory"));
  EXPECT_EQ(count_of(html, kFlameGraph), 1u) << "free_list's CPU graph remains";
}

TEST_F(HtmlReportProfilesTest, AllMissingMeansNoScript) {
  fs::remove_all(directory_ / "profiles");

  const std::string html = render();

  EXPECT_TRUE(contains(html, "<h2>Profiles</h2>"));
  // Three entries, and the diff names the first side that is missing.
  EXPECT_EQ(count_of(html, "profile file missing: "), 4u);
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_EQ(count_of(html, kPlainCsp), 1u);
}

TEST_F(HtmlReportProfilesTest, DiffForComparisonWithBothProfiles) {
  const std::string html = render();

  EXPECT_TRUE(contains(html, "<h3>Candidate vs baseline</h3>"));
  EXPECT_EQ(count_of(html, kDiffLegend), 1u);
  EXPECT_TRUE(contains(html, "Red marks a frame with a larger share of the candidate's"));
  EXPECT_TRUE(
      contains(html, "<summary>free_list vs malloc, pool/get_put size:256 threads:1: 0.32x"));
  EXPECT_TRUE(contains(html, "<span class=\"pb-flame-title\">free_list vs malloc</span>"));
  EXPECT_TRUE(contains(html, "base: " + std::string(kMallocRun) + ", other: " + kFreeListRun));
}

TEST_F(HtmlReportProfilesTest, NoDiffWithoutBothProfiles) {
  for (BenchmarkRun& run : result_.benchmarks) {
    if (run.run_name == kFreeListRun) {
      run.cpu_profile.reset();
    }
  }

  const std::string html = render();

  EXPECT_FALSE(contains(html, "Candidate vs baseline"));
  EXPECT_FALSE(contains(html, kDiffLegend));
  EXPECT_EQ(count_of(html, kFlameGraph), 2u);
}

TEST_F(HtmlReportProfilesTest, WithoutDirectoryOnlyLinks) {
  const std::string html = render_html_report(result_);

  EXPECT_TRUE(contains(html, "<h2>Profiles</h2>"));
  EXPECT_TRUE(contains(html, "rendered without the result's folder"));
  EXPECT_EQ(file_link_count(html), 9u);
  EXPECT_TRUE(contains(html, "<td class=\"num\">75.0%</td>"));
  EXPECT_FALSE(contains(html, kFlameGraph));
  EXPECT_FALSE(contains(html, "Candidate vs baseline"));
  EXPECT_FALSE(contains(html, "<script"));
  EXPECT_EQ(count_of(html, kPlainCsp), 1u);
}

}  // namespace
}  // namespace paybench::reports
