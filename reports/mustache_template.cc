#include "mustache_template.h"

#include <fmt/format.h>

#include <stdexcept>

namespace paybench::reports {

MustacheData list_of(std::vector<MustacheData> items) {
  MustacheData list(MustacheData::type::list);
  for (MustacheData& item : items) list.push_back(std::move(item));
  return list;
}

std::string render_builtin_template(std::string_view text, const MustacheData& data,
                                    std::string_view template_name) {
  kainjow::mustache::mustache page_template{std::string(text)};
  if (!page_template.is_valid()) {
    throw std::logic_error(fmt::format("the built-in {} template is invalid: {}", template_name,
                                       page_template.error_message()));
  }
  std::string output = page_template.render(data);
  if (!page_template.is_valid()) {
    throw std::logic_error(fmt::format("rendering the built-in {} template failed: {}",
                                       template_name, page_template.error_message()));
  }
  return output;
}

}  // namespace paybench::reports
