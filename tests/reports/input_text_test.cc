// Input text escaped for the terminal and shortened for error messages.
#include "paybench/reports/input_text.h"

#include <gtest/gtest.h>

#include <string>

namespace paybench::reports {
namespace {

TEST(EscapeControlCharacters, KeepsPrintableText) {
  EXPECT_EQ(escape_control_characters("memory/object_pool/size:64"), "memory/object_pool/size:64");
  EXPECT_EQ(escape_control_characters("caf\xC3\xA9 \xE2\x82\xAC"), "caf\xC3\xA9 \xE2\x82\xAC");
  EXPECT_EQ(escape_control_characters(""), "");
}

TEST(EscapeControlCharacters, WritesC0AndDel) {
  EXPECT_EQ(escape_control_characters("a\x1b]0;pwned\x07\x1b[31m"),
            "a<U+001B>]0;pwned<U+0007><U+001B>[31m");
  EXPECT_EQ(escape_control_characters(std::string("\0\t\n\r\x7f", 5)),
            "<U+0000><U+0009><U+000A><U+000D><U+007F>");
}

TEST(EscapeControlCharacters, WritesC1) {
  // U+009B (CSI) and U+0085 (NEL) in UTF-8.
  EXPECT_EQ(escape_control_characters("x\xC2\x9B" "31m\xC2\x85"), "x<U+009B>31m<U+0085>");
  // U+00A0 is the first code point after C1 and stays.
  EXPECT_EQ(escape_control_characters("\xC2\xA0"), "\xC2\xA0");
}

TEST(EscapeControlCharacters, WritesInvalidBytes) {
  // A lone 0x9B is CSI for a terminal in 8-bit mode, and 0xC3 starts a sequence that never ends.
  EXPECT_EQ(escape_control_characters("a\x9B" "b\xC3"), "a<0x9B>b<0xC3>");
  EXPECT_EQ(escape_control_characters("\xFF\xFE"), "<0xFF><0xFE>");
}

TEST(EscapeControlCharacters, EscapedTextStaysTheSame) {
  const std::string escaped = escape_control_characters("\x1b[31mred\x9B");
  EXPECT_EQ(escape_control_characters(escaped), escaped);
}

TEST(ShortenInput, ShortTextOnlyEscaped) {
  EXPECT_EQ(shorten_input(std::string(80, 'x')), std::string(80, 'x'));
  EXPECT_EQ(shorten_input("a\x1b"), "a<U+001B>");
}

TEST(ShortenInput, LongTextKeepsStartAndLength) {
  EXPECT_EQ(shorten_input(std::string(5000002, '9')),
            std::string(80, '9') + "... (5000002 characters)");
  EXPECT_EQ(shorten_input("abcdef", 3), "abc... (6 characters)");
}

TEST(ShortenInput, CountsCharactersNotBytes) {
  // Each e-acute is two bytes: the cut keeps whole characters, the count is of characters.
  std::string text;
  for (int i = 0; i < 5; ++i) text += "\xC3\xA9";
  EXPECT_EQ(shorten_input(text, 2), "\xC3\xA9\xC3\xA9... (5 characters)");
}

TEST(ShortenInput, EscapesTheKeptPart) {
  EXPECT_EQ(shorten_input("\x1b\x1b\x1b\x1b", 2), "<U+001B><U+001B>... (4 characters)");
}

TEST(QuoteInput, QuotesAndShortens) {
  EXPECT_EQ(quote_input("BM_x"), "\"BM_x\"");
  EXPECT_EQ(quote_input("BM_x", '\''), "'BM_x'");
  EXPECT_EQ(quote_input(std::string(5000002, '9')),
            "\"" + std::string(80, '9') + "...\" (5000002 characters)");
  EXPECT_EQ(quote_input("BM\x1b", '\''), "'BM<U+001B>'");
}

}  // namespace
}  // namespace paybench::reports
