#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "delivery/MessageSpool.h"
#include "lmtp/DeliveryAgent.h"

namespace postamt::lmtp {

// The message of one DATA command on its way into a MessageSpool: the trace headers first, then the text as the
// DataReader hands it over. Trouble does not stop the reading, since the client sends on until the final "." whatever
// happens (RFC 5321 section 4.1.1.4); append() never throws and finish() says what went wrong, to answer then.
class IncomingMessage {
 public:
  enum class Outcome { Complete, TooLarge, SpoolFailed };

  // `maxMessageSize` bounds the text after the trace headers: it is what RFC 1870 SIZE declares and LHLO announces.
  // Throws delivery::SpoolError when no spool file can be made.
  IncomingMessage(const Envelope& envelope, std::uint64_t maxMessageSize);

  // Spools `text`; once the message is too large or the spool failed, drops it.
  void append(std::string_view text);
  // Ends the message. Only after Complete does spool() hold it whole.
  Outcome finish();

  delivery::MessageSpool& spool() { return spool_; }

 private:
  IncomingMessage(const std::string& headers, std::uint64_t maxMessageSize);
  void spoolFailed();

  std::uint64_t limit_;
  delivery::MessageSpool spool_;
  Outcome outcome_ = Outcome::Complete;
};

}  // namespace postamt::lmtp
