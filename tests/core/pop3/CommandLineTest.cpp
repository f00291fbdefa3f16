#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "pop3/CommandLine.h"

namespace postamt::pop3 {
namespace {

using Arguments = std::vector<std::string_view>;

TEST(CommandLineTest, AKeywordAlone) {
  const auto line = CommandLine::parse("STAT");
  EXPECT_EQ(line.keyword, "STAT");
  EXPECT_EQ(line.rest, "");
  EXPECT_TRUE(line.arguments.empty());
}

TEST(CommandLineTest, ArgumentsEachAfterOneSpace) {
  const auto line = CommandLine::parse("TOP 1 10");
  EXPECT_EQ(line.keyword, "TOP");
  EXPECT_EQ(line.rest, "1 10");
  EXPECT_EQ(line.arguments, (Arguments{"1", "10"}));
}

TEST(CommandLineTest, ATrailingOrDoubledSpaceMakesAnEmptyArgument) {
  EXPECT_EQ(CommandLine::parse("LIST ").arguments, (Arguments{""}));
  EXPECT_EQ(CommandLine::parse("RETR  1").arguments, (Arguments{"", "1"}));
}

TEST(CommandLineTest, TheRestKeepsItsSpacesForPass) {
  EXPECT_EQ(CommandLine::parse("PASS my secret  pass ").rest, "my secret  pass ");
}

TEST(CommandLineTest, TheKeywordKeepsItsCase) { EXPECT_EQ(CommandLine::parse("rEtR 1").keyword, "rEtR"); }

TEST(EqualsIgnoringCaseTest, ComparesAsciiLettersWithoutCase) {
  EXPECT_TRUE(equalsIgnoringCase("rEtR", "RETR"));
  EXPECT_TRUE(equalsIgnoringCase("from:", "FROM:"));
  EXPECT_FALSE(equalsIgnoringCase("RET", "RETR"));
  EXPECT_FALSE(equalsIgnoringCase("@", "`"));  // 0x40 and 0x60 differ by the case bit but are not letters
}

TEST(ParseNumberTest, AcceptsDecimalDigits) {
  EXPECT_EQ(parseNumber("0"), 0u);
  EXPECT_EQ(parseNumber("1"), 1u);
  EXPECT_EQ(parseNumber("007"), 7u);
  EXPECT_EQ(parseNumber("18446744073709551615"), 18446744073709551615u);
}

TEST(ParseNumberTest, RefusesAnythingElse) {
  for (std::string_view text :
       {"", "-1", "+1", " 1", "1 ", "1x", "x1", "abc", "0x10", "1.0", "18446744073709551616", "99999999999999999999"}) {
    EXPECT_FALSE(parseNumber(text).has_value()) << '"' << text << '"';
  }
}

}  // namespace
}  // namespace postamt::pop3
