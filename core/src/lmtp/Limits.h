#pragma once

#include <cstddef>

namespace postamt::lmtp {

// RFC 5321 section 4.5.3.1.4: a command line is at most 512 octets, including the command word and the CRLF.
inline constexpr std::size_t kMaxCommandLine = 512;

// RFC 5321 section 4.5.3.1.5: a reply line is at most 512 octets, including the reply code and the CRLF.
inline constexpr std::size_t kMaxReplyLine = 512;

}  // namespace postamt::lmtp
