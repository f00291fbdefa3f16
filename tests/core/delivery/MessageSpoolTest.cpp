// Line ends as MessageSpool writes them: for delivery every line end becomes
// CRLF; for an import from Dovecot exactly what Dovecot's RETR sends.
#include <gtest/gtest.h>

#include <string>

#include "delivery/MessageSpool.h"

namespace postamt::delivery {
namespace {

std::string spooled(MessageSpool::LineEnds lineEnds, std::initializer_list<std::string> pieces) {
  MessageSpool spool(1 << 20, lineEnds);
  for (const std::string& piece : pieces) spool.append(piece.data(), piece.size());
  spool.finish();
  const postamt_message_source source = spool.source();
  std::string octets(source.size, '\0');
  std::size_t got = 0;
  EXPECT_EQ(source.read(source.context, 0, octets.data(), octets.size(), &got), POSTAMT_OK);
  octets.resize(got);
  return octets;
}

constexpr auto kNormalise = MessageSpool::LineEnds::kNormalise;
constexpr auto kAsDovecotSends = MessageSpool::LineEnds::kAsDovecotSends;

TEST(MessageSpool, DeliveryTurnsEveryLineEndIntoCrlf) {
  EXPECT_EQ(spooled(kNormalise, {"a\nb\rc\r\nd"}), "a\r\nb\r\nc\r\nd\r\n");
  EXPECT_EQ(spooled(kNormalise, {"a\r", "\nb\r"}), "a\r\nb\r\n");
  EXPECT_EQ(spooled(kNormalise, {""}), "");
}

TEST(MessageSpool, ImportFromDovecotAddsCrOnlyBeforeBareLf) {
  // pop3-commands.c: a LF without CR gets one; a bare CR is sent as it is.
  EXPECT_EQ(spooled(kAsDovecotSends, {"a\nb\rc\r\n\n"}), "a\r\nb\rc\r\n\r\n");
  EXPECT_EQ(spooled(kAsDovecotSends, {"\nstarts with LF\n"}), "\r\nstarts with LF\r\n");
  // A CRLF split between two appends stays one CRLF.
  EXPECT_EQ(spooled(kAsDovecotSends, {"a\r", "\nb\n"}), "a\r\nb\r\n");
}

TEST(MessageSpool, ImportFromDovecotEndsEveryMessageWithCrlf) {
  // Dovecot ends RETR with CRLF before "." unless the last octet sent was LF, even for an empty message.
  EXPECT_EQ(spooled(kAsDovecotSends, {"no line end"}), "no line end\r\n");
  EXPECT_EQ(spooled(kAsDovecotSends, {"ends in bare CR\r"}), "ends in bare CR\r\r\n");
  EXPECT_EQ(spooled(kAsDovecotSends, {""}), "\r\n");
}

}  // namespace
}  // namespace postamt::delivery
