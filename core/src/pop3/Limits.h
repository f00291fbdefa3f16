#pragma once

#include <cstddef>

namespace postamt::pop3 {

// RFC 2449 section 4: a command line is at most 255 octets, including the terminating CRLF.
inline constexpr std::size_t kMaxCommandLine = 255;

// RFC 5034 section 4 leaves the length of a SASL client response open, and OAuth bearer tokens (RFC 7628) often
// exceed a kilobyte; Dovecot's login processes allow a few kilobytes too. The buffer is held only during AUTH.
inline constexpr std::size_t kMaxSaslResponseLine = 16384;

// RFC 2449 section 4: a response line is at most 512 octets, including the terminating CRLF.
inline constexpr std::size_t kMaxResponseLine = 512;

}  // namespace postamt::pop3
