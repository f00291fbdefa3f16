#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "FakeAuthenticator.h"
#include "FakeMaildrop.h"
#include "RecordingSink.h"
#include "pop3/Limits.h"
#include "pop3/Session.h"
#include "sasl/Base64.h"

namespace postamt::pop3 {
namespace {

using namespace std::string_literals;
using test::FakeAuthenticator;
using test::FakeStore;
using test::RecordingSink;
using Outcome = LoginResult::Outcome;
using State = Session::State;

const std::string kLoggedIn = "+OK Logged in.\r\n";
const std::string kAuthFailed = "-ERR [AUTH] Authentication failed.\r\n";

// base64 of a PLAIN message for alice (RFC 4616 section 2).
std::string plain(const std::string& password = "secret", const std::string& authzid = "") {
  return sasl::encodeBase64(authzid + "\0alice@example.org\0"s + password);
}

// One client connection after the greeting: the session, its account and what it wrote.
struct Connection {
  explicit Connection(bool cleartextAllowed = true) : authenticator(store) {
    SessionSettings settings;
    settings.remoteAddress = "192.0.2.7";
    settings.allowCleartextLogin = cleartextAllowed;
    session = std::make_unique<Session>(authenticator, settings, sink);
    session->greet();
    sink.take();
  }

  std::string send(std::string_view input) {
    session->receive(input);
    return sink.take();
  }

  FakeStore store;
  FakeAuthenticator authenticator;
  RecordingSink sink;
  std::unique_ptr<Session> session;
};

// RFC 5034 section 4: an initial response saves a round trip.
TEST(AuthCommandTest, PlainWithAnInitialResponseLogsIn) {
  Connection connection;
  EXPECT_EQ(connection.send("AUTH PLAIN " + plain() + "\r\n"), kLoggedIn);
  EXPECT_EQ(connection.session->state(), State::Transaction);
  ASSERT_EQ(connection.authenticator.requests.size(), 1u);
  EXPECT_EQ(connection.authenticator.requests[0].user, "alice@example.org");
  EXPECT_EQ(connection.authenticator.requests[0].password, "secret");
  EXPECT_EQ(connection.authenticator.requests[0].mechanism, "PLAIN");
  EXPECT_EQ(connection.authenticator.requests[0].remoteAddress, "192.0.2.7");
}

// RFC 5034 section 4: without one, the server sends "+ " and an empty challenge, and the next line is the response.
TEST(AuthCommandTest, PlainWithoutInitialResponseGetsAnEmptyContinuation) {
  Connection connection;
  EXPECT_EQ(connection.send("AUTH PLAIN\r\n"), "+ \r\n");
  EXPECT_EQ(connection.send(plain() + "\r\n"), kLoggedIn);
}

TEST(AuthCommandTest, MechanismNamesAreCaseInsensitive) {
  Connection connection;
  EXPECT_EQ(connection.send("auth plain " + plain() + "\r\n"), kLoggedIn);
}

TEST(AuthCommandTest, PlainWithAnAuthzidOfSomeoneElseFailsWithAuthCode) {
  Connection connection;
  EXPECT_EQ(connection.send("AUTH PLAIN " + plain("secret", "bob@example.org") + "\r\n").rfind("-ERR [AUTH] ", 0), 0u);
  EXPECT_TRUE(connection.authenticator.requests.empty());
  EXPECT_EQ(connection.session->state(), State::Authorization);
}

TEST(AuthCommandTest, LoginAsksForUserNameAndPasswordInBase64) {
  Connection connection;
  EXPECT_EQ(connection.send("AUTH LOGIN\r\n"), "+ VXNlcm5hbWU6\r\n");  // "Username:"
  EXPECT_EQ(connection.send(sasl::encodeBase64("alice@example.org") + "\r\n"), "+ UGFzc3dvcmQ6\r\n");  // "Password:"
  EXPECT_EQ(connection.send(sasl::encodeBase64("secret") + "\r\n"), kLoggedIn);
  EXPECT_EQ(connection.authenticator.requests.at(0).mechanism, "LOGIN");
}

// RFC 5034 section 4: "=" is an initial response of zero length, which PLAIN cannot accept.
TEST(AuthCommandTest, EqualsSignIsAnEmptyInitialResponse) {
  Connection connection;
  EXPECT_EQ(connection.send("AUTH PLAIN =\r\n").rfind("-ERR [AUTH] ", 0), 0u);
  EXPECT_EQ(connection.session->state(), State::Authorization);
}

TEST(AuthCommandTest, AWrongPasswordGetsTheSameAnswerAsPass) {
  Connection connection;
  EXPECT_EQ(connection.send("AUTH PLAIN " + plain("wrong") + "\r\n"), kAuthFailed);
  EXPECT_EQ(connection.session->state(), State::Authorization);
}

// RFC 3206: every failure has its response code, [IN-USE] and [SYS/TEMP] included.
TEST(AuthCommandTest, EachLoginOutcomeHasItsResponseCode) {
  const std::pair<Outcome, std::string> outcomes[] = {
      {Outcome::Denied, kAuthFailed},
      {Outcome::InUse, "-ERR [IN-USE] Maildrop is locked by another session.\r\n"},
      {Outcome::TempFail, "-ERR [SYS/TEMP] Temporary failure, please try again later.\r\n"},
      {Outcome::PermFail, "-ERR [SYS/PERM] Login not possible, please contact your administrator.\r\n"}};
  for (const auto& [outcome, answer] : outcomes) {
    Connection connection;
    connection.authenticator.forcedOutcome = outcome;
    EXPECT_EQ(connection.send("AUTH PLAIN " + plain() + "\r\n"), answer);
  }
  Connection throwing;
  throwing.authenticator.throws = true;
  EXPECT_EQ(throwing.send("AUTH PLAIN " + plain() + "\r\n"), "-ERR [SYS/TEMP] Temporary failure, please try again later.\r\n");
}

// RFC 5034 section 4: "*" cancels, and the server must answer -ERR; the session then takes commands again.
TEST(AuthCommandTest, AStarCancelsTheExchange) {
  Connection connection;
  EXPECT_EQ(connection.send("AUTH LOGIN\r\n"), "+ VXNlcm5hbWU6\r\n");
  EXPECT_EQ(connection.send("*\r\n"), "-ERR [AUTH] Authentication cancelled.\r\n");
  EXPECT_TRUE(connection.authenticator.requests.empty());
  EXPECT_EQ(connection.send("AUTH PLAIN " + plain() + "\r\n"), kLoggedIn);
}

TEST(AuthCommandTest, BadBase64IsRefusedInTheInitialResponseAndInAContinuation) {
  Connection connection;
  EXPECT_EQ(connection.send("AUTH PLAIN AGFsaWNl!\r\n"), "-ERR [AUTH] Invalid base64 in the initial response.\r\n");
  EXPECT_EQ(connection.send("AUTH PLAIN\r\n"), "+ \r\n");
  EXPECT_EQ(connection.send("not base64\r\n"), "-ERR [AUTH] Invalid base64 in the response.\r\n");
  EXPECT_EQ(connection.session->state(), State::Authorization);
  EXPECT_TRUE(connection.authenticator.requests.empty());
}

TEST(AuthCommandTest, AnUnknownMechanismIsRefused) {
  Connection connection;
  EXPECT_EQ(connection.send("AUTH KERBEROS_V4\r\n"), "-ERR [AUTH] Unsupported authentication mechanism.\r\n");
  EXPECT_EQ(connection.send("AUTH X PLAIN Y\r\n"), "-ERR Too many arguments\r\n");
}

// The pre-RFC 5034 form Outlook sends: a bare AUTH gets the mechanisms as a multi-line list.
TEST(AuthCommandTest, ABareAuthListsTheMechanisms) {
  Connection connection;
  EXPECT_EQ(connection.send("AUTH\r\n"), "+OK\r\nPLAIN\r\nLOGIN\r\n.\r\n");
}

// RFC 2595 section 6 and issue 4: where cleartext login is not allowed, PLAIN and LOGIN are neither offered nor
// accepted, and the answer says why.
TEST(AuthCommandTest, WithoutCleartextLoginPlainAndLoginAreRefusedAndNotListed) {
  Connection connection(false);
  EXPECT_EQ(connection.send("AUTH PLAIN " + plain() + "\r\n"), "-ERR [AUTH] Cleartext authentication is not allowed here, use TLS.\r\n");
  EXPECT_EQ(connection.send("AUTH LOGIN\r\n"), "-ERR [AUTH] Cleartext authentication is not allowed here, use TLS.\r\n");
  EXPECT_TRUE(connection.authenticator.requests.empty());
  const auto listing = connection.send("AUTH\r\n");
  EXPECT_EQ(listing.find("PLAIN"), std::string::npos);
  EXPECT_EQ(listing.find("LOGIN"), std::string::npos);
}

TEST(AuthCommandTest, AuthIsRefusedAfterLogin) {
  Connection connection;
  ASSERT_EQ(connection.send("AUTH PLAIN " + plain() + "\r\n"), kLoggedIn);
  EXPECT_EQ(connection.send("AUTH PLAIN " + plain() + "\r\n"), "-ERR Command not valid in this state\r\n");
}

// RFC 2449 section 6.6: an exchange pipelined in one write is answered in order, and what follows is a command.
TEST(AuthCommandTest, APipelinedExchangeAndTheCommandsAfterIt) {
  Connection connection;
  EXPECT_EQ(connection.send("AUTH PLAIN\r\n" + plain() + "\r\nSTAT\r\n"), "+ \r\n" + kLoggedIn + "+OK 0 0\r\n");
}

// A continuation line may be longer than a command (OAuth tokens are), but not without bound; afterwards the
// command limit of RFC 2449 section 4 holds again.
TEST(AuthCommandTest, ContinuationLinesAreBoundedAndCommandsGetTheirLimitBack) {
  Connection connection;
  ASSERT_EQ(connection.send("AUTH PLAIN\r\n"), "+ \r\n");
  // A response of exactly the limit is read (and is no base64: its length is no multiple of four); one more is too long.
  EXPECT_EQ(connection.send(std::string(kMaxSaslResponseLine - 2, 'A') + "\r\n"), "-ERR [AUTH] Invalid base64 in the response.\r\n");
  ASSERT_EQ(connection.send("AUTH PLAIN\r\n"), "+ \r\n");
  EXPECT_EQ(connection.send(std::string(kMaxSaslResponseLine - 1, 'A') + "\r\n"), "-ERR [AUTH] Response too long.\r\n");
  ASSERT_EQ(connection.send("AUTH PLAIN\r\n"), "+ \r\n");
  EXPECT_EQ(connection.send(std::string(1 << 20, 'A')), "");
  EXPECT_EQ(connection.send("\r\n"), "-ERR [AUTH] Response too long.\r\n");
  EXPECT_EQ(connection.send("NOOP " + std::string(kMaxCommandLine, 'x') + "\r\n"), "-ERR Line too long\r\n");
  EXPECT_EQ(connection.send("AUTH PLAIN " + plain() + "\r\n"), kLoggedIn);
}

}  // namespace
}  // namespace postamt::pop3
