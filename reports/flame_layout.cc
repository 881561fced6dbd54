#include "flame_layout.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "utf8.h"

namespace paybench::reports {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// Code points shown as U+FFFD: C0 and C1 control characters (tab and newline included, since a
// frame label is one line) and the two that XML 1.0 forbids outright.
bool is_hidden_code_point(char32_t code_point) {
  const bool is_control = code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F);
  const bool is_xml_forbidden = code_point == 0xFFFE || code_point == 0xFFFF;
  return is_control || is_xml_forbidden;
}

// 64-bit FNV-1a: a fixed, documented hash, so colours stay the same across versions and
// platforms (std::hash promises neither).
std::uint64_t fnv1a_hash(std::string_view text) {
  constexpr std::uint64_t kOffsetBasis = 14695981039346656037ULL;
  constexpr std::uint64_t kPrime = 1099511628211ULL;
  std::uint64_t hash = kOffsetBasis;
  for (const char byte : text) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= kPrime;
  }
  return hash;
}

std::string rgb_hex(int red, int green, int blue) {
  return fmt::format("#{:02x}{:02x}{:02x}", red, green, blue);
}

// Rounds to 9 significant digits, which keeps the JSON short. At the default threshold the
// narrowest frame is 1/12,000 of the root, and zoomed into it, the rounding moves an edge by
// less than 0.01 px.
double round_for_json(double value) { return std::stod(fmt::format("{:.9g}", value)); }

class Layouter {
 public:
  explicit Layouter(FlameLayout& layout) : layout_(layout) {}

  // Appends `node` and its callees, drawn from `start`, unless the node is too narrow.
  template <typename Node, typename WidthOf, typename FrameOf>
  void add(const Node& node, int depth, double start, const WidthOf& width_of,
           const FrameOf& frame_of) {
    const double width = depth == 0 ? layout_.root_width : width_of(node);
    const double width_px = width / layout_.root_width * layout_.width_px;
    if (depth > 0 && width_px < layout_.min_frame_width_px) {
      layout_.omitted_frames += count_nodes(node);
      return;
    }

    FlameFrame frame = frame_of(node);
    frame.name = displayable_text(node.name);
    frame.depth = depth;
    frame.start = start;
    frame.width = width;
    layout_.frames.push_back(std::move(frame));
    layout_.max_depth = std::max(layout_.max_depth, depth);

    // Callees sit side by side from the caller's left edge. The frame's self samples are the
    // gap that remains on its right.
    double child_start = start;
    for (const Node& child : node.children) {
      add(child, depth + 1, child_start, width_of, frame_of);
      child_start += width_of(child);
    }
  }

 private:
  template <typename Node>
  static std::size_t count_nodes(const Node& node) {
    std::size_t count = 1;
    for (const Node& child : node.children) {
      count += count_nodes(child);
    }
    return count;
  }

  FlameLayout& layout_;
};

FlameLayout empty_layout(const FlameOptions& options) {
  FlameLayout layout;
  layout.width_px = options.width_px;
  layout.min_frame_width_px = options.min_frame_width_px;
  layout.count_unit = options.count_unit;
  layout.count_unit_plural = options.count_unit_plural;
  return layout;
}

}  // namespace

std::string displayable_text(std::string_view text) {
  std::string displayable;
  displayable.reserve(text.size());
  std::size_t at = 0;
  while (at < text.size()) {
    char32_t code_point = 0;
    const std::size_t length = decode_utf8(text.substr(at), code_point);
    if (length == 0) {
      displayable += kReplacementCharacter;
      ++at;
      continue;
    }
    if (is_hidden_code_point(code_point)) {
      displayable += kReplacementCharacter;
    } else {
      displayable += text.substr(at, length);
    }
    at += length;
  }
  return displayable;
}

std::string frame_color(std::string_view name) {
  // Three independent bytes of the hash pick red in 205-255, green in 0-230 and blue in 0-55,
  // the ranges of flamegraph.pl's "hot" palette.
  const std::uint64_t hash = fnv1a_hash(name);
  const auto fraction = [hash](int shift) {
    return static_cast<double>((hash >> shift) & 0xFF) / 255.0;
  };
  return rgb_hex(205 + static_cast<int>(std::lround(50 * fraction(0))),
                 static_cast<int>(std::lround(230 * fraction(8))),
                 static_cast<int>(std::lround(55 * fraction(16))));
}

std::string share_change_color(double change, double max_abs_change) {
  constexpr int kNeutralLevel = 220;  // light grey, and the pale end of red and blue
  constexpr int kStrongestLevel = 50;
  if (change == 0 || !(max_abs_change > 0)) {
    return rgb_hex(kNeutralLevel, kNeutralLevel, kNeutralLevel);
  }

  const double strength = std::min(1.0, std::fabs(change) / max_abs_change);
  const int level = static_cast<int>(
      std::lround(kNeutralLevel - (kNeutralLevel - kStrongestLevel) * strength));
  return change > 0 ? rgb_hex(255, level, level) : rgb_hex(level, level, 255);
}

FlameLayout layout_flame_graph(const FlameNode& root, const FlameOptions& options) {
  FlameLayout layout = empty_layout(options);
  layout.total_samples = root.total_samples;
  // An empty profile still draws its root, across the full width.
  layout.root_width = root.total_samples > 0 ? static_cast<double>(root.total_samples) : 1.0;

  const auto width_of = [](const FlameNode& node) {
    return static_cast<double>(node.total_samples);
  };
  const auto frame_of = [](const FlameNode& node) {
    return FlameFrame{.color = frame_color(node.name), .samples = node.total_samples};
  };
  Layouter(layout).add(root, 0, 0.0, width_of, frame_of);
  return layout;
}

FlameLayout layout_diff_graph(const DiffNode& root, const FlameOptions& options) {
  FlameLayout layout = empty_layout(options);
  layout.is_diff = true;
  layout.root_width = 1;
  layout.total_samples = root.other_samples;
  layout.base_total_samples = root.base_samples;

  // The width is the mean share over the profiles that have samples, so the root is 1 even
  // when one profile is empty, and callees never stick out of their caller.
  const int profiles_with_samples =
      (root.base_samples > 0 ? 1 : 0) + (root.other_samples > 0 ? 1 : 0);
  const auto width_of = [&](const DiffNode& node) {
    if (profiles_with_samples == 0) {
      return 0.0;
    }
    const double share_sum = sample_share(node.base_samples, root.base_samples) +
                             sample_share(node.other_samples, root.other_samples);
    return share_sum / profiles_with_samples;
  };
  const auto frame_of = [](const DiffNode& node) {
    return FlameFrame{.samples = node.other_samples, .base_samples = node.base_samples};
  };
  Layouter(layout).add(root, 0, 0.0, width_of, frame_of);

  // Colours come last because their scale is the largest change among the drawn frames.
  std::vector<double> changes;
  changes.reserve(layout.frames.size());
  for (const FlameFrame& frame : layout.frames) {
    const double change = sample_share(frame.samples, root.other_samples) -
                          sample_share(frame.base_samples, root.base_samples);
    changes.push_back(change);
    layout.max_abs_share_change = std::max(layout.max_abs_share_change, std::fabs(change));
  }
  for (std::size_t i = 0; i < layout.frames.size(); ++i) {
    layout.frames[i].color = share_change_color(changes[i], layout.max_abs_share_change);
  }
  return layout;
}

std::string flame_layout_json(const FlameLayout& layout) {
  using Json = nlohmann::json;

  // Names and colours repeat across frames, so frames refer to them by index.
  Json names = Json::array();
  Json colors = Json::array();
  std::unordered_map<std::string_view, std::size_t> name_index;
  std::unordered_map<std::string_view, std::size_t> color_index;
  const auto index_of = [](std::unordered_map<std::string_view, std::size_t>& index, Json& table,
                           const std::string& text) {
    const auto [it, inserted] = index.try_emplace(text, table.size());
    if (inserted) {
      table.push_back(text);
    }
    return it->second;
  };

  // A frame is [name, depth, start, width, color, samples] and a diff frame adds base_samples.
  // One profile's positions are whole samples, so they are written as integers.
  Json frames = Json::array();
  for (const FlameFrame& frame : layout.frames) {
    Json item = Json::array();
    item.push_back(index_of(name_index, names, frame.name));
    item.push_back(frame.depth);
    if (layout.is_diff) {
      item.push_back(round_for_json(frame.start));
      item.push_back(round_for_json(frame.width));
    } else {
      item.push_back(static_cast<std::uint64_t>(frame.start));
      item.push_back(static_cast<std::uint64_t>(frame.width));
    }
    item.push_back(index_of(color_index, colors, frame.color));
    item.push_back(frame.samples);
    if (layout.is_diff) {
      item.push_back(frame.base_samples);
    }
    frames.push_back(std::move(item));
  }

  const Json document = {
      {"kind", layout.is_diff ? "diff" : "profile"},
      {"rootWidth", layout.root_width},
      {"totalSamples", layout.total_samples},
      {"unit", {displayable_text(layout.count_unit), displayable_text(layout.count_unit_plural)}},
      {"baseTotalSamples", layout.base_total_samples},
      {"maxAbsShareChange", layout.max_abs_share_change},
      {"maxDepth", layout.max_depth},
      {"widthPx", layout.width_px},
      {"names", std::move(names)},
      {"colors", std::move(colors)},
      {"frames", std::move(frames)},
  };

  // In JSON these three characters occur only inside strings, where the \u escape means the
  // same, so the document is unchanged for JSON.parse. No "</script" or "<!--" can remain.
  const std::string text = document.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '<':
        escaped += "\\u003c";
        break;
      case '>':
        escaped += "\\u003e";
        break;
      case '&':
        escaped += "\\u0026";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string format_thousands(std::uint64_t count) {
  const std::string digits = std::to_string(count);
  std::string text;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    const std::size_t digits_left = digits.size() - i;
    if (i > 0 && digits_left % 3 == 0) {
      text += ',';
    }
    text += digits[i];
  }
  return text;
}

std::string FlameLayout::format_count(std::uint64_t count) const {
  return format_thousands(count) + " " + (count == 1 ? count_unit : count_unit_plural);
}

std::string format_samples(std::uint64_t samples) {
  return format_thousands(samples) + (samples == 1 ? " sample" : " samples");
}

std::string format_share(double share) { return fmt::format("{:.2f}%", share * 100); }

std::string format_share_change(double change) { return fmt::format("{:+.2f}", change * 100); }

}  // namespace paybench::reports
