#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <memory>
#include <string>

#include "FakeAuthenticator.h"
#include "FakeMaildrop.h"
#include "GreetedSession.h"
#include "RecordingSink.h"
#include "pop3/Limits.h"
#include "pop3/Session.h"
#include "sasl/Base64.h"
#include "sasl/Hex.h"
#include "sasl/ScramSecret.h"

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

SessionSettings everyMechanism(bool cleartextAllowed, bool apop) {
  SessionSettings settings;
  settings.remoteAddress = "192.0.2.7";
  settings.allowCleartextLogin = cleartextAllowed;
  settings.apop = apop;
  settings.saslMechanisms = {"SCRAM-SHA-256", "CRAM-MD5", "OAUTHBEARER", "XOAUTH2", "PLAIN", "LOGIN"};
  return settings;
}

struct Connection : test::GreetedSession {
  explicit Connection(bool cleartextAllowed = true, bool apop = false) : GreetedSession(everyMechanism(cleartextAllowed, apop)) {}
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
  EXPECT_EQ(connection.send("AUTH LOGIN\r\n"), "+ VXNlcm5hbWU6\r\n");                                  // "Username:"
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
  ASSERT_EQ(connection.authenticator.failures.size(), 1u);
  EXPECT_EQ(connection.authenticator.failures[0].first.mechanism, "LOGIN");
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
  // One the server implements but was not configured to offer is just as unknown.
  connection.session.reset();
  SessionSettings settings;
  settings.saslMechanisms = {"PLAIN"};
  connection.session = std::make_unique<Session>(connection.authenticator, settings, connection.sink);
  EXPECT_EQ(connection.send("AUTH SCRAM-SHA-256\r\n"), "-ERR [AUTH] Unsupported authentication mechanism.\r\n");
  EXPECT_EQ(connection.send("AUTH\r\n"), "+OK\r\nPLAIN\r\n.\r\n");
  EXPECT_EQ(connection.send("AUTH X PLAIN Y\r\n"), "-ERR Too many arguments\r\n");
}

// The pre-RFC 5034 form Outlook sends: a bare AUTH gets the mechanisms as a multi-line list.
TEST(AuthCommandTest, ABareAuthListsTheMechanisms) {
  Connection connection;
  EXPECT_EQ(connection.send("AUTH\r\n"), "+OK\r\nSCRAM-SHA-256\r\nCRAM-MD5\r\nOAUTHBEARER\r\nXOAUTH2\r\nPLAIN\r\nLOGIN\r\n.\r\n");
}

// RFC 2595 section 6 and issue 4: where cleartext login is not allowed, PLAIN and LOGIN are neither offered nor
// accepted, and the answer says why.
TEST(AuthCommandTest, WithoutCleartextLoginPlainAndLoginAreRefusedAndNotListed) {
  Connection connection(false);
  EXPECT_EQ(connection.send("AUTH PLAIN " + plain() + "\r\n"),
            "-ERR [AUTH] Cleartext authentication is not allowed here, use TLS.\r\n");
  EXPECT_EQ(connection.send("AUTH LOGIN\r\n"), "-ERR [AUTH] Cleartext authentication is not allowed here, use TLS.\r\n");
  EXPECT_TRUE(connection.authenticator.requests.empty());
  EXPECT_EQ(connection.send("AUTH\r\n"), "+OK\r\nSCRAM-SHA-256\r\nCRAM-MD5\r\n.\r\n");
}

// The session's side of SCRAM-SHA-256 (RFC 5802 section 5, RFC 5034 section 4): base64 both ways, the server's
// final message as a challenge answered by an empty line, then the maildrop of the proven user.
struct ScramClient {
  std::string nonce;
  std::string serverFirst;

  std::string first(const std::string& user = "alice@example.org") {
    nonce = "fyko+d2lbbFgONRv9qkxdawL";
    return sasl::encodeBase64("n,," + bare(user)) + "\r\n";
  }
  std::string bare(const std::string& user) const { return "n=" + user + ",r=" + nonce; }

  // The client-final message for `password`, from the server's base64 challenge line.
  std::string final(const std::string& challengeLine, const std::string& password,
                    const std::string& user = "alice@example.org") {
    serverFirst = *sasl::decodeBase64(challengeLine.substr(2, challengeLine.size() - 4));
    const auto attribute = [&](char name) {
      const auto at = serverFirst.find(std::string(1, name) + "=");
      return serverFirst.substr(at + 2, serverFirst.find(',', at) - at - 2);
    };
    const auto secret = sasl::ScramSecret::derive(password, *sasl::decodeBase64(attribute('s')),
                                                  static_cast<std::uint32_t>(std::stoul(attribute('i'))));
    const std::string withoutProof = "c=biws,r=" + attribute('r');
    const std::string authMessage = bare(user) + "," + serverFirst + "," + withoutProof;
    // RFC 5802 section 3, from the password: ClientProof := ClientKey XOR HMAC(StoredKey, AuthMessage).
    std::string salted(32, '\0');
    PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                      reinterpret_cast<const unsigned char*>(secret.salt.data()), static_cast<int>(secret.salt.size()),
                      static_cast<int>(secret.iterations), EVP_sha256(), 32, reinterpret_cast<unsigned char*>(salted.data()));
    const auto clientKey = sasl::hmacSha256(salted, "Client Key");
    const auto signature = sasl::hmacSha256(secret.storedKey, authMessage);
    std::string proof(clientKey.size(), '\0');
    for (std::size_t i = 0; i < proof.size(); ++i) proof[i] = static_cast<char>(clientKey[i] ^ signature[i]);
    expectedServerFinal = "v=" + sasl::encodeBase64(sasl::hmacSha256(secret.serverKey, authMessage));
    return sasl::encodeBase64(withoutProof + ",p=" + sasl::encodeBase64(proof)) + "\r\n";
  }

  std::string expectedServerFinal;
};

std::string scramSecret(const std::string& password) {
  return "{SCRAM-SHA-256}" + sasl::ScramSecret::derive(password, "0123456789abcdef", 4096).format();
}

TEST(AuthCommandTest, ScramSha256LogsInWithoutThePasswordCrossingTheWire) {
  Connection connection(false);  // SCRAM does not show the password, so it stays offered without TLS
  connection.authenticator.secret = {sasl::StoredSecret::Status::Found, scramSecret("secret")};
  ScramClient client;
  const auto challenge = connection.send("AUTH SCRAM-SHA-256 " + client.first());
  ASSERT_EQ(challenge.rfind("+ ", 0), 0u) << challenge;
  const auto serverFinal = connection.send(client.final(challenge, "secret"));
  EXPECT_EQ(serverFinal, "+ " + sasl::encodeBase64(client.expectedServerFinal) + "\r\n");
  EXPECT_EQ(connection.send("\r\n"), kLoggedIn);
  EXPECT_EQ(connection.session->state(), State::Transaction);
  EXPECT_TRUE(connection.authenticator.requests.empty());
  ASSERT_EQ(connection.authenticator.provenRequests.size(), 1u);
  EXPECT_EQ(connection.authenticator.provenRequests[0].user, "alice@example.org");
  EXPECT_EQ(connection.authenticator.provenRequests[0].password, "");
  EXPECT_EQ(connection.authenticator.provenRequests[0].mechanism, "SCRAM-SHA-256");
}

TEST(AuthCommandTest, ScramSha256WithAWrongPasswordGetsTheSameAnswerAsPass) {
  Connection connection;
  connection.authenticator.secret = {sasl::StoredSecret::Status::Found, scramSecret("secret")};
  ScramClient client;
  const auto challenge = connection.send("AUTH SCRAM-SHA-256 " + client.first());
  EXPECT_EQ(connection.send(client.final(challenge, "wrong")), kAuthFailed);
  EXPECT_TRUE(connection.authenticator.provenRequests.empty());
  EXPECT_EQ(connection.session->state(), State::Authorization);
  // A proof that fails in the session is logged like a wrong password: who, from where, which mechanism.
  ASSERT_EQ(connection.authenticator.failures.size(), 1u);
  EXPECT_EQ(connection.authenticator.failures[0].first.user, "alice@example.org");
  EXPECT_EQ(connection.authenticator.failures[0].first.remoteAddress, "192.0.2.7");
  EXPECT_EQ(connection.authenticator.failures[0].first.mechanism, "SCRAM-SHA-256");
}

// Issue 4: a user whose password is stored in another scheme cannot use SCRAM, and is told so as for a wrong password.
TEST(AuthCommandTest, ScramSha256ForAPasswordStoredInAnotherSchemeFailsLikeAWrongPassword) {
  Connection connection;
  connection.authenticator.secret = {sasl::StoredSecret::Status::Found, "{SHA512-CRYPT}$6$x$y"};
  ScramClient client;
  const auto challenge = connection.send("AUTH SCRAM-SHA-256 " + client.first());
  EXPECT_EQ(connection.send(client.final(challenge, "secret")), kAuthFailed);
}

TEST(AuthCommandTest, ScramSha256WhenTheSecretCannotBeReadIsATemporaryFailure) {
  Connection connection;
  connection.authenticator.throws = true;
  ScramClient client;
  EXPECT_EQ(connection.send("AUTH SCRAM-SHA-256 " + client.first()),
            "-ERR [SYS/TEMP] Temporary failure, please try again later.\r\n");
}

TEST(AuthCommandTest, ScramSha256ProvenButLockedIsInUse) {
  Connection connection;
  connection.authenticator.secret = {sasl::StoredSecret::Status::Found, scramSecret("secret")};
  connection.authenticator.forcedOutcome = Outcome::InUse;
  ScramClient client;
  const auto challenge = connection.send("AUTH SCRAM-SHA-256 " + client.first());
  connection.send(client.final(challenge, "secret"));
  EXPECT_EQ(connection.send("\r\n"), "-ERR [IN-USE] Maildrop is locked by another session.\r\n");
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
  EXPECT_EQ(connection.send(std::string(kMaxSaslResponseLine - 2, 'A') + "\r\n"),
            "-ERR [AUTH] Invalid base64 in the response.\r\n");
  ASSERT_EQ(connection.send("AUTH PLAIN\r\n"), "+ \r\n");
  EXPECT_EQ(connection.send(std::string(kMaxSaslResponseLine - 1, 'A') + "\r\n"), "-ERR [AUTH] Response too long.\r\n");
  ASSERT_EQ(connection.send("AUTH PLAIN\r\n"), "+ \r\n");
  EXPECT_EQ(connection.send(std::string(1 << 20, 'A')), "");
  EXPECT_EQ(connection.send("\r\n"), "-ERR [AUTH] Response too long.\r\n");
  EXPECT_EQ(connection.send("NOOP " + std::string(kMaxCommandLine, 'x') + "\r\n"), "-ERR Line too long\r\n");
  EXPECT_EQ(connection.send("AUTH PLAIN " + plain() + "\r\n"), kLoggedIn);
}

// RFC 2195 through the session: the challenge is a msg-id naming the server, the answer "user hex-digest".
TEST(AuthCommandTest, CramMd5ForAPlainStoredPassword) {
  Connection connection(false);  // the password does not cross the wire, so no TLS is needed
  connection.authenticator.secret = {sasl::StoredSecret::Status::Found, "{PLAIN}secret"};
  const auto challengeLine = connection.send("AUTH CRAM-MD5\r\n");
  ASSERT_EQ(challengeLine.rfind("+ ", 0), 0u);
  const auto challenge = *sasl::decodeBase64(challengeLine.substr(2, challengeLine.size() - 4));
  EXPECT_EQ(challenge.front(), '<');
  EXPECT_NE(challenge.find("@postamt>"), std::string::npos) << challenge;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_md5(), "secret", 6, reinterpret_cast<const unsigned char*>(challenge.data()), challenge.size(), mac, &length);
  const auto response = "alice@example.org " + sasl::toHex(std::string_view(reinterpret_cast<char*>(mac), length));
  EXPECT_EQ(connection.send(sasl::encodeBase64(response) + "\r\n"), kLoggedIn);
  EXPECT_EQ(connection.authenticator.provenRequests.at(0).mechanism, "CRAM-MD5");
}

TEST(AuthCommandTest, CramMd5ChallengesDifferEachTime) {
  Connection connection;
  const auto first = connection.send("AUTH CRAM-MD5\r\n");
  connection.send("*\r\n");
  EXPECT_NE(connection.send("AUTH CRAM-MD5\r\n"), first);
}

// RFC 1939 section 7: the timestamp is in the greeting only when APOP is enabled, and differs per connection.
TEST(AuthCommandTest, TheGreetingCarriesAnApopTimestampOnlyWhenEnabled) {
  Connection off;
  EXPECT_EQ(off.greeting, "+OK postamt ready.\r\n");
  EXPECT_EQ(off.send("APOP alice@example.org c4c9334bac560ecc979e58001b3e22fb\r\n"), "-ERR Unknown command\r\n");
  Connection on(true, true);
  Connection another(true, true);
  EXPECT_EQ(on.greeting.rfind("+OK postamt ready. <", 0), 0u) << on.greeting;
  EXPECT_NE(on.greeting.find("@postamt>\r\n"), std::string::npos) << on.greeting;
  EXPECT_NE(on.greeting, another.greeting);
}

std::string apopDigest(const std::string& greeting, const std::string& password) {
  const auto timestamp = greeting.substr(greeting.find('<'), greeting.find('>') - greeting.find('<') + 1);
  const auto input = timestamp + password;
  unsigned char md5[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), md5, &length, EVP_md5(), nullptr);
  return sasl::toHex(std::string_view(reinterpret_cast<char*>(md5), length));
}

TEST(AuthCommandTest, ApopLogsInAUserWithAPlainStoredPassword) {
  Connection connection(true, true);
  connection.authenticator.secret = {sasl::StoredSecret::Status::Found, "{PLAIN}secret"};
  EXPECT_EQ(connection.send("APOP alice@example.org " + apopDigest(connection.greeting, "wrong") + "\r\n"), kAuthFailed);
  EXPECT_EQ(connection.send("APOP alice@example.org " + apopDigest(connection.greeting, "secret") + "\r\n"), kLoggedIn);
  EXPECT_EQ(connection.authenticator.provenRequests.at(0).mechanism, "APOP");
}

TEST(AuthCommandTest, ApopFailsForAHashedPasswordLikeAWrongOne) {
  Connection connection(true, true);
  connection.authenticator.secret = {sasl::StoredSecret::Status::Found, scramSecret("secret")};
  EXPECT_EQ(connection.send("APOP alice@example.org " + apopDigest(connection.greeting, "secret") + "\r\n"), kAuthFailed);
  EXPECT_TRUE(connection.authenticator.provenRequests.empty());
}

// RFC 6856 section 3, as issue 4 asks: a UTF-8 user name only after UTF8; before it, -ERR.
TEST(AuthCommandTest, Utf8UserNamesOnlyAfterUtf8) {
  Connection connection;
  EXPECT_EQ(connection.send("USER j\xc3\xbcrgen@example.org\r\n"), "-ERR Non-ASCII user name, send UTF8 first\r\n");
  EXPECT_EQ(connection.send("UTF8\r\n"), "+OK UTF8 enabled\r\n");
  EXPECT_EQ(connection.send("USER j\xc3\xbcrgen@example.org\r\n"), "+OK\r\n");
  EXPECT_EQ(connection.send("USER j\xfcrgen@example.org\r\n"), "-ERR User name is not valid UTF-8\r\n");
}

TEST(AuthCommandTest, AUtf8UserAndPasswordReachTheAuthenticatorAsSent) {
  Connection connection;
  connection.authenticator.user = "j\xc3\xbcrgen@example.org";
  connection.authenticator.password = "p\xc3\xa4sswort";
  EXPECT_EQ(connection.send("UTF8\r\nUSER j\xc3\xbcrgen@example.org\r\nPASS p\xc3\xa4sswort\r\n"),
            "+OK UTF8 enabled\r\n+OK\r\n" + kLoggedIn);
}

TEST(AuthCommandTest, Utf8IsOnlyForTheAuthorizationState) {
  Connection connection;
  EXPECT_EQ(connection.send("UTF8 x\r\n"), "-ERR Too many arguments\r\n");
  ASSERT_EQ(connection.send("AUTH PLAIN " + plain() + "\r\n"), kLoggedIn);
  EXPECT_EQ(connection.send("UTF8\r\n"), "-ERR Command not valid in this state\r\n");
}

// RFC 7628 through the session: a good token logs in at once; a bad one gets the JSON error as a challenge, the
// client's %x01, then -ERR [AUTH].
TEST(AuthCommandTest, OAuthBearerWithAGoodAndABadToken) {
  Connection connection;
  const auto message = [](const std::string& token) {
    return sasl::encodeBase64(
               "n,a=alice@example.org,\x01"
               "auth=Bearer " +
               token + "\x01\x01") +
           "\r\n";
  };
  EXPECT_EQ(connection.send("AUTH OAUTHBEARER " + message("forged")),
            "+ " + sasl::encodeBase64(R"({"status":"invalid_token"})") + "\r\n");
  EXPECT_EQ(connection.send(sasl::encodeBase64("\x01") + "\r\n"), kAuthFailed);
  EXPECT_EQ(connection.send("AUTH OAUTHBEARER\r\n"), "+ \r\n");
  EXPECT_EQ(connection.send(message("valid-token")), kLoggedIn);
  EXPECT_EQ(connection.authenticator.provenRequests.at(0).mechanism, "OAUTHBEARER");
}

// A token is as good as a password while it lives: without TLS it is not taken.
TEST(AuthCommandTest, BearerTokensFollowTheCleartextRule) {
  Connection connection(false);
  EXPECT_EQ(connection.send("AUTH XOAUTH2\r\n"), "-ERR [AUTH] Cleartext authentication is not allowed here, use TLS.\r\n");
}

}  // namespace
}  // namespace postamt::pop3
