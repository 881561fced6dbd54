// UTF-8 decoding for the renderers that check text from input. Internal to reports/.
#pragma once

#include <cstddef>
#include <string_view>

namespace paybench::reports {

// Returns the length of the valid UTF-8 sequence at the start of `text` (not empty) and stores
// its code point. Returns 0 for an invalid sequence, which is a stray continuation byte, a
// truncated sequence, an overlong form, a UTF-16 surrogate or a value above U+10FFFF.
std::size_t decode_utf8(std::string_view text, char32_t& code_point);

}  // namespace paybench::reports
