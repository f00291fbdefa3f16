#pragma once

#include <optional>
#include <string>
#include <vector>

#include "delivery/MessageSpool.h"

namespace postamt::lmtp {

// An SMTP-style reply: "250 2.1.5 Ok" is {250, "2.1.5", "Ok"} (RFC 2034
// enhanced status codes).
struct Reply {
  int code = 250;
  std::string enhanced;  // "2.1.5"
  std::string text;
};

struct Envelope {
  std::string sender;                   // reverse-path without <>; empty for the null sender
  std::optional<std::uint64_t> size;    // RFC 1870 SIZE= of MAIL FROM, if given
  std::vector<std::string> recipients;  // accepted recipients in RCPT order, as given
};

// What an LMTP session needs from the mail store. Implemented over the tenant
// directory and store plugins in core/src/delivery; fakes in unit tests.
// Thread-safe: one agent serves every LMTP session.
class DeliveryAgent {
 public:
  virtual ~DeliveryAgent() = default;

  // RCPT TO: 250 to accept; 550 5.1.1 for an unknown user or domain; 451/452
  // for temporary trouble. `declaredSize` is the MAIL FROM SIZE parameter.
  virtual Reply checkRecipient(const std::string& recipient, std::optional<std::uint64_t> declaredSize) = 0;

  // After DATA: stores the spooled message (CRLF-normalised, unstuffed, trace
  // headers already prepended) for every accepted recipient, durably before
  // returning; a mailbox named by several recipients gets one copy. Returns
  // one reply per envelope recipient, in RCPT order
  // (RFC 2033 section 4.2): 250 2.0.0, or 451 4.3.0 for a recipient whose
  // store failed while the others succeeded.
  virtual std::vector<Reply> deliver(const Envelope& envelope, delivery::MessageSpool& message) = 0;
};

}  // namespace postamt::lmtp
