#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../pop3/RecordingSink.h"
#include "FakeDeliveryAgent.h"
#include "lmtp/Limits.h"
#include "lmtp/Session.h"

namespace postamt::lmtp {

// Reads what only the tests need: how much of a command line not yet ended the session holds.
class SessionInspector {
 public:
  static std::size_t bufferedInput(const Session& session) { return session.bufferedInput(); }
};

namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using pop3::test::RecordingSink;
using test::FakeDeliveryAgent;
using Recipients = std::vector<std::string>;

SessionSettings defaultSettings() {
  SessionSettings settings;
  settings.hostname = "lmtp.example.org";
  settings.remoteAddress = "127.0.0.1";
  return settings;
}

// One client connection: the agent, the session and everything it wrote. The greeting is kept apart.
struct Connection {
  explicit Connection(SessionSettings settings = defaultSettings())
      : session(std::make_unique<Session>(agent, std::move(settings), sink)) {
    session->greet();
    greeting = sink.take();
  }

  // Sends `input` in one piece; returns what the session answered.
  std::string send(std::string_view input) {
    session->receive(input);
    return sink.take();
  }

  // Sends `input` in pieces of `chunk` octets; returns everything the session answered.
  std::string sendInChunks(std::string_view input, std::size_t chunk) {
    std::string answered;
    for (std::size_t at = 0; at < input.size(); at += chunk) answered += send(input.substr(at, chunk));
    return answered;
  }

  FakeDeliveryAgent agent;
  RecordingSink sink;
  std::unique_ptr<Session> session;
  std::string greeting;
};

const std::string kLhlo = "LHLO client.example.org\r\n";
// RFC 2033 section 4.1: the host name, then the extensions, SIZE with the maximum message size.
std::string lhloReply(std::uint64_t maxMessageSize) {
  return "250-lmtp.example.org\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SIZE " +
         std::to_string(maxMessageSize) + "\r\n";
}
const std::string kLhloReply = lhloReply(50 * 1024 * 1024);  // the default maximum
const std::string kMailOk = "250 2.1.0 Ok\r\n";
const std::string kRcptOk = "250 2.1.5 Ok\r\n";
const std::string kStartInput = "354 Start mail input; end with <CRLF>.<CRLF>\r\n";
const std::string kDelivered = "250 2.0.0 Ok\r\n";
const std::string kTooBig = "552 5.3.4 Message size exceeds fixed maximum message size\r\n";
const std::string kTemporaryFailure = "451 4.3.0 Temporary failure, please try again later\r\n";

// A connection that has said LHLO.
struct Greeted : Connection {
  explicit Greeted(SessionSettings settings = defaultSettings()) : Connection(settings) {
    EXPECT_EQ(send(kLhlo), lhloReply(settings.maxMessageSize));
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Whole sessions, byte for byte.

TEST(LmtpSessionTest, GreetsWith220AndTheHostName) {
  Connection connection;
  EXPECT_EQ(connection.greeting, "220 lmtp.example.org LMTP ready\r\n");
  EXPECT_FALSE(connection.session->closed());
}

// RFC 2033 section 4.3, the example session: two of three recipients accepted at RCPT, then one reply per accepted
// recipient after the message, here the second failing over quota. Its "...etc." line arrives dot-stuffed.
TEST(LmtpSessionTest, TheExampleOfRfc2033ByteForByte) {
  auto settings = defaultSettings();
  settings.hostname = "foo.edu";
  Connection connection(settings);
  connection.agent.unknownRecipients = {"jones@foo.edu"};
  connection.agent.deliveryReplies["green@foo.edu"] = {452, "4.2.2", "<green@foo.edu> is temporarily over quota"};

  EXPECT_EQ(connection.greeting, "220 foo.edu LMTP ready\r\n");
  EXPECT_EQ(connection.send("LHLO foo.edu\r\n"
                            "MAIL FROM:<chris@bar.com>\r\n"
                            "RCPT TO:<pat@foo.edu>\r\n"
                            "RCPT TO:<jones@foo.edu>\r\n"
                            "RCPT TO:<green@foo.edu>\r\n"
                            "DATA\r\n"
                            "Blah blah blah...\r\n"
                            "...etc. etc. etc.\r\n"
                            ".\r\n"
                            "QUIT\r\n"),
            "250-foo.edu\r\n"
            "250-PIPELINING\r\n"
            "250-ENHANCEDSTATUSCODES\r\n"
            "250-8BITMIME\r\n"
            "250 SIZE 52428800\r\n"
            "250 2.1.0 Ok\r\n"
            "250 2.1.5 Ok\r\n"
            "550 5.1.1 No such user here\r\n"
            "250 2.1.5 Ok\r\n"
            "354 Start mail input; end with <CRLF>.<CRLF>\r\n"
            "250 2.0.0 Ok\r\n"
            "452 4.2.2 <green@foo.edu> is temporarily over quota\r\n"
            "221 2.0.0 foo.edu closing connection\r\n");
  EXPECT_TRUE(connection.session->closed());

  ASSERT_EQ(connection.agent.deliveries.size(), 1u);
  const auto& delivery = connection.agent.deliveries[0];
  EXPECT_EQ(delivery.envelope.sender, "chris@bar.com");
  EXPECT_EQ(delivery.envelope.recipients, (Recipients{"pat@foo.edu", "green@foo.edu"}));
  EXPECT_EQ(delivery.message, "Return-Path: <chris@bar.com>\r\nBlah blah blah...\r\n..etc. etc. etc.\r\n");
}

// The same session in lock-step, one command and one reply at a time, as a client without PIPELINING talks.
TEST(LmtpSessionTest, TheExampleOfRfc2033InLockStep) {
  Connection connection;
  connection.agent.unknownRecipients = {"jones@foo.edu"};
  EXPECT_EQ(connection.send("LHLO foo.edu\r\n"), kLhloReply);
  EXPECT_EQ(connection.send("MAIL FROM:<chris@bar.com>\r\n"), kMailOk);
  EXPECT_EQ(connection.send("RCPT TO:<pat@foo.edu>\r\n"), kRcptOk);
  EXPECT_EQ(connection.send("RCPT TO:<jones@foo.edu>\r\n"), "550 5.1.1 No such user here\r\n");
  EXPECT_EQ(connection.send("RCPT TO:<green@foo.edu>\r\n"), kRcptOk);
  EXPECT_EQ(connection.send("DATA\r\n"), kStartInput);
  EXPECT_EQ(connection.send("Blah blah blah...\r\n"), "");
  EXPECT_EQ(connection.send("...etc. etc. etc.\r\n"), "");
  EXPECT_EQ(connection.send(".\r\n"), kDelivered + kDelivered);
  EXPECT_EQ(connection.send("QUIT\r\n"), "221 2.0.0 lmtp.example.org closing connection\r\n");
  EXPECT_TRUE(connection.session->closed());
}

// Stalwart-style: bugs in line protocols live at buffer boundaries, so every way of cutting the input must give the
// same bytes out and the same messages stored. The script has two transactions, a rejected recipient, dot-stuffed
// lines, a line that is only "..", bare LF line ends, a text line beyond 1000 octets, an over-long command line, an
// unknown command and RSET. Chunks of N/2 octets or more cut the script in two pieces, as the split points do.
TEST(LmtpSessionTest, TheSameRepliesAndMessagesAtEveryChunkSizeAndEverySplitPoint) {
  const std::string longTextLine(1200, 't');
  const std::string script = kLhlo +
                             "MAIL FROM:<a@example.net> SIZE=100 BODY=8BITMIME\r\n"
                             "RCPT TO:<b@example.org>\r\n"
                             "RCPT TO:<nobody@example.org>\r\n"
                             "RCPT TO:<c@example.org>\r\n"
                             "DATA\r\n"
                             "Subject: dots\r\n\r\n..\r\n...two\r\n.x\n" +
                             longTextLine + "\r\nlast\r\n.\r\n" + std::string(kMaxCommandLine, 'x') +
                             "\r\nXYZZY\r\n"
                             "MAIL FROM:<>\r\n"
                             "RSET\r\n"
                             "MAIL FROM:<>\r\n"
                             "RCPT TO:<b@example.org>\r\n"
                             "DATA\r\n"
                             "bounce\r\n.\r\n"
                             "NOOP\r\n"
                             "QUIT\r\n";
  const std::string expected = kLhloReply + kMailOk + kRcptOk + "550 5.1.1 No such user here\r\n" + kRcptOk + kStartInput +
                               kDelivered + kDelivered + "500 5.5.2 Line too long\r\n" + "500 5.5.1 Command unrecognized\r\n" +
                               kMailOk + "250 2.0.0 Ok\r\n" + kMailOk + kRcptOk + kStartInput + kDelivered + "250 2.0.0 Ok\r\n" +
                               "221 2.0.0 lmtp.example.org closing connection\r\n";
  const std::vector<std::string> expectedMessages = {
      "Return-Path: <a@example.net>\r\nSubject: dots\r\n\r\n.\r\n..two\r\nx\r\n" + longTextLine + "\r\nlast\r\n",
      "Return-Path: <>\r\nDelivered-To: b@example.org\r\nbounce\r\n",
  };
  const auto storedMessages = [](const Connection& connection) {
    std::vector<std::string> messages;
    for (const auto& delivery : connection.agent.deliveries) messages.push_back(delivery.message);
    return messages;
  };

  {
    Connection reference;
    reference.agent.unknownRecipients = {"nobody@example.org"};
    ASSERT_EQ(reference.send(script), expected);
    ASSERT_EQ(storedMessages(reference), expectedMessages);
    ASSERT_TRUE(reference.session->closed());
  }
  for (std::size_t chunk = 1; chunk <= script.size() / 2; ++chunk) {
    Connection connection;
    connection.agent.unknownRecipients = {"nobody@example.org"};
    ASSERT_EQ(connection.sendInChunks(script, chunk), expected) << "chunk size " << chunk;
    ASSERT_EQ(storedMessages(connection), expectedMessages) << "chunk size " << chunk;
  }
  for (std::size_t split = 0; split <= script.size(); ++split) {
    Connection connection;
    connection.agent.unknownRecipients = {"nobody@example.org"};
    std::string answered = connection.send(script.substr(0, split));
    answered += connection.send(script.substr(split));
    ASSERT_EQ(answered, expected) << "split at " << split;
    ASSERT_EQ(storedMessages(connection), expectedMessages) << "split at " << split;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// LHLO (RFC 2033 section 4.1).

TEST(LmtpSessionTest, LhloListsTheHostNameThenTheExtensionsWithTheConfiguredSize) {
  auto settings = defaultSettings();
  settings.maxMessageSize = 1000;
  Connection connection(settings);
  EXPECT_EQ(connection.send("lhlo client.example.org\r\n"),
            "250-lmtp.example.org\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SIZE 1000\r\n");
}

TEST(LmtpSessionTest, LhloNeedsADomain) {
  Connection connection;
  EXPECT_EQ(connection.send("LHLO\r\nLHLO \r\n"), "501 5.5.4 Syntax: LHLO hostname\r\n501 5.5.4 Syntax: LHLO hostname\r\n");
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\n"), "503 5.5.1 Send LHLO first\r\n");
}

TEST(LmtpSessionTest, HeloAndEhloAreNotLmtp) {
  Connection connection;
  EXPECT_EQ(connection.send("HELO client.example.org\r\nEHLO client.example.org\r\n"),
            "500 5.5.1 This is LMTP: use LHLO\r\n500 5.5.1 This is LMTP: use LHLO\r\n");
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\n"), "503 5.5.1 Send LHLO first\r\n");
}

TEST(LmtpSessionTest, LhloEndsATransactionInProgress) {
  Greeted connection;
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\n" + kLhlo), kMailOk + kLhloReply);
  EXPECT_EQ(connection.send("RCPT TO:<b@example.org>\r\n"), "503 5.5.1 Need MAIL command\r\n");
}

// ---------------------------------------------------------------------------------------------------------------
// MAIL (RFC 5321 section 4.1.1.2, RFC 1870 SIZE, RFC 6152 BODY).

TEST(LmtpSessionTest, MailBeforeLhloIsABadSequence) {
  Connection connection;
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\n"), "503 5.5.1 Send LHLO first\r\n");
}

TEST(LmtpSessionTest, MailAcceptsTheNullSender) {
  Greeted connection;
  EXPECT_EQ(connection.send("MAIL FROM:<>\r\nRCPT TO:<b@example.org>\r\nDATA\r\nx\r\n.\r\n"),
            kMailOk + kRcptOk + kStartInput + kDelivered);
  ASSERT_EQ(connection.agent.deliveries.size(), 1u);
  EXPECT_EQ(connection.agent.deliveries[0].envelope.sender, "");
  EXPECT_EQ(connection.agent.deliveries[0].message, "Return-Path: <>\r\nDelivered-To: b@example.org\r\nx\r\n");
}

TEST(LmtpSessionTest, MailFromIsCaseInsensitiveWithOrWithoutASpaceAfterTheColon) {
  for (const std::string command : {"MAIL FROM:<a@example.net>", "mail from:<a@example.net>", "Mail From: <a@example.net>",
                                    "MAIL FROM:<a@example.net> body=8bitmime size=10", "MAIL FROM:<a@example.net>  "}) {
    Greeted connection;
    EXPECT_EQ(connection.send(command + "\r\nRCPT TO:<b@example.org>\r\n"), kMailOk + kRcptOk) << command;
  }
}

TEST(LmtpSessionTest, MailRefusesBadSyntax) {
  for (const std::string command :
       {"MAIL", "MAIL FROM:", "MAIL FROM:a@example.net", "MAIL TO:<a@example.net>", "MAIL FROM:<a@example.net",
        "MAIL FROM:<a b@example.net>", "MAIL FROM:<a@example.net>x", "MAIL FROM:<a\rb@example.net>",
        "MAIL FROM:<a@example.net> =1", "MAIL FROM:<@relay>", "MAIL FROM:<a\xc3\xa4@example.net>"}) {
    Greeted connection;
    EXPECT_EQ(connection.send(command + "\r\n"), "501 5.5.4 Syntax: MAIL FROM:<address>\r\n") << command;
  }
}

TEST(LmtpSessionTest, MailTakesAQuotedLocalPartAndDropsASourceRoute) {
  Greeted connection;
  EXPECT_EQ(connection.send("MAIL FROM:<@relay.example,@other.example:\"john doe\"@example.net>\r\n"
                            "RCPT TO:<b@example.org>\r\nDATA\r\n.\r\n"),
            kMailOk + kRcptOk + kStartInput + kDelivered);
  ASSERT_EQ(connection.agent.deliveries.size(), 1u);
  EXPECT_EQ(connection.agent.deliveries[0].envelope.sender, "\"john doe\"@example.net");
}

TEST(LmtpSessionTest, NestedMailIsABadSequence) {
  Greeted connection;
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nMAIL FROM:<b@example.net>\r\n"),
            kMailOk + "503 5.5.1 Nested MAIL command\r\n");
}

TEST(LmtpSessionTest, ASizeAboveTheMaximumIsRefusedAtMail) {
  auto settings = defaultSettings();
  settings.maxMessageSize = 1000;
  Greeted connection(settings);
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net> SIZE=1001\r\n"), kTooBig);
  // RFC 1870: size-value is up to 20 digits, more than 64 bits hold; such a size exceeds any maximum.
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net> SIZE=99999999999999999999\r\n"), kTooBig);
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net> SIZE=1000\r\n"), kMailOk);
}

TEST(LmtpSessionTest, TheDeclaredSizeGoesToTheRecipientCheck) {
  Greeted connection;
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net> SIZE=4711\r\nRCPT TO:<b@example.org>\r\n"), kMailOk + kRcptOk);
  EXPECT_EQ(connection.send("RSET\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<c@example.org>\r\n"),
            "250 2.0.0 Ok\r\n" + kMailOk + kRcptOk);
  ASSERT_EQ(connection.agent.checks.size(), 2u);
  EXPECT_EQ(connection.agent.checks[0].first, "b@example.org");
  EXPECT_EQ(connection.agent.checks[0].second, std::optional<std::uint64_t>(4711));
  EXPECT_EQ(connection.agent.checks[1].second, std::nullopt);
}

TEST(LmtpSessionTest, BadSizeAndBodyValuesAreSyntaxErrors) {
  Greeted connection;
  // RFC 1870 section 3: size-value = 1*20DIGIT; a 21st digit is a syntax error however small the value.
  for (const std::string parameters : {"SIZE", "SIZE=-1", "SIZE=1x", "SIZE=1 SIZE=2", "SIZE=000000000000000000001"}) {
    EXPECT_EQ(connection.send("MAIL FROM:<a@example.net> " + parameters + "\r\n"), "501 5.5.4 Bad SIZE parameter\r\n")
        << parameters;
  }
  for (const std::string parameters : {"BODY", "BODY=BINARYMIME", "BODY=8BIT", "BODY=7BIT BODY=7BIT"}) {
    EXPECT_EQ(connection.send("MAIL FROM:<a@example.net> " + parameters + "\r\n"), "501 5.5.4 Bad BODY parameter\r\n")
        << parameters;
  }
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net> BODY=7bit\r\n"), kMailOk);
}

TEST(LmtpSessionTest, AnUnknownMailParameterIsRefusedWith555) {
  Greeted connection;
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net> SMTPUTF8\r\nMAIL FROM:<a@example.net> RET=FULL\r\n"),
            "555 5.5.4 Unsupported parameter SMTPUTF8\r\n555 5.5.4 Unsupported parameter RET\r\n");
}

// ---------------------------------------------------------------------------------------------------------------
// RCPT (RFC 5321 section 4.1.1.3, RFC 2033 section 4.2).

TEST(LmtpSessionTest, RcptBeforeMailIsABadSequence) {
  Greeted connection;
  EXPECT_EQ(connection.send("RCPT TO:<b@example.org>\r\n"), "503 5.5.1 Need MAIL command\r\n");
  EXPECT_TRUE(connection.agent.checks.empty());
}

TEST(LmtpSessionTest, RcptRefusesBadSyntaxAnEmptyPathAndParameters) {
  Greeted connection;
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\n"), kMailOk);
  for (const std::string command : {"RCPT", "RCPT TO:b@example.org", "RCPT FROM:<b@example.org>", "RCPT TO:<>"}) {
    EXPECT_EQ(connection.send(command + "\r\n"), "501 5.5.4 Syntax: RCPT TO:<address>\r\n") << command;
  }
  EXPECT_EQ(connection.send("RCPT TO:<b@example.org> NOTIFY=NEVER\r\n"), "555 5.5.4 Unsupported parameter NOTIFY\r\n");
  EXPECT_TRUE(connection.agent.checks.empty());
}

TEST(LmtpSessionTest, RcptSendsTheAgentsReplyAndOnlyAcceptedRecipientsJoinTheEnvelope) {
  Greeted connection;
  connection.agent.unknownRecipients = {"nobody@example.org"};
  connection.agent.recipientReplies["full@example.org"] = {452, "4.2.2", "Mailbox full"};
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<nobody@example.org>\r\nRCPT TO:<full@example.org>\r\n"
                            "DATA\r\n"),
            kMailOk + "550 5.1.1 No such user here\r\n452 4.2.2 Mailbox full\r\n503 5.5.1 No valid recipients\r\n");
  EXPECT_EQ(connection.send("RCPT TO:<B@example.org>\r\nDATA\r\nx\r\n.\r\n"), kRcptOk + kStartInput + kDelivered);
  ASSERT_EQ(connection.agent.deliveries.size(), 1u);
  EXPECT_EQ(connection.agent.deliveries[0].envelope.recipients, Recipients{"B@example.org"});
}

TEST(LmtpSessionTest, MoreThanMaxRecipientsGet452AndAreNotChecked) {
  auto settings = defaultSettings();
  settings.maxRecipients = 2;
  Greeted connection(settings);
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\n"
                            "RCPT TO:<d@example.org>\r\nDATA\r\nx\r\n.\r\n"),
            kMailOk + kRcptOk + kRcptOk + "452 4.5.3 Too many recipients\r\n" + kStartInput + kDelivered + kDelivered);
  EXPECT_EQ(connection.agent.checks.size(), 2u);
  ASSERT_EQ(connection.agent.deliveries.size(), 1u);
  EXPECT_EQ(connection.agent.deliveries[0].envelope.recipients, (Recipients{"b@example.org", "c@example.org"}));
}

TEST(LmtpSessionTest, ARecipientCheckThatThrowsIsATemporaryFailure) {
  Greeted connection;
  connection.agent.checkThrows = true;
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n"),
            kMailOk + kTemporaryFailure + "503 5.5.1 No valid recipients\r\n");
}

TEST(LmtpSessionTest, AnAgentsReplyIsMadeFitForTheWire) {
  Greeted connection;
  connection.agent.recipientReplies["no-code@example.org"] = {250, "", "Fine"};
  connection.agent.recipientReplies["continue@example.org"] = {354, "", "Go ahead"};
  connection.agent.recipientReplies["forged@example.org"] = {550, "5.1.1", "No\r\n250 2.0.0 Ok"};
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<no-code@example.org>\r\nRCPT TO:<continue@example.org>\r\n"
                            "RCPT TO:<forged@example.org>\r\n"),
            kMailOk + "250 2.0.0 Fine\r\n" + kTemporaryFailure + "550 5.1.1 No??250 2.0.0 Ok\r\n");
}

// ---------------------------------------------------------------------------------------------------------------
// DATA (RFC 5321 sections 4.1.1.4 and 4.5.2, RFC 2033 section 4.2).

TEST(LmtpSessionTest, DataWithoutAcceptedRecipientsIsABadSequence) {
  Greeted connection;
  EXPECT_EQ(connection.send("DATA\r\n"), "503 5.5.1 Need MAIL command\r\n");
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nDATA\r\n"), kMailOk + "503 5.5.1 No valid recipients\r\n");
  EXPECT_EQ(connection.send("RCPT TO:<b@example.org>\r\nDATA now\r\n"), kRcptOk + "501 5.5.4 Syntax: DATA\r\n");
}

TEST(LmtpSessionTest, DotUnstuffingAndTheEndOfDataAtAChunkBoundary) {
  Greeted connection;
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n"), kMailOk + kRcptOk + kStartInput);
  EXPECT_EQ(connection.send("..\r\n"), "");  // a line that is only ".." is a line with one "."
  EXPECT_EQ(connection.send("...three\r\n.x\r\n."), "");
  EXPECT_EQ(connection.send(".\r\n."), "");  // ".." again, split after its first dot
  EXPECT_EQ(connection.send("\r\nNOOP\r\n"), kDelivered + "250 2.0.0 Ok\r\n");
  ASSERT_EQ(connection.agent.deliveries.size(), 1u);
  EXPECT_EQ(connection.agent.deliveries[0].message,
            "Return-Path: <a@example.net>\r\nDelivered-To: b@example.org\r\n.\r\n..three\r\nx\r\n.\r\n");
}

// Commands may end in a bare LF; message text ends only at CRLF "." CRLF (RFC 5321 sections 2.3.8 and 4.1.1.4), so a
// transaction hidden behind "\n.\n" is stored as text of the one message, never run (SMTP smuggling). Bare LFs are
// stored as CRLF.
TEST(LmtpSessionTest, ABareLfIsMessageTextStoredAsCrlfAndNeverEndsData) {
  Greeted connection;
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\nRCPT TO:<b@example.org>\nDATA\nSubject: lf\n\nhello\n.\n"
                            "MAIL FROM:<ceo@bank.test>\r\nRCPT TO:<c@example.org>\r\nDATA\r\n"),
            kMailOk + kRcptOk + kStartInput);
  EXPECT_EQ(connection.send("forged\r\n.\r\nNOOP\n"), kDelivered + "250 2.0.0 Ok\r\n");
  ASSERT_EQ(connection.agent.deliveries.size(), 1u);
  EXPECT_EQ(connection.agent.deliveries[0].message,
            "Return-Path: <a@example.net>\r\nDelivered-To: b@example.org\r\nSubject: lf\r\n\r\nhello\r\n.\r\n"
            "MAIL FROM:<ceo@bank.test>\r\nRCPT TO:<c@example.org>\r\nDATA\r\nforged\r\n");
}

// Dovecot writes Delivered-To only for a single recipient, so a message for several is one identical copy.
TEST(LmtpSessionTest, TraceHeadersArePrependedAndCountInTheStoredSize) {
  Greeted connection;
  const std::string body = "Subject: hi\r\n\r\nHello\r\n";
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n" + body + ".\r\n"),
            kMailOk + kRcptOk + kStartInput + kDelivered);
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\nDATA\r\n" + body +
                            ".\r\n"),
            kMailOk + kRcptOk + kRcptOk + kStartInput + kDelivered + kDelivered);
  ASSERT_EQ(connection.agent.deliveries.size(), 2u);
  const std::string single = "Return-Path: <a@example.net>\r\nDelivered-To: b@example.org\r\n" + body;
  const std::string several = "Return-Path: <a@example.net>\r\n" + body;
  EXPECT_EQ(connection.agent.deliveries[0].message, single);
  EXPECT_EQ(connection.agent.deliveries[1].message, several);
  EXPECT_EQ(connection.agent.deliveries[0].size, single.size());
  EXPECT_EQ(connection.agent.deliveries[1].size, several.size());
}

// RFC 1870 section 6.3: the limit holds while the text arrives, whatever SIZE said. The text is read to its end and
// then refused once per recipient; the session goes on.
TEST(LmtpSessionTest, AMessageAboveTheMaximumIsReadToItsEndThenRefusedPerRecipient) {
  auto settings = defaultSettings();
  settings.maxMessageSize = 100;
  Greeted connection(settings);
  const std::string exactly100 = std::string(98, 'a') + "\r\n";
  const std::string envelope = "MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\nDATA\r\n";

  EXPECT_EQ(connection.send(envelope + exactly100 + ".\r\n"),
            kMailOk + kRcptOk + kRcptOk + kStartInput + kDelivered + kDelivered);
  ASSERT_EQ(connection.agent.deliveries.size(), 1u);
  EXPECT_EQ(connection.agent.deliveries[0].message, "Return-Path: <a@example.net>\r\n" + exactly100);

  EXPECT_EQ(connection.send(envelope + "b" + exactly100 + std::string(5000, 'c') + "\r\n.\r\nNOOP\r\n"),
            kMailOk + kRcptOk + kRcptOk + kStartInput + kTooBig + kTooBig + "250 2.0.0 Ok\r\n");
  EXPECT_EQ(connection.agent.deliveries.size(), 1u);
  // A bare LF counts as the CRLF it is stored as: 97 octets, a bare LF and a CRLF are 100 on the wire, 101 stored.
  EXPECT_EQ(connection.send(envelope + std::string(97, 'd') + "\n\r\n.\r\n"),
            kMailOk + kRcptOk + kRcptOk + kStartInput + kTooBig + kTooBig);
  EXPECT_EQ(connection.send("RCPT TO:<b@example.org>\r\n"), "503 5.5.1 Need MAIL command\r\n");
}

TEST(LmtpSessionTest, OneRecipientsStoreFailingGets451WhileTheOthersGet250InRcptOrder) {
  Greeted connection;
  connection.agent.failingRecipient = "c@example.org";
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\n"
                            "RCPT TO:<d@example.org>\r\nDATA\r\nx\r\n.\r\n"),
            kMailOk + kRcptOk + kRcptOk + kRcptOk + kStartInput + kDelivered + "451 4.3.0 Temporary failure\r\n" + kDelivered);
}

TEST(LmtpSessionTest, ADeliveryThatThrowsIsATemporaryFailureForEveryRecipient) {
  Greeted connection;
  connection.agent.deliverThrows = true;
  EXPECT_EQ(
      connection.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\n"
                      "DATA\r\nx\r\n.\r\nRCPT TO:<b@example.org>\r\n"),
      kMailOk + kRcptOk + kRcptOk + kStartInput + kTemporaryFailure + kTemporaryFailure + "503 5.5.1 Need MAIL command\r\n");
  EXPECT_FALSE(connection.session->closed());
}

TEST(LmtpSessionTest, ADeliveryWithTheWrongNumberOfRepliesIsATemporaryFailureForEveryRecipient) {
  Greeted connection;
  connection.agent.wholeDeliveryReply = std::vector<Reply>{{250, "2.0.0", "Ok"}};
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\n"
                            "DATA\r\nx\r\n.\r\n"),
            kMailOk + kRcptOk + kRcptOk + kStartInput + kTemporaryFailure + kTemporaryFailure);
}

TEST(LmtpSessionTest, AfterDataTheEnvelopeIsClearedAndTheNextTransactionStartsAfresh) {
  Greeted connection;
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net> SIZE=3\r\nRCPT TO:<b@example.org>\r\nDATA\r\nx\r\n.\r\n"
                            "DATA\r\nRCPT TO:<c@example.org>\r\n"
                            "MAIL FROM:<d@example.net>\r\nRCPT TO:<e@example.org>\r\nDATA\r\ny\r\n.\r\n"),
            kMailOk + kRcptOk + kStartInput + kDelivered + "503 5.5.1 Need MAIL command\r\n" + "503 5.5.1 Need MAIL command\r\n" +
                kMailOk + kRcptOk + kStartInput + kDelivered);
  ASSERT_EQ(connection.agent.deliveries.size(), 2u);
  EXPECT_EQ(connection.agent.deliveries[1].envelope.sender, "d@example.net");
  EXPECT_EQ(connection.agent.deliveries[1].envelope.size, std::nullopt);
  EXPECT_EQ(connection.agent.deliveries[1].envelope.recipients, Recipients{"e@example.org"});
}

// Architecture: a message is never held in memory. 20 MiB in 64 KiB reads, with a 4 MiB line without any line end
// among ordinary lines: the session keeps no more than a command line, and the spool gets every octet.
TEST(LmtpSessionTest, ATwentyMegabyteMessageKeepsTheSessionsBufferBounded) {
  Greeted connection;
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n"), kMailOk + kRcptOk + kStartInput);
  const std::string line = std::string(78, 'm') + "\r\n";
  std::string text;
  while (text.size() < 8 * 1024 * 1024) text += line;
  text += "." + std::string(4 * 1024 * 1024, 'L') + "\r\n";
  while (text.size() < 20 * 1024 * 1024) text += line;
  const std::string wire = text + ".\r\n";
  std::string answered;
  for (std::size_t at = 0; at < wire.size(); at += 64 * 1024) {
    answered += connection.send(std::string_view(wire).substr(at, 64 * 1024));
    ASSERT_LE(SessionInspector::bufferedInput(*connection.session), kMaxCommandLine);
  }
  EXPECT_EQ(answered, kDelivered);
  ASSERT_EQ(connection.agent.deliveries.size(), 1u);
  const std::string headers = "Return-Path: <a@example.net>\r\nDelivered-To: b@example.org\r\n";
  const auto& stored = connection.agent.deliveries[0].message;
  ASSERT_EQ(stored.size(), headers.size() + text.size() - 1);  // less the stuffed dot
  EXPECT_TRUE(stored.compare(0, headers.size(), headers) == 0);
  EXPECT_EQ(stored.find('.', headers.size()), std::string::npos) << "the stuffed dot was stored";
  EXPECT_EQ(connection.agent.deliveries[0].size, stored.size());
}

// ---------------------------------------------------------------------------------------------------------------
// RSET, NOOP, VRFY, QUIT (RFC 5321 sections 4.1.1.5 and 4.1.1.9-10, 3.5.3).

TEST(LmtpSessionTest, RsetDropsTheTransaction) {
  Greeted connection;
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nRSET\r\nDATA\r\nRSET x\r\n"),
            kMailOk + kRcptOk + "250 2.0.0 Ok\r\n503 5.5.1 Need MAIL command\r\n501 5.5.4 Syntax: RSET\r\n");
  EXPECT_EQ(connection.send("RSET\r\n"), "250 2.0.0 Ok\r\n");  // valid before LHLO and without a transaction too
}

TEST(LmtpSessionTest, NoopAnswersOkWithOrWithoutAString) {
  Connection connection;
  EXPECT_EQ(connection.send("NOOP\r\nnoop anything\r\n"), "250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n");
}

TEST(LmtpSessionTest, VrfyVerifiesNothingAndDoesNotAskTheAgent) {
  Connection connection;
  EXPECT_EQ(connection.send("VRFY b@example.org\r\nVRFY\r\n"),
            "252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery\r\n"
            "501 5.5.4 Syntax: VRFY address\r\n");
  EXPECT_TRUE(connection.agent.checks.empty());
}

TEST(LmtpSessionTest, QuitSays221AndClosesAndWhatFollowsIsIgnored) {
  Greeted connection;
  EXPECT_EQ(connection.send("QUIT now\r\n"), "501 5.5.4 Syntax: QUIT\r\n");
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nQUIT\r\nNOOP\r\n"),
            kMailOk + "221 2.0.0 lmtp.example.org closing connection\r\n");
  EXPECT_TRUE(connection.session->closed());
  EXPECT_EQ(connection.send("NOOP\r\n"), "");
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile input: unknown commands, long lines, NUL, the bad-command limit.

TEST(LmtpSessionTest, UnknownCommandsAndEmptyLinesAre500) {
  Connection connection;
  EXPECT_EQ(connection.send("XYZZY\r\n\r\nEXPN list\r\nMAILFROM:<a@example.net>\r\n"),
            "500 5.5.1 Command unrecognized\r\n500 5.5.1 Command unrecognized\r\n500 5.5.1 Command unrecognized\r\n"
            "500 5.5.1 Command unrecognized\r\n");
}

TEST(LmtpSessionTest, ACommandLineOf512OctetsIsAcceptedAnd513IsTooLong) {
  Connection connection;
  const std::string text(kMaxCommandLine - 2 - 5, 'n');  // "NOOP " + text + CRLF = 512 octets
  EXPECT_EQ(connection.send("NOOP " + text + "\r\n"), "250 2.0.0 Ok\r\n");
  EXPECT_EQ(connection.send("NOOP " + text + "n\r\n"), "500 5.5.2 Line too long\r\n");
  EXPECT_EQ(connection.send("NOOP " + text + "n\n"), "500 5.5.2 Line too long\r\n");
}

TEST(LmtpSessionTest, AMegabyteLineWithoutLineEndKeepsTheInputBoundedAndTheSessionWorksAfter) {
  Connection connection;
  const std::string piece(64 * 1024, 'A');
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(connection.send(piece), "");
    ASSERT_LE(SessionInspector::bufferedInput(*connection.session), kMaxCommandLine);
  }
  EXPECT_EQ(connection.send("\r\n" + kLhlo), "500 5.5.2 Line too long\r\n" + kLhloReply);
  EXPECT_EQ(SessionInspector::bufferedInput(*connection.session), 0u);
}

TEST(LmtpSessionTest, ALineWithANulIsRefused) {
  Connection connection;
  EXPECT_EQ(connection.send("NO\0OP\r\n"s), "500 5.5.2 NUL character in command line\r\n");
}

TEST(LmtpSessionTest, TooManyBadCommandsClose) {
  auto settings = defaultSettings();
  settings.maxBadCommands = 3;
  Greeted connection(settings);
  connection.agent.unknownRecipients = {"nobody@example.org"};
  // Replies that are not the client's fault (an unknown recipient, a size too large) do not count.
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<nobody@example.org>\r\nRCPT TO:<nobody@example.org>\r\n"),
            kMailOk + "550 5.1.1 No such user here\r\n550 5.1.1 No such user here\r\n");
  EXPECT_EQ(connection.send("XYZZY\r\nHELO x\r\nMAIL FROM:<b@example.net>\r\nNOOP\r\n"),
            "500 5.5.1 Command unrecognized\r\n500 5.5.1 This is LMTP: use LHLO\r\n503 5.5.1 Nested MAIL command\r\n"
            "421 4.7.0 Too many errors\r\n");
  EXPECT_TRUE(connection.session->closed());
}

// ---------------------------------------------------------------------------------------------------------------
// Timers and shutdown.

TEST(LmtpSessionTest, TimeOutSays421AndClosesDroppingTheTransaction) {
  Greeted connection;
  EXPECT_EQ(connection.session->idleTimeout(), 300s);
  EXPECT_EQ(connection.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<b@example.org>\r\nDATA\r\nhalf a mess"),
            kMailOk + kRcptOk + kStartInput);
  connection.session->timeOut();
  EXPECT_EQ(connection.sink.take(), "421 4.4.2 lmtp.example.org Error: timeout exceeded\r\n");
  EXPECT_TRUE(connection.session->closed());
  EXPECT_EQ(connection.send("age\r\n.\r\n"), "");
  EXPECT_TRUE(connection.agent.deliveries.empty());
  connection.session->timeOut();
  connection.session->stop();
  EXPECT_EQ(connection.sink.take(), "");
}

TEST(LmtpSessionTest, StopSays421AndCloses) {
  auto settings = defaultSettings();
  settings.idleTimeout = 42s;
  Connection connection(settings);
  EXPECT_EQ(connection.session->idleTimeout(), 42s);
  connection.session->stop();
  EXPECT_EQ(connection.sink.take(), "421 4.3.2 Server shutting down\r\n");
  EXPECT_TRUE(connection.session->closed());
}

TEST(LmtpSessionTest, ASinkThatThrowsClosesTheSession) {
  Greeted connection;
  connection.sink.peerGone = true;
  EXPECT_THROW(connection.session->receive("NOOP\r\n"), std::runtime_error);
  EXPECT_TRUE(connection.session->closed());
}

}  // namespace
}  // namespace postamt::lmtp
