#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "Dialogue.h"

namespace postamt::bench {

// The messages a deliver run sends, shared by all its connections: message k
// goes to recipientOf(k), so a run of users x n messages gives each user n.
class DeliveryPlan {
 public:
  DeliveryPlan(long total, std::function<std::string(long)> recipientOf) : total_(total), recipientOf_(std::move(recipientOf)) {}
  // The recipient of the next message, or nothing when all are claimed.
  std::optional<std::string> claim() { return next_ < total_ ? std::optional(recipientOf_(next_++)) : std::nullopt; }
  bool exhausted() const { return next_ >= total_; }

 private:
  long total_;
  long next_ = 0;
  std::function<std::string(long)> recipientOf_;
};

// What DATA sends for a message file (RFC 5321 section 4.5.2): CRLF line ends,
// lines starting with "." doubled, then the "." line.
std::string dataSection(std::string_view message);

// deliver mode: LHLO, then up to `transactions` times MAIL FROM, RCPT TO,
// DATA (RFC 2033 section 4), then QUIT. One recipient per transaction, so
// DATA gets exactly one reply (RFC 2033 section 4.2).
class LmtpDialogue : public Dialogue {
 public:
  LmtpDialogue(DeliveryPlan& plan, std::shared_ptr<const std::string> data, int transactions, Tally& tally);
  Step onInput(Connection& connection) override;

 private:
  enum class State { Greeting, Lhlo, Mail, Rcpt, Data, Message, Quit };
  // The code of the next complete reply ("250-..." lines continue it); 0 while incomplete.
  int reply(Connection& connection);
  Step expect(int code, int wanted, const char* after);
  void startTransaction(Connection& connection);

  DeliveryPlan& plan_;
  std::shared_ptr<const std::string> data_;
  int transactionsLeft_;
  Tally& tally_;
  State state_ = State::Greeting;
  std::string recipient_;
  std::string lastLine_;
};

}  // namespace postamt::bench
