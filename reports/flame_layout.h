// Positions, colours and names of the frames that a flame graph draws. The HTML renderer hands
// the layout to its script as JSON, the SVG renderer draws it directly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "paybench/reports/flame_diff.h"
#include "paybench/reports/flame_tree.h"
#include "paybench/reports/flamegraph.h"

namespace paybench::reports {

struct FlameFrame {
  std::string name;  // as displayable_text returns it
  int depth = 0;     // the root is 0
  double start = 0;  // left edge, in layout units (see FlameLayout::root_width)
  double width = 0;
  std::string color;               // "#rrggbb"
  std::uint64_t samples = 0;       // including callees; of `other` in a diff
  std::uint64_t base_samples = 0;  // including callees, of `base`; diffs only
};

struct FlameLayout {
  bool is_diff = false;
  // Width of the root in layout units: its samples for one profile, so that every position is
  // an exact integer, and 1 for a diff, where widths are shares.
  double root_width = 0;
  std::uint64_t total_samples = 0;       // of the profile, or of `other` in a diff
  std::uint64_t base_total_samples = 0;  // diffs only
  double max_abs_share_change = 0;       // diffs only: the change drawn in the strongest colour
  int max_depth = 0;
  std::vector<FlameFrame> frames;  // in pre-order: the root first, each frame before its callees
  std::size_t omitted_frames = 0;  // frames narrower than the threshold, callees included
  double width_px = 0;
  double min_frame_width_px = 0;
  std::string count_unit;         // as FlameOptions::count_unit
  std::string count_unit_plural;  // as FlameOptions::count_unit_plural

  // Returns `count` with thousands separators and the unit: "1,234 samples".
  std::string format_count(std::uint64_t count) const;
};

FlameLayout layout_flame_graph(const FlameNode& root, const FlameOptions& options);
FlameLayout layout_diff_graph(const DiffNode& root, const FlameOptions& options);

// Returns `text` with each invalid UTF-8 sequence, each control character and each code point
// that XML 1.0 forbids replaced by U+FFFD, so that it can go into JSON, HTML and SVG as text.
std::string displayable_text(std::string_view text);

// Returns the colour of a frame of one profile: a warm colour from a hash of the name, like
// flamegraph.pl's "hot" palette, so a function has the same colour in every graph.
std::string frame_color(std::string_view name);

// Returns the colour of a diff frame: red for a positive change of share, blue for a negative
// one, stronger the closer |change| is to max_abs_change, and grey for no change.
std::string share_change_color(double change, double max_abs_change);

// Returns the layout as the JSON document that flamegraph.js reads. The characters < > & are
// written as \u003c \u003e \u0026, so the text can sit inside a <script> element unescaped.
std::string flame_layout_json(const FlameLayout& layout);

// Formats a count with thousands separators: 6850637 reads "6,850,637".
std::string format_thousands(std::uint64_t count);

// Formats a sample count with its noun: "6,850,637 samples", "1 sample".
std::string format_samples(std::uint64_t samples);

// Formats a share as a percentage with two decimals: 0.12345 reads "12.35%".
std::string format_share(double share);

// Formats a change of share in percentage points with its sign: 0.0321 reads "+3.21".
std::string format_share_change(double change);

}  // namespace paybench::reports
