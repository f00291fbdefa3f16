// The session's side of the brute-force defence (issue 4 item 7): every way of logging in pays the penalty of
// LoginThrottle, a client over the limit gets -ERR [SYS/TEMP] and is disconnected, and the session only says how
// long its replies must wait: holding them is the connection's job.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "FakeAuthenticator.h"
#include "FakeMaildrop.h"
#include "GreetedSession.h"
#include "RecordingSink.h"
#include "pop3/LoginThrottle.h"
#include "pop3/Session.h"
#include "sasl/Base64.h"

namespace postamt::pop3 {
namespace {

using namespace std::string_literals;
using std::chrono::milliseconds;
using test::FakeAuthenticator;
using test::FakeStore;
using test::RecordingSink;

const std::string kAuthFailed = "-ERR [AUTH] Authentication failed.\r\n";
const std::string kLockedOut = "-ERR [SYS/TEMP] Too many failed logins, try again later.\r\n";
const std::string kLoggedIn = "+OK Logged in.\r\n";

ThrottleSettings threeStrikes() {
  ThrottleSettings settings;
  settings.maxFailuresPerAddress = 3;
  settings.maxFailuresPerUser = 0;
  return settings;
}

SessionSettings sharing(LoginThrottle& throttle, const std::string& address) {
  SessionSettings settings;
  settings.remoteAddress = address;
  settings.apop = true;
  settings.saslMechanisms = {"CRAM-MD5", "PLAIN"};
  settings.loginThrottle = &throttle;
  return settings;
}

// One client connection after the greeting, from `address`, sharing `throttle` with every other.
struct Client : test::GreetedSession {
  explicit Client(LoginThrottle& throttle, const std::string& address = "192.0.2.7")
      : GreetedSession(sharing(throttle, address)) {
    authenticator.secret = {sasl::StoredSecret::Status::Found, "{PLAIN}secret"};
  }

  std::string pass(const std::string& password) { return send("USER alice@example.org\r\nPASS " + password + "\r\n"); }
};

// Any well-formed digest but the right one: CRAM-MD5 and APOP answers that fail.
const std::string kWrongDigest = "0123456789abcdef0123456789abcdef";

TEST(LoginPenalty, EachFurtherWrongPasswordWaitsTwiceAsLong) {
  LoginThrottle throttle(ThrottleSettings{});
  Client client(throttle);
  EXPECT_EQ(client.pass("wrong1"), "+OK\r\n" + kAuthFailed);
  EXPECT_EQ(client.session->takeReplyDelay(), milliseconds(2000));
  EXPECT_EQ(client.session->takeReplyDelay(), milliseconds(0));  // taken: the next replies owe nothing
  client.pass("wrong2");
  EXPECT_EQ(client.session->takeReplyDelay(), milliseconds(4000));
}

TEST(LoginPenalty, TheSameWrongPasswordAgainKeepsTheDelay) {
  LoginThrottle throttle(ThrottleSettings{});
  Client phone(throttle);
  Client laptop(throttle);
  phone.pass("old password");
  EXPECT_EQ(phone.session->takeReplyDelay(), milliseconds(2000));
  laptop.pass("old password");
  EXPECT_EQ(laptop.session->takeReplyDelay(), milliseconds(2000));
}

// RFC 2449 section 6.6 lets a client pipeline; its guesses must not come back faster for it.
TEST(LoginPenalty, PipelinedFailuresWaitForTheirSum) {
  LoginThrottle throttle(ThrottleSettings{});
  Client client(throttle);
  EXPECT_EQ(client.send("USER a@example.org\r\nPASS x\r\nUSER a@example.org\r\nPASS y\r\n"),
            "+OK\r\n" + kAuthFailed + "+OK\r\n" + kAuthFailed);
  EXPECT_EQ(client.session->takeReplyDelay(), milliseconds(2000 + 4000));
}

TEST(LoginPenalty, EveryWayOfLoggingInPays) {
  LoginThrottle throttle(ThrottleSettings{});
  Client client(throttle);
  EXPECT_EQ(client.send("AUTH PLAIN " + sasl::encodeBase64("\0alice@example.org\0wrong"s) + "\r\n"), kAuthFailed);
  EXPECT_EQ(client.session->takeReplyDelay(), milliseconds(2000));

  const auto challenge = client.send("AUTH CRAM-MD5\r\n");
  ASSERT_EQ(challenge.rfind("+ ", 0), 0u) << challenge;
  EXPECT_EQ(client.send(sasl::encodeBase64("alice@example.org " + kWrongDigest) + "\r\n"), kAuthFailed);
  EXPECT_EQ(client.session->takeReplyDelay(), milliseconds(4000));

  EXPECT_EQ(client.send("APOP alice@example.org " + kWrongDigest + "\r\n"), kAuthFailed);
  EXPECT_EQ(client.session->takeReplyDelay(), milliseconds(8000));
}

TEST(LoginPenalty, ACancelledExchangeTriedNoCredentialsAndCostsNothing) {
  LoginThrottle throttle(ThrottleSettings{});
  Client client(throttle);
  client.send("AUTH PLAIN\r\n");
  EXPECT_EQ(client.send("*\r\n"), "-ERR [AUTH] Authentication cancelled.\r\n");
  EXPECT_EQ(client.session->takeReplyDelay(), milliseconds(0));
}

TEST(LoginPenalty, TheLastAllowedFailureIsAnsweredSysTempAndDisconnects) {
  LoginThrottle throttle(threeStrikes());
  Client client(throttle);
  client.pass("a");
  client.pass("b");
  EXPECT_EQ(client.pass("c"), "+OK\r\n" + kLockedOut);
  EXPECT_TRUE(client.session->closed());
}

TEST(LoginPenalty, ALockedOutAddressWaitsItsPenaltyForEveryRefusal) {
  // Dovecot holds every reply to a penalised address: a refusal answered at once would let a locked-out guesser
  // reconnect as fast as the server accepts, at the other clients' expense.
  LoginThrottle throttle(threeStrikes());
  Client attacker(throttle);
  for (const char* guess : {"a", "b", "c"}) attacker.pass(guess);
  Client again(throttle);
  EXPECT_EQ(again.pass("d"), "+OK\r\n" + kLockedOut);
  EXPECT_EQ(again.session->takeReplyDelay(), milliseconds(8000));  // the third failure's: 2 s doubled twice
  Client elsewhere(throttle, "198.51.100.2");
  EXPECT_EQ(elsewhere.pass("secret"), "+OK\r\n" + kLoggedIn);
  EXPECT_EQ(elsewhere.session->takeReplyDelay(), milliseconds(0));
}

TEST(LoginPenalty, ALockedOutAddressIsRefusedBeforeAnyPasswordIsChecked) {
  LoginThrottle throttle(threeStrikes());
  Client attacker(throttle);
  for (const char* guess : {"a", "b", "c"}) attacker.pass(guess);

  Client again(throttle);
  EXPECT_EQ(again.pass("secret"), "+OK\r\n" + kLockedOut);
  EXPECT_TRUE(again.session->closed());
  EXPECT_TRUE(again.authenticator.requests.empty());
  ASSERT_EQ(again.authenticator.failures.size(), 1u);  // logged once, for fail2ban
  EXPECT_EQ(again.authenticator.failures[0].second, "too many failed logins");

  Client viaSasl(throttle);
  EXPECT_EQ(viaSasl.send("AUTH CRAM-MD5\r\n"), kLockedOut);
  EXPECT_TRUE(viaSasl.authenticator.secretRequests.empty());

  Client neighbour(throttle, "198.51.100.2");
  EXPECT_EQ(neighbour.pass("secret"), "+OK\r\n" + kLoggedIn);
  EXPECT_EQ(neighbour.session->takeReplyDelay(), milliseconds(0));
}

TEST(LoginPenalty, ALockedOutNameGetsNoSecretToTestAProofAgainst) {
  ThrottleSettings settings;
  settings.maxFailuresPerUser = 2;
  LoginThrottle throttle(settings);
  Client first(throttle, "192.0.2.1");
  first.pass("a");
  Client second(throttle, "192.0.2.2");
  EXPECT_EQ(second.pass("b"), "+OK\r\n" + kLockedOut);

  Client third(throttle, "192.0.2.3");
  third.send("AUTH CRAM-MD5\r\n");
  EXPECT_EQ(third.send(sasl::encodeBase64("alice@example.org " + kWrongDigest) + "\r\n"), kLockedOut);
  EXPECT_TRUE(third.authenticator.secretRequests.empty());
  EXPECT_TRUE(third.session->closed());
}

TEST(LoginPenalty, ASuccessfulLoginStartsTheDelayOver) {
  LoginThrottle throttle(ThrottleSettings{});
  Client typo(throttle);
  typo.pass("secert");
  typo.session->takeReplyDelay();
  EXPECT_EQ(typo.pass("secret"), "+OK\r\n" + kLoggedIn);
  typo.send("QUIT\r\n");
  Client later(throttle);
  later.pass("secert2");
  EXPECT_EQ(later.session->takeReplyDelay(), milliseconds(2000));
}

TEST(LoginPenalty, WithoutAThrottleFailuresCostNothing) {
  FakeStore store;
  FakeAuthenticator authenticator(store);
  RecordingSink sink;
  Session session(authenticator, SessionSettings{}, sink);
  session.receive("USER alice@example.org\r\nPASS wrong\r\n");
  EXPECT_EQ(session.takeReplyDelay(), milliseconds(0));
}

// A device's login name ("alice+phone@…", Authenticator::account) counts towards its user's limit: made-up
// device names must not each buy a fresh count of guesses.
TEST(LoginPenalty, DeviceNamesCountTowardsTheirUsersLimit) {
  ThrottleSettings settings;
  settings.maxFailuresPerAddress = 0;
  settings.maxFailuresPerUser = 2;
  LoginThrottle throttle(settings);
  Client first(throttle, "192.0.2.1");
  EXPECT_EQ(first.send("USER alice+phone@example.org\r\nPASS a\r\n"), "+OK\r\n" + kAuthFailed);
  Client second(throttle, "192.0.2.2");
  EXPECT_EQ(second.send("USER alice+laptop@example.org\r\nPASS b\r\n"), "+OK\r\n" + kLockedOut);
  Client third(throttle, "192.0.2.3");
  EXPECT_EQ(third.send("USER alice+tablet@example.org\r\nPASS secret\r\n"), "+OK\r\n" + kLockedOut);
  EXPECT_EQ(Client(throttle, "192.0.2.4").pass("secret"), "+OK\r\n" + kLockedOut);
}

}  // namespace
}  // namespace postamt::pop3
