#include "DotTerminatedBody.h"

#include <gtest/gtest.h>

#include <string>

namespace postamt::bench {
namespace {

// Feeds `wire` in two pieces split at `cut`, as the socket might deliver it;
// returns how many octets the body took, or npos when it never ended.
std::size_t takenInTwoReads(const std::string& wire, std::size_t cut, DotTerminatedBody& body) {
  std::size_t taken = body.feed(std::string_view(wire).substr(0, cut));
  if (!body.done()) taken += body.feed(std::string_view(wire).substr(cut));
  return body.done() ? taken : std::string::npos;
}

// RFC 1939 section 3: the body ends at the first line holding only ".";
// dots elsewhere, a byte-stuffed "..", and "." followed by more text do not end it.
TEST(DotTerminatedBodyTest, EndsAtTheFirstDotLineWhereverTheReadsSplit) {
  const std::string body = "Subject: a.b\r\n\r\n..stuffed\r\n.not the end\r\nend.\r\n";
  const std::string wire = body + ".\r\n+OK next response\r\n";
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    DotTerminatedBody parsed;
    EXPECT_EQ(takenInTwoReads(wire, cut, parsed), body.size() + 3) << "split at " << cut;
    EXPECT_EQ(parsed.octets(), body.size()) << "split at " << cut;
  }
}

TEST(DotTerminatedBodyTest, AnEmptyBodyIsJustTheDotLine) {
  const std::string wire = ".\r\n+OK";
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    DotTerminatedBody parsed;
    EXPECT_EQ(takenInTwoReads(wire, cut, parsed), 3u) << "split at " << cut;
    EXPECT_EQ(parsed.octets(), 0u);
  }
}

TEST(DotTerminatedBodyTest, ABodyWithoutItsDotLineIsNotDone) {
  DotTerminatedBody parsed;
  const std::string wire = "line.\r\n.\r";
  EXPECT_EQ(parsed.feed(wire), wire.size());
  EXPECT_FALSE(parsed.done());
}

}  // namespace
}  // namespace postamt::bench
