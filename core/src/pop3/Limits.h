#pragma once

#include <cstddef>

namespace postamt::pop3 {

// RFC 2449 section 4: a command line is at most 255 octets, including the terminating CRLF.
inline constexpr std::size_t kMaxCommandLine = 255;

// RFC 2449 section 4: a response line is at most 512 octets, including the terminating CRLF.
inline constexpr std::size_t kMaxResponseLine = 512;

}  // namespace postamt::pop3
