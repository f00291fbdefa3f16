// The LMTP commands of RFC 2033 (SMTP's of RFC 5321, with LHLO for EHLO), one handler each, and the table that maps
// keywords to them. Extensions: SIZE (RFC 1870), 8BITMIME (RFC 6152), ENHANCEDSTATUSCODES (RFC 2034), PIPELINING
// (RFC 2920).

#include <algorithm>
#include <exception>
#include <iterator>
#include <string>

#include "lmtp/Capability.h"
#include "lmtp/PathArgument.h"
#include "lmtp/ReplyLine.h"
#include "lmtp/SessionImpl.h"

namespace postamt::lmtp {

using pop3::CommandLine;
using pop3::equalsIgnoringCase;

namespace {

bool isDigits(std::string_view text) { return !text.empty() && text.find_first_not_of("0123456789") == text.npos; }

}  // namespace

// RFC 2033 section 4.1: LHLO takes EHLO's place; its reply names the host, then one service extension a line. Like
// EHLO it ends any transaction in progress (RFC 5321 section 4.1.4).
void Session::Impl::lhlo(const CommandLine& line) {
  if (line.arguments.size() != 1 || line.arguments[0].empty()) return reject({501, "5.5.4", "Syntax: LHLO hostname"});
  resetTransaction();
  greeted_ = true;
  std::string lines = replyLine({250, "", settings_.hostname}, true);
  const auto offered = capabilities(settings_);
  for (std::size_t i = 0; i < offered.size(); ++i) lines += replyLine({250, "", offered[i]}, i + 1 < offered.size());
  sink_.write(lines);
}

// RFC 2033 section 4.1: LHLO replaces HELO and EHLO so that an SMTP client that reached an LMTP server by mistake
// is detected; refusing them shows the mistake at once.
void Session::Impl::heloOrEhlo(const CommandLine&) { reject({500, "5.5.1", "This is LMTP: use LHLO"}); }

// RFC 5321 section 4.1.1.2, with the SIZE parameter of RFC 1870 section 6 and the BODY parameter of RFC 6152.
void Session::Impl::mail(const CommandLine& line) {
  if (!greeted_) return reject({503, "5.5.1", "Send LHLO first"});
  if (envelope_) return reject({503, "5.5.1", "Nested MAIL command"});
  const auto path = parsePathArgument(line.rest, "FROM:");
  if (!path) return reject({501, "5.5.4", "Syntax: MAIL FROM:<address>"});

  Envelope envelope;
  envelope.sender = path->address;
  bool bodyGiven = false;
  for (const auto& parameter : path->parameters) {
    if (equalsIgnoringCase(parameter.keyword, "SIZE")) {
      // RFC 1870: size-value = 1*20DIGIT. Twenty digits may not fit in 64 bits; such a size is beyond any maximum.
      constexpr std::size_t kMaxSizeDigits = 20;
      if (envelope.size || !parameter.value || !isDigits(*parameter.value) || parameter.value->size() > kMaxSizeDigits) {
        return reject({501, "5.5.4", "Bad SIZE parameter"});
      }
      const auto size = pop3::parseNumber(*parameter.value);
      if (!size || *size > settings_.maxMessageSize) {
        return reply({552, "5.3.4", "Message size exceeds fixed maximum message size"});
      }
      envelope.size = size;
    } else if (equalsIgnoringCase(parameter.keyword, "BODY")) {
      // RFC 6152 section 2: 7BIT or 8BITMIME; BINARYMIME needs CHUNKING, which is not offered.
      if (bodyGiven || !parameter.value ||
          !(equalsIgnoringCase(*parameter.value, "7BIT") || equalsIgnoringCase(*parameter.value, "8BITMIME"))) {
        return reject({501, "5.5.4", "Bad BODY parameter"});
      }
      bodyGiven = true;
    } else {
      // RFC 5321 section 4.1.1.11.
      return reject({555, "5.5.4", "Unsupported parameter " + std::string(parameter.keyword)});
    }
  }
  envelope_ = std::move(envelope);
  reply({250, "2.1.0", "Ok"});
}

// RFC 5321 section 4.1.1.3 and RFC 2033 section 4.2: the agent decides about each recipient (unknown user, quota);
// only those it accepts join the envelope and get a reply after DATA.
void Session::Impl::rcpt(const CommandLine& line) {
  if (!envelope_) return reject({503, "5.5.1", "Need MAIL command"});
  const auto path = parsePathArgument(line.rest, "TO:");
  if (!path || path->address.empty()) return reject({501, "5.5.4", "Syntax: RCPT TO:<address>"});
  if (!path->parameters.empty()) {
    return reject({555, "5.5.4", "Unsupported parameter " + std::string(path->parameters.front().keyword)});
  }
  // RFC 5321 section 4.5.3.1.10: past the server's limit, 452 and the client sends the rest in another transaction.
  if (envelope_->recipients.size() >= settings_.maxRecipients) return reply({452, "4.5.3", "Too many recipients"});

  Reply answer;
  try {
    answer = checked(agent_.checkRecipient(path->address, envelope_->size));
  } catch (const std::exception&) {
    answer = kTemporaryFailure;  // the directory or the policy failed, not the recipient
  }
  if (answer.code / 100 == 2) {
    envelope_->recipients.push_back(path->address);
  } else {
    ++tally_.refused;
  }
  reply(answer);
}

// RFC 2033 section 4.2: without an accepted recipient, DATA is refused with 503; else 354, and the message text
// follows until the line that is "." alone (readMessage, endMessage).
void Session::Impl::data(const CommandLine& line) {
  if (!line.arguments.empty()) return reject({501, "5.5.4", "Syntax: DATA"});
  if (!envelope_) return reject({503, "5.5.1", "Need MAIL command"});
  if (envelope_->recipients.empty()) return reject({503, "5.5.1", "No valid recipients"});
  try {
    message_ = std::make_unique<IncomingMessage>(*envelope_, settings_.maxMessageSize);
  } catch (const delivery::SpoolError&) {
    return reply(kTemporaryFailure);
  }
  reply({354, "", "Start mail input; end with <CRLF>.<CRLF>"});  // RFC 2034 section 4: no enhanced code on 3yz
}

// RFC 5321 section 4.1.1.5.
void Session::Impl::rset(const CommandLine& line) {
  if (!line.arguments.empty()) return reject({501, "5.5.4", "Syntax: RSET"});
  resetTransaction();
  reply({250, "2.0.0", "Ok"});
}

// RFC 5321 section 4.1.1.9: NOOP may carry a string, which is ignored.
void Session::Impl::noop(const CommandLine&) { reply({250, "2.0.0", "Ok"}); }

// RFC 5321 section 3.5.3: 252 when the server will not verify an address but would try delivering to it. The agent
// is not asked, so VRFY tells nobody which mailboxes exist.
void Session::Impl::vrfy(const CommandLine& line) {
  if (line.rest.empty()) return reject({501, "5.5.4", "Syntax: VRFY address"});
  reply({252, "2.5.2", "Cannot VRFY user, but will accept message and attempt delivery"});
}

// RFC 5321 section 4.1.1.10.
void Session::Impl::quit(const CommandLine& line) {
  if (!line.arguments.empty()) return reject({501, "5.5.4", "Syntax: QUIT"});
  reply({221, "2.0.0", settings_.hostname + " closing connection"});
  close("quit");
}

// Dovecot's lmtp and pop3-commands.c keep the same shape: one row per command, and the table is the whole dispatcher.
const Session::Impl::Command* Session::Impl::findCommand(std::string_view keyword) {
  static constexpr Command kCommands[] = {
      {"LHLO", &Impl::lhlo}, {"HELO", &Impl::heloOrEhlo}, {"EHLO", &Impl::heloOrEhlo}, {"MAIL", &Impl::mail},
      {"RCPT", &Impl::rcpt}, {"DATA", &Impl::data},       {"RSET", &Impl::rset},       {"NOOP", &Impl::noop},
      {"VRFY", &Impl::vrfy}, {"QUIT", &Impl::quit},
  };
  const auto found = std::find_if(std::begin(kCommands), std::end(kCommands),
                                  [&](const Command& command) { return equalsIgnoringCase(command.keyword, keyword); });
  return found == std::end(kCommands) ? nullptr : found;
}

}  // namespace postamt::lmtp
