#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "FakeDeliveryAgent.h"
#include "lmtp/IncomingMessage.h"

namespace postamt::lmtp {
namespace {

using Outcome = IncomingMessage::Outcome;
using test::readBack;

Envelope envelope(std::string sender, std::vector<std::string> recipients) {
  return Envelope{std::move(sender), std::nullopt, std::move(recipients)};
}

// RFC 5321 section 4.4, and Dovecot's Delivered-To for a single recipient.
TEST(IncomingMessageTest, PrependsReturnPathAndForOneRecipientDeliveredTo) {
  IncomingMessage message(envelope("a@example.net", {"b@example.org"}), 1000);
  message.append("Subject: x\r\n\r\nbody\r\n");
  ASSERT_EQ(message.finish(), Outcome::Complete);
  const std::string expected = "Return-Path: <a@example.net>\r\nDelivered-To: b@example.org\r\nSubject: x\r\n\r\nbody\r\n";
  EXPECT_EQ(readBack(message.spool()), expected);
  EXPECT_EQ(message.spool().size(), expected.size());
}

TEST(IncomingMessageTest, ForSeveralRecipientsOnlyReturnPath) {
  IncomingMessage message(envelope("", {"b@example.org", "c@example.org"}), 1000);
  message.append("x\r\n");
  ASSERT_EQ(message.finish(), Outcome::Complete);
  EXPECT_EQ(readBack(message.spool()), "Return-Path: <>\r\nx\r\n");
}

// The maximum bounds the text as RFC 1870 measures it (CRLF line ends), not the headers the server adds.
TEST(IncomingMessageTest, TheMaximumIsForTheTextAfterTheHeaders) {
  IncomingMessage exact(envelope("", {"b@example.org", "c@example.org"}), 10);
  exact.append("12345678\r\n");
  EXPECT_EQ(exact.finish(), Outcome::Complete);

  IncomingMessage over(envelope("", {"b@example.org", "c@example.org"}), 10);
  over.append("12345678\r\n");
  over.append("x");
  over.append("more that is dropped\r\n");
  EXPECT_EQ(over.finish(), Outcome::TooLarge);

  IncomingMessage bareLf(envelope("", {"b@example.org", "c@example.org"}), 10);
  bareLf.append("123456789\n");  // stored as 11 octets
  EXPECT_EQ(bareLf.finish(), Outcome::TooLarge);
}

TEST(IncomingMessageTest, AHugeMaximumDoesNotOverflow) {
  IncomingMessage message(envelope("a@example.net", {"b@example.org"}), std::numeric_limits<std::uint64_t>::max());
  message.append("x\r\n");
  EXPECT_EQ(message.finish(), Outcome::Complete);
}

}  // namespace
}  // namespace postamt::lmtp
