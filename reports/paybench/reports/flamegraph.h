// Flame graphs of folded stack samples: an interactive HTML page or fragment, or a static SVG,
// of one profile or of the difference between two.
#pragma once

#include <string>
#include <string_view>

#include "paybench/reports/folded_stacks.h"

namespace paybench::reports {

enum class FlameOutput {
  // A self-contained HTML page: inline CSS, inline JavaScript and the graph's data, no network
  // access (a Content-Security-Policy meta tag forbids loading anything).
  kHtmlPage,
  // The interactive graph alone, for a page that embeds several graphs: a <figure> without any
  // id attribute, so graphs cannot clash. The page must include flamegraph_css() in a <style>
  // and flamegraph_script() in a <script> element once, and its Content-Security-Policy must
  // allow inline scripts.
  kHtmlFragment,
  // A static SVG image: a <title> tooltip per frame, no script.
  kSvg,
};

struct FlameOptions {
  std::string title = "Flame graph";
  std::string subtitle;  // a line under the title, such as the input file; empty for none

  // Width of the graph in CSS pixels (SVG user units). The HTML graph scales to its container,
  // and its text with it.
  double width_px = 1200;

  // Frames narrower than this at full width are left out, with their callees, because they
  // cannot be seen or clicked. flamegraph.pl's default --minwidth is 0.1 too. Every total shown
  // still counts their samples, and the graph states how many frames were left out.
  double min_frame_width_px = 0.1;
  // What a count of the folded stacks is, in the singular and plural, for totals and tooltips:
  // samples of a CPU profile, or bytes of an allocation profile.
  std::string count_unit = "sample";
  std::string count_unit_plural = "samples";
};

// Renders the flame graph of `profile`. Frames sit on their caller, the root "all" at the
// bottom, callees ordered by name. A frame's width is its share of the samples, its callees
// included. The colour comes from a hash of the name, so a function keeps its colour across
// graphs.
//
// The HTML graph zooms into a frame on click and resets the zoom with a button. Its search box
// highlights the frames whose name contains the text and shows their share of all samples. A
// tooltip shows a frame's name, samples and share. Every frame name is escaped for the place it
// appears in. Invalid UTF-8 and control characters in names, title and subtitle are shown as
// U+FFFD.
//
// Throws std::invalid_argument when an option is not a finite number > 0 and std::logic_error
// when a built-in template fails to render, which is a bug in paybench.
std::string render_flamegraph(const FoldedProfile& profile, FlameOutput output,
                              const FlameOptions& options = {});

// Renders the differential flame graph of two profiles of the same program. Each frame of
// either profile appears. Its width is the mean of its shares of the samples in `base` and in
// `other`, so a frame that only one side has is still visible. Its colour is the change of its
// share from `base` to `other`: red when its share of `other` is larger, blue when smaller and
// grey when equal. The strongest colour marks the largest change in the graph. The tooltip
// shows both shares and the change in percentage points. Output forms, escaping and
// errors are as in render_flamegraph. A profile without samples counts as a share of 0 of
// every frame.
std::string render_diff(const FoldedProfile& base, const FoldedProfile& other,
                        FlameOutput output, const FlameOptions& options = {});

// CSS of the interactive graph, for pages that embed FlameOutput::kHtmlFragment.
std::string_view flamegraph_css();

// JavaScript of the interactive graph, for pages that embed FlameOutput::kHtmlFragment. It sets
// up every graph of the page once, after the document has loaded, and marks each one with
// the attribute data-flame-ready="true" (or data-flame-error="<message>" if it fails).
std::string_view flamegraph_script();

}  // namespace paybench::reports
