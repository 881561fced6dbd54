// Rendering paybench's built-in Mustache templates (kainjow), shared by every HTML and SVG
// renderer in reports/. Internal to reports/.
#pragma once

#include <kainjow/mustache.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace paybench::reports {

using MustacheData = kainjow::mustache::data;

// Returns `items` as a Mustache list.
MustacheData list_of(std::vector<MustacheData> items);

// Renders the built-in template `text` with `data`. `template_name` names it in errors.
// Throws std::logic_error when the template does not parse or render, which is a bug in
// paybench, never a problem of the input.
std::string render_builtin_template(std::string_view text, const MustacheData& data,
                                    std::string_view template_name);

}  // namespace paybench::reports
