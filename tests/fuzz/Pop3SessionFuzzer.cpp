// Fuzzes the POP3 session (core/src/pop3/Session.h) with a client that sends anything, split anywhere, logged in or
// not, against a maildrop in memory. Every response is read back as a strict client reads it and checked against
// RFC 1939 and RFC 2449 with a small model of the maildrop: status lines and listings end in CRLF within 512 octets,
// every complete command line is answered in order (PIPELINING), a multi-line response ends with "." and carries
// exactly the message or listing the model expects, and only QUIT in TRANSACTION removes messages.
//
// Flags (ChunkedInput.h): 0 the store serves at most 7 octets a read; 1 its reads fail from offset 64 on; 2 its
// expunge fails; 3 the session ends by the idle timer instead of a server stop when the input did not QUIT; 4 the
// peer goes away once 256 octets were written.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ChunkedInput.h"
#include "Expect.h"
#include "SessionDriver.h"
#include "WireLines.h"
#include "pop3/FakeAuthenticator.h"
#include "pop3/FakeMaildrop.h"
#include "pop3/Limits.h"
#include "pop3/MultiLine.h"
#include "pop3/Session.h"

namespace postamt::pop3 {

// Reads what only tests need: how much of a line not yet ended the session holds.
class SessionInspector {
 public:
  static std::size_t bufferedInput(const Session& session) { return session.bufferedInput(); }
};

namespace {

using fuzz::expect;
using fuzz::fail;

constexpr int kSmallReads = 0;
constexpr int kFailingReads = 1;
constexpr int kFailingExpunge = 2;
constexpr int kTimeOutAtEnd = 3;
constexpr int kPeerGoesAway = 4;
constexpr std::size_t kPeerReadsOctets = 256;
constexpr const char* kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

// The fake's one account, plus a user whose directory is down and one whose maildrop another session holds.
class Directory : public test::FakeAuthenticator {
 public:
  using FakeAuthenticator::FakeAuthenticator;

  LoginResult login(const LoginRequest& request) override {
    if (request.user == "down@example.org") throw std::runtime_error("directory down");
    if (request.user == "busy@example.org") {
      LoginResult inUse;
      inUse.outcome = LoginResult::Outcome::InUse;
      return inUse;
    }
    return FakeAuthenticator::login(request);
  }
};

// The corners of RFC 1939 section 3 byte-stuffing and section 7 TOP: dot lines, an empty message, one that is all
// header, a bare CR inside a line (kept by imports from Dovecot), and lines longer than a response line may be.
std::vector<test::FakeMessage> maildrop() {
  return {
      {"whqtswO00WBw418f9t5JxYwZ", "Subject: dots\r\n\r\n.\r\n..two\r\n.x\r\n...\r\nend\r\n"},
      {"QhdPYR:00WBw1Ph7x7", ""},
      {"header-only", "Subject: no body\r\nX-Note: no blank line\r\n"},
      {"long-lines",
       "Subject: long\r\n\r\n" + std::string(600, 'x') + "\r\na\rb\r\n.\rc\r\n\r\n" + std::string(70, '.') + "\r\n"},
      {"many-lines", "From: a@example.org\r\nTo: b@example.org\r\n\r\n1\r\n2\r\n.3\r\n4\r\n5\r\n6\r\n7\r\n8\r\n"},
  };
}

// A command line split as RFC 1939 section 3 defines it, written here again on purpose: the model must not share
// the parser it checks. Keywords compare case-insensitively.
struct Command {
  std::string keyword;
  std::string_view rest;                    // after the keyword's SPACE
  std::vector<std::string_view> arguments;  // `rest` split at each SPACE; none when the keyword stands alone
};

Command split(std::string_view line) {
  Command command;
  const auto space = line.find(' ');
  for (const char octet : line.substr(0, space)) {
    command.keyword += (octet >= 'a' && octet <= 'z') ? static_cast<char>(octet - 'a' + 'A') : octet;
  }
  if (space == std::string_view::npos) return command;
  command.rest = line.substr(space + 1);
  for (std::string_view rest = command.rest;;) {
    const auto next = rest.find(' ');
    command.arguments.push_back(rest.substr(0, next));
    if (next == std::string_view::npos) break;
    rest.remove_prefix(next + 1);
  }
  return command;
}

// RFC 1939 section 3: a number is digits only; leading zeros change nothing. Nothing past 64 bits.
std::optional<std::uint64_t> number(std::string_view text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  std::uint64_t value = 0;
  for (const char octet : text) {
    const auto digit = static_cast<std::uint64_t>(octet - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// RFC 1939 section 7, TOP msg n: the header, the blank line, then n lines of the body; all of a shorter message.
std::string top(const std::string& message, std::uint64_t bodyLines) {
  bool inHeader = true;
  for (std::size_t lineStart = 0; lineStart < message.size();) {
    const auto lineEnd = message.find('\n', lineStart);
    if (lineEnd == std::string::npos) break;
    const bool blank = lineEnd == lineStart || (lineEnd == lineStart + 1 && message[lineStart] == '\r');
    lineStart = lineEnd + 1;
    if (inHeader) {
      if (!blank) continue;
      inHeader = false;
    } else {
      --bodyLines;
    }
    if (bodyLines == 0) return message.substr(0, lineStart);
  }
  return message;
}

// The client: sends nothing itself, but knows every line the fuzzer sent, reads each response off the wire and
// keeps the model (state, deletion marks) that the responses must agree with.
class Client {
 public:
  Client(fuzz::WireLines& wire, const std::vector<test::FakeMessage>& messages, const test::FakeAuthenticator& account,
         bool storeMayFail)
      : wire_(wire), messages_(messages), account_(account), storeMayFail_(storeMayFail), deleted_(messages.size()) {}

  void readGreeting() {
    const auto greeting = statusLine();
    expect(greeting && greeting->starts_with("+OK"), "the greeting is not +OK", greeting.value_or(""));
  }

  // Reads the response to command line `line`; `closed` tells that the session closed after answering it or a
  // later line.
  void readResponse(std::string_view line, bool closed) {
    const auto status = statusLine();
    expect(status.has_value(), "a command line got no response", line);
    if (exchange_) return exchangeAnswer(line, *status);
    const Command command = split(line);
    if (status->starts_with("+ ")) {
      expect(command.keyword == "AUTH" && !transaction_, "a continuation answered something other than AUTH", line);
      exchange_ = true;
      previousWasUser_ = false;
      lastRefused_ = false;
      return;
    }
    // The last thing a closed session wrote, right after a refusal, may be the notice of its hang-up (too many bad
    // commands) rather than an answer to this line.
    if (status->starts_with("-ERR")) return refused(command, line, closed && wire_.empty() && lastRefused_);
    lastRefused_ = false;

    std::optional<std::string> body;
    if (isMultiLine(command)) {
      body = multiLineBody(command.keyword == "RETR" || command.keyword == "TOP");
      if (!body) {
        // RFC 1939 section 3: a store that fails in mid-message leaves the session nothing but to hang up unfinished.
        expect(closed && storeMayFail_, "a multi-line response did not end with \".\"", line);
        closedUnfinished_ = true;
        return;
      }
    }
    accepted(command, line, *status, body);
  }

  // Called when the session has closed: whatever follows the last answer may only be a hang-up notice.
  void readRest() {
    if (closedUnfinished_ || wire_.empty()) return;
    const auto notice = statusLine();
    expect(notice && notice->starts_with("-ERR") && wire_.empty(), "a closed session wrote more than a notice", wire_.unread());
  }

  // Whether the session reads the next line as a SASL client response (RFC 5034 section 4), not a command.
  bool inExchange() const { return exchange_; }

  // A response broke off when the session closed: nothing after it is an answer.
  bool cutShort() const { return closedUnfinished_; }
  bool quitApplied() const { return quitApplied_; }
  const std::vector<bool>& deleted() const { return deleted_; }
  bool inTransaction() const { return transaction_; }

 private:
  // RFC 2449 section 4: a response line is at most 512 octets with its CRLF, and starts "+OK" or "-ERR".
  std::optional<std::string> statusLine() {
    auto line = wire_.takeLine();
    if (!line) return std::nullopt;
    expect(line->size() + 2 <= kMaxResponseLine, "a status line is longer than 512 octets", *line);
    expect(line->find('\r') == std::string::npos, "a status line holds a bare CR", *line);
    // RFC 5034 section 4: a SASL continuation is "+" SP base64.
    expect(*line == "+OK" || line->starts_with("+OK ") || *line == "-ERR" || line->starts_with("-ERR ") ||
               (line->starts_with("+ ") && line->find_first_not_of(kBase64, 2) == std::string::npos),
           "a status line is neither +OK nor -ERR nor a continuation", *line);
    return line;
  }

  // The lines of a multi-line response up to the "." line, as sent (stuffed, with CRLF); nothing when the session
  // stopped writing before the end. Listing lines are bounded like status lines; message lines are the message's.
  std::optional<std::string> multiLineBody(bool message) {
    std::string raw;
    while (const auto line = wire_.takeLine()) {
      if (!message) {
        expect(line->size() + 2 <= kMaxResponseLine, "a listing line is longer than 512 octets", *line);
        expect(line->find('\r') == std::string::npos, "a listing line holds a bare CR", *line);
      }
      raw += *line + "\r\n";
      if (*line == ".") return raw;
    }
    return std::nullopt;
  }

  // RFC 1939 sections 5 and 7, RFC 2449 section 5: which commands answer "+OK" with a multi-line response; a bare
  // AUTH lists the mechanisms.
  static bool isMultiLine(const Command& command) {
    if (command.keyword == "CAPA" || command.keyword == "RETR" || command.keyword == "TOP") return true;
    return (command.keyword == "LIST" || command.keyword == "UIDL" || command.keyword == "AUTH") &&
           command.arguments.empty() && command.rest.empty();
  }

  // The answer to a client response inside a SASL exchange: another challenge, or its end. The model does not
  // decode SASL, so it checks only that an exchange ends in AUTHORIZATION or logs in from there.
  void exchangeAnswer(std::string_view line, const std::string& status) {
    previousWasUser_ = false;
    if (status.starts_with("+ ")) return;
    exchange_ = false;
    lastRefused_ = status.starts_with("-ERR");
    if (lastRefused_) return;
    expect(!transaction_, "an exchange logged in twice", line);
    transaction_ = true;
  }

  // A message number the client may use now (RFC 1939 section 5: not marked deleted).
  std::optional<std::size_t> usable(std::string_view argument) const {
    const auto value = number(argument);
    if (!value || *value == 0 || *value > messages_.size() || deleted_[*value - 1]) return std::nullopt;
    return static_cast<std::size_t>(*value);
  }

  void refused(const Command& command, std::string_view line, bool mayBeNotice) {
    previousWasUser_ = false;
    lastRefused_ = true;
    if (mayBeNotice) return;
    // What RFC 1939 leaves a server no reason to refuse, asked exactly as the RFC writes it.
    const bool bare = command.arguments.empty() && command.rest.empty() && line == command.keyword;
    // RFC 1939 section 6: only a failing UPDATE state refuses QUIT; the session must then have removed nothing.
    if (bare && command.keyword == "QUIT" && transaction_) expect(storeMayFail_, "QUIT was refused though the store works", line);
    if (bare && command.keyword == "CAPA") fail("CAPA was refused", line);
    if (!transaction_) return;
    if (bare && (command.keyword == "STAT" || command.keyword == "NOOP" || command.keyword == "RSET" ||
                 command.keyword == "LIST" || command.keyword == "UIDL")) {
      fail("a command valid in TRANSACTION was refused", line);
    }
    if (command.arguments.size() == 1 && usable(command.arguments[0]) && line.size() < 100 &&
        (command.keyword == "DELE" || command.keyword == "LIST" || command.keyword == "UIDL" ||
         (command.keyword == "RETR" && !storeMayFail_))) {
      fail("a command on an existing message was refused", line);
    }
  }

  void accepted(const Command& command, std::string_view line, const std::string& status,
                const std::optional<std::string>& body) {
    const bool userBefore = std::exchange(previousWasUser_, false);
    const std::string_view keyword = command.keyword;
    if (keyword == "CAPA") return;  // its lines were checked while reading them
    if (keyword == "USER") {
      expect(!transaction_ && command.arguments.size() == 1 && !command.rest.empty(), "USER was accepted", line);
      previousWasUser_ = true;
      user_ = std::string(command.rest);
      return;
    }
    if (keyword == "PASS") {
      // RFC 1939 section 7: PASS right after a successful USER, and only the right credentials open the maildrop.
      expect(!transaction_ && userBefore && user_ == account_.user && command.rest == account_.password,
             "PASS was accepted without the right USER and password", line);
      transaction_ = true;
      return;
    }
    if (keyword == "UTF8") {
      // RFC 6856 section 2: before login, without arguments.
      expect(!transaction_ && command.arguments.empty() && command.rest.empty(), "UTF8 was accepted", line);
      return;
    }
    if (keyword == "AUTH") {
      // A bare AUTH lists the mechanisms; with an initial response it may log in at once (RFC 5034 section 4).
      expect(!transaction_, "AUTH was accepted after login", line);
      transaction_ = !command.arguments.empty();
      return;
    }
    if (keyword == "QUIT") {
      quitApplied_ = transaction_;
      transaction_ = false;
      return;
    }
    expect(transaction_, "a TRANSACTION command was accepted before login", line);
    if (keyword == "STAT") return expectDropListing(status, line);
    if (keyword == "NOOP") return;
    if (keyword == "RSET") {
      std::fill(deleted_.begin(), deleted_.end(), false);
      return;
    }
    if (keyword == "DELE") {
      const auto message = expectSingle(command, 1, line);
      deleted_[message - 1] = true;
      return;
    }
    if (keyword == "RETR") {
      const auto message = expectSingle(command, 1, line);
      expect(test::unstuff(*body) == messages_[message - 1].body, "RETR sent other octets than the message", line);
      return;
    }
    if (keyword == "TOP") {
      const auto message = expectSingle(command, 2, line);
      const auto bodyLines = number(command.arguments[1]);
      expect(bodyLines.has_value(), "TOP was accepted with a bad line count", line);
      expect(test::unstuff(*body) == top(messages_[message - 1].body, *bodyLines), "TOP sent other octets", line);
      return;
    }
    if (keyword == "LIST" || keyword == "UIDL") return expectListing(command, line, status, body);
    fail("an unknown command was accepted", line);
  }

  // The message number of a command that names one, which the session may only accept for a usable message.
  std::size_t expectSingle(const Command& command, std::size_t argumentCount, std::string_view line) const {
    expect(command.arguments.size() == argumentCount, "a command was accepted with a wrong argument count", line);
    const auto message = usable(command.arguments[0]);
    expect(message.has_value(), "a command was accepted for a message that does not exist or is deleted", line);
    return *message;
  }

  // RFC 1939 section 5, LIST and UIDL: "n value" for each message not marked deleted, or "+OK n value" for one.
  void expectListing(const Command& command, std::string_view line, const std::string& status,
                     const std::optional<std::string>& body) const {
    const auto value = [&](std::size_t message) {
      return command.keyword == "LIST" ? std::to_string(messages_[message - 1].body.size()) : messages_[message - 1].uidl;
    };
    if (!body) {
      const auto message = expectSingle(command, 1, line);
      const std::string expected = "+OK " + std::to_string(message) + " " + value(message);
      expect(status == expected || status.starts_with(expected + " "), "a scan listing is wrong", status);
      return;
    }
    std::string expected;
    for (std::size_t message = 1; message <= messages_.size(); ++message) {
      if (!deleted_[message - 1]) expected += std::to_string(message) + " " + value(message) + "\r\n";
    }
    expect(*body == expected + ".\r\n", "a listing is wrong", *body);
  }

  // RFC 1939 section 5, STAT: "+OK count size" of the messages not marked deleted.
  void expectDropListing(const std::string& status, std::string_view line) const {
    std::size_t count = 0;
    std::uint64_t size = 0;
    for (std::size_t index = 0; index < messages_.size(); ++index) {
      if (deleted_[index]) continue;
      ++count;
      size += messages_[index].body.size();
    }
    const std::string expected = "+OK " + std::to_string(count) + " " + std::to_string(size);
    expect(status == expected || status.starts_with(expected + " "), "the drop listing is wrong", line);
  }

  fuzz::WireLines& wire_;
  const std::vector<test::FakeMessage>& messages_;
  const test::FakeAuthenticator& account_;
  const bool storeMayFail_;
  std::vector<bool> deleted_;
  bool transaction_ = false;
  bool exchange_ = false;
  bool previousWasUser_ = false;
  bool lastRefused_ = false;
  std::string user_;
  bool quitApplied_ = false;
  bool closedUnfinished_ = false;
};

// The client as fuzz::SessionDriver reads it.
struct ClientModel {
  Client& client;
  fuzz::WireLines& wire;
  const Session& session;

  bool stopsReading(bool sessionClosed) const { return sessionClosed && (wire.empty() || client.cutShort()); }
  void answer(std::string_view line, bool sessionClosed) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    client.readResponse(line, sessionClosed);
  }
  void checkHeld() const {
    expect(SessionInspector::bufferedInput(session) <= (client.inExchange() ? kMaxSaslResponseLine : kMaxCommandLine),
           "the session holds more than a line may have");
  }
  void checkOpen() const {
    expect(wire.empty(), "the session wrote more than the answers to the lines it got", wire.unread());
    expect((session.state() == Session::State::Transaction) == client.inTransaction(),
           "the session's state is not the one its responses announced");
  }
  void readRest() { client.readRest(); }
};

}  // namespace
}  // namespace postamt::pop3

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace postamt::pop3;
  using postamt::fuzz::expect;

  const postamt::fuzz::ChunkedInput input(data, size);
  const auto messages = maildrop();
  test::FakeStore store;
  store.messages = messages;
  if (input.flag(kSmallReads)) store.servedPerRead = 7;
  if (input.flag(kFailingReads)) store.failReadsFromOffset = 64;
  if (input.flag(kFailingExpunge)) store.expungeFailsTemporary = true;
  Directory authenticator(store);
  postamt::fuzz::WireLines wire;
  Client client(wire, messages, authenticator,
                input.flag(kSmallReads) || input.flag(kFailingReads) || input.flag(kFailingExpunge));
  bool peerGone = false;

  {
    SessionSettings settings;
    settings.saslMechanisms = {"SCRAM-SHA-256", "CRAM-MD5", "OAUTHBEARER", "XOAUTH2", "PLAIN", "LOGIN"};
    Session session(authenticator, settings, wire);
    session.greet();
    client.readGreeting();
    if (input.flag(kPeerGoesAway)) wire.goAwayAfter(kPeerReadsOctets);
    postamt::fuzz::SessionDriver<Session> driver(session, wire);
    ClientModel model{client, wire, session};
    const bool finished = driver.feed(input, model);

    if (!finished) {
      if (input.flag(kTimeOutAtEnd)) {
        // RFC 1939 section 3: the autologout timer closes without a word.
        session.timeOut();
        expect(session.closed() && wire.empty(), "the idle timeout did not close silently", wire.unread());
      } else {
        driver.talk([&] { session.stop(); });
        const auto notice = wire.takeLine();
        expect(session.closed() && (driver.peerGone() || (notice && notice->starts_with("-ERR ") && wire.empty())),
               "a server stop did not close with one -ERR", notice.value_or(""));
      }
    }
    peerGone = driver.peerGone();
  }

  // RFC 1939 section 8: the maildrop lock is released however the session ended.
  expect(!store.locked, "the maildrop is still locked after the session ended");
  // The client never read the answers to the commands it sent last, so it cannot tell whether QUIT went through.
  if (peerGone) return 0;
  // RFC 1939 section 6: only QUIT in TRANSACTION removes the marked messages; a failed UPDATE, a dropped connection,
  // a timeout or a stop removes none.
  std::vector<test::FakeMessage> kept;
  for (std::size_t index = 0; index < messages.size(); ++index) {
    if (!(client.quitApplied() && client.deleted()[index])) kept.push_back(messages[index]);
  }
  expect(std::equal(kept.begin(), kept.end(), store.messages.begin(), store.messages.end(),
                    [](const auto& a, const auto& b) { return a.uidl == b.uidl; }),
         "the maildrop does not hold what the session's QUIT promised");
  return 0;
}
