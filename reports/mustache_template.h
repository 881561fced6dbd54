// Rendering paybench's built-in Mustache templates (kainjow), shared by every HTML and SVG
// renderer in reports/. Internal to reports/.
#pragma once

#include <kainjow/mustache.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paybench::reports {

using MustacheData = kainjow::mustache::data;

// Returns `items` as a Mustache list.
MustacheData list_of(std::vector<MustacheData> items);

// Returns a Mustache list of `to_data(item)` for each element of `items`, in order.
template <class Items, class ToData>
MustacheData list_of(const Items& items, ToData to_data) {
  std::vector<MustacheData> list;
  list.reserve(items.size());
  for (const auto& item : items) list.push_back(to_data(item));
  return list_of(std::move(list));
}

// Renders the built-in template `text` with `data`. `template_name` names it in errors.
// Throws std::logic_error when the template does not parse or render, which is a bug in
// paybench, never a problem of the input.
std::string render_builtin_template(std::string_view text, const MustacheData& data,
                                    std::string_view template_name);

}  // namespace paybench::reports
