#include <gtest/gtest.h>

#include <string>

#include "lmtp/DataReader.h"

namespace postamt::lmtp {
namespace {

struct Read {
  std::string text;    // the message text, unstuffed
  bool ended = false;  // the "." line came
  std::string rest;    // what followed it, left for the command reader
  bool operator==(const Read&) const = default;
};

// Feeds `wire` in pieces of `chunk` octets, as the session does, until the end of the message.
Read readAll(std::string_view wire, std::size_t chunk = std::string_view::npos) {
  DataReader reader;
  Read read;
  while (!wire.empty()) {
    std::string_view piece = wire.substr(0, chunk);
    wire.remove_prefix(piece.size());
    while (!piece.empty()) {
      const auto got = reader.next(piece);
      read.text += got.text;
      if (got.end) {
        read.ended = true;
        read.rest = std::string(piece) + std::string(wire);
        return read;
      }
    }
  }
  return read;
}

TEST(DataReaderTest, EndsAtTheLineThatIsADotAlone) {
  EXPECT_EQ(readAll("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n"), (Read{"Subject: x\r\n\r\nbody\r\n", true, "QUIT\r\n"}));
}

TEST(DataReaderTest, AnEmptyMessage) { EXPECT_EQ(readAll(".\r\n"), (Read{"", true, ""})); }

// RFC 5321 section 4.5.2: the first dot of a line that has more is removed.
TEST(DataReaderTest, RemovesTheStuffedDot) {
  EXPECT_EQ(readAll("..\r\n...\r\n.x\r\n..y\r\n.\r\n"), (Read{".\r\n..\r\nx\r\n.y\r\n", true, ""}));
}

TEST(DataReaderTest, ADotInsideALineIsText) { EXPECT_EQ(readAll("a.\r\n a\r\n.\r\n"), (Read{"a.\r\n a\r\n", true, ""})); }

// RFC 5321 section 2.3.8: only CRLF ends a line, so "\n.\n" is text and cannot end the message early: a second
// transaction hidden behind it stays message text (SMTP smuggling, CVE-2023-51764).
TEST(DataReaderTest, ABareLfIsTextAndNeverEndsALine) {
  EXPECT_EQ(readAll("a\n..b\n.\nNOOP\r\n.\r\n"), (Read{"a\n..b\n.\nNOOP\r\n", true, ""}));
  const std::string smuggled = "hello\n.\nMAIL FROM:<ceo@bank.test>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\nforged\r\n";
  EXPECT_EQ(readAll(smuggled + ".\r\n"), (Read{smuggled, true, ""}));
  EXPECT_EQ(readAll(".\n.\r\n"), (Read{"\n.\r\n", false, ""}));  // a stuffed dot, then a line that is ".\n."
}

TEST(DataReaderTest, ACrlfSplitBetweenInputsStillEndsTheLine) {
  EXPECT_EQ(readAll("a\r\n.\r\n", 2), (Read{"a\r\n", true, ""}));
  EXPECT_EQ(readAll("ab\r\n.\r\n", 3), (Read{"ab\r\n", true, ""}));
}

// A CR alone does not end a line (RFC 5321 section 2.3.8); the spool writes it as a line end later.
TEST(DataReaderTest, ABareCrDoesNotEndALine) {
  EXPECT_EQ(readAll("a\r.\r\n.\r\n"), (Read{"a\r.\r\n", true, ""}));
  EXPECT_EQ(readAll(".\rx\r\n.\r\n"), (Read{"\rx\r\n", true, ""}));
}

TEST(DataReaderTest, WithoutTheDotLineTheMessageGoesOn) {
  EXPECT_EQ(readAll("a\r\n.."), (Read{"a\r\n.", false, ""}));
  EXPECT_EQ(readAll("a\r\n.\r"), (Read{"a\r\n", false, ""}));
}

TEST(DataReaderTest, TheSameAtEveryChunkSize) {
  const std::string wire = "..\r\n.\r.\r\n...x\n\r\n.a\n.\n" + std::string(3000, 'z') + "\r\n.\r\nNOOP\r\n";
  const Read expected = readAll(wire);
  ASSERT_TRUE(expected.ended);
  ASSERT_EQ(expected.rest, "NOOP\r\n");
  for (std::size_t chunk = 1; chunk <= wire.size(); ++chunk) ASSERT_EQ(readAll(wire, chunk), expected) << chunk;
}

// Nothing is held back: every octet of a long line comes out of the call that consumed it.
TEST(DataReaderTest, ALongLinePassesThroughAsItArrives) {
  DataReader reader;
  std::string_view first = "Subject: x\r\n";
  EXPECT_EQ(reader.next(first).text, "Subject: x\r\n");
  const std::string half(1 << 20, 'a');
  std::string_view piece = half;
  const auto got = reader.next(piece);
  EXPECT_EQ(got.text.size(), half.size());
  EXPECT_FALSE(got.end);
  EXPECT_TRUE(piece.empty());
}

}  // namespace
}  // namespace postamt::lmtp
