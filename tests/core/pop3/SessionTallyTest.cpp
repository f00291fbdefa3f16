#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "FakeAuthenticator.h"
#include "FakeMaildrop.h"
#include "RecordingSink.h"
#include "pop3/Session.h"

namespace postamt::pop3 {
namespace {

using test::FakeAuthenticator;
using test::FakeStore;
using test::RecordingSink;

const std::string kMessage1 = "Subject: one\r\n\r\nHello\r\nsecond line\r\n";  // 38 octets
const std::string kMessage2 = "Subject: two\r\n\r\nBody\r\n";                  // 22 octets

// A logged-in session over two messages, as the end-of-session log line sees it through tally().
struct Tallied {
  Tallied() : authenticator(store) {
    store.messages = {{"uid-1", kMessage1}, {"uid-2", kMessage2}};
    session = std::make_unique<Session>(authenticator, SessionSettings{}, sink);
    session->greet();
    session->receive("USER alice@example.org\r\nPASS secret\r\n");
    sink.take();
  }

  FakeStore store;
  FakeAuthenticator authenticator;
  RecordingSink sink;
  std::unique_ptr<Session> session;
};

TEST(SessionTally, CountsTopRetrDeleAndWhatUpdateRemoved) {
  Tallied t;
  // TOP 1 0 sends the header and the blank line: "Subject: one\r\n\r\n", 16 octets.
  t.session->receive("TOP 1 0\r\nRETR 2\r\nRETR 1\r\nDELE 1\r\nDELE 2\r\nRSET\r\nDELE 2\r\nQUIT\r\n");
  const SessionTally& tally = t.session->tally();
  EXPECT_EQ(tally.user, "alice@example.org");
  EXPECT_EQ(tally.topCount, 1u);
  EXPECT_EQ(tally.topOctets, 16u);
  EXPECT_EQ(tally.retrCount, 2u);
  EXPECT_EQ(tally.retrOctets, kMessage1.size() + kMessage2.size());
  EXPECT_EQ(tally.deleCount, 3u);  // every DELE the client sent, RSET or not
  EXPECT_EQ(tally.expunged, 1u);   // RFC 1939 section 6: only the marks left at QUIT are applied
  EXPECT_EQ(tally.ended, "quit");
}

TEST(SessionTally, TimedOutSessionRemovedNothing) {
  Tallied t;
  t.session->receive("DELE 1\r\n");
  t.session->timeOut();
  EXPECT_EQ(t.session->tally().deleCount, 1u);
  EXPECT_EQ(t.session->tally().expunged, 0u);
  EXPECT_EQ(t.session->tally().ended, "timeout");
}

TEST(SessionTally, StoppedSessionSaysShutdown) {
  Tallied t;
  t.session->stop();
  EXPECT_EQ(t.session->tally().ended, "shutdown");
}

TEST(SessionTally, OpenSessionHasNoEndingYet) {
  Tallied t;
  EXPECT_EQ(t.session->tally().ended, "");
}

TEST(SessionTally, NoUserWithoutSuccessfulLogin) {
  FakeStore store;
  FakeAuthenticator authenticator(store);
  RecordingSink sink;
  Session session(authenticator, SessionSettings{}, sink);
  session.greet();
  session.receive("USER alice@example.org\r\nPASS wrong\r\nQUIT\r\n");
  EXPECT_EQ(session.tally().user, "");
  EXPECT_EQ(session.tally().ended, "quit");
}

}  // namespace
}  // namespace postamt::pop3
