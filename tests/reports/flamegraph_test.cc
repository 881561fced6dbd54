// Flame graphs: the call tree, the layout, the differential tree, escaping of hostile frame
// names, and the real folded files of FlameGraph's test results.
#include "paybench/reports/flamegraph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "flame_layout.h"
#include "paybench/reports/flame_diff.h"
#include "paybench/reports/flame_tree.h"
#include "paybench/reports/folded_stacks.h"

namespace paybench::reports {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kCaseFiles = {
    "perf-vertx-stacks-01-collapsed-all.folded",
    "perf-java-stacks-01-collapsed-all.folded",
    "perf-rust-Yamakaky-dcpu-collapsed-all.folded",
    "perf-iperf-stacks-pidtid-01-collapsed-all.folded",
    "perf-js-stacks-01-collapsed-all.folded",
};

const std::vector<std::string> kHostileNames = {
    "<script>alert(1)</script>", "a&b", "\"quotes\"", "'single'", "operator<<",
    "std::vector<int*>", "</script><script>alert(2)</script>", "<!--", "]]>",
};

constexpr const char* kDataOpening = "<script type=\"application/json\" class=\"pb-flame-data\">";

FoldedProfile profile_of(const std::string& folded_text) {
  return parse_folded(folded_text, "test.folded");
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::string read_text(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// Returns the JSON document that an HTML graph hands to its script.
nlohmann::json layout_json_in(const std::string& html) {
  const std::size_t opening = html.find(kDataOpening);
  EXPECT_NE(opening, std::string::npos) << "no layout data in the output";
  if (opening == std::string::npos) {
    return {};
  }
  const std::size_t start = opening + std::string(kDataOpening).size();
  const std::size_t end = html.find("</script>", start);
  return nlohmann::json::parse(html.substr(start, end - start));
}

const FlameNode& child_named(const FlameNode& node, const std::string& name) {
  for (const FlameNode& child : node.children) {
    if (child.name == name) {
      return child;
    }
  }
  throw std::out_of_range("no child named " + name + " under " + node.name);
}

const DiffNode& child_named(const DiffNode& node, const std::string& name) {
  for (const DiffNode& child : node.children) {
    if (child.name == name) {
      return child;
    }
  }
  throw std::out_of_range("no child named " + name + " under " + node.name);
}

// Stacks with a duplicate line, a stack that ends where another continues, and two roots.
constexpr const char* kKnownStacks =
    "main;a;malloc 3\n"
    "main;b;malloc 1\n"
    "main;b 4\n"
    "main;a;malloc 2\n"
    "other 2\n";

TEST(FlameTree, TotalsOfKnownStacks) {
  const FlameNode root = build_flame_tree(profile_of(kKnownStacks));

  EXPECT_EQ(root.name, "all");
  EXPECT_EQ(root.total_samples, 12u);
  EXPECT_EQ(root.self_samples, 0u);
  const FlameNode& main = child_named(root, "main");
  EXPECT_EQ(main.total_samples, 10u);
  EXPECT_EQ(main.self_samples, 0u);
  EXPECT_EQ(child_named(main, "a").total_samples, 5u);
  EXPECT_EQ(child_named(child_named(main, "a"), "malloc").self_samples, 5u);
  EXPECT_EQ(child_named(main, "b").total_samples, 5u);
  EXPECT_EQ(child_named(main, "b").self_samples, 4u);
  EXPECT_EQ(child_named(child_named(main, "b"), "malloc").total_samples, 1u);
  EXPECT_EQ(child_named(root, "other").total_samples, 2u);
  EXPECT_EQ(count_flame_nodes(root), 7u);
}

TEST(FlameTree, ChildrenSortedByName) {
  const FlameNode root = build_flame_tree(profile_of("b 1\nB 1\na 1\nb;z 1\nb;y 1\n"));

  ASSERT_EQ(root.children.size(), 3u);
  EXPECT_EQ(root.children[0].name, "B");
  EXPECT_EQ(root.children[1].name, "a");
  EXPECT_EQ(root.children[2].name, "b");
  ASSERT_EQ(root.children[2].children.size(), 2u);
  EXPECT_EQ(root.children[2].children[0].name, "y");
  EXPECT_EQ(root.children[2].children[1].name, "z");
}

TEST(FlameTree, ZeroCountStackAddsNoFrame) {
  const FlameNode root = build_flame_tree(profile_of("main;used 3\nmain;unused 0\n"));

  EXPECT_EQ(root.total_samples, 3u);
  EXPECT_EQ(count_flame_nodes(root), 3u);
  EXPECT_THROW(child_named(child_named(root, "main"), "unused"), std::out_of_range);
}

TEST(FlameTree, EmptyProfileHasOnlyRoot) {
  const FlameNode root = build_flame_tree(FoldedProfile{});

  EXPECT_EQ(root.total_samples, 0u);
  EXPECT_TRUE(root.children.empty());
}

TEST(FlameLayout, PositionsOfKnownStacks) {
  const FlameLayout layout = layout_flame_graph(build_flame_tree(profile_of(kKnownStacks)), {});

  struct Expected {
    std::string name;
    int depth;
    double start;
    double width;
  };
  // Pre-order: each frame before its callees, callees left to right by name.
  const std::vector<Expected> expected = {
      {"all", 0, 0, 12},   {"main", 1, 0, 10},   {"a", 2, 0, 5},     {"malloc", 3, 0, 5},
      {"b", 2, 5, 5},      {"malloc", 3, 5, 1},  {"other", 1, 10, 2},
  };
  ASSERT_EQ(layout.frames.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(layout.frames[i].name, expected[i].name);
    EXPECT_EQ(layout.frames[i].depth, expected[i].depth);
    EXPECT_EQ(layout.frames[i].start, expected[i].start);
    EXPECT_EQ(layout.frames[i].width, expected[i].width);
  }
  EXPECT_EQ(layout.root_width, 12);
  EXPECT_EQ(layout.total_samples, 12u);
  EXPECT_EQ(layout.max_depth, 3);
  EXPECT_EQ(layout.omitted_frames, 0u);
}

TEST(FlameLayout, SameNameSameColor) {
  const FlameLayout layout = layout_flame_graph(build_flame_tree(profile_of(kKnownStacks)), {});

  EXPECT_EQ(layout.frames[3].color, layout.frames[5].color);  // both malloc
  EXPECT_EQ(layout.frames[3].color, frame_color("malloc"));
  EXPECT_NE(frame_color("malloc"), frame_color("free"));
}

TEST(FlameLayout, OmitsNarrowFramesKeepsTotals) {
  // At 1200 px, 1 sample of 100,000 is 0.012 px wide, under the 0.1 px threshold.
  const FoldedProfile profile = profile_of("main;big 99999\nmain;tiny;deeper 1\n");
  const FlameLayout layout = layout_flame_graph(build_flame_tree(profile), {});

  EXPECT_EQ(layout.omitted_frames, 2u);
  ASSERT_EQ(layout.frames.size(), 3u);
  EXPECT_EQ(layout.frames[0].samples, 100000u);
  EXPECT_EQ(layout.frames[1].samples, 100000u);
  EXPECT_EQ(layout.frames[2].name, "big");

  const std::string html = render_flamegraph(profile, FlameOutput::kHtmlPage);
  EXPECT_TRUE(contains(html, "Total: 100,000 samples."));
  EXPECT_TRUE(contains(html, "2 frames narrower than 0.1 px are not drawn"));
  EXPECT_EQ(layout_json_in(html)["totalSamples"], 100000u);
}

TEST(FlameLayout, ThresholdZeroKeepsEveryFrame) {
  const FoldedProfile profile = profile_of("main;big 99999\nmain;tiny;deeper 1\n");
  FlameOptions options;
  options.min_frame_width_px = 0;
  const FlameLayout layout = layout_flame_graph(build_flame_tree(profile), options);

  EXPECT_EQ(layout.omitted_frames, 0u);
  EXPECT_EQ(layout.frames.size(), 5u);
}

TEST(FlameLayout, DisplayableTextReplacesInvalid) {
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(displayable_text("plain::name<int>"), "plain::name<int>");
  EXPECT_EQ(displayable_text("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\xA5"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\xA5");
  EXPECT_EQ(displayable_text("bad\xFFz"), "bad" + replacement + "z");
  EXPECT_EQ(displayable_text("cut\xE2\x82"), "cut" + replacement + replacement);
  EXPECT_EQ(displayable_text("overlong\xC0\xAF"), "overlong" + replacement + replacement);
  EXPECT_EQ(displayable_text("surrogate\xED\xA0\x80"),
            "surrogate" + replacement + replacement + replacement);
  EXPECT_EQ(displayable_text(std::string("tab\tnul\0bell\x07", 13)),
            "tab" + replacement + "nul" + replacement + "bell" + replacement);
  EXPECT_EQ(displayable_text("c1\xC2\x85"), "c1" + replacement);
}

TEST(FlameLayout, JsonHasNoMarkupCharacters) {
  const FlameLayout layout =
      layout_flame_graph(build_flame_tree(profile_of("</script><!--&a 1\n")), {});
  const std::string json = flame_layout_json(layout);

  EXPECT_FALSE(contains(json, "<"));
  EXPECT_FALSE(contains(json, ">"));
  EXPECT_FALSE(contains(json, "&"));
  EXPECT_EQ(nlohmann::json::parse(json)["names"][1], "</script><!--&a");
}

TEST(FlameGraph, EscapesHostileNames) {
  std::string hostile_text;
  std::string benign_text;
  for (std::size_t i = 0; i < kHostileNames.size(); ++i) {
    hostile_text += "main;" + kHostileNames[i] + ";leaf " + std::to_string(i + 1) + "\n";
    benign_text += "main;frame" + std::to_string(i) + ";leaf " + std::to_string(i + 1) + "\n";
  }
  FlameOptions hostile_options;
  hostile_options.title = "<script>alert(3)</script>";
  hostile_options.subtitle = "a&b \"quotes\"";

  for (const FlameOutput output :
       {FlameOutput::kHtmlPage, FlameOutput::kHtmlFragment, FlameOutput::kSvg}) {
    SCOPED_TRACE(static_cast<int>(output));
    const std::string hostile =
        render_flamegraph(profile_of(hostile_text), output, hostile_options);
    const std::string benign = render_flamegraph(profile_of(benign_text), output);

    // Only the output's own script elements may open a script.
    EXPECT_EQ(count_of(hostile, "<script"), count_of(benign, "<script"));
    EXPECT_FALSE(contains(hostile, "<script>alert"));
    EXPECT_FALSE(contains(hostile, "alert(1)</script>"));
    EXPECT_FALSE(contains(hostile, "<!--"));
    EXPECT_FALSE(contains(hostile, "operator<<"));
    EXPECT_FALSE(contains(hostile, "vector<int*>"));
    EXPECT_FALSE(contains(hostile, "a&b"));
    EXPECT_FALSE(contains(hostile, "\"quotes\""));
    EXPECT_TRUE(contains(hostile, "&lt;script&gt;alert(3)&lt;/script&gt;"));
  }
}

TEST(FlameGraph, SvgEscapesNamesAsEntities) {
  std::string text;
  for (const std::string& name : kHostileNames) {
    text += name + " 1\n";
  }
  const std::string svg = render_flamegraph(profile_of(text), FlameOutput::kSvg);

  EXPECT_TRUE(contains(svg, "&lt;script&gt;alert(1)&lt;/script&gt; (1 sample"));
  EXPECT_TRUE(contains(svg, "a&amp;b (1 sample"));
  EXPECT_TRUE(contains(svg, "&quot;quotes&quot; (1 sample"));
  EXPECT_TRUE(contains(svg, "&apos;single&apos; (1 sample"));
  EXPECT_TRUE(contains(svg, "operator&lt;&lt; (1 sample"));
  EXPECT_TRUE(contains(svg, "std::vector&lt;int*&gt; (1 sample"));
  EXPECT_TRUE(contains(svg, "]]&gt; (1 sample"));
}

TEST(FlameGraph, HtmlDataKeepsExactNames) {
  std::string text;
  for (const std::string& name : kHostileNames) {
    text += "main;" + name + " 1\n";
  }
  const nlohmann::json data = layout_json_in(
      render_flamegraph(profile_of(text), FlameOutput::kHtmlFragment));

  std::vector<std::string> names = data["names"].get<std::vector<std::string>>();
  for (const std::string& name : kHostileNames) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

TEST(FlameGraph, FragmentHasNoIds) {
  const std::string fragment =
      render_flamegraph(profile_of(kKnownStacks), FlameOutput::kHtmlFragment);

  EXPECT_FALSE(contains(fragment, " id=")) << "an id would clash between graphs on one page";
  EXPECT_FALSE(contains(fragment, "<html"));
  EXPECT_FALSE(contains(fragment, flamegraph_script()));
  EXPECT_EQ(count_of(fragment, "<figure class=\"pb-flame\">"), 1u);
}

TEST(FlameGraph, PageIsSelfContained) {
  const std::string page = render_flamegraph(profile_of(kKnownStacks), FlameOutput::kHtmlPage);

  EXPECT_TRUE(contains(page, flamegraph_script()));
  EXPECT_TRUE(contains(page, flamegraph_css()));
  EXPECT_TRUE(contains(page, "default-src 'none'"));
  EXPECT_FALSE(contains(page, " src="));
  EXPECT_FALSE(contains(page, " href="));
  EXPECT_FALSE(contains(page, "<link"));
  EXPECT_FALSE(contains(page, "https://"));
  EXPECT_FALSE(contains(page, " id="));
}

TEST(FlameGraph, TitleControlCharactersReplaced) {
  FlameOptions options;
  options.title = "title\x01\xFF";
  options.subtitle = "sub\x1B[31m";
  const std::string svg =
      render_flamegraph(profile_of("bad\x02name 1\n"), FlameOutput::kSvg, options);

  EXPECT_FALSE(contains(svg, "\x01"));
  EXPECT_FALSE(contains(svg, "\x02"));
  EXPECT_FALSE(contains(svg, "\x1B"));
  EXPECT_FALSE(contains(svg, "\xFF"));
  EXPECT_TRUE(contains(svg, "<title>title\xEF\xBF\xBD\xEF\xBF\xBD</title>"));
  EXPECT_TRUE(contains(svg, "sub\xEF\xBF\xBD[31m"));
  EXPECT_TRUE(contains(svg, "bad\xEF\xBF\xBDname (1 sample, 100.00%)"));
}

TEST(FlameGraph, SvgTooltipsAndLabels) {
  // At 1200 px, the long name has 1 of 20 samples, so it is 60 px wide: room for 7 characters.
  const std::string svg = render_flamegraph(
      profile_of("short 19\nalongfunctionname 1\n"), FlameOutput::kSvg);

  EXPECT_TRUE(contains(svg, "<title>short (19 samples, 95.00%)</title>"));
  EXPECT_TRUE(contains(svg, "<title>alongfunctionname (1 sample, 5.00%)</title>"));
  EXPECT_TRUE(contains(svg, ">along..</text>"));
  EXPECT_TRUE(contains(svg, ">short</text>"));
  EXPECT_FALSE(contains(svg, "<script"));
}

TEST(FlameGraph, EmptyProfileRendersRootOnly) {
  for (const FlameOutput output :
       {FlameOutput::kHtmlPage, FlameOutput::kHtmlFragment, FlameOutput::kSvg}) {
    SCOPED_TRACE(static_cast<int>(output));
    const std::string text = render_flamegraph(FoldedProfile{}, output);
    EXPECT_TRUE(contains(text, "Total: 0 samples."));
  }
}

TEST(FlameGraph, RejectsInvalidOptions) {
  const FoldedProfile profile = profile_of(kKnownStacks);
  for (const double width_px : {0.0, -5.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    FlameOptions options;
    options.width_px = width_px;
    EXPECT_THROW(render_flamegraph(profile, FlameOutput::kSvg, options), std::invalid_argument)
        << width_px;
  }
  FlameOptions options;
  options.min_frame_width_px = -0.1;
  EXPECT_THROW(render_diff(profile, profile, FlameOutput::kSvg, options), std::invalid_argument);
}

// Base: 20 samples, other: 10. Frame "old" only in base, "c" only in other.
constexpr const char* kDiffBase = "main;a 6\nmain;b 4\nold 10\n";
constexpr const char* kDiffOther = "main;a 2\nmain;b 6\nmain;c 2\n";

TEST(FlameDiff, SharesAndChangesOfKnownProfiles) {
  const DiffNode root = build_diff_tree(profile_of(kDiffBase), profile_of(kDiffOther));

  EXPECT_EQ(root.base_samples, 20u);
  EXPECT_EQ(root.other_samples, 10u);
  EXPECT_DOUBLE_EQ(share_change(root, root), 0.0);

  const DiffNode& main = child_named(root, "main");
  EXPECT_EQ(main.base_samples, 10u);
  EXPECT_EQ(main.other_samples, 10u);
  EXPECT_DOUBLE_EQ(share_change(main, root), 0.5);

  struct Expected {
    std::string name;
    std::uint64_t base_samples;
    std::uint64_t other_samples;
    double change;
  };
  for (const Expected& expected : std::vector<Expected>{
           {"a", 6, 2, -0.1}, {"b", 4, 6, 0.4}, {"c", 0, 2, 0.2}}) {
    SCOPED_TRACE(expected.name);
    const DiffNode& node = child_named(main, expected.name);
    EXPECT_EQ(node.base_samples, expected.base_samples);
    EXPECT_EQ(node.other_samples, expected.other_samples);
    EXPECT_NEAR(share_change(node, root), expected.change, 1e-12);
  }

  const DiffNode& old = child_named(root, "old");
  EXPECT_EQ(old.base_samples, 10u);
  EXPECT_EQ(old.other_samples, 0u);
  EXPECT_DOUBLE_EQ(share_change(old, root), -0.5);
}

TEST(FlameDiff, LayoutWidthsAndColors) {
  const FlameLayout layout = layout_diff_graph(
      build_diff_tree(profile_of(kDiffBase), profile_of(kDiffOther)), {});

  // Pre-order: all, main, a, b, c, old. Width: the mean of the two shares.
  ASSERT_EQ(layout.frames.size(), 6u);
  const std::vector<double> widths = {1.0, 0.75, 0.25, 0.4, 0.1, 0.25};
  for (std::size_t i = 0; i < widths.size(); ++i) {
    SCOPED_TRACE(layout.frames[i].name);
    EXPECT_NEAR(layout.frames[i].width, widths[i], 1e-12);
  }
  EXPECT_NEAR(layout.frames[5].start, 0.75, 1e-12);
  EXPECT_DOUBLE_EQ(layout.max_abs_share_change, 0.5);

  EXPECT_EQ(layout.frames[0].color, share_change_color(0, 0.5));      // all: no change
  EXPECT_EQ(layout.frames[1].color, "#ff3232");                       // main: +0.5, strongest
  EXPECT_EQ(layout.frames[5].color, "#3232ff");                       // old: -0.5, strongest
  EXPECT_EQ(layout.frames[3].color, share_change_color(0.4, 0.5));    // b: red
  EXPECT_EQ(layout.frames[3].color.substr(0, 3), "#ff");
  EXPECT_EQ(layout.frames[2].color.substr(5, 2), "ff");               // a: blue
  EXPECT_EQ(share_change_color(0, 0.5), "#dcdcdc");
}

TEST(FlameDiff, TooltipsShowSharesAndChange) {
  const std::string svg =
      render_diff(profile_of(kDiffBase), profile_of(kDiffOther), FlameOutput::kSvg);

  EXPECT_TRUE(contains(svg,
                       "<title>b: base 4 samples (20.00%), other 6 samples (60.00%), change "
                       "+40.00 percentage points</title>"));
  EXPECT_TRUE(contains(svg,
                       "<title>c: base 0 samples (0.00%), other 2 samples (20.00%), change "
                       "+20.00 percentage points</title>"));
  EXPECT_TRUE(contains(svg,
                       "<title>old: base 10 samples (50.00%), other 0 samples (0.00%), change "
                       "-50.00 percentage points</title>"));
  EXPECT_TRUE(contains(svg, "Base: 20 samples. Other: 10 samples."));
  EXPECT_TRUE(contains(svg, "The strongest colour is a change of 50.00 percentage points."));
}

TEST(FlameDiff, HtmlCarriesBothSampleCounts) {
  const nlohmann::json data = layout_json_in(
      render_diff(profile_of(kDiffBase), profile_of(kDiffOther), FlameOutput::kHtmlPage));

  EXPECT_EQ(data["kind"], "diff");
  EXPECT_EQ(data["totalSamples"], 10u);
  EXPECT_EQ(data["baseTotalSamples"], 20u);
  // [name, depth, start, width, color, other samples, base samples] of "b".
  const nlohmann::json& b = data["frames"][3];
  EXPECT_EQ(data["names"][b[0].get<std::size_t>()], "b");
  EXPECT_EQ(b[5], 6u);
  EXPECT_EQ(b[6], 4u);
}

TEST(FlameDiff, EmptySideCountsAsZeroShare) {
  const DiffNode root = build_diff_tree(FoldedProfile{}, profile_of(kDiffOther));
  const FlameLayout layout = layout_diff_graph(root, {});

  EXPECT_DOUBLE_EQ(share_change(child_named(root, "main"), root), 1.0);
  EXPECT_NEAR(layout.frames[1].width, 1.0, 1e-12);  // main: the mean over the side with samples
}

class FlameGraphRealFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_directory(PAYBENCH_FLAMEGRAPH_CASES_DIR)) {
      GTEST_SKIP() << "the folded stack files are not at " << PAYBENCH_FLAMEGRAPH_CASES_DIR
                   << "; set the CMake variable PAYBENCH_FLAMEGRAPH_CASES_DIR to their folder";
    }
  }
};

TEST_F(FlameGraphRealFiles, OutputsShowTotalSamples) {
  for (const std::string& name : kCaseFiles) {
    SCOPED_TRACE(name);
    const FoldedProfile profile =
        parse_folded(read_text(fs::path(PAYBENCH_FLAMEGRAPH_CASES_DIR) / name), name);
    const std::string total_text = "Total: " + format_samples(profile.total()) + ".";

    const std::string page = render_flamegraph(profile, FlameOutput::kHtmlPage);
    EXPECT_TRUE(contains(page, total_text));
    const nlohmann::json data = layout_json_in(page);
    EXPECT_EQ(data["totalSamples"], profile.total());
    EXPECT_EQ(data["frames"][0][5], profile.total());
    EXPECT_EQ(data["frames"].size(), count_flame_nodes(build_flame_tree(profile)));

    EXPECT_TRUE(contains(render_flamegraph(profile, FlameOutput::kSvg), total_text));
    EXPECT_TRUE(contains(render_flamegraph(profile, FlameOutput::kHtmlFragment), total_text));
  }
}

TEST_F(FlameGraphRealFiles, RustFileTotal) {
  // Counted independently: the sum of the last field of the file's 45 lines.
  const std::string name = "perf-rust-Yamakaky-dcpu-collapsed-all.folded";
  const FoldedProfile profile =
      parse_folded(read_text(fs::path(PAYBENCH_FLAMEGRAPH_CASES_DIR) / name), name);

  EXPECT_TRUE(contains(render_flamegraph(profile, FlameOutput::kSvg),
                       "Total: 6,850,637 samples."));
}

TEST_F(FlameGraphRealFiles, DiffOfFileWithItselfIsGrey) {
  const std::string name = "perf-vertx-stacks-01-collapsed-all.folded";
  const FoldedProfile profile =
      parse_folded(read_text(fs::path(PAYBENCH_FLAMEGRAPH_CASES_DIR) / name), name);
  const FlameLayout layout = layout_diff_graph(build_diff_tree(profile, profile), {});

  EXPECT_EQ(layout.max_abs_share_change, 0.0);
  for (const FlameFrame& frame : layout.frames) {
    EXPECT_EQ(frame.color, "#dcdcdc") << frame.name;
    EXPECT_EQ(frame.samples, frame.base_samples) << frame.name;
  }
}

}  // namespace
}  // namespace paybench::reports
