#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lmtp/PathArgument.h"

namespace postamt::lmtp {
namespace {

struct Parsed {
  std::string address;
  std::vector<std::string> parameters;  // "KEYWORD" or "KEYWORD=value"
  bool operator==(const Parsed&) const = default;
};

std::optional<Parsed> parse(std::string_view argument, std::string_view prefix = "FROM:") {
  const auto path = parsePathArgument(argument, prefix);
  if (!path) return std::nullopt;
  Parsed parsed{path->address, {}};
  for (const auto& parameter : path->parameters) {
    parsed.parameters.push_back(std::string(parameter.keyword) +
                                (parameter.value ? "=" + std::string(*parameter.value) : std::string()));
  }
  return parsed;
}

TEST(PathArgumentTest, AnAddressInBrackets) {
  EXPECT_EQ(parse("FROM:<a@example.net>"), (Parsed{"a@example.net", {}}));
  EXPECT_EQ(parse("TO:<b@example.org>", "TO:"), (Parsed{"b@example.org", {}}));
}

TEST(PathArgumentTest, ThePrefixIsCaseInsensitiveAndMayBeFollowedBySpaces) {
  EXPECT_EQ(parse("from:<a@example.net>"), (Parsed{"a@example.net", {}}));
  EXPECT_EQ(parse("FROM:  <a@example.net>"), (Parsed{"a@example.net", {}}));
  EXPECT_EQ(parse("FROM :<a@example.net>"), std::nullopt);
  EXPECT_EQ(parse("TO:<a@example.net>"), std::nullopt);
  EXPECT_EQ(parse("FRO"), std::nullopt);
}

TEST(PathArgumentTest, TheNullPath) { EXPECT_EQ(parse("FROM:<>"), (Parsed{"", {}})); }

TEST(PathArgumentTest, ParametersAfterSpaces) {
  EXPECT_EQ(parse("FROM:<a@example.net> SIZE=12 BODY=8BITMIME SMTPUTF8"),
            (Parsed{"a@example.net", {"SIZE=12", "BODY=8BITMIME", "SMTPUTF8"}}));
  EXPECT_EQ(parse("FROM:<a@example.net>  SIZE=12  "), (Parsed{"a@example.net", {"SIZE=12"}}));
}

// RFC 5321 section 4.1.2: esmtp-keyword and esmtp-value.
TEST(PathArgumentTest, RefusesMalformedParameters) {
  for (const std::string argument :
       {"FROM:<a@example.net>SIZE=1", "FROM:<a@example.net> =1", "FROM:<a@example.net> SIZE=", "FROM:<a@example.net> -X=1",
        "FROM:<a@example.net> S_Z=1", "FROM:<a@example.net> A=b=c", "FROM:<a@example.net> A=\xff"}) {
    EXPECT_EQ(parse(argument), std::nullopt) << argument;
  }
  EXPECT_EQ(parse("FROM:<a@example.net> X-Y2=v"), (Parsed{"a@example.net", {"X-Y2=v"}}));
}

TEST(PathArgumentTest, RefusesPathsWithoutBracketsOrWithSpacesControlsOrEightBitOctets) {
  for (const std::string argument : {"FROM:", "FROM:a@example.net", "FROM:<a@example.net", "FROM:a@example.net>",
                                     "FROM:<a @example.net>", "FROM:<a\r@example.net>", "FROM:<a\t@example.net>",
                                     "FROM:<a<b@example.net>", "FROM:<\xc3\xa4@example.net>", "FROM:<\"a\r\"@example.net>"}) {
    EXPECT_EQ(parse(argument), std::nullopt) << argument;
  }
}

TEST(PathArgumentTest, AQuotedLocalPartMayHoldSpacesEscapesAndBrackets) {
  EXPECT_EQ(parse("FROM:<\"john doe\"@example.net>"), (Parsed{"\"john doe\"@example.net", {}}));
  EXPECT_EQ(parse("FROM:<\"a>b\\\"c\"@example.net> SIZE=1"), (Parsed{"\"a>b\\\"c\"@example.net", {"SIZE=1"}}));
  EXPECT_EQ(parse("FROM:<\"unterminated@example.net>"), std::nullopt);
}

// RFC 5321 section 4.1.1.3 and appendix C: accepted, and ignored.
TEST(PathArgumentTest, DropsASourceRoute) {
  EXPECT_EQ(parse("FROM:<@relay.example:a@example.net>"), (Parsed{"a@example.net", {}}));
  EXPECT_EQ(parse("FROM:<@one.example,@two.example:a@example.net>"), (Parsed{"a@example.net", {}}));
  EXPECT_EQ(parse("FROM:<@relay.example>"), std::nullopt);
  EXPECT_EQ(parse("FROM:<@relay.example:>"), std::nullopt);
}

}  // namespace
}  // namespace postamt::lmtp
