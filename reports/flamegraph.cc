#include "mustache_template.h"
#include "paybench/reports/flamegraph.h"

#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <kainjow/mustache.hpp>

#include "embedded_files.h"
#include "flame_layout.h"
#include "paybench/reports/flame_diff.h"
#include "paybench/reports/flame_tree.h"

namespace paybench::reports {
namespace {

namespace mustache = kainjow::mustache;

// Every value handed to the templates is a string or a bool, so kainjow escapes & < > " ' in
// {{name}} tags. The one {{{name}}} tag, layout_json in the fragment, gets JSON in which
// flame_layout_json has escaped < > & already.
using Data = mustache::data;

// Geometry of the static SVG in user units. flamegraph.js draws frames with the same values.
constexpr double kFrameHeight = 16;
constexpr double kFrameGap = 1;
constexpr double kTextBaseline = 12;  // below the top edge of a frame
constexpr double kCharWidth = 7.2;    // 0.6 em of the 12px monospace font
constexpr double kLabelPadding = 3;
constexpr std::size_t kMinLabelChars = 3;
constexpr double kMargin = 10;
constexpr double kTitleBaseline = 26;
constexpr double kCaptionLineHeight = 18;
constexpr double kCaptionsToGraph = 12;

constexpr const char* kSvgStyle =
    "<style>\n"
    "text { font-family: \"DejaVu Sans Mono\", monospace; font-size: 12px; fill: #000000; }\n"
    "text.heading { font-family: sans-serif; font-size: 17px; }\n"
    "text.caption { font-family: sans-serif; font-size: 12px; fill: #59636e; }\n"
    "rect.frame { stroke: #ffffff; stroke-width: 0.5; }\n"
    "</style>\n";

void validate_options(const FlameOptions& options) {
  if (!std::isfinite(options.width_px) || options.width_px <= 0) {
    throw std::invalid_argument(fmt::format(
        "invalid flame graph width_px {}: expected a finite number of pixels > 0, such as 1200",
        options.width_px));
  }
  if (!std::isfinite(options.min_frame_width_px) || options.min_frame_width_px < 0) {
    throw std::invalid_argument(fmt::format(
        "invalid flame graph min_frame_width_px {}: expected a finite number of pixels >= 0, "
        "such as 0.1",
        options.min_frame_width_px));
  }
}

std::string coordinate(double value) { return fmt::format("{:.2f}", value); }

std::string summary_text(const FlameLayout& layout) {
  if (layout.is_diff) {
    return fmt::format("Base: {}. Other: {}.", layout.format_count(layout.base_total_samples),
                       layout.format_count(layout.total_samples));
  }
  return fmt::format("Total: {}.", layout.format_count(layout.total_samples));
}

std::string legend_text(const FlameLayout& layout) {
  if (!layout.is_diff) {
    return "";
  }
  return fmt::format(
      "Width: the mean of a frame's shares of the base and the other samples. Colour: the change "
      "of its share from base to other, red for larger, blue for smaller, grey for equal. The "
      "strongest colour is a change of {:.2f} percentage points.",
      layout.max_abs_share_change * 100);
}

std::string omitted_note(const FlameLayout& layout, bool has_search) {
  if (layout.omitted_frames == 0) {
    return "";
  }
  const bool is_one = layout.omitted_frames == 1;
  return fmt::format("{} {} narrower than {:g} px {} not drawn. The totals include {} {}{}.",
                     format_thousands(layout.omitted_frames), is_one ? "frame" : "frames",
                     layout.min_frame_width_px, is_one ? "is" : "are", is_one ? "its" : "their",
                     layout.count_unit_plural,
                     has_search ? ", but the search does not see them" : "");
}

std::string frame_tooltip(const FlameLayout& layout, const FlameFrame& frame) {
  if (!layout.is_diff) {
    return fmt::format("{} ({}, {})", frame.name, layout.format_count(frame.samples),
                       format_share(sample_share(frame.samples, layout.total_samples)));
  }
  const double base_share = sample_share(frame.base_samples, layout.base_total_samples);
  const double other_share = sample_share(frame.samples, layout.total_samples);
  return fmt::format("{}: base {} ({}), other {} ({}), change {} percentage points",
                     frame.name, layout.format_count(frame.base_samples), format_share(base_share),
                     layout.format_count(frame.samples), format_share(other_share),
                     format_share_change(other_share - base_share));
}

// Returns the name cut to fit `width_px`, ending in "..", or "" when not even kMinLabelChars
// characters fit. The width of a code point is taken as one monospace character, which is
// wrong for wide (CJK) and combining characters.
std::string fit_label(const std::string& name, double width_px) {
  const double max_chars_fractional = std::floor((width_px - 2 * kLabelPadding) / kCharWidth);
  if (max_chars_fractional < static_cast<double>(kMinLabelChars)) {
    return "";
  }
  const auto max_chars = static_cast<std::size_t>(max_chars_fractional);

  // Byte offsets where each code point starts: every byte that is not 10xxxxxx.
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if ((static_cast<unsigned char>(name[i]) & 0xC0) != 0x80) {
      starts.push_back(i);
    }
  }
  if (starts.size() <= max_chars) {
    return name;
  }
  return name.substr(0, starts[max_chars - 2]) + "..";
}

// Appends `text` with & < > " ' written as entities, which is safe in XML text and in quoted
// attribute values.
void append_xml_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
}

// Draws the static SVG in C++ rather than with a template. A graph can have a hundred thousand
// frames or more, and for a synthetic profile of 131,000 drawn frames, building the template's
// data took four times the time and memory of writing the markup directly.
std::string render_svg(const FlameLayout& layout, const FlameOptions& options) {
  std::vector<std::string> captions;
  for (const std::string& text : {options.subtitle, summary_text(layout), legend_text(layout),
                                  omitted_note(layout, /*has_search=*/false)}) {
    if (!text.empty()) {
      captions.push_back(text);
    }
  }
  const double graph_top =
      kTitleBaseline + static_cast<double>(captions.size()) * kCaptionLineHeight + kCaptionsToGraph;
  const double svg_width = layout.width_px + 2 * kMargin;
  const double svg_height = graph_top + (layout.max_depth + 1) * kFrameHeight + kMargin;

  constexpr std::size_t kBytesPerFrame = 200;  // an estimate, to avoid most reallocations
  std::string svg;
  svg.reserve(layout.frames.size() * kBytesPerFrame);
  svg += fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\">\n",
      coordinate(svg_width), coordinate(svg_height));
  svg += "<title>";
  append_xml_escaped(svg, options.title);
  svg += "</title>\n";
  svg += kSvgStyle;
  svg += fmt::format("<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#fafafa\"/>\n",
                     coordinate(svg_width), coordinate(svg_height));

  svg += fmt::format("<text class=\"heading\" x=\"{}\" y=\"{}\">", coordinate(kMargin),
                     coordinate(kTitleBaseline));
  append_xml_escaped(svg, options.title);
  svg += "</text>\n";
  for (std::size_t i = 0; i < captions.size(); ++i) {
    const double y = kTitleBaseline + static_cast<double>(i + 1) * kCaptionLineHeight;
    svg += fmt::format("<text class=\"caption\" x=\"{}\" y=\"{}\">", coordinate(kMargin),
                       coordinate(y));
    append_xml_escaped(svg, captions[i]);
    svg += "</text>\n";
  }

  const double pixels_per_unit = layout.width_px / layout.root_width;
  for (const FlameFrame& frame : layout.frames) {
    const double x = kMargin + frame.start * pixels_per_unit;
    const double y = graph_top + (layout.max_depth - frame.depth) * kFrameHeight;
    const double width = frame.width * pixels_per_unit;

    svg += "<g><title>";
    append_xml_escaped(svg, frame_tooltip(layout, frame));
    svg += fmt::format(
        "</title><rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" "
        "fill=\"{}\"/>",
        coordinate(x), coordinate(y), coordinate(width), coordinate(kFrameHeight - kFrameGap),
        frame.color);
    const std::string label = fit_label(frame.name, width);
    if (!label.empty()) {
      svg += fmt::format("<text x=\"{}\" y=\"{}\">", coordinate(x + kLabelPadding),
                         coordinate(y + kTextBaseline));
      append_xml_escaped(svg, label);
      svg += "</text>";
    }
    svg += "</g>\n";
  }
  svg += "</svg>\n";
  return svg;
}

Data fragment_data(const FlameLayout& layout, const FlameOptions& options) {
  Data data;
  data.set("title", options.title);
  data.set("has_subtitle", !options.subtitle.empty());
  data.set("subtitle", options.subtitle);
  data.set("summary", summary_text(layout));
  data.set("has_legend", layout.is_diff);
  data.set("legend", legend_text(layout));
  const std::string note = omitted_note(layout, /*has_search=*/true);
  data.set("has_omitted_note", !note.empty());
  data.set("omitted_note", note);
  data.set("layout_json", flame_layout_json(layout));
  return data;
}

std::string render_layout(const FlameLayout& layout, FlameOutput output,
                          const FlameOptions& requested_options) {
  // Titles may come from a command line or a file name, so they get the frames' treatment.
  FlameOptions options = requested_options;
  options.title = displayable_text(options.title);
  options.subtitle = displayable_text(options.subtitle);

  switch (output) {
    case FlameOutput::kSvg:
      return render_svg(layout, options);
    case FlameOutput::kHtmlFragment:
      return render_builtin_template(embedded::flamegraph_fragment_html_mustache,
                             fragment_data(layout, options), "flame graph fragment");
    case FlameOutput::kHtmlPage: {
      Data page = fragment_data(layout, options);
      page.set("flamegraph_fragment", mustache::partial([] {
                 return std::string(embedded::flamegraph_fragment_html_mustache);
               }));
      page.set("flamegraph_css",
               mustache::partial([] { return std::string(embedded::flamegraph_css); }));
      page.set("flamegraph_js",
               mustache::partial([] { return std::string(embedded::flamegraph_js); }));
      return render_builtin_template(embedded::flamegraph_html_mustache, page, "flame graph page");
    }
  }
  throw std::logic_error("render_layout: unknown FlameOutput value");
}

}  // namespace

std::string render_flamegraph(const FoldedProfile& profile, FlameOutput output,
                              const FlameOptions& options) {
  validate_options(options);
  const FlameLayout layout = layout_flame_graph(build_flame_tree(profile), options);
  return render_layout(layout, output, options);
}

std::string render_diff(const FoldedProfile& base, const FoldedProfile& other, FlameOutput output,
                        const FlameOptions& options) {
  validate_options(options);
  const FlameLayout layout = layout_diff_graph(build_diff_tree(base, other), options);
  return render_layout(layout, output, options);
}

std::string_view flamegraph_css() { return embedded::flamegraph_css; }

std::string_view flamegraph_script() { return embedded::flamegraph_js; }

}  // namespace paybench::reports
