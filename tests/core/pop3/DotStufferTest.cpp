#include <gtest/gtest.h>

#include <string>

#include "MultiLine.h"
#include "RecordingSink.h"
#include "pop3/DotStuffer.h"

namespace postamt::pop3 {
namespace {

using test::RecordingSink;
using test::unstuff;

std::string stuff(std::string_view body, std::size_t chunk = std::string_view::npos) {
  RecordingSink sink;
  DotStuffer stuffer(sink);
  for (std::string_view rest = body; !rest.empty();) {
    const auto piece = rest.substr(0, chunk);
    stuffer.write(piece);
    rest.remove_prefix(piece.size());
  }
  stuffer.finish();
  return sink.bytes;
}

// RFC 1939 section 3: a line starting with the termination octet gets one more, and ".\r\n" ends the response.
TEST(DotStufferTest, DoublesTheDotAtTheStartOfEveryLine) {
  EXPECT_EQ(stuff(".\r\n..\r\n.a\r\na.b\r\n. \r\n"), "..\r\n...\r\n..a\r\na.b\r\n.. \r\n.\r\n");
}

TEST(DotStufferTest, AnEmptyBodyIsJustTheTerminator) { EXPECT_EQ(stuff(""), ".\r\n"); }

TEST(DotStufferTest, EndsALastLineWithoutCrlfBeforeTheTerminator) {
  EXPECT_EQ(stuff("a\r\nno end"), "a\r\nno end\r\n.\r\n");
  EXPECT_EQ(stuff("."), "..\r\n.\r\n");
}

TEST(DotStufferTest, PassesEightBitOctetsAndNulUnchanged) {
  using namespace std::string_literals;
  EXPECT_EQ(stuff("\xff\x80\xc3\xa4\r\n\x00.\r\n"s), "\xff\x80\xc3\xa4\r\n\x00.\r\n.\r\n"s);
}

TEST(DotStufferTest, StuffsADotThatStartsAChunk) {
  RecordingSink sink;
  DotStuffer stuffer(sink);
  stuffer.write("a\r\n");
  stuffer.write(".b\r\n");
  stuffer.write(".");
  stuffer.write(".\r\n");
  stuffer.finish();
  EXPECT_EQ(sink.bytes, "a\r\n..b\r\n...\r\n.\r\n");
}

TEST(DotStufferTest, DoesNotStuffADotInTheMiddleOfALineSplitAcrossChunks) {
  RecordingSink sink;
  DotStuffer stuffer(sink);
  stuffer.write("a");
  stuffer.write(".b\r\n");
  stuffer.finish();
  EXPECT_EQ(sink.bytes, "a.b\r\n.\r\n");
}

TEST(DotStufferTest, GivesTheSameBytesForEveryChunkSizeAndTheClientGetsTheBodyBack) {
  const std::string body = ".\r\n..x\r\nplain\r\n.\r\n\r\n.end\r\n";
  const auto whole = stuff(body);
  EXPECT_EQ(unstuff(whole), body);
  for (std::size_t chunk = 1; chunk <= body.size(); ++chunk) EXPECT_EQ(stuff(body, chunk), whole) << chunk;
}

}  // namespace
}  // namespace postamt::pop3
