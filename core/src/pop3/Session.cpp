#include "pop3/Session.h"

#include <algorithm>
#include <utility>

#include "pop3/Limits.h"
#include "pop3/SessionImpl.h"
#include "sasl/Random.h"

namespace postamt::pop3 {

Session::Session(Authenticator& authenticator, SessionSettings settings, ResponseSink& sink, TlsTransport* tls)
    : impl_(std::make_unique<Impl>(authenticator, std::move(settings), sink, tls)) {}

Session::~Session() = default;

void Session::greet() { impl_->greet(); }
void Session::receive(std::string_view bytes) { impl_->receive(bytes); }
void Session::timeOut() { impl_->timeOut(); }
void Session::stop() { impl_->stop(); }
Session::State Session::state() const { return impl_->state(); }
std::chrono::seconds Session::idleTimeout() const { return impl_->idleTimeout(); }
const SessionTally& Session::tally() const { return impl_->tally(); }
std::chrono::milliseconds Session::takeReplyDelay() { return impl_->takeReplyDelay(); }
std::size_t Session::bufferedInput() const { return impl_->bufferedInput(); }

Session::Impl::Impl(Authenticator& authenticator, SessionSettings settings, ResponseSink& sink, TlsTransport* tls)
    : authenticator_(authenticator), settings_(std::move(settings)), sink_(sink), tls_(tls) {}

void Session::Impl::greet() {
  if (state_ == State::Closed) return;
  if (settings_.apop) apopTimestamp_ = sasl::uniqueMessageId(settings_.greetingHost);
  guarded([&] { ok(settings_.greetingHost + " ready." + (apopTimestamp_.empty() ? "" : " " + apopTimestamp_)); });
}

void Session::Impl::receive(std::string_view bytes) {
  // RFC 2449 section 6.6 (PIPELINING): every complete line is answered in order; after QUIT, or when the session
  // closes itself, whatever else arrived is ignored.
  guarded([&] {
    while (state_ != State::Closed) {
      const auto line = lines_.next(bytes);
      if (!line) return;
      execute(*line);
      // RFC 2595 section 4 and CVE-2011-0411: lines pipelined after STLS were sent in the clear, where anyone on the
      // path could have added them; they are dropped, so nothing reaches the TLS session but what came through TLS.
      // STLS ended a line, so the reader holds no partial one.
      if (std::exchange(tlsStarting_, false)) return;
    }
  });
}

void Session::Impl::timeOut() {
  // RFC 1939 section 3: an autologout timer closes the connection without entering UPDATE, and sends nothing.
  close("timeout");
}

void Session::Impl::stop() {
  if (state_ == State::Closed) return;
  close("shutdown");
  fail("[SYS/TEMP] Server shutting down.");
}

Session::State Session::Impl::state() const { return state_; }

std::chrono::seconds Session::Impl::idleTimeout() const {
  return state_ == State::Authorization ? settings_.loginTimeout : settings_.idleTimeout;
}

std::size_t Session::Impl::bufferedInput() const { return lines_.buffered(); }

std::chrono::milliseconds Session::Impl::takeReplyDelay() { return std::exchange(replyDelay_, std::chrono::milliseconds(0)); }

void Session::Impl::execute(const LineReader::Line& line) {
  userBeforeThisCommand_ = std::exchange(user_, std::nullopt);
  if (exchange_) return continueExchange(line);
  switch (line.problem) {
    case LineReader::Line::Problem::TooLong:
      return reject("Line too long");
    case LineReader::Line::Problem::ContainsNul:
      return reject("NUL byte in command line");
    case LineReader::Line::Problem::None:
      break;
  }
  const auto command = CommandLine::parse(line.text);
  const Command* found = findCommand(command.keyword);
  if (found == nullptr) return reject("Unknown command");
  if (!(state_ == State::Authorization ? found->inAuthorization : found->inTransaction)) {
    return reject("Command not valid in this state");
  }
  (this->*found->handle)(command);
}

void Session::Impl::close(std::string_view why) {
  if (state_ != State::Closed) tally_.ended = why;
  state_ = State::Closed;
  // Destroying the maildrop releases its lock at once and applies nothing (RFC 1939 section 6: only QUIT updates).
  transaction_.reset();
  exchange_.reset();
  user_.reset();
  userBeforeThisCommand_.reset();
}

// RFC 2449 section 4 bounds a response line at 512 octets. Only values from outside the session (the configured host
// name and implementation, a store's UIDL) could reach it; cutting them keeps the response parseable.
std::string Session::Impl::responseLine(std::string_view text) {
  std::string line(text.substr(0, kMaxResponseLine - 2));
  line += "\r\n";
  return line;
}

std::string Session::Impl::okLine(std::string_view text) {
  return responseLine(text.empty() ? std::string("+OK") : "+OK " + std::string(text));
}

void Session::Impl::ok(std::string_view text) { sink_.write(okLine(text)); }

void Session::Impl::fail(std::string_view text) { sink_.write(responseLine("-ERR " + std::string(text))); }

void Session::Impl::reject(std::string_view text) {
  fail(text);
  // A client that keeps sending what the server refuses is probing or broken; Dovecot hangs up after 20. A limit
  // below one would never let the count reach it, so one is the least.
  if (++badCommands_ >= std::max(settings_.maxBadCommands, 1)) {
    fail("Too many bad commands, closing.");
    close("bad_commands");
  }
}

bool Session::Impl::canStartTls() const { return tls_ != nullptr && !settings_.secure && state_ == State::Authorization; }

void Session::Impl::failStore(const StoreError& error, std::string_view text) {
  // RFC 2449 section 8 and RFC 3206 section 4: SYS/TEMP tells the client a retry may work, SYS/PERM that it will not.
  fail((error.temporary() ? "[SYS/TEMP] " : "[SYS/PERM] ") + std::string(text));
}

bool Session::Impl::expectArguments(const CommandLine& line, std::initializer_list<std::string_view> required,
                                    std::size_t optional) {
  if (line.arguments.size() < required.size()) {
    reject("Missing " + std::string(required.begin()[line.arguments.size()]));
    return false;
  }
  if (line.arguments.size() > required.size() + optional) {
    reject("Too many arguments");
    return false;
  }
  return true;
}

std::optional<std::size_t> Session::Impl::messageNumber(std::string_view argument) {
  const auto number = parseNumber(argument);
  if (!number) {
    reject("Invalid message number");
    return std::nullopt;
  }
  if (*number == 0 || *number > transaction_->count()) {
    reject("No such message");
    return std::nullopt;
  }
  // RFC 1939 section 5: a message marked as deleted may not be referred to.
  if (transaction_->deleted(*number)) {
    reject("Message " + std::to_string(*number) + " already deleted");
    return std::nullopt;
  }
  return static_cast<std::size_t>(*number);
}

}  // namespace postamt::pop3
