#include "paybench/reports/family_filter.h"

#include <fmt/format.h>

#include <stdexcept>

namespace paybench::reports {
namespace {

std::regex compile(const std::string& pattern) {
  if (pattern.empty()) {
    throw std::invalid_argument(
        "invalid pattern '': an empty pattern matches every name, so give a regular expression "
        "such as 'BM_Zero'");
  }
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    std::string reason = error.what();
    if (reason.ends_with('.')) reason.pop_back();
    throw std::invalid_argument(fmt::format(
        "invalid regular expression '{}' ({}): write it in ECMAScript syntax, e.g. 'BM_Z.ro'",
        pattern, reason));
  }
}

}  // namespace

NamePattern::NamePattern(std::string pattern) : text_(std::move(pattern)), regex_(compile(text_)) {}

bool NamePattern::is_found_in(std::string_view name) const {
  return std::regex_search(name.begin(), name.end(), regex_);
}

std::string NamePattern::replace_matches(std::string_view name,
                                         std::string_view replacement) const {
  // std::regex_replace would read '$&' and '$1' in the replacement as references to the match.
  using Iterator = std::regex_iterator<std::string_view::const_iterator>;
  std::string replaced;
  auto unmatched_start = name.begin();
  for (Iterator match(name.begin(), name.end(), regex_), end; match != end; ++match) {
    replaced.append(unmatched_start, (*match)[0].first);
    replaced.append(replacement);
    unmatched_start = (*match)[0].second;
  }
  replaced.append(unmatched_start, name.end());
  return replaced;
}

std::string FamilyFilter::replacement() const {
  return fmt::format("[{} vs. {}]", baseline.text(), candidate.text());
}

}  // namespace paybench::reports
