// Test input shared by the string interner tests.

#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace paybench::testing {

// Returns `count` distinct texts "merchant-0", "merchant-1", ..., every seventh one padded with
// 40 'x' characters.
inline std::vector<std::string> make_texts(std::size_t count) {
  std::vector<std::string> texts;
  texts.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    // Some texts exceed a quarter block and take the dedicated-block path of the arena.
    const std::string padding(i % 7 == 0 ? 40 : 0, 'x');
    texts.push_back("merchant-" + std::to_string(i) + padding);
  }
  return texts;
}

}  // namespace paybench::testing
