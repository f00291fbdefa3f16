#include <gtest/gtest.h>

#include <string>

#include "../pop3/RecordingSink.h"
#include "FakeDeliveryAgent.h"
#include "lmtp/Session.h"

namespace postamt::lmtp {
namespace {

using pop3::test::RecordingSink;
using test::FakeDeliveryAgent;

// RFC 2033 section 4.2: one reply per accepted recipient after DATA; the end-of-session line counts each.
TEST(LmtpSessionTally, CountsDeliveriesAndRefusalsAtRcptAndAfterData) {
  FakeDeliveryAgent agent;
  agent.unknownRecipients = {"nobody@example.org"};
  agent.failingRecipient = "carol@example.org";
  RecordingSink sink;
  Session session(agent, SessionSettings{}, sink);
  session.greet();
  const std::string text = "Subject: x\r\n\r\nbody\r\n";
  session.receive(
      "LHLO client\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<nobody@example.org>\r\n"
      "RCPT TO:<carol@example.org>\r\nDATA\r\n" +
      text + ".\r\nQUIT\r\n");
  const SessionTally& tally = session.tally();
  EXPECT_EQ(tally.messages, 1u);
  EXPECT_EQ(tally.delivered, 1u);  // alice
  EXPECT_EQ(tally.refused, 2u);    // nobody at RCPT, carol's 451 after DATA
  EXPECT_EQ(tally.octets, text.size());
  EXPECT_EQ(tally.ended, "quit");
}

TEST(LmtpSessionTally, TimeoutAndStopAreTheirOwnEndings) {
  FakeDeliveryAgent agent;
  RecordingSink sink;
  Session timedOut(agent, SessionSettings{}, sink);
  timedOut.timeOut();
  EXPECT_EQ(timedOut.tally().ended, "timeout");
  Session stopped(agent, SessionSettings{}, sink);
  stopped.stop();
  EXPECT_EQ(stopped.tally().ended, "shutdown");
}

}  // namespace
}  // namespace postamt::lmtp
