// STLS (RFC 2595 section 4) and the cleartext policy (RFC 2595 section 6) of the POP3 session, through a transport
// that records what the session asked of it.

#include <gtest/gtest.h>

#include <string>

#include "FakeAuthenticator.h"
#include "FakeMaildrop.h"
#include "RecordingSink.h"
#include "pop3/Session.h"
#include "pop3/TlsTransport.h"

namespace postamt::pop3 {
namespace {

using test::FakeAuthenticator;
using test::FakeStore;
using test::RecordingSink;

class RecordingTransport : public TlsTransport {
 public:
  void startTls() override { ++started; }
  int started = 0;
};

const std::string kBeginTls = "+OK Begin TLS negotiation\r\n";
const std::string kLogin = "USER alice@example.org\r\nPASS secret\r\n";
const std::string kTlsRequired = "-ERR [AUTH] Cleartext login is not allowed here: TLS is required (STLS or POP3S).\r\n";

// A client on a plain connection from an untrusted network, unless the test says otherwise.
struct PlainConnection {
  explicit PlainConnection(bool trusted = false, bool withTransport = true) : authenticator(store) {
    SessionSettings settings;
    settings.allowCleartextLogin = trusted;
    session = std::make_unique<Session>(authenticator, settings, sink, withTransport ? &transport : nullptr);
    session->greet();
    sink.take();
  }

  std::string send(std::string_view input) {
    session->receive(input);
    return sink.take();
  }

  bool capaLists(std::string_view capability) {
    const std::string capa = send("CAPA\r\n");
    return capa.find("\r\n" + std::string(capability) + "\r\n") != std::string::npos;
  }

  FakeStore store;
  FakeAuthenticator authenticator;
  RecordingSink sink;
  RecordingTransport transport;
  std::unique_ptr<Session> session;
};

TEST(StlsTest, OfferedBeforeTlsAndBeforeLogin) {
  PlainConnection connection(true);
  EXPECT_TRUE(connection.capaLists("STLS"));
}

TEST(StlsTest, NotOfferedNorAcceptedWithoutATransport) {
  PlainConnection connection(true, false);
  EXPECT_FALSE(connection.capaLists("STLS"));
  EXPECT_EQ(connection.send("STLS\r\n"), "-ERR TLS is not available here\r\n");
}

TEST(StlsTest, StartsTlsAfterItsOkAndThenNoLongerOffersIt) {
  PlainConnection connection;
  EXPECT_EQ(connection.send("STLS\r\n"), kBeginTls);
  EXPECT_EQ(connection.transport.started, 1);
  EXPECT_FALSE(connection.capaLists("STLS"));
}

// RFC 2595 section 4: STLS when TLS is active is an error, and it starts nothing.
TEST(StlsTest, ASecondStlsIsRefused) {
  PlainConnection connection;
  connection.send("STLS\r\n");
  EXPECT_EQ(connection.send("STLS\r\n"), "-ERR Command not permitted when TLS active\r\n");
  EXPECT_EQ(connection.transport.started, 1);
}

TEST(StlsTest, AfterLoginItIsNeitherOfferedNorAccepted) {
  PlainConnection connection(true);
  ASSERT_EQ(connection.send(kLogin), "+OK\r\n+OK Logged in.\r\n");
  EXPECT_FALSE(connection.capaLists("STLS"));
  EXPECT_EQ(connection.send("STLS\r\n"), "-ERR Command not valid in this state\r\n");
  EXPECT_EQ(connection.transport.started, 0);
}

TEST(StlsTest, NotOfferedOnAConnectionThatIsEncryptedAlready) {
  FakeStore store;
  FakeAuthenticator authenticator(store);
  RecordingSink sink;
  RecordingTransport transport;
  SessionSettings settings;
  settings.secure = true;
  Session session(authenticator, settings, sink, &transport);
  session.receive("CAPA\r\nSTLS\r\n");
  EXPECT_EQ(sink.bytes.find("STLS\r\n"), std::string::npos);
  EXPECT_NE(sink.bytes.find("-ERR Command not permitted when TLS active\r\n"), std::string::npos);
  EXPECT_EQ(transport.started, 0);
}

// CVE-2011-0411: what arrived in the clear behind STLS is never executed, however it is cut.
TEST(StlsTest, CommandsPipelinedAfterStlsAreDiscarded) {
  PlainConnection connection(true);
  EXPECT_EQ(connection.send("STLS\r\nCAPA\r\n" + kLogin + "QUIT\r\n"), kBeginTls);
  EXPECT_TRUE(connection.authenticator.requests.empty());
  EXPECT_FALSE(connection.session->closed());
  EXPECT_EQ(connection.send("NOOP\r\n"), "-ERR Command not valid in this state\r\n");
}

TEST(StlsTest, APartialLineAfterStlsIsDiscarded) {
  PlainConnection connection(true);
  EXPECT_EQ(connection.send("STLS\r\nQU"), kBeginTls);
  EXPECT_EQ(connection.send("IT\r\n"), "-ERR Unknown command\r\n");
  EXPECT_FALSE(connection.session->closed());
}

// A USER name given in the clear does not carry over into the TLS session.
TEST(StlsTest, AUserNameGivenBeforeStlsIsForgotten) {
  PlainConnection connection(true);
  connection.send("USER alice@example.org\r\nSTLS\r\n");
  EXPECT_EQ(connection.send("PASS secret\r\n"), "-ERR No user name given, send USER first\r\n");
}

// RFC 2595 section 6: no cleartext password from an untrusted network, and CAPA does not invite one.
TEST(StlsTest, AnUntrustedPlainConnectionRefusesUserAndPassWithAuthCode) {
  PlainConnection connection;
  EXPECT_FALSE(connection.capaLists("USER"));
  EXPECT_EQ(connection.send(kLogin), kTlsRequired + kTlsRequired);
  EXPECT_TRUE(connection.authenticator.requests.empty());
}

TEST(StlsTest, AfterStlsUserAndPassWorkAndTheLoginIsMarkedSecure) {
  PlainConnection connection;
  connection.send("STLS\r\n");
  EXPECT_TRUE(connection.capaLists("USER"));
  EXPECT_EQ(connection.send(kLogin), "+OK\r\n+OK Logged in.\r\n");
  ASSERT_EQ(connection.authenticator.requests.size(), 1u);
  EXPECT_TRUE(connection.authenticator.requests[0].secure);
}

TEST(StlsTest, ATrustedPlainConnectionMayLogInWithoutTls) {
  PlainConnection connection(true);
  EXPECT_TRUE(connection.capaLists("USER"));
  EXPECT_EQ(connection.send(kLogin), "+OK\r\n+OK Logged in.\r\n");
  EXPECT_FALSE(connection.authenticator.requests[0].secure);
}

}  // namespace
}  // namespace postamt::pop3
