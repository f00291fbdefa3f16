#include <gtest/gtest.h>

#include <string>

#include "pop3/Utf8.h"

namespace postamt::pop3 {
namespace {

using namespace std::string_literals;

TEST(Utf8Test, AsciiIsSevenBitOnly) {
  EXPECT_TRUE(isAscii("alice@example.org"));
  EXPECT_TRUE(isAscii(""));
  EXPECT_FALSE(isAscii("j\xc3\xbcrgen@example.org"));
  EXPECT_FALSE(isAscii("\x80"));
}

// RFC 3629 section 4, and the malformed forms its section 10 warns of.
TEST(Utf8Test, AcceptsWellFormedUtf8) {
  for (const std::string& good : {""s, "plain"s, "j\xc3\xbcrgen"s, "\xe2\x82\xac"s, "\xf0\x9f\x93\xae"s, "\xed\x9f\xbf"s,
                                  "\xf4\x8f\xbf\xbf"s, "\xef\xbf\xbd"s}) {
    EXPECT_TRUE(isUtf8(good)) << good;
  }
}

TEST(Utf8Test, RefusesMalformedUtf8) {
  for (const std::string& bad :
       {"\x80"s, "\xc3"s, "\xc0\xaf"s /* overlong '/' */, "\xc1\xbf"s, "\xe0\x80\xaf"s, "\xed\xa0\x80"s /* surrogate */,
        "\xf4\x90\x80\x80"s /* above U+10FFFF */, "\xf5\x80\x80\x80"s, "\xff"s, "a\xe2\x82"s, "\xe2\x28\xa1"s}) {
    EXPECT_FALSE(isUtf8(bad)) << bad;
  }
}

}  // namespace
}  // namespace postamt::pop3
