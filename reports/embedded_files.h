// Files built into the library by paybench_embed_text_files (cmake/EmbedFiles.cmake); each
// variable is named after its file.
#pragma once

#include <string_view>

namespace paybench::reports::embedded {

extern const std::string_view result_schema_json;            // schema/result.schema.json
extern const std::string_view report_html_mustache;          // templates/report.html.mustache
extern const std::string_view report_css_mustache;           // templates/report.css.mustache
extern const std::string_view comparison_chart_svg_mustache;  // templates/comparison_chart...
extern const std::string_view line_chart_svg_mustache;        // templates/line_chart.svg...
extern const std::string_view latency_chart_svg_mustache;     // templates/latency_chart.svg...
extern const std::string_view allocator_matrix_svg_mustache;  // templates/allocator_matrix...
extern const std::string_view change_chart_svg_mustache;      // templates/change_chart.svg...
extern const std::string_view compare_html_mustache;          // templates/compare.html.mustache
extern const std::string_view gate_html_mustache;             // templates/gate.html.mustache
extern const std::string_view profile_section_html_mustache;  // templates/profile_section...
// The interactive flame graph's templates, style sheet and script:
// templates/flamegraph.html.mustache, flamegraph_fragment.html.mustache, flamegraph.css and
// flamegraph.js.
extern const std::string_view flamegraph_html_mustache;
extern const std::string_view flamegraph_fragment_html_mustache;
extern const std::string_view flamegraph_css;
extern const std::string_view flamegraph_js;

}  // namespace paybench::reports::embedded
