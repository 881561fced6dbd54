// Selecting benchmarks by name with shell-style globs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace paybench::engine {

// Returns whether the glob `pattern` (fnmatch(3) syntax: *, ?, [...]; '*' also matches '/')
// matches `name` or a prefix of it that ends where a '/' follows. So "memory" and "memory/*"
// select every benchmark of the memory family, and "*/object_pool" every variant of each
// workload named object_pool.
bool pattern_matches(std::string_view pattern, std::string_view name);

// Returns up to `max_count` of `names` that look like what `pattern` may have meant, closest
// first: names within a small edit distance of the pattern, or containing it.
std::vector<std::string> suggest_close_matches(std::string_view pattern,
                                               const std::vector<std::string>& names,
                                               std::size_t max_count = 3);

}  // namespace paybench::engine
