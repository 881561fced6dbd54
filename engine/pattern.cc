#include "paybench/engine/pattern.h"

#include <fnmatch.h>

#include <algorithm>
#include <numeric>

namespace paybench::engine {
namespace {

// Levenshtein distance with one row of memory.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}

std::string without_glob_characters(std::string_view pattern) {
  std::string plain;
  for (char c : pattern) {
    if (c != '*' && c != '?' && c != '[' && c != ']') plain += c;
  }
  while (!plain.empty() && plain.back() == '/') plain.pop_back();
  return plain;
}

}  // namespace

bool pattern_matches(std::string_view pattern, std::string_view name) {
  const std::string glob(pattern);
  for (std::size_t end = 0; end <= name.size(); ++end) {
    const bool at_segment_end = end == name.size() || name[end] == '/';
    if (!at_segment_end) continue;
    const std::string prefix(name.substr(0, end));
    if (fnmatch(glob.c_str(), prefix.c_str(), 0) == 0) return true;
  }
  return false;
}

std::vector<std::string> suggest_close_matches(std::string_view pattern,
                                               const std::vector<std::string>& names,
                                               std::size_t max_count) {
  const std::string plain = without_glob_characters(pattern);
  if (plain.empty()) return {};

  // A name is close when at most a third of the typed characters (at least two) are wrong.
  const std::size_t max_distance = std::max<std::size_t>(2, plain.size() / 3);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const std::string& name : names) {
    std::size_t distance = edit_distance(plain, name);
    // Also compare with the name's last segment, so "objectpool" finds "memory/object_pool".
    const std::size_t slash = name.rfind('/');
    if (slash != std::string::npos) {
      distance = std::min(distance, edit_distance(plain, name.substr(slash + 1)));
    }
    const bool contains = name.find(plain) != std::string::npos;
    if (distance <= max_distance || contains) scored.emplace_back(contains ? 0 : distance, name);
  }

  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> suggestions;
  for (const auto& [distance, name] : scored) {
    if (suggestions.size() == max_count) break;
    if (std::find(suggestions.begin(), suggestions.end(), name) == suggestions.end()) {
      suggestions.push_back(name);
    }
  }
  return suggestions;
}

}  // namespace paybench::engine
