#include <gtest/gtest.h>

#include <string>

#include "lmtp/Limits.h"
#include "lmtp/ReplyLine.h"

namespace postamt::lmtp {
namespace {

// RFC 5321 section 4.2 with the enhanced status code of RFC 2034 section 4.
TEST(ReplyLineTest, CodeEnhancedCodeAndText) {
  EXPECT_EQ(replyLine({250, "2.1.5", "Ok"}), "250 2.1.5 Ok\r\n");
  EXPECT_EQ(replyLine({221, "2.0.0", ""}), "221 2.0.0\r\n");
}

TEST(ReplyLineTest, WithoutAnEnhancedCode) { EXPECT_EQ(replyLine({220, "", "host LMTP ready"}), "220 host LMTP ready\r\n"); }

// RFC 5321 section 4.2.1: every line but the last of a multi-line reply has "-" after the code.
TEST(ReplyLineTest, AContinuedLine) { EXPECT_EQ(replyLine({250, "", "PIPELINING"}, true), "250-PIPELINING\r\n"); }

TEST(ReplyLineTest, TextCannotBreakTheLine) {
  EXPECT_EQ(replyLine({550, "5.1.1", "a\r\n250 ok"}), "550 5.1.1 a??250 ok\r\n");
  EXPECT_EQ(replyLine({550, "5.1.1", std::string("a\0b\x7f\xc3", 5)}), "550 5.1.1 a?b??\r\n");
}

// RFC 5321 section 4.5.3.1.5.
TEST(ReplyLineTest, IsCutAt512OctetsWithItsCrlf) {
  const auto line = replyLine({550, "5.1.1", std::string(1000, 'x')});
  EXPECT_EQ(line.size(), kMaxReplyLine);
  EXPECT_EQ(line.substr(0, 10), "550 5.1.1 ");
  EXPECT_EQ(line.substr(line.size() - 3), "x\r\n");
}

}  // namespace
}  // namespace postamt::lmtp
