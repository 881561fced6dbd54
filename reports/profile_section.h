// The Profiles section of the HTML report. Each profiled benchmark instance gets links to its
// profile files, its CPU and allocation flame graphs and its allocation sites. Each comparison
// whose two sides have CPU profiles gets a differential flame graph.
#pragma once

#include <filesystem>
#include <optional>

#include <kainjow/mustache.hpp>

#include "paybench/reports/result.h"

namespace paybench::reports {

struct ProfileSection {
  // True when some run has a CPU or heap profile. The report shows the section only then.
  bool has_profiles = false;
  // True when `data` embeds an interactive flame graph, so the page must include
  // flamegraph_css() and flamegraph_script() and allow inline scripts.
  bool has_flame_graphs = false;
  // The values of templates/profile_section.html.mustache: strings and bools, in objects and
  // lists. The graph_html values are HTML that render_flamegraph() and render_diff() produced,
  // and the template inserts them unescaped.
  kainjow::mustache::data data;
};

// Builds the Profiles section of `result`. The profile paths in the result are relative to
// `result_directory`. Without a directory, the section links the files but embeds no flame
// graph. A folded file that is missing, unreadable or invalid gives its entry an error
// message and leaves the rest of the section intact.
//
// Throws std::logic_error when a built-in flame graph template fails to render, which is a bug
// in paybench.
ProfileSection build_profile_section(const Result& result,
                                     const std::optional<std::filesystem::path>& result_directory);

}  // namespace paybench::reports
