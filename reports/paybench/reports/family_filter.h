// Family comparison: one family of benchmarks against another, possibly within one result file,
// as Google Benchmark's compare.py compares them in its `filters` and `benchmarksfiltered`
// modes. Each side keeps the benchmarks whose name matches its pattern, and the matched part of
// every name is replaced by the same text, so that the two families' names pair up.
#pragma once

#include <regex>
#include <string>
#include <string_view>

namespace paybench::reports {

// A regular expression over benchmark names, in std::regex's ECMAScript grammar. compare.py
// uses Python's re module, which reads the usual patterns (BM_Zero, BM_Z.ro, ^pool/.*/size:64)
// the same way. Python-only syntax such as (?P<name>...) is rejected as invalid.
class NamePattern {
 public:
  // Throws std::invalid_argument quoting `pattern` and the reason when it is not a valid
  // regular expression or is empty.
  explicit NamePattern(std::string pattern);

  const std::string& text() const { return text_; }

  // Returns whether the pattern matches somewhere in `name`, as Python's re.search does.
  bool is_found_in(std::string_view name) const;

  // Returns `name` with every non-overlapping match replaced by `replacement`, taken literally,
  // as Python's re.sub replaces them when the replacement has no backslash.
  std::string replace_matches(std::string_view name, std::string_view replacement) const;

 private:
  std::string text_;
  std::regex regex_;
};

// The two patterns of a family comparison.
struct FamilyFilter {
  NamePattern baseline;
  NamePattern candidate;

  // Returns what replaces the matched part of a name on both sides: "[BASELINE vs. CANDIDATE]"
  // with the pattern texts, the text compare.py uses.
  std::string replacement() const;
};

}  // namespace paybench::reports
