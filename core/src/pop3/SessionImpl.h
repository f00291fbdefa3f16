#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pop3/CommandLine.h"
#include "pop3/LineReader.h"
#include "pop3/Session.h"
#include "pop3/Transaction.h"
#include "sasl/Mechanism.h"

namespace postamt::pop3 {

// The session's state and the engine that feeds it command lines (Session.cpp); the commands themselves and their
// table live in Commands.cpp, one handler per RFC 1939 command.
class Session::Impl {
 public:
  Impl(Authenticator& authenticator, SessionSettings settings, ResponseSink& sink, TlsTransport* tls);

  void greet();
  void receive(std::string_view bytes);
  void timeOut();
  void stop();

  State state() const;
  std::chrono::seconds idleTimeout() const;
  std::size_t bufferedInput() const;
  const SessionTally& tally() const { return tally_; }
  std::chrono::milliseconds takeReplyDelay();

 private:
  // One entry of the command table: a keyword, the states it is valid in (RFC 1939 sections 4-6), its handler.
  struct Command {
    std::string_view keyword;
    bool inAuthorization;
    bool inTransaction;
    void (Impl::*handle)(const CommandLine& line);
  };
  // Keywords are case-insensitive (RFC 1939 section 3). Nothing for an unknown keyword.
  static const Command* findCommand(std::string_view keyword);

  void execute(const LineReader::Line& line);
  // Closes the session; `why` goes to the tally unless an earlier reason is there.
  void close(std::string_view why);
  template <typename Write>
  void guarded(Write&& write) {
    closeIfWriteThrows([this] { close("write_failed"); }, write);
  }

  // Every response line, status or listing, is built by these two.
  static std::string responseLine(std::string_view text);
  static std::string okLine(std::string_view text);
  void ok(std::string_view text);
  // A -ERR the client caused; counts towards settings.maxBadCommands.
  void reject(std::string_view text);
  // A -ERR the server caused (store, lock, authenticator down); not the client's fault, so not counted.
  void fail(std::string_view text);
  void failStore(const StoreError& error, std::string_view text);
  // RFC 2595 section 4: STLS only before login, and only on a connection that is not encrypted yet.
  bool canStartTls() const;

  // Rejects the line unless it has every `required` argument (named in the error) and at most `optional` more.
  bool expectArguments(const CommandLine& line, std::initializer_list<std::string_view> required, std::size_t optional = 0);
  // A message number naming a message that exists and is not marked deleted; else rejects and returns nothing.
  std::optional<std::size_t> messageNumber(std::string_view argument);
  std::string maildropSummary() const;
  void sendListing(const CommandLine& line, std::string_view status, std::string (*value)(const MessageInfo& message));
  // True when the whole response went out.
  bool sendMessage(std::size_t number, std::string_view status, std::optional<std::uint64_t> topBodyLines);

  // Commands.cpp
  void capa(const CommandLine& line);
  void user(const CommandLine& line);
  void pass(const CommandLine& line);
  void quit(const CommandLine& line);
  void stat(const CommandLine& line);
  void list(const CommandLine& line);
  void retr(const CommandLine& line);
  void dele(const CommandLine& line);
  void noop(const CommandLine& line);
  void rset(const CommandLine& line);
  void top(const CommandLine& line);
  void uidl(const CommandLine& line);
  void stls(const CommandLine& line);
  void utf8(const CommandLine& line);

  // Ends a login, whatever way it came (PASS, APOP, AUTH): enters TRANSACTION, or answers with the RFC 3206 code.
  // `proven`: a mechanism proved the identity already, so only the maildrop is opened.
  void completeLogin(const LoginRequest& request, bool proven);

  // LoginThrottle.h: whether this client may try to log in (as `user`, when known) at all. Remembers a refusal, so
  // that a mechanism that failed because of it is answered as a lockout.
  bool admitted(const std::string& user);
  // The answer to a client over its failure limit: RFC 3206 SYS/TEMP, as the lockout ends by itself, and a hang-up.
  void refuseLockedOut(const std::string& user, const std::string& mechanism);
  // A login whose credentials were wrong: rejects it with `response`, after the penalty. `secret` is what was tried
  // when the session saw it, so a repeat costs nothing more.
  void denied(std::string_view response, const std::string& user, std::optional<std::string_view> secret);
  // The name the throttle counts `user`'s failures under: its account, so made-up device names share their user's.
  std::string throttledName(const std::string& user);

  // AuthCommand.cpp: RFC 5034 AUTH and its exchange.
  void auth(const CommandLine& line);
  void continueExchange(const LineReader::Line& line);
  void advanceExchange(const sasl::Step& step);
  void endExchange();
  void apop(const CommandLine& line);
  // The authenticator's stored secret of `user`; a throwing authenticator is a temporary failure.
  sasl::StoredSecret storedSecret(const std::string& user);
  sasl::TokenCheck checkToken(const std::string& user, const std::string& token);
  // Tells the authenticator of a login that failed here, so it is logged; never throws.
  void logFailure(const std::string& user, const std::string& mechanism, const std::string& reason);

  Authenticator& authenticator_;
  SessionSettings settings_;  // secure and allowCleartextLogin change when STLS succeeds
  ResponseSink& sink_;
  TlsTransport* tls_;
  // Set by STLS: whatever the client sent after it in the same read is dropped, never executed under TLS.
  bool tlsStarting_ = false;
  State state_ = State::Authorization;
  LineReader lines_;
  // RFC 1939 section 7: PASS is valid only right after a successful USER, so a USER name lasts one command.
  std::optional<std::string> user_;
  std::optional<std::string> userBeforeThisCommand_;
  std::optional<Transaction> transaction_;
  bool utf8_ = false;  // RFC 6856: the client sent UTF8
  // The SASL exchange under way, if any: while it lasts, every line is a client response, not a command.
  std::unique_ptr<sasl::Mechanism> exchange_;
  std::string exchangeMechanism_;
  // RFC 1939 section 7: the greeting's timestamp, which APOP's digest covers; empty when APOP is off.
  std::string apopTimestamp_;
  std::optional<PolicyAnnouncement> announced_;  // the logged-in user's LOGIN-DELAY and EXPIRE
  int badCommands_ = 0;
  SessionTally tally_;
  std::chrono::milliseconds replyDelay_{0};  // the penalty the responses not yet taken must wait
  bool lockedOut_ = false;
};

}  // namespace postamt::pop3
