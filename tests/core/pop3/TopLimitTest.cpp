#include <gtest/gtest.h>

#include <string>

#include "pop3/TopLimit.h"

namespace postamt::pop3 {
namespace {

const std::string kMessage =
    "From: a@example.org\r\n"
    "Subject: top\r\n"
    "\r\n"
    "line 1\r\n"
    "\r\n"
    "line 3\r\n";

std::string top(std::string_view message, std::uint64_t bodyLines, std::size_t chunk = std::string_view::npos) {
  TopLimit limit(bodyLines);
  std::string sent;
  for (std::string_view rest = message; !rest.empty() && !limit.done();) {
    const auto piece = rest.substr(0, chunk);
    sent += limit.take(piece);
    rest.remove_prefix(piece.size());
  }
  return sent;
}

// RFC 1939 section 7: "the headers of the message, the blank line separating the headers from the body, and then
// the number of lines of the indicated message's body".
TEST(TopLimitTest, ZeroLinesIsTheHeaderAndTheBlankLine) {
  EXPECT_EQ(top(kMessage, 0), "From: a@example.org\r\nSubject: top\r\n\r\n");
}

TEST(TopLimitTest, CountsBodyLinesIncludingEmptyOnes) {
  EXPECT_EQ(top(kMessage, 1), "From: a@example.org\r\nSubject: top\r\n\r\nline 1\r\n");
  EXPECT_EQ(top(kMessage, 2), "From: a@example.org\r\nSubject: top\r\n\r\nline 1\r\n\r\n");
}

TEST(TopLimitTest, MoreLinesThanTheBodyHasIsTheWholeMessage) {
  EXPECT_EQ(top(kMessage, 3), kMessage);
  EXPECT_EQ(top(kMessage, 1000), kMessage);
  EXPECT_EQ(top(kMessage, UINT64_MAX), kMessage);
}

TEST(TopLimitTest, AMessageWithoutBlankLineIsAllHeader) {
  EXPECT_EQ(top("Subject: x\r\nFrom: y\r\n", 0), "Subject: x\r\nFrom: y\r\n");
}

TEST(TopLimitTest, AMessageWithAnEmptyBody) { EXPECT_EQ(top("Subject: x\r\n\r\n", 5), "Subject: x\r\n\r\n"); }

TEST(TopLimitTest, ALastBodyLineWithoutLineEndCounts) { EXPECT_EQ(top("S: x\r\n\r\nonly", 1), "S: x\r\n\r\nonly"); }

TEST(TopLimitTest, AHeaderLineOfOneCrIsNotTheBlankLineUnlessTheLfFollows) {
  EXPECT_EQ(top("S: x\r\n\rX\r\n\r\nbody\r\n", 0), "S: x\r\n\rX\r\n\r\n");
}

TEST(TopLimitTest, TheSameCutForEveryChunkSize) {
  for (std::uint64_t lines = 0; lines <= 4; ++lines) {
    const auto whole = top(kMessage, lines);
    for (std::size_t chunk = 1; chunk <= kMessage.size(); ++chunk) {
      EXPECT_EQ(top(kMessage, lines, chunk), whole) << lines << " lines, chunk " << chunk;
    }
  }
}

TEST(TopLimitTest, TakesNothingOnceDone) {
  TopLimit limit(0);
  EXPECT_EQ(limit.take("S: x\r\n\r\nbody"), "S: x\r\n\r\n");
  EXPECT_TRUE(limit.done());
  EXPECT_EQ(limit.take("more\r\n"), "");
}

}  // namespace
}  // namespace postamt::pop3
