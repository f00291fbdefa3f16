#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "lmtp/DataReader.h"
#include "lmtp/IncomingMessage.h"
#include "lmtp/Limits.h"
#include "lmtp/Session.h"
#include "pop3/CommandLine.h"
#include "pop3/LineReader.h"

namespace postamt::lmtp {

// The session's state and the engine that feeds it command lines and message text (Session.cpp); the commands
// themselves and their table live in Commands.cpp, one handler per command.
class Session::Impl {
 public:
  Impl(DeliveryAgent& agent, SessionSettings settings, pop3::ResponseSink& sink);

  void greet();
  void receive(std::string_view bytes);
  void timeOut();
  void stop();

  bool closed() const;
  std::chrono::seconds idleTimeout() const;
  std::size_t bufferedInput() const;
  const SessionTally& tally() const { return tally_; }

 private:
  // One entry of the command table: a keyword and its handler. Each handler checks the command sequence itself,
  // since RFC 5321 section 4.1.4 gives each its own 503.
  struct Command {
    std::string_view keyword;
    void (Impl::*handle)(const pop3::CommandLine& line);
  };
  // Keywords are case-insensitive (RFC 5321 section 2.4). Nothing for an unknown keyword.
  static const Command* findCommand(std::string_view keyword);

  void execute(const pop3::LineReader::Line& line);
  // Passes message text to the DATA in progress until its final "." has come and been answered.
  void readMessage(std::string_view& bytes);
  void endMessage();
  std::vector<Reply> deliveryReplies();
  // Closes the session; `why` goes to the tally unless an earlier reason is there.
  void close(std::string_view why);
  template <typename Write>
  void guarded(Write&& write) {
    pop3::closeIfWriteThrows([this] { close("write_failed"); }, write);
  }
  void resetTransaction();

  static inline const Reply kTemporaryFailure{451, "4.3.0", "Temporary failure, please try again later"};
  // A reply from the agent, made fit for the wire.
  static Reply checked(Reply reply);

  void reply(const Reply& reply);
  // A reply to a command the client got wrong; counts towards settings.maxBadCommands.
  void reject(const Reply& reply);

  // Commands.cpp
  void lhlo(const pop3::CommandLine& line);
  void heloOrEhlo(const pop3::CommandLine& line);
  void mail(const pop3::CommandLine& line);
  void rcpt(const pop3::CommandLine& line);
  void data(const pop3::CommandLine& line);
  void rset(const pop3::CommandLine& line);
  void noop(const pop3::CommandLine& line);
  void vrfy(const pop3::CommandLine& line);
  void quit(const pop3::CommandLine& line);

  DeliveryAgent& agent_;
  const SessionSettings settings_;
  pop3::ResponseSink& sink_;
  pop3::LineReader lines_{kMaxCommandLine};
  bool closed_ = false;
  bool greeted_ = false;              // LHLO came: MAIL needs it (RFC 2033 section 4.1)
  std::optional<Envelope> envelope_;  // from MAIL to the end of DATA, RSET or LHLO
  DataReader dataReader_;
  std::unique_ptr<IncomingMessage> message_;  // while DATA's text arrives; the spool's buffer only exists then
  SessionTally tally_;
  int badCommands_ = 0;
};

}  // namespace postamt::lmtp
