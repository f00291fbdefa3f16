#pragma once

#include <cstdint>
#include <string_view>

namespace postamt::lmtp {

// What one LMTP session did, for the line logged when it ends.
struct SessionTally {
  std::uint64_t messages = 0;   // DATA transactions that reached their final "."
  std::uint64_t delivered = 0;  // recipients answered 250 after DATA (RFC 2033 section 4.2)
  std::uint64_t refused = 0;    // recipients answered 4yz or 5yz, at RCPT or after DATA
  std::uint64_t octets = 0;     // message octets received in DATA, before any header was added
  // How the session closed itself: "quit", "timeout", "shutdown", "bad_commands", "write_failed"; empty while open,
  // and when the connection dropped under it.
  std::string_view ended;
};

}  // namespace postamt::lmtp
