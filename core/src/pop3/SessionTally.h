#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace postamt::pop3 {

// What one POP3 session did, for the line logged when it ends (as Dovecot's pop3_logout_format).
struct SessionTally {
  std::string user;    // as the client gave it at the login that succeeded; empty: never logged in
  std::string tenant;  // the tenant that login resolved to
  std::uint64_t topCount = 0;
  std::uint64_t topOctets = 0;  // message octets sent by TOP, before byte-stuffing
  std::uint64_t retrCount = 0;  // RETRs sent whole
  std::uint64_t retrOctets = 0;
  std::uint64_t deleCount = 0;  // DELE marks, RSET undoing none of them in this count
  std::uint64_t expunged = 0;   // messages UPDATE removed after QUIT (RFC 1939 section 6)
  // How the session closed itself: "quit", "timeout", "shutdown", "bad_commands", "write_failed", "store_failed",
  // "locked_out" (too many failed logins); empty while open, and when the connection dropped under it.
  std::string_view ended;
};

}  // namespace postamt::pop3
