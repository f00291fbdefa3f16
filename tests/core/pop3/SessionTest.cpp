#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "FakeAuthenticator.h"
#include "FakeMaildrop.h"
#include "MultiLine.h"
#include "RecordingSink.h"
#include "pop3/Limits.h"
#include "pop3/MessageWriter.h"
#include "pop3/Session.h"

namespace postamt::pop3 {

// Reads what only the tests need: how much of a line not yet ended the session holds.
class SessionInspector {
 public:
  static std::size_t bufferedInput(const Session& session) { return session.bufferedInput(); }
};

namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using test::FakeAuthenticator;
using test::FakeMessage;
using test::FakeStore;
using test::RecordingSink;
using test::splitStatus;
using test::stuffed;
using test::unstuff;
using Outcome = LoginResult::Outcome;
using State = Session::State;

const std::string kMessage1 = "Subject: one\r\n\r\nHello\r\n";                          // 23 octets
const std::string kMessage2 = "Subject: dots\r\n\r\n.\r\n..two\r\n.x\r\nend\r\n";       // 36 octets
const std::string kMessage3 = "Subject: 8bit\r\n\r\n\xc3\xa4\xff\x80 caf\xc3\xa9\r\n";  // 29 octets
const std::string kLogin = "USER alice@example.org\r\nPASS secret\r\n";
const std::string kLoggedIn = "+OK\r\n+OK Logged in.\r\n";

std::vector<FakeMessage> threeMessages() { return {{"uid-1", kMessage1}, {"uid-2", kMessage2}, {"uid-3", kMessage3}}; }

SessionSettings defaultSettings() {
  SessionSettings settings;
  settings.remoteAddress = "192.0.2.7";
  return settings;
}

// One client connection: a store, its account, the session and everything it wrote. The greeting is kept apart.
struct Connection {
  explicit Connection(SessionSettings settings = defaultSettings(), std::vector<FakeMessage> messages = threeMessages())
      : authenticator(store), session(std::make_unique<Session>(authenticator, std::move(settings), sink)) {
    store.messages = std::move(messages);
    session->greet();
    greeting = sink.take();
  }

  // Sends `input` in one piece; returns what the session answered.
  std::string send(std::string_view input) {
    session->receive(input);
    return sink.take();
  }

  void logIn() { ASSERT_EQ(send(kLogin), kLoggedIn); }

  std::vector<std::string> storedUidls() const {
    std::vector<std::string> uidls;
    for (const auto& message : store.messages) uidls.push_back(message.uidl);
    return uidls;
  }

  FakeStore store;
  FakeAuthenticator authenticator;
  RecordingSink sink;
  std::unique_ptr<Session> session;
  std::string greeting;
};

using Uidls = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------------------------
// A whole session, byte for byte (RFC 1939 sections 4-7, RFC 2449 section 5).

const std::string kScript =
    "CAPA\r\n"
    "USER alice@example.org\r\n"
    "PASS secret\r\n"
    "STAT\r\n"
    "LIST\r\n"
    "UIDL\r\n"
    "RETR 2\r\n"
    "TOP 1 0\r\n"
    "DELE 1\r\n"
    "LIST 1\r\n"
    "STAT\r\n"
    "QUIT\r\n";

const std::string kCapa =
    "+OK Capability list follows\r\n"
    "TOP\r\nUSER\r\nSASL PLAIN LOGIN\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\nUIDL\r\nUTF8\r\nIMPLEMENTATION Postamt\r\n.\r\n";

const std::string kTranscript = kCapa +
                                "+OK\r\n"
                                "+OK Logged in.\r\n"
                                "+OK 3 88\r\n"
                                "+OK 3 messages (88 octets)\r\n1 23\r\n2 36\r\n3 29\r\n.\r\n"
                                "+OK Unique-ID listing follows.\r\n1 uid-1\r\n2 uid-2\r\n3 uid-3\r\n.\r\n"
                                "+OK 36 octets\r\nSubject: dots\r\n\r\n..\r\n...two\r\n..x\r\nend\r\n.\r\n"
                                "+OK Top of message follows.\r\nSubject: one\r\n\r\n.\r\n"
                                "+OK Message 1 deleted.\r\n"
                                "-ERR Message 1 already deleted\r\n"
                                "+OK 2 65\r\n"
                                "+OK Logging out.\r\n";

TEST(SessionTest, GreetsWithOkReady) {
  Connection connection;
  EXPECT_EQ(connection.greeting, "+OK postamt ready.\r\n");
  EXPECT_EQ(connection.session->state(), State::Authorization);
}

TEST(SessionTest, AWholeSessionByteForByte) {
  Connection connection;
  EXPECT_EQ(connection.send(kScript), kTranscript);
  EXPECT_TRUE(connection.session->closed());
  EXPECT_EQ(connection.storedUidls(), (Uidls{"uid-2", "uid-3"}));
}

// Stalwart-style: bugs in line protocols live at buffer boundaries, so every way of cutting the input must give the
// same bytes out and the same store afterwards. The script adds a bare LF line and an over-long line.
TEST(SessionTest, TheSameAnswersAtEveryChunkSizeAndEverySplitPoint) {
  const std::string script = "CAPA\r\n" + kLogin + "STAT\nLIST\r\n" + std::string(300, 'x') +
                             "\r\nUIDL 2\r\nRETR 2\r\nTOP 2 1\r\nDELE 1\r\nLIST 1\r\nRSET\r\nDELE 3\r\nNOOP\r\nQUIT\r\n";
  Connection reference;
  const std::string expected = reference.send(script);
  ASSERT_TRUE(reference.session->closed());
  ASSERT_EQ(reference.storedUidls(), (Uidls{"uid-1", "uid-2"}));

  for (std::size_t chunk = 1; chunk <= script.size(); ++chunk) {
    Connection connection;
    std::string answered;
    for (std::size_t at = 0; at < script.size(); at += chunk) answered += connection.send(script.substr(at, chunk));
    ASSERT_EQ(answered, expected) << "chunk size " << chunk;
    ASSERT_EQ(connection.storedUidls(), (Uidls{"uid-1", "uid-2"})) << "chunk size " << chunk;
  }
  for (std::size_t split = 0; split <= script.size(); ++split) {
    Connection connection;
    std::string answered = connection.send(script.substr(0, split));
    answered += connection.send(script.substr(split));
    ASSERT_EQ(answered, expected) << "split at " << split;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// AUTHORIZATION: USER and PASS (RFC 1939 section 7), response codes (RFC 2449 section 8, RFC 3206).

TEST(SessionTest, LogsInWithUserAndPassAndPassesTheConnectionToTheAuthenticator) {
  auto settings = defaultSettings();
  settings.secure = true;
  Connection connection(settings);
  EXPECT_EQ(connection.send(kLogin), kLoggedIn);
  EXPECT_EQ(connection.session->state(), State::Transaction);
  ASSERT_EQ(connection.authenticator.requests.size(), 1u);
  const auto& request = connection.authenticator.requests[0];
  EXPECT_EQ(request.user, "alice@example.org");
  EXPECT_EQ(request.password, "secret");
  EXPECT_EQ(request.remoteAddress, "192.0.2.7");
  EXPECT_TRUE(request.secure);
}

TEST(SessionTest, KeywordsAreCaseInsensitive) {
  Connection connection;
  EXPECT_EQ(connection.send("user alice@example.org\r\npAsS secret\r\nsTaT\r\nlist 3\r\nQuit\r\n"),
            "+OK\r\n+OK Logged in.\r\n+OK 3 88\r\n+OK 3 29\r\n+OK Logging out.\r\n");
}

TEST(SessionTest, AcceptsBareLfLineEnds) {
  Connection connection;
  EXPECT_EQ(connection.send("USER alice@example.org\nPASS secret\nSTAT\n"), "+OK\r\n+OK Logged in.\r\n+OK 3 88\r\n");
}

// RFC 1939 section 7: the password is the rest of the line, spaces and all.
TEST(SessionTest, APasswordMayContainSpaces) {
  Connection connection;
  connection.authenticator.password = "correct horse  battery ";
  EXPECT_EQ(connection.send("USER alice@example.org\r\nPASS correct horse  battery \r\n"), kLoggedIn);
}

TEST(SessionTest, PassWithoutUserIsRejected) {
  Connection connection;
  EXPECT_EQ(connection.send("PASS secret\r\n"), "-ERR No user name given, send USER first\r\n");
  EXPECT_TRUE(connection.authenticator.requests.empty());
  EXPECT_EQ(connection.session->state(), State::Authorization);
}

// RFC 1939 section 7: PASS "may only be given ... immediately after a successful USER command".
TEST(SessionTest, PassMustFollowUserImmediately) {
  Connection connection;
  EXPECT_EQ(connection.send("USER alice@example.org\r\nCAPA\r\n"), "+OK\r\n" + kCapa);
  EXPECT_EQ(connection.send("PASS secret\r\n"), "-ERR No user name given, send USER first\r\n");
  EXPECT_TRUE(connection.authenticator.requests.empty());
}

TEST(SessionTest, UserAndPassNeedTheirArgument) {
  Connection connection;
  EXPECT_EQ(connection.send("USER\r\n"), "-ERR Missing user name\r\n");
  EXPECT_EQ(connection.send("USER \r\n"), "-ERR Missing user name\r\n");
  EXPECT_EQ(connection.send("USER a b\r\n"), "-ERR Too many arguments\r\n");
  EXPECT_EQ(connection.send("USER alice@example.org\r\nPASS\r\n"), "+OK\r\n-ERR Missing password\r\n");
  EXPECT_EQ(connection.send("USER alice@example.org\r\nPASS \r\n"), "+OK\r\n-ERR Missing password\r\n");
  EXPECT_TRUE(connection.authenticator.requests.empty());
}

TEST(SessionTest, AFailedPassStaysInAuthorizationAndNeedsUserAgain) {
  Connection connection;
  EXPECT_EQ(connection.send("USER alice@example.org\r\nPASS wrong\r\n"), "+OK\r\n-ERR [AUTH] Authentication failed.\r\n");
  EXPECT_EQ(connection.session->state(), State::Authorization);
  EXPECT_EQ(connection.send("PASS secret\r\n"), "-ERR No user name given, send USER first\r\n");
  EXPECT_EQ(connection.send(kLogin), kLoggedIn);
}

// RFC 3206 section 5: [AUTH] for bad credentials; the same words for every reason, so nobody learns which users exist.
TEST(SessionTest, UnknownUserAndWrongPasswordGetTheSameAnswer) {
  Connection unknownUser;
  Connection wrongPassword;
  const auto a = unknownUser.send("USER nobody@example.org\r\nPASS secret\r\n");
  const auto b = wrongPassword.send("USER alice@example.org\r\nPASS wrong\r\n");
  EXPECT_EQ(a, "+OK\r\n-ERR [AUTH] Authentication failed.\r\n");
  EXPECT_EQ(a, b);
}

struct OutcomeCase {
  Outcome outcome;
  std::string answer;
};

// RFC 2449 section 8 (IN-USE), RFC 3206 section 4 (SYS/TEMP, SYS/PERM).
TEST(SessionTest, EachLoginOutcomeHasItsResponseCode) {
  const std::vector<OutcomeCase> cases = {
      {Outcome::Denied, "-ERR [AUTH] Authentication failed.\r\n"},
      {Outcome::InUse, "-ERR [IN-USE] Maildrop is locked by another session.\r\n"},
      {Outcome::TempFail, "-ERR [SYS/TEMP] Temporary failure, please try again later.\r\n"},
      {Outcome::PermFail, "-ERR [SYS/PERM] Login not possible, please contact your administrator.\r\n"},
  };
  for (const auto& [outcome, answer] : cases) {
    Connection connection;
    connection.authenticator.forcedOutcome = outcome;
    EXPECT_EQ(connection.send(kLogin), "+OK\r\n" + answer);
    EXPECT_EQ(connection.session->state(), State::Authorization);
    EXPECT_EQ(connection.sink.bytes.find(FakeAuthenticator::kLogMarker), std::string::npos);
  }
}

TEST(SessionTest, ASecondSessionFindsTheMaildropInUse) {
  Connection first;
  first.logIn();
  FakeAuthenticator second(first.store);
  RecordingSink sink;
  Session session(second, defaultSettings(), sink);
  session.receive(kLogin);
  EXPECT_EQ(sink.bytes, "+OK\r\n-ERR [IN-USE] Maildrop is locked by another session.\r\n");
}

TEST(SessionTest, AnAuthenticatorThatThrowsIsATemporaryFailure) {
  Connection connection;
  connection.authenticator.throws = true;
  EXPECT_EQ(connection.send(kLogin), "+OK\r\n-ERR [SYS/TEMP] Temporary failure, please try again later.\r\n");
  EXPECT_EQ(connection.session->state(), State::Authorization);
}

TEST(SessionTest, AnOkWithoutMaildropIsATemporaryFailure) {
  Connection connection;
  connection.authenticator.okWithoutMaildrop = true;
  EXPECT_EQ(connection.send(kLogin), "+OK\r\n-ERR [SYS/TEMP] Temporary failure, please try again later.\r\n");
  EXPECT_EQ(connection.session->state(), State::Authorization);
}

TEST(SessionTest, WithoutCleartextLoginUserIsRefusedAndNotAdvertised) {
  auto settings = defaultSettings();
  settings.allowCleartextLogin = false;
  Connection connection(settings);
  const std::string refused = "-ERR [AUTH] Cleartext login is not allowed here: TLS is required (STLS or POP3S).\r\n";
  EXPECT_EQ(connection.send(kLogin), refused + refused);
  EXPECT_TRUE(connection.authenticator.requests.empty());
  EXPECT_EQ(connection.send("CAPA\r\n").find("USER"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------------------------
// Commands in the wrong state, and CAPA in both (RFC 1939 sections 4-7, RFC 2449 section 5).

TEST(SessionTest, TransactionCommandsAreRefusedBeforeLogin) {
  for (const char* command : {"STAT", "LIST", "LIST 1", "RETR 1", "DELE 1", "NOOP", "RSET", "TOP 1 1", "UIDL", "UIDL 1"}) {
    Connection connection;
    EXPECT_EQ(connection.send(command + "\r\n"s), "-ERR Command not valid in this state\r\n") << command;
    EXPECT_EQ(connection.session->state(), State::Authorization);
  }
}

TEST(SessionTest, UserAndPassAreRefusedAfterLogin) {
  Connection connection;
  connection.logIn();
  EXPECT_EQ(connection.send("USER alice@example.org\r\nPASS secret\r\n"),
            "-ERR Command not valid in this state\r\n-ERR Command not valid in this state\r\n");
  EXPECT_EQ(connection.session->state(), State::Transaction);
}

TEST(SessionTest, CapaIsTheSameInBothStates) {
  Connection connection;
  EXPECT_EQ(connection.send("CAPA\r\n"), kCapa);
  connection.logIn();
  EXPECT_EQ(connection.send("capa\r\n"), kCapa);
}

TEST(SessionTest, CapaNamesTheConfiguredImplementation) {
  auto settings = defaultSettings();
  settings.implementation = "Postamt 0.1";
  Connection connection(settings);
  EXPECT_NE(connection.send("CAPA\r\n").find("\r\nIMPLEMENTATION Postamt 0.1\r\n.\r\n"), std::string::npos);
}

TEST(SessionTest, CommandsWithoutArgumentsRefuseArguments) {
  Connection connection;
  EXPECT_EQ(connection.send("CAPA x\r\nQUIT now\r\n"), "-ERR Too many arguments\r\n-ERR Too many arguments\r\n");
  connection.logIn();
  EXPECT_EQ(connection.send("STAT x\r\nNOOP x\r\nRSET x\r\nSTAT \r\n"),
            "-ERR Too many arguments\r\n-ERR Too many arguments\r\n-ERR Too many arguments\r\n"
            "-ERR Too many arguments\r\n");
  EXPECT_EQ(connection.session->state(), State::Transaction);
}

// ---------------------------------------------------------------------------------------------------------------
// TRANSACTION: STAT, LIST, UIDL, DELE, RSET, NOOP (RFC 1939 sections 5 and 7).

TEST(SessionTest, ListAndUidlOfOneMessage) {
  Connection connection;
  connection.logIn();
  EXPECT_EQ(connection.send("LIST 2\r\nUIDL 2\r\n"), "+OK 2 36\r\n+OK 2 uid-2\r\n");
}

TEST(SessionTest, NoopAnswersOk) {
  Connection connection;
  connection.logIn();
  EXPECT_EQ(connection.send("NOOP\r\n"), "+OK\r\n");
}

TEST(SessionTest, AnEmptyMaildrop) {
  Connection connection(defaultSettings(), {});
  connection.logIn();
  EXPECT_EQ(connection.send("STAT\r\nLIST\r\nUIDL\r\nRETR 1\r\n"),
            "+OK 0 0\r\n+OK 0 messages (0 octets)\r\n.\r\n+OK Unique-ID listing follows.\r\n.\r\n"
            "-ERR No such message\r\n");
}

// RFC 1939 section 5: a deleted message may not be referred to, and is not counted.
TEST(SessionTest, ADeletedMessageIsAnErrorForEveryCommandNamingIt) {
  Connection connection;
  connection.logIn();
  EXPECT_EQ(connection.send("DELE 2\r\n"), "+OK Message 2 deleted.\r\n");
  for (const char* command : {"LIST 2", "RETR 2", "DELE 2", "TOP 2 0", "UIDL 2"}) {
    EXPECT_EQ(connection.send(command + "\r\n"s), "-ERR Message 2 already deleted\r\n") << command;
  }
}

TEST(SessionTest, DeletedMessagesAreLeftOutOfStatListAndUidlAndNumbersStay) {
  Connection connection;
  connection.logIn();
  EXPECT_EQ(connection.send("DELE 2\r\nSTAT\r\nLIST\r\nUIDL\r\nLIST 3\r\n"),
            "+OK Message 2 deleted.\r\n"
            "+OK 2 52\r\n"
            "+OK 2 messages (52 octets)\r\n1 23\r\n3 29\r\n.\r\n"
            "+OK Unique-ID listing follows.\r\n1 uid-1\r\n3 uid-3\r\n.\r\n"
            "+OK 3 29\r\n");
}

TEST(SessionTest, RsetUnmarksEveryDeletedMessage) {
  Connection connection;
  connection.logIn();
  EXPECT_EQ(connection.send("DELE 1\r\nDELE 3\r\nRSET\r\nSTAT\r\nRETR 1\r\n"),
            "+OK Message 1 deleted.\r\n+OK Message 3 deleted.\r\n+OK 3 messages (88 octets)\r\n+OK 3 88\r\n"
            "+OK 23 octets\r\n" +
                kMessage1 + ".\r\n");
  EXPECT_EQ(connection.send("QUIT\r\n"), "+OK Logging out.\r\n");
  EXPECT_TRUE(connection.store.expungeCalls.empty());
  EXPECT_EQ(connection.storedUidls(), (Uidls{"uid-1", "uid-2", "uid-3"}));
}

// ---------------------------------------------------------------------------------------------------------------
// Arguments: message numbers are 1..count in decimal digits; anything else is a clear -ERR (RFC 1939 section 3).

struct ArgumentCase {
  std::string command;
  std::string answer;
};

TEST(SessionTest, BadMessageNumbersAndArgumentCountsAreRefused) {
  std::vector<ArgumentCase> cases;
  for (const std::string command : {"RETR", "DELE", "LIST", "UIDL", "TOP"}) {
    const std::string tail = command == "TOP" ? " 1" : "";
    for (const std::string number : {"0", "4"}) cases.push_back({command + " " + number + tail, "-ERR No such message"});
    for (const std::string number : {"-1", "+1", "99999999999999999999", "abc", "1x", "x1", "", "0x1", "1.0"}) {
      cases.push_back({command + " " + number + tail, "-ERR Invalid message number"});
    }
    cases.push_back({command + " 1" + tail + " 2", "-ERR Too many arguments"});
  }
  cases.push_back({"RETR", "-ERR Missing message number"});
  cases.push_back({"DELE", "-ERR Missing message number"});
  cases.push_back({"TOP", "-ERR Missing message number"});
  cases.push_back({"TOP 1", "-ERR Missing line count"});
  for (const std::string lines : {"-1", "abc", "1x", "", "99999999999999999999"}) {
    cases.push_back({"TOP 1 " + lines, "-ERR Invalid line count"});
  }
  cases.push_back({"RETR  1", "-ERR Too many arguments"});

  for (const auto& [command, answer] : cases) {
    Connection connection;
    connection.logIn();
    EXPECT_EQ(connection.send(command + "\r\n"), answer + "\r\n") << '"' << command << '"';
    EXPECT_EQ(connection.session->state(), State::Transaction) << command;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// RETR and TOP: byte-stuffed, sized exactly, streamed (RFC 1939 sections 3, 5 and 7).

TEST(SessionTest, RetrSendsTheSizeThenTheStuffedMessage) {
  Connection connection;
  connection.logIn();
  EXPECT_EQ(connection.send("RETR 1\r\nRETR 3\r\n"),
            "+OK 23 octets\r\nSubject: one\r\n\r\nHello\r\n.\r\n"
            "+OK 29 octets\r\nSubject: 8bit\r\n\r\n\xc3\xa4\xff\x80 caf\xc3\xa9\r\n.\r\n");
}

// What LIST promises, RETR delivers: the octets after undoing the stuffing and removing ".\r\n" are LIST's size.
TEST(SessionTest, RetrOctetsWithoutStuffingAreTheListSize) {
  const std::vector<FakeMessage> messages = {
      {"a", kMessage1},
      {"b", kMessage2},
      {"c", kMessage3},
      {"d", ".\r\n"},
      {"e", "..\r\n.\r\n.\r\n"},
      {"f", "S: x\r\n\r\n" + std::string(200, '.') + "\r\n\x80\x81\xfe\xff\r\n\0.\r\n"s},
      {"g", ""},
  };
  Connection connection(defaultSettings(), messages);
  connection.logIn();
  for (std::size_t number = 1; number <= messages.size(); ++number) {
    const auto listed = connection.send("LIST " + std::to_string(number) + "\r\n");
    const auto size = std::to_string(messages[number - 1].body.size());
    ASSERT_EQ(listed, "+OK " + std::to_string(number) + " " + size + "\r\n");
    const auto [status, body] = splitStatus(connection.send("RETR " + std::to_string(number) + "\r\n"));
    EXPECT_EQ(status, "+OK " + size + " octets\r\n");
    EXPECT_EQ(body, stuffed(messages[number - 1].body)) << number;
    const auto unstuffed = unstuff(body);
    ASSERT_TRUE(unstuffed.has_value()) << number;
    EXPECT_EQ(std::to_string(unstuffed->size()), size) << number;
  }
}

TEST(SessionTest, StuffsDotsThatFallAtEveryReadBoundary) {
  Connection reference;
  reference.logIn();
  const std::string expected = reference.send("RETR 2\r\nTOP 2 2\r\n");
  ASSERT_EQ(expected,
            "+OK 36 octets\r\nSubject: dots\r\n\r\n..\r\n...two\r\n..x\r\nend\r\n.\r\n"
            "+OK Top of message follows.\r\nSubject: dots\r\n\r\n..\r\n...two\r\n.\r\n");
  for (std::size_t served = 1; served <= kMessage2.size(); ++served) {
    Connection connection;
    connection.store.servedPerRead = served;
    connection.logIn();
    EXPECT_EQ(connection.send("RETR 2\r\nTOP 2 2\r\n"), expected) << "served " << served;
  }
}

TEST(SessionTest, AMessageWithoutFinalCrlfGetsOneBeforeTheTerminator) {
  Connection connection(defaultSettings(), {{"u", "Subject: x\r\n\r\nno line end"}});
  connection.logIn();
  EXPECT_EQ(connection.send("RETR 1\r\n"), "+OK 25 octets\r\nSubject: x\r\n\r\nno line end\r\n.\r\n");
}

// RFC 1939 section 7: the header, the blank line, then n body lines; more lines than the body has is all of it.
TEST(SessionTest, TopSendsTheHeaderAndTheFirstBodyLines) {
  Connection connection(defaultSettings(), {{"u", "From: a\r\nSubject: b\r\n\r\none\r\n.two\r\nthree\r\n"}});
  connection.logIn();
  EXPECT_EQ(connection.send("TOP 1 0\r\n"), "+OK Top of message follows.\r\nFrom: a\r\nSubject: b\r\n\r\n.\r\n");
  EXPECT_EQ(connection.send("TOP 1 2\r\n"), "+OK Top of message follows.\r\nFrom: a\r\nSubject: b\r\n\r\none\r\n..two\r\n.\r\n");
  const std::string whole = "+OK Top of message follows.\r\nFrom: a\r\nSubject: b\r\n\r\none\r\n..two\r\nthree\r\n.\r\n";
  EXPECT_EQ(connection.send("TOP 1 3\r\n"), whole);
  EXPECT_EQ(connection.send("TOP 1 18446744073709551615\r\n"), whole);
}

// A body in 64 KiB blocks, each starting with a dot line, so a "." falls at the start of every read.
std::string largeMessage(std::size_t blocks) {
  std::string block = ".block start\r\n";
  for (int line = 0; block.size() + 80 < MessageWriter::kReadChunk; ++line) {
    block += (line % 10 == 0 ? "." : "x") + std::string(75, static_cast<char>('a' + line % 26)) + "\xe9\r\n";
  }
  block += std::string(MessageWriter::kReadChunk - block.size() - 2, 'z') + "\r\n";
  std::string message = "Subject: large\r\n\r\n";
  message.reserve(message.size() + blocks * block.size());
  for (std::size_t i = 0; i < blocks; ++i) message += block;
  return message;
}

// Architecture: RETR streams in bounded chunks, never the whole message in memory.
TEST(SessionTest, ATwentyMegabyteMessageStreamsInBoundedReads) {
  const std::string message = largeMessage(320);
  ASSERT_GT(message.size(), 20u * 1024 * 1024);
  Connection connection(defaultSettings(), {{"big", message}});
  connection.logIn();
  EXPECT_EQ(connection.send("LIST 1\r\n"), "+OK 1 " + std::to_string(message.size()) + "\r\n");
  const auto [status, body] = splitStatus(connection.send("RETR 1\r\n"));
  EXPECT_EQ(status, "+OK " + std::to_string(message.size()) + " octets\r\n");
  EXPECT_LE(connection.store.largestReadBuffer, MessageWriter::kReadChunk);
  EXPECT_LE(connection.sink.largestWrite, MessageWriter::kReadChunk);
  const auto unstuffed = unstuff(body);
  ASSERT_TRUE(unstuffed.has_value());
  EXPECT_EQ(unstuffed->size(), message.size());
  EXPECT_TRUE(*unstuffed == message);
}

TEST(SessionTest, TopOfALargeMessageReadsOnlyWhatItSends) {
  Connection connection(defaultSettings(), {{"big", largeMessage(40)}});
  connection.logIn();
  EXPECT_EQ(connection.send("TOP 1 1\r\n"), "+OK Top of message follows.\r\nSubject: large\r\n\r\n..block start\r\n.\r\n");
  EXPECT_EQ(connection.store.reads, 1u);
}

// RFC 2449 section 6.6: pipelined commands are answered in order, large responses included.
TEST(SessionTest, PipelinedLargeRetrsComeBackInOrder) {
  std::vector<FakeMessage> messages;
  for (char name : {'a', 'b', 'c'}) {
    messages.push_back({std::string(1, name), "Subject: " + std::string(1, name) + "\r\n\r\n" + largeMessage(2)});
  }
  Connection connection(defaultSettings(), messages);
  connection.logIn();
  std::string expected;
  for (const auto& message : messages) {
    expected += "+OK " + std::to_string(message.body.size()) + " octets\r\n" + stuffed(message.body);
  }
  expected += "+OK 3 " + std::to_string(3 * messages[0].body.size()) + "\r\n";
  EXPECT_TRUE(connection.send("RETR 1\r\nRETR 2\r\nRETR 3\r\nSTAT\r\n") == expected);
}

TEST(SessionTest, AReadThatFailsBeforeTheFirstOctetIsAnErrorAndTheSessionGoesOn) {
  for (const bool temporary : {true, false}) {
    auto settings = defaultSettings();
    settings.maxBadCommands = 1;  // the store's failure is not the client's: it must not count
    Connection connection(settings);
    connection.store.failReadsFromOffset = 0;
    connection.store.readFailureTemporary = temporary;
    connection.logIn();
    EXPECT_EQ(connection.send("RETR 1\r\nTOP 1 0\r\nSTAT\r\n"),
              temporary ? "-ERR [SYS/TEMP] Message could not be read.\r\n-ERR [SYS/TEMP] Message could not be read.\r\n"
                          "+OK 3 88\r\n"
                        : "-ERR [SYS/PERM] Message could not be read.\r\n-ERR [SYS/PERM] Message could not be read.\r\n"
                          "+OK 3 88\r\n");
    EXPECT_EQ(connection.session->state(), State::Transaction);
  }
}

// RFC 1939 section 3: once "+OK" is out the response cannot become -ERR; closing is the only honest end.
TEST(SessionTest, AReadThatFailsMidMessageClosesTheSessionAndAppliesNothing) {
  Connection connection;
  connection.store.servedPerRead = 4;
  connection.store.failReadsFromOffset = 8;
  connection.logIn();
  EXPECT_EQ(connection.send("DELE 2\r\nRETR 1\r\nQUIT\r\n"), "+OK Message 2 deleted.\r\n+OK 23 octets\r\nSubject:");
  EXPECT_TRUE(connection.session->closed());
  EXPECT_FALSE(connection.store.locked);
  EXPECT_TRUE(connection.store.expungeCalls.empty());
  EXPECT_EQ(connection.storedUidls(), (Uidls{"uid-1", "uid-2", "uid-3"}));
}

// A message counts as retrieved (for policies that keep retrieved mail N days) when RETR sent it whole; TOP shows
// only part, and a RETR cut off by the store sent nothing whole.
TEST(SessionTest, OnlyAWholeRetrCountsAsARetrieval) {
  Connection connection;
  connection.logIn();
  connection.send("RETR 2\r\nTOP 1 0\r\nRETR 9\r\n");
  EXPECT_EQ(connection.store.retrieved, (std::vector<std::size_t>{1}));
  connection.store.servedPerRead = 4;
  connection.store.failReadsFromOffset = 8;
  connection.send("RETR 3\r\n");
  EXPECT_EQ(connection.store.retrieved, (std::vector<std::size_t>{1}));
}

// ---------------------------------------------------------------------------------------------------------------
// QUIT and the UPDATE state (RFC 1939 sections 4 and 6); ending without QUIT applies nothing.

TEST(SessionTest, QuitBeforeLoginClosesWithoutUpdate) {
  Connection connection;
  EXPECT_EQ(connection.send("QUIT\r\n"), "+OK Logging out.\r\n");
  EXPECT_TRUE(connection.session->closed());
  EXPECT_EQ(connection.store.opened, 0);
  EXPECT_TRUE(connection.store.expungeCalls.empty());
}

TEST(SessionTest, QuitAfterLoginRemovesTheMarkedMessagesInUpdate) {
  Connection connection;
  std::optional<State> stateDuringExpunge;
  connection.store.duringExpunge = [&] { stateDuringExpunge = connection.session->state(); };
  connection.logIn();
  EXPECT_EQ(connection.send("DELE 1\r\nDELE 3\r\nQUIT\r\n"),
            "+OK Message 1 deleted.\r\n+OK Message 3 deleted.\r\n+OK Logging out.\r\n");
  EXPECT_EQ(connection.store.expungeCalls, (std::vector<std::vector<std::size_t>>{{0, 2}}));
  EXPECT_EQ(stateDuringExpunge, State::Update);
  EXPECT_TRUE(connection.session->closed());
  EXPECT_FALSE(connection.store.locked);
  EXPECT_EQ(connection.storedUidls(), (Uidls{"uid-2"}));
}

TEST(SessionTest, QuitWithoutDeletionsDoesNotExpunge) {
  Connection connection;
  connection.logIn();
  EXPECT_EQ(connection.send("QUIT\r\n"), "+OK Logging out.\r\n");
  EXPECT_TRUE(connection.store.expungeCalls.empty());
  EXPECT_FALSE(connection.store.locked);
}

TEST(SessionTest, AFailedExpungeIsReportedClosesAndLeavesEveryMessage) {
  for (const bool temporary : {true, false}) {
    Connection connection;
    connection.store.expungeFailsTemporary = temporary;
    connection.logIn();
    EXPECT_EQ(connection.send("DELE 1\r\nQUIT\r\n"), std::string("+OK Message 1 deleted.\r\n-ERR [") +
                                                         (temporary ? "SYS/TEMP" : "SYS/PERM") +
                                                         "] Deleted messages could not be removed, none were.\r\n");
    EXPECT_TRUE(connection.session->closed());
    EXPECT_FALSE(connection.store.locked);
    EXPECT_EQ(connection.storedUidls(), (Uidls{"uid-1", "uid-2", "uid-3"}));
  }
}

TEST(SessionTest, ADroppedConnectionAppliesNothingAndReleasesTheLock) {
  Connection connection;
  connection.logIn();
  EXPECT_EQ(connection.send("DELE 1\r\n"), "+OK Message 1 deleted.\r\n");
  EXPECT_TRUE(connection.store.locked);
  connection.session.reset();
  EXPECT_FALSE(connection.store.locked);
  EXPECT_TRUE(connection.store.expungeCalls.empty());
  EXPECT_EQ(connection.storedUidls(), (Uidls{"uid-1", "uid-2", "uid-3"}));
}

// RFC 1939 section 3: the autologout timer closes "without entering the UPDATE state".
TEST(SessionTest, TimeOutSaysNothingClosesAndAppliesNothing) {
  Connection connection;
  connection.logIn();
  connection.send("DELE 1\r\n");
  connection.session->timeOut();
  EXPECT_EQ(connection.sink.take(), "");
  EXPECT_TRUE(connection.session->closed());
  EXPECT_FALSE(connection.store.locked);
  EXPECT_TRUE(connection.store.expungeCalls.empty());
}

TEST(SessionTest, StopTellsTheClientClosesAndAppliesNothing) {
  Connection connection;
  connection.logIn();
  connection.send("DELE 1\r\n");
  connection.session->stop();
  EXPECT_EQ(connection.sink.take(), "-ERR [SYS/TEMP] Server shutting down.\r\n");
  EXPECT_TRUE(connection.session->closed());
  EXPECT_FALSE(connection.store.locked);
  EXPECT_TRUE(connection.store.expungeCalls.empty());
  connection.session->stop();
  EXPECT_EQ(connection.sink.take(), "");
}

TEST(SessionTest, StopBeforeLogin) {
  Connection connection;
  connection.session->stop();
  EXPECT_EQ(connection.sink.take(), "-ERR [SYS/TEMP] Server shutting down.\r\n");
  EXPECT_TRUE(connection.session->closed());
}

TEST(SessionTest, AClosedSessionIgnoresEverything) {
  Connection connection;
  connection.logIn();
  EXPECT_EQ(connection.send("QUIT\r\nSTAT\r\n"), "+OK Logging out.\r\n");
  EXPECT_EQ(connection.send("STAT\r\nCAPA\r\n"), "");
  connection.session->greet();
  connection.session->timeOut();
  EXPECT_EQ(connection.sink.take(), "");
  EXPECT_EQ(connection.session->state(), State::Closed);
}

TEST(SessionTest, ASinkThatThrowsClosesTheSessionAndAppliesNothing) {
  Connection connection;
  connection.logIn();
  connection.send("DELE 1\r\n");
  connection.sink.peerGone = true;
  EXPECT_THROW(connection.session->receive("STAT\r\n"), std::runtime_error);
  EXPECT_TRUE(connection.session->closed());
  EXPECT_FALSE(connection.store.locked);
  EXPECT_TRUE(connection.store.expungeCalls.empty());
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile input: long lines, NUL, unknown commands, the bad-command limit (RFC 2449 section 4).

TEST(SessionTest, ACommandLineOf255OctetsIsAcceptedAnd256IsTooLong) {
  Connection connection;
  const std::string name(kMaxCommandLine - 2 - 5, 'n');  // "USER " + name + CRLF = 255 octets
  EXPECT_EQ(connection.send("USER " + name + "\r\n"), "+OK\r\n");
  EXPECT_EQ(connection.send("USER " + name + "n\r\n"), "-ERR Line too long\r\n");
}

TEST(SessionTest, AMegabyteLineWithoutLineEndKeepsTheInputBoundedAndTheSessionWorksAfter) {
  Connection connection;
  const std::string piece(64 * 1024, 'A');
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(connection.send(piece), "");
    ASSERT_LE(SessionInspector::bufferedInput(*connection.session), kMaxCommandLine);
  }
  EXPECT_EQ(connection.send(std::string(1 << 20, 'B')), "");
  ASSERT_LE(SessionInspector::bufferedInput(*connection.session), kMaxCommandLine);
  EXPECT_EQ(connection.send("\r\n" + kLogin + "STAT\r\n"), "-ERR Line too long\r\n" + kLoggedIn + "+OK 3 88\r\n");
  EXPECT_EQ(SessionInspector::bufferedInput(*connection.session), 0u);
}

TEST(SessionTest, ALineWithANulByteIsRefused) {
  Connection connection;
  EXPECT_EQ(connection.send("CA\0PA\r\nUSER a\0b\r\n"s), "-ERR NUL byte in command line\r\n-ERR NUL byte in command line\r\n");
  EXPECT_EQ(connection.session->state(), State::Authorization);
}

TEST(SessionTest, UnknownCommandsAndEmptyLinesAreRefused) {
  Connection connection;
  EXPECT_EQ(connection.send("XYZZY\r\n\r\nAPOP a b\r\nRETRX 1\r\n"),
            "-ERR Unknown command\r\n-ERR Unknown command\r\n-ERR Unknown command\r\n-ERR Unknown command\r\n");
}

TEST(SessionTest, TwentyBadCommandsCloseTheSessionAndTheRestIsIgnored) {
  Connection connection;
  std::string input;
  for (int i = 0; i < 25; ++i) input += "BOGUS\r\n";
  input += "CAPA\r\n";
  std::string expected;
  for (int i = 0; i < 20; ++i) expected += "-ERR Unknown command\r\n";
  expected += "-ERR Too many bad commands, closing.\r\n";
  EXPECT_EQ(connection.send(input), expected);
  EXPECT_TRUE(connection.session->closed());
}

TEST(SessionTest, NineteenBadCommandsDoNotClose) {
  Connection connection;
  for (int i = 0; i < 19; ++i) ASSERT_EQ(connection.send("BOGUS\r\n"), "-ERR Unknown command\r\n");
  EXPECT_EQ(connection.send(kLogin), kLoggedIn);
}

// Every -ERR the client causes counts: bad lines, wrong state, bad arguments, failed logins.
TEST(SessionTest, EveryKindOfClientErrorCountsTowardsTheLimit) {
  Connection connection;
  const std::string tooLong = std::string(300, 'x') + "\r\n";
  const std::string badLogin = "USER alice@example.org\r\nPASS wrong\r\n";
  const std::string oneOfEach = "BOGUS\r\nSTAT\r\nNO\0OP\r\n"s + tooLong + "PASS secret\r\nUSER\r\n" + badLogin;
  EXPECT_EQ(connection.send(oneOfEach + oneOfEach).find("Too many"), std::string::npos);  // 14 bad commands
  connection.logIn();
  EXPECT_EQ(connection.send("RETR 0\r\nDELE x\r\nTOP 1 x\r\nLIST 1 2\r\nUSER a\r\n"),
            "-ERR No such message\r\n-ERR Invalid message number\r\n-ERR Invalid line count\r\n"
            "-ERR Too many arguments\r\n-ERR Command not valid in this state\r\n");
  EXPECT_EQ(connection.send("NOOP\r\nRETR 9\r\n"), "+OK\r\n-ERR No such message\r\n-ERR Too many bad commands, closing.\r\n");
  EXPECT_TRUE(connection.session->closed());
  EXPECT_FALSE(connection.store.locked);
}

TEST(SessionTest, ServerSideFailuresDoNotCountTowardsTheLimit) {
  Connection connection;
  connection.authenticator.forcedOutcome = Outcome::InUse;
  for (int i = 0; i < 25; ++i) {
    ASSERT_EQ(connection.send(kLogin), "+OK\r\n-ERR [IN-USE] Maildrop is locked by another session.\r\n");
  }
  EXPECT_EQ(connection.session->state(), State::Authorization);
}

// RFC 2449 section 4: response lines stay within 512 octets even when configured values or a store's UIDL do not.
TEST(SessionTest, ResponseLinesStayWithin512Octets) {
  auto settings = defaultSettings();
  settings.greetingHost = std::string(600, 'h');
  Connection connection(settings, {{std::string(600, 'u'), kMessage1}});
  EXPECT_EQ(connection.greeting.size(), kMaxResponseLine);
  EXPECT_EQ(connection.greeting.substr(kMaxResponseLine - 2), "\r\n");
  connection.logIn();
  EXPECT_EQ(connection.send("UIDL 1\r\n").size(), kMaxResponseLine);
}

// ---------------------------------------------------------------------------------------------------------------
// Timers: the caller runs them; the session says which applies (RFC 1939 section 3).

TEST(SessionTest, TheLoginTimeoutAppliesBeforeLoginAndTheIdleTimeoutAfter) {
  auto settings = defaultSettings();
  settings.loginTimeout = 30s;
  settings.idleTimeout = 700s;
  Connection connection(settings);
  EXPECT_EQ(connection.session->idleTimeout(), 30s);
  connection.logIn();
  EXPECT_EQ(connection.session->idleTimeout(), 700s);
}

}  // namespace
}  // namespace postamt::pop3
