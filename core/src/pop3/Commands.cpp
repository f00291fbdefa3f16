// The POP3 commands of RFC 1939 (with CAPA from RFC 2449), one handler each, and the table that maps keywords to
// them. The table says in which states a command is valid; a handler only sees lines valid in the current state.

#include <algorithm>
#include <exception>
#include <iterator>
#include <optional>
#include <string>

#include "pop3/Capability.h"
#include "pop3/DotStuffer.h"
#include "pop3/MessageWriter.h"
#include "pop3/SessionImpl.h"
#include "pop3/Utf8.h"

namespace postamt::pop3 {

namespace {

std::string octets(const MessageInfo& message) { return std::to_string(message.size); }
std::string uniqueId(const MessageInfo& message) { return message.uidl; }

// RFC 2595 section 6 and RFC 3206 section 4: a password must not cross an untrusted network in the clear, and [AUTH]
// tells the client that only a different way of logging in helps.
constexpr std::string_view kTlsRequired = "[AUTH] Cleartext login is not allowed here: TLS is required (STLS or POP3S).";

}  // namespace

// RFC 2449 section 5: CAPA is valid in both states.
void Session::Impl::capa(const CommandLine& line) {
  if (!expectArguments(line, {})) return;
  ok("Capability list follows");
  DotStuffer body(sink_);
  const auto policy = state_ == State::Authorization ? authenticator_.announcedBeforeLogin() : announced_;
  for (const auto& capability : capabilities(settings_, canStartTls(), policy)) body.write(responseLine(capability));
  body.finish();
}

// RFC 1939 section 7. The answer is the same for every name, so USER tells nobody which mailboxes exist.
void Session::Impl::user(const CommandLine& line) {
  if (!settings_.allowCleartextLogin) return reject(kTlsRequired);
  if (!expectArguments(line, {"user name"})) return;
  if (line.arguments[0].empty()) return reject("Missing user name");
  // RFC 6856 section 3: UTF-8 in USER only after the client said UTF8; then it must be well-formed.
  if (!utf8_ && !isAscii(line.arguments[0])) return reject("Non-ASCII user name, send UTF8 first");
  if (!isUtf8(line.arguments[0])) return reject("User name is not valid UTF-8");
  user_ = std::string(line.arguments[0]);
  ok("");
}

// RFC 6856 section 2: from now on the client may send UTF-8 user names and passwords, and accepts UTF-8 in what the
// server sends. Only before login; saying it again changes nothing.
void Session::Impl::utf8(const CommandLine& line) {
  if (!expectArguments(line, {})) return;
  utf8_ = true;
  ok("UTF8 enabled");
}

// RFC 1939 section 7, with the response codes of RFC 2449 section 8 and RFC 3206. Every reason the login fails for
// the credentials (unknown domain, unknown user, wrong password) gets the same answer: no account enumeration.
void Session::Impl::pass(const CommandLine& line) {
  if (!settings_.allowCleartextLogin) return reject(kTlsRequired);
  if (!userBeforeThisCommand_) return reject("No user name given, send USER first");
  if (line.rest.empty()) return reject("Missing password");

  const LoginRequest request{*userBeforeThisCommand_, std::string(line.rest), settings_.remoteAddress, settings_.secure};
  completeLogin(request, false);
}

void Session::Impl::completeLogin(const LoginRequest& request, bool proven) {
  if (!admitted(request.user)) return refuseLockedOut(request.user, request.mechanism);
  LoginResult result;
  try {
    result = proven ? authenticator_.openProven(request) : authenticator_.login(request);
  } catch (const std::exception&) {
    // An authenticator is a plugin chain over databases; its failure is the server's, and temporary.
    result.outcome = LoginResult::Outcome::TempFail;
  }
  if (result.outcome == LoginResult::Outcome::Ok && !result.maildrop) result.outcome = LoginResult::Outcome::TempFail;

  // A tenant's policy, or a connection limit, may word its own refusal (LoginResult::clientText).
  const auto refusal = [&](std::string_view code, std::string_view standard) {
    return std::string(code) + " " + (result.clientText.empty() ? std::string(standard) : result.clientText);
  };
  switch (result.outcome) {
    case LoginResult::Outcome::Ok:
      tally_.user = request.user;
      tally_.tenant = result.tenant;
      if (settings_.loginThrottle != nullptr) settings_.loginThrottle->succeeded(settings_.remoteAddress);
      transaction_.emplace(std::move(result.maildrop));
      announced_ = result.announced;
      state_ = State::Transaction;
      return ok("Logged in.");
    case LoginResult::Outcome::Denied:
      return denied(refusal("[AUTH]", "Authentication failed."), request.user,
                    proven ? std::nullopt : std::optional<std::string_view>(request.password));
    case LoginResult::Outcome::TooSoon:
      return fail(refusal("[LOGIN-DELAY]", "Logged in too recently, please wait."));
    case LoginResult::Outcome::InUse:
      return fail(refusal("[IN-USE]", "Maildrop is locked by another session."));
    case LoginResult::Outcome::TempFail:
      return fail(refusal("[SYS/TEMP]", "Temporary failure, please try again later."));
    case LoginResult::Outcome::PermFail:
      return fail(refusal("[SYS/PERM]", "Login not possible, please contact your administrator."));
  }
}

// RFC 1939 sections 4 and 6: QUIT before login just closes; after login it enters UPDATE, which removes the marked
// messages, all or none.
void Session::Impl::quit(const CommandLine& line) {
  if (!expectArguments(line, {})) return;
  if (state_ == State::Transaction) {
    state_ = State::Update;
    const auto marked = transaction_->markedIndexes();
    try {
      if (!marked.empty()) transaction_->maildrop().expunge(marked);
      tally_.expunged = marked.size();
    } catch (const StoreError& error) {
      failStore(error, "Deleted messages could not be removed, none were.");
      return close("store_failed");
    }
  }
  ok("Logging out.");
  close("quit");
}

// RFC 1939 section 5: "+OK count size", marked messages left out.
void Session::Impl::stat(const CommandLine& line) {
  if (!expectArguments(line, {})) return;
  ok(std::to_string(transaction_->remainingCount()) + " " + std::to_string(transaction_->remainingSize()));
}

// RFC 1939 section 5: the size is the octets RETR sends before byte-stuffing.
void Session::Impl::list(const CommandLine& line) { sendListing(line, maildropSummary(), octets); }

// RFC 1939 section 5.
void Session::Impl::retr(const CommandLine& line) {
  if (!expectArguments(line, {"message number"})) return;
  const auto number = messageNumber(line.arguments[0]);
  if (!number) return;
  if (sendMessage(*number, std::to_string(transaction_->message(*number).size) + " octets", std::nullopt)) {
    transaction_->maildrop().markRetrieved(*number - 1);
  }
}

// RFC 1939 section 5: DELE only marks; UPDATE removes.
void Session::Impl::dele(const CommandLine& line) {
  if (!expectArguments(line, {"message number"})) return;
  const auto number = messageNumber(line.arguments[0]);
  if (!number) return;
  transaction_->markDeleted(*number);
  ++tally_.deleCount;
  ok("Message " + std::to_string(*number) + " deleted.");
}

// RFC 1939 section 5.
void Session::Impl::noop(const CommandLine& line) {
  if (!expectArguments(line, {})) return;
  ok("");
}

// RFC 1939 section 5: every deletion mark is removed.
void Session::Impl::rset(const CommandLine& line) {
  if (!expectArguments(line, {})) return;
  transaction_->unmarkAll();
  ok(maildropSummary());
}

// RFC 1939 section 7: the header, the blank line, then the first n lines of the body.
void Session::Impl::top(const CommandLine& line) {
  if (!expectArguments(line, {"message number", "line count"})) return;
  const auto number = messageNumber(line.arguments[0]);
  if (!number) return;
  const auto bodyLines = parseNumber(line.arguments[1]);
  if (!bodyLines) return reject("Invalid line count");
  sendMessage(*number, "Top of message follows.", *bodyLines);
}

// RFC 1939 section 7.
void Session::Impl::uidl(const CommandLine& line) { sendListing(line, "Unique-ID listing follows.", uniqueId); }

// RFC 2595 section 4. The table allows STLS only in AUTHORIZATION; a second STLS finds the connection secure already.
void Session::Impl::stls(const CommandLine& line) {
  if (!expectArguments(line, {})) return;
  if (settings_.secure) return reject("Command not permitted when TLS active");
  if (!canStartTls()) return reject("TLS is not available here");
  ok("Begin TLS negotiation");
  tls_->startTls();
  tlsStarting_ = true;
  // If the negotiation fails the transport ends the connection, so from here on the session is encrypted, and
  // RFC 2595 section 6 lets USER/PASS through.
  settings_.secure = true;
  settings_.allowCleartextLogin = true;
}

std::string Session::Impl::maildropSummary() const {
  return std::to_string(transaction_->remainingCount()) + " messages (" + std::to_string(transaction_->remainingSize()) +
         " octets)";
}

// LIST and UIDL (RFC 1939 sections 5 and 7) differ only in the value shown per message: with a message number, one
// "+OK n value" line; without, a multi-line "n value" listing of the messages not marked deleted.
void Session::Impl::sendListing(const CommandLine& line, std::string_view status,
                                std::string (*value)(const MessageInfo& message)) {
  if (!expectArguments(line, {}, 1)) return;
  if (line.arguments.size() == 1) {
    const auto number = messageNumber(line.arguments[0]);
    if (!number) return;
    return ok(std::to_string(*number) + " " + value(transaction_->message(*number)));
  }
  ok(status);
  DotStuffer body(sink_);
  for (std::size_t number = 1; number <= transaction_->count(); ++number) {
    if (transaction_->deleted(number)) continue;
    body.write(responseLine(std::to_string(number) + " " + value(transaction_->message(number))));
  }
  body.finish();
}

bool Session::Impl::sendMessage(std::size_t number, std::string_view status, std::optional<std::uint64_t> topBodyLines) {
  MessageWriter writer(transaction_->maildrop(), sink_);
  try {
    const std::uint64_t sent = writer.send(number - 1, okLine(status), topBodyLines);
    ++(topBodyLines ? tally_.topCount : tally_.retrCount);
    (topBodyLines ? tally_.topOctets : tally_.retrOctets) += sent;
    return true;
  } catch (const StoreError& error) {
    // RFC 1939 section 3: once "+OK" went out, the response can only end with ".", which would pass a cut message
    // off as whole. Closing without it is the only honest end; the client sees the response never finished.
    if (writer.begun()) {
      close("store_failed");
    } else {
      failStore(error, "Message could not be read.");
    }
    return false;
  }
}

// Dovecot's pop3-commands.c keeps the same shape: one row per command, and the table is the whole dispatcher.
const Session::Impl::Command* Session::Impl::findCommand(std::string_view keyword) {
  static constexpr Command kCommands[] = {
      // keyword, AUTHORIZATION, TRANSACTION, handler
      {"CAPA", true, true, &Impl::capa},  {"USER", true, false, &Impl::user}, {"PASS", true, false, &Impl::pass},
      {"QUIT", true, true, &Impl::quit},  {"STAT", false, true, &Impl::stat}, {"LIST", false, true, &Impl::list},
      {"RETR", false, true, &Impl::retr}, {"DELE", false, true, &Impl::dele}, {"NOOP", false, true, &Impl::noop},
      {"RSET", false, true, &Impl::rset}, {"TOP", false, true, &Impl::top},   {"UIDL", false, true, &Impl::uidl},
      {"STLS", true, false, &Impl::stls},
      {"AUTH", true, false, &Impl::auth}, {"APOP", true, false, &Impl::apop},
      {"UTF8", true, false, &Impl::utf8},
  };
  const auto found = std::find_if(std::begin(kCommands), std::end(kCommands),
                                  [&](const Command& command) { return equalsIgnoringCase(command.keyword, keyword); });
  return found == std::end(kCommands) ? nullptr : found;
}

}  // namespace postamt::pop3
