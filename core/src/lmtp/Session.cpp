#include "lmtp/Session.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "lmtp/ReplyLine.h"
#include "lmtp/SessionImpl.h"

namespace postamt::lmtp {

Session::Session(DeliveryAgent& agent, SessionSettings settings, pop3::ResponseSink& sink)
    : impl_(std::make_unique<Impl>(agent, std::move(settings), sink)) {}

Session::~Session() = default;

void Session::greet() { impl_->greet(); }
void Session::receive(std::string_view bytes) { impl_->receive(bytes); }
void Session::timeOut() { impl_->timeOut(); }
void Session::stop() { impl_->stop(); }
bool Session::closed() const { return impl_->closed(); }
std::chrono::seconds Session::idleTimeout() const { return impl_->idleTimeout(); }
const SessionTally& Session::tally() const { return impl_->tally(); }
std::size_t Session::bufferedInput() const { return impl_->bufferedInput(); }

Session::Impl::Impl(DeliveryAgent& agent, SessionSettings settings, pop3::ResponseSink& sink)
    : agent_(agent), settings_(std::move(settings)), sink_(sink) {}

void Session::Impl::greet() {
  if (closed_) return;
  // RFC 2033 section 4.1 / RFC 5321 section 4.3.1: no enhanced code on the greeting (RFC 2034 section 4).
  guarded([&] { reply({220, "", settings_.hostname + " LMTP ready"}); });
}

void Session::Impl::receive(std::string_view bytes) {
  // RFC 2920 (PIPELINING): every command is answered in order, and a message may follow its DATA in the same
  // bytes. After QUIT, or when the session closes itself, whatever else arrived is ignored.
  guarded([&] {
    while (!closed_ && !bytes.empty()) {
      if (message_) {
        readMessage(bytes);
      } else if (const auto line = lines_.next(bytes)) {
        execute(*line);
      }
    }
  });
}

void Session::Impl::timeOut() {
  if (closed_) return;
  // Closed first, so the transaction is dropped even if the peer is gone; Postfix's smtpd words it the same way.
  close("timeout");
  reply({421, "4.4.2", settings_.hostname + " Error: timeout exceeded"});
}

void Session::Impl::stop() {
  if (closed_) return;
  close("shutdown");
  reply({421, "4.3.2", "Server shutting down"});
}

bool Session::Impl::closed() const { return closed_; }

std::chrono::seconds Session::Impl::idleTimeout() const { return settings_.idleTimeout; }

std::size_t Session::Impl::bufferedInput() const { return lines_.buffered(); }

void Session::Impl::execute(const pop3::LineReader::Line& line) {
  switch (line.problem) {
    case pop3::LineReader::Line::Problem::TooLong:
      return reject({500, "5.5.2", "Line too long"});  // RFC 5321 section 4.5.3.1.4
    case pop3::LineReader::Line::Problem::ContainsNul:
      return reject({500, "5.5.2", "NUL character in command line"});
    case pop3::LineReader::Line::Problem::None:
      break;
  }
  const auto command = pop3::CommandLine::parse(line.text);
  const Command* found = findCommand(command.keyword);
  if (found == nullptr) return reject({500, "5.5.1", "Command unrecognized"});
  (this->*found->handle)(command);
}

void Session::Impl::readMessage(std::string_view& bytes) {
  while (!bytes.empty()) {
    const auto piece = dataReader_.next(bytes);
    message_->append(piece.text);
    tally_.octets += piece.text.size();
    if (piece.end) return endMessage();
  }
}

// RFC 2033 section 4.2: after the final ".", one reply for every recipient accepted by RCPT, in RCPT order. Then the
// transaction is over and the next may start at MAIL.
void Session::Impl::endMessage() {
  const auto replies = deliveryReplies();
  message_.reset();
  envelope_.reset();
  ++tally_.messages;
  for (const auto& recipientReply : replies) ++(recipientReply.code / 100 == 2 ? tally_.delivered : tally_.refused);
  for (const auto& recipientReply : replies) reply(recipientReply);
}

// An agent is code over stores and plugins; a reply it gives that cannot be a final reply (RFC 5321 section 4.2.1:
// 2yz, 4yz or 5yz) would derail the client, so it becomes a temporary failure. RFC 2034 section 4 wants an enhanced
// code on every such reply; an agent that gave none gets the class's generic one.
Reply Session::Impl::checked(Reply reply) {
  const int kind = reply.code / 100;
  if (reply.code < 200 || reply.code > 599 || kind == 3) return kTemporaryFailure;
  if (reply.enhanced.empty()) reply.enhanced = std::to_string(kind) + ".0.0";
  return reply;
}

std::vector<Reply> Session::Impl::deliveryReplies() {
  const auto recipients = envelope_->recipients.size();
  switch (message_->finish()) {
    case IncomingMessage::Outcome::TooLarge:
      // RFC 1870 section 6.1.
      return std::vector<Reply>(recipients, {552, "5.3.4", "Message size exceeds fixed maximum message size"});
    case IncomingMessage::Outcome::SpoolFailed:
      return std::vector<Reply>(recipients, kTemporaryFailure);
    case IncomingMessage::Outcome::Complete:
      break;
  }
  try {
    auto replies = agent_.deliver(*envelope_, message_->spool());
    // An agent that answers for more or fewer recipients than it was given leaves it unknown who got the message.
    if (replies.size() == recipients) {
      std::transform(replies.begin(), replies.end(), replies.begin(), checked);
      return replies;
    }
  } catch (const std::exception&) {
    // The agent's stores are databases and disks: whatever failed, a later retry may work.
  }
  return std::vector<Reply>(recipients, kTemporaryFailure);
}

void Session::Impl::close(std::string_view why) {
  if (!closed_) tally_.ended = why;
  closed_ = true;
  resetTransaction();
}

void Session::Impl::resetTransaction() {
  message_.reset();
  envelope_.reset();
}

void Session::Impl::reply(const Reply& reply) { sink_.write(replyLine(reply)); }

void Session::Impl::reject(const Reply& reply) {
  this->reply(reply);
  // A client that keeps sending what the server refuses is broken or probing; Postfix's smtpd hangs up after 20
  // errors (smtpd_hard_error_limit) with this reply. A limit below one would never be reached, so one is the least.
  if (++badCommands_ >= std::max(settings_.maxBadCommands, 1)) {
    this->reply({421, "4.7.0", "Too many errors"});
    close("bad_commands");
  }
}

}  // namespace postamt::lmtp
