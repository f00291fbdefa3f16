// Fuzzes the LMTP session (core/src/lmtp/Session.h) with a client that sends anything, split anywhere, against a
// delivery agent in memory that knows the users of one domain. Every reply is read back as a strict client reads it
// and checked against RFC 2033, RFC 5321 and RFC 2034 with a small model of the transaction: reply lines are three
// digits and text ending in CRLF within 512 octets, every command is answered in order (PIPELINING), and after the
// final "." come exactly as many replies as recipients were accepted, in RCPT order, for a message that reached the
// agent as the client sent it, unstuffed and CRLF-normalised.
//
// Flags (ChunkedInput.h): 0 every store fails at delivery; 1 the store of bob@example.org fails; 2 messages are
// limited to 64 octets; 3 the session ends by the idle timer instead of a server stop when the input did not QUIT; 4
// the peer goes away once 256 octets were written.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ChunkedInput.h"
#include "Expect.h"
#include "ReferenceLineEnds.h"
#include "SessionDriver.h"
#include "WireLines.h"
#include "lmtp/FakeDeliveryAgent.h"
#include "lmtp/Limits.h"
#include "lmtp/Session.h"

namespace postamt::lmtp {

// Reads what only tests need: how much of a command line not yet ended the session holds.
class SessionInspector {
 public:
  static std::size_t bufferedInput(const Session& session) { return session.bufferedInput(); }
};

namespace {

using fuzz::expect;
using fuzz::fail;

constexpr int kDeliveryFails = 0;
constexpr int kOneStoreFails = 1;
constexpr int kSmallMessages = 2;
constexpr int kTimeOutAtEnd = 3;
constexpr int kPeerGoesAway = 4;
constexpr std::size_t kPeerReadsOctets = 256;

constexpr std::string_view kDomain = "@example.org";
constexpr std::string_view kFailingRecipient = "bob@example.org";
constexpr std::string_view kUncheckableRecipient = "down@example.org";
constexpr std::uint64_t kSmallMessageSize = 64;
// Far below RFC 5321 section 4.5.3.1.8's 100, so that inputs of a few kilobytes reach the limit.
constexpr std::size_t kMaxRecipients = 4;

bool inDomain(std::string_view address) {
  return address.size() > kDomain.size() &&
         std::equal(kDomain.begin(), kDomain.end(), address.end() - static_cast<std::ptrdiff_t>(kDomain.size()),
                    [](char a, char b) { return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b); });
}

// The users of example.org exist; nobody else does (RFC 5321 section 3.3: 550 for an unknown mailbox). The directory
// fails on one of them.
class OneDomainAgent : public test::FakeDeliveryAgent {
 public:
  Reply checkRecipient(const std::string& recipient, std::optional<std::uint64_t> declaredSize) override {
    if (!inDomain(recipient)) return {550, "5.1.1", "No such user here"};
    if (recipient == kUncheckableRecipient) throw std::runtime_error("directory down");
    return FakeDeliveryAgent::checkRecipient(recipient, declaredSize);
  }
};

struct ReplyLines {
  int code = 0;
  std::vector<std::string> texts;  // after "ddd " or "ddd-"
};

std::string upper(std::string_view text) {
  std::string result;
  for (const char octet : text) result += (octet >= 'a' && octet <= 'z') ? static_cast<char>(octet - 'a' + 'A') : octet;
  return result;
}

bool isDigit(char octet) { return octet >= '0' && octet <= '9'; }

// An address plain enough that RFC 5321 section 4.1.2 leaves no doubt it is one: letters, digits, ".", "-" and "_"
// around a single "@".
bool isPlainAddress(std::string_view address) {
  const auto at = address.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == address.size() || address.find('@', at + 1) != address.npos) {
    return false;
  }
  return std::all_of(address.begin(), address.end(), [](char octet) {
    return isDigit(octet) || (octet >= 'a' && octet <= 'z') || (octet >= 'A' && octet <= 'Z') || octet == '.' || octet == '-' ||
           octet == '_' || octet == '@';
  });
}

// "MAIL FROM:<address>" or "RCPT TO:<address>" exactly (the prefix in any case), with a plain address or, for MAIL,
// the null path; else nothing.
std::optional<std::string_view> plainPath(std::string_view line, std::string_view prefix, bool mayBeEmpty) {
  if (upper(line.substr(0, prefix.size())) != prefix || line.size() <= prefix.size() || !line.ends_with('>')) {
    return std::nullopt;
  }
  const auto address = line.substr(prefix.size(), line.size() - prefix.size() - 1);
  if ((address.empty() && mayBeEmpty) || isPlainAddress(address)) return address;
  return std::nullopt;
}

// The client: sends nothing itself, but knows every line the fuzzer sent, reads each reply off the wire and keeps
// the model of the transaction (RFC 5321 section 3.3) that the replies must agree with.
class Client {
 public:
  Client(fuzz::WireLines& wire, const OneDomainAgent& agent, bool deliveryFails, bool oneStoreFails, std::uint64_t maxMessageSize)
      : wire_(wire),
        agent_(agent),
        deliveryFails_(deliveryFails),
        oneStoreFails_(oneStoreFails),
        maxMessageSize_(maxMessageSize) {}

  void readGreeting() {
    const auto greeting = reply();
    expect(greeting && greeting->code == 220 && greeting->texts.size() == 1, "the greeting is not one 220 line");
  }

  // A complete line the fuzzer sent, without its LF: a command, or message text while DATA's text is due.
  void line(std::string_view text) {
    if (inData_) return messageLine(text);
    if (text.ends_with('\r')) text.remove_suffix(1);
    const auto answer = reply();
    expect(answer.has_value(), "a command line got no reply", text);
    if (notice(*answer)) return;
    command(text, *answer);
  }

  // Called when the session has closed: whatever follows the last reply may only be the notice of the hang-up.
  void readRest() {
    if (closedByNotice_ || wire_.empty()) return;
    const auto answer = reply();
    expect(answer && notice(*answer) && wire_.empty(), "a closed session wrote more than a 421", wire_.unread());
  }

  bool inData() const { return inData_; }
  // The messages whose final "." was answered after they reached the agent.
  std::size_t deliveries() const { return deliveries_; }

 private:
  // RFC 5321 section 4.2: "ddd text" lines, all but the last "ddd-text", within 512 octets (section 4.5.3.1.5).
  std::optional<ReplyLines> reply() {
    ReplyLines parsed;
    while (const auto line = wire_.takeLine()) {
      expect(line->size() + 2 <= kMaxReplyLine, "a reply line is longer than 512 octets", *line);
      expect(line->find('\r') == std::string::npos, "a reply line holds a bare CR", *line);
      expect(line->size() >= 3 && isDigit((*line)[0]) && isDigit((*line)[1]) && isDigit((*line)[2]) && (*line)[0] >= '2' &&
                 (*line)[0] <= '5' && (line->size() == 3 || (*line)[3] == ' ' || (*line)[3] == '-'),
             "a reply line is not a reply code and text", *line);
      const int code = std::stoi(line->substr(0, 3));
      expect(parsed.texts.empty() || code == parsed.code, "a multi-line reply changes its code", *line);
      parsed.code = code;
      parsed.texts.push_back(line->size() > 4 ? line->substr(4) : "");
      if (line->size() == 3 || (*line)[3] == ' ') return parsed;
    }
    expect(parsed.texts.empty(), "a multi-line reply was left unfinished");
    return std::nullopt;
  }

  // RFC 5321 section 3.8: 421 is the server closing the channel, not an answer; nothing may follow it.
  bool notice(const ReplyLines& answer) {
    if (answer.code != 421) return false;
    expect(wire_.empty(), "something followed a 421", wire_.unread());
    closedByNotice_ = true;
    return true;
  }

  // RFC 2034 section 4: once ENHANCEDSTATUSCODES is announced, every 2yz, 4yz and 5yz reply but the greeting and
  // LHLO's starts its text with an enhanced code of the same class (RFC 3463 section 2).
  static void expectEnhancedCode(const ReplyLines& answer, std::string_view line) {
    const std::string& text = answer.texts.front();
    const auto firstDot = text.find('.');
    const auto secondDot = text.find('.', firstDot + 1);
    const auto end = std::min(text.find(' '), text.size());
    const auto digitsBetween = [&](std::size_t from, std::size_t to) {
      return to > from && to - from <= 3 && std::all_of(text.begin() + from, text.begin() + to, isDigit);
    };
    expect(firstDot == 1 && text[0] - '0' == answer.code / 100 && secondDot != std::string::npos && secondDot < end &&
               digitsBetween(2, secondDot) && digitsBetween(secondDot + 1, end),
           "a reply lacks its enhanced status code", line);
  }

  void command(std::string_view line, const ReplyLines& answer) {
    const auto space = line.find(' ');
    const std::string keyword = upper(line.substr(0, space));
    const bool success = answer.code / 100 == 2;
    expect(answer.texts.size() == 1 || (keyword == "LHLO" && answer.code == 250), "only LHLO has a multi-line reply", line);
    if (keyword != "LHLO" && answer.code / 100 != 3) expectEnhancedCode(answer, line);
    expect(answer.code / 100 != 3 || keyword == "DATA", "an intermediate reply to a command other than DATA", line);

    if (keyword == "LHLO") {
      // RFC 5321 section 4.1.4: like EHLO, LHLO ends any transaction in progress.
      if (success) {
        greeted_ = true;
        inTransaction_ = false;
      }
    } else if (keyword == "MAIL") {
      // RFC 2033 section 4.1: MAIL only after LHLO; RFC 5321 section 4.1.4: not inside a transaction.
      const bool plain = plainPath(line, "MAIL FROM:<", true).has_value();
      if (plain && greeted_ && !inTransaction_) expect(success, "a plain MAIL FROM was refused", line);
      if (success) {
        expect(greeted_ && !inTransaction_, "MAIL was accepted before LHLO or inside a transaction", line);
        inTransaction_ = true;
        accepted_ = 0;
      }
    } else if (keyword == "RCPT") {
      // The agent's word on a recipient reaches the client: 250 in the domain, 550 outside it (RFC 2033 section 4.2),
      // and 451 when the directory failed (RFC 5321 section 4.2.3); past the limit, 452 (section 4.5.3.1.10).
      const auto address = plainPath(line, "RCPT TO:<", false);
      if (address && inTransaction_) {
        const int expected = accepted_ >= kMaxRecipients         ? 452
                             : *address == kUncheckableRecipient ? 451
                             : inDomain(*address)                ? 250
                                                                 : 550;
        expect(answer.code == expected, "the agent's answer on a recipient was not passed on", line);
      }
      if (success) {
        expect(inTransaction_, "RCPT was accepted outside a transaction", line);
        ++accepted_;
      }
    } else if (keyword == "DATA") {
      // RFC 2033 section 4.2: DATA goes on only with at least one accepted recipient.
      if (answer.code == 354) {
        expect(inTransaction_ && accepted_ > 0, "DATA was accepted without a recipient", line);
        inData_ = true;
        atLineStart_ = true;
        message_.clear();
      }
    } else if (keyword == "RSET") {
      if (line == "RSET") expect(success, "RSET was refused", line);
      if (success) inTransaction_ = false;
    } else if (keyword == "NOOP") {
      // RFC 5321 section 4.1.1.9: any parameter is ignored, as long as the line is a command line at all.
      const bool printable = std::all_of(line.begin(), line.end(), [](char octet) { return octet >= ' ' && octet <= '~'; });
      if (printable && line.size() < 500) expect(success, "NOOP was refused", line);
    } else if (keyword == "QUIT" || keyword == "VRFY" || keyword == "HELO" || keyword == "EHLO") {
      // Their replies only have to be well-formed.
    } else {
      expect(!success, "an unknown command was accepted", line);
    }
  }

  // RFC 5321 section 4.5.2: the text up to the line that is "." alone, the first "." of any other line removed.
  // Only CRLF ends a line of text (section 2.3.8): a piece the driver split at a bare LF goes on the same line.
  void messageLine(std::string_view text) {
    if (atLineStart_ && text == ".\r") return endOfData();
    if (atLineStart_ && text.starts_with('.')) text.remove_prefix(1);
    message_.append(text);
    message_ += '\n';
    atLineStart_ = text.ends_with('\r');
  }

  // RFC 2033 section 4.2: one reply per accepted recipient, in RCPT order.
  void endOfData() {
    inData_ = false;
    inTransaction_ = false;
    const std::string normalised = fuzz::normalisedLineEnds(message_);
    std::vector<int> codes;
    for (std::size_t recipient = 0; recipient < accepted_; ++recipient) {
      const auto answer = reply();
      expect(answer && answer->texts.size() == 1 && answer->code / 100 != 3, "a recipient got no single final reply after DATA");
      expectEnhancedCode(*answer, "the final \".\"");
      codes.push_back(answer->code);
    }
    // RFC 1870 section 6.1: 552 for every recipient of a message over the limit, and only then.
    if (codes.front() == 552) {
      expect(std::all_of(codes.begin(), codes.end(), [](int code) { return code == 552; }),
             "a message was too large for some recipients only");
      expect(normalised.size() > maxMessageSize_, "a message within the size limit was refused as too large", message_);
      return;
    }
    expect(message_.size() <= maxMessageSize_, "a message over the size limit was accepted", message_);
    // The session may have gone on to later transactions in the same input: the agent's deliveries are read in order.
    expect(agent_.deliveries.size() > deliveries_, "a message was answered without being delivered");
    const auto& delivered = agent_.deliveries[deliveries_++];
    const auto& recipients = delivered.envelope.recipients;
    expect(recipients.size() == accepted_, "the envelope does not hold the accepted recipients");
    for (std::size_t index = 0; index < recipients.size(); ++index) {
      expect(inDomain(recipients[index]), "a recipient the agent refused is in the envelope", recipients[index]);
      const bool fails = deliveryFails_ || (oneStoreFails_ && recipients[index] == kFailingRecipient);
      expect(codes[index] == (fails ? 451 : 250), "a recipient's reply is not its store's outcome", recipients[index]);
    }
    expect(delivered.size == delivered.message.size(), "the spool's size is not the message's");
    expect(delivered.message.starts_with("Return-Path: <") && delivered.message.ends_with(normalised),
           "the delivered message is not the one sent", delivered.message);
  }

  fuzz::WireLines& wire_;
  const OneDomainAgent& agent_;
  const bool deliveryFails_;
  const bool oneStoreFails_;
  const std::uint64_t maxMessageSize_;
  bool greeted_ = false;
  bool inTransaction_ = false;
  std::size_t accepted_ = 0;
  bool inData_ = false;
  bool atLineStart_ = false;  // in DATA's text: the last piece ended in CRLF
  std::string message_;         // unstuffed, line ends as sent
  std::size_t deliveries_ = 0;  // of the agent's, those matched with the replies read so far
  bool closedByNotice_ = false;
};

// The client as fuzz::SessionDriver reads it.
struct ClientModel {
  Client& client;
  fuzz::WireLines& wire;
  const Session& session;

  bool stopsReading(bool sessionClosed) const { return sessionClosed && wire.empty() && !client.inData(); }
  void answer(std::string_view line, bool /*sessionClosed*/) { client.line(line); }
  void checkHeld() const {
    expect(SessionInspector::bufferedInput(session) <= kMaxCommandLine, "the session holds more than a command line");
  }
  void checkOpen() const { expect(wire.empty(), "the session wrote more than the replies to the lines it got", wire.unread()); }
  void readRest() { client.readRest(); }
};

}  // namespace
}  // namespace postamt::lmtp

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace postamt::lmtp;
  using postamt::fuzz::expect;

  const postamt::fuzz::ChunkedInput input(data, size);
  OneDomainAgent agent;
  agent.deliverThrows = input.flag(kDeliveryFails);
  if (input.flag(kOneStoreFails)) agent.failingRecipient = std::string(kFailingRecipient);
  SessionSettings settings;
  settings.maxRecipients = kMaxRecipients;
  if (input.flag(kSmallMessages)) settings.maxMessageSize = kSmallMessageSize;
  postamt::fuzz::WireLines wire;
  Client client(wire, agent, input.flag(kDeliveryFails), input.flag(kOneStoreFails), settings.maxMessageSize);

  Session session(agent, settings, wire);
  session.greet();
  client.readGreeting();
  if (input.flag(kPeerGoesAway)) wire.goAwayAfter(kPeerReadsOctets);
  postamt::fuzz::SessionDriver<Session> driver(session, wire);
  ClientModel model{client, wire, session};
  const bool finished = driver.feed(input, model);

  const auto deliveries = agent.deliveries.size();
  if (!finished) {
    driver.talk([&] { input.flag(kTimeOutAtEnd) ? session.timeOut() : session.stop(); });
    // RFC 5321 section 3.8: the server may close with 421; a message not yet ended by "." is dropped.
    const auto notice = wire.takeLine();
    expect(session.closed() && (driver.peerGone() || (notice && notice->starts_with("421 ") && wire.empty())),
           "the session did not close with 421", notice.value_or(""));
  }
  expect(agent.deliveries.size() == deliveries, "closing delivered a message");
  // Only messages whose "." the client saw answered, and none over the size limit, reached the agent; unless the
  // client stopped reading when its peer went away.
  expect(driver.peerGone() || agent.deliveries.size() == client.deliveries(), "the agent got a message no reply accounts for");
  return 0;
}
