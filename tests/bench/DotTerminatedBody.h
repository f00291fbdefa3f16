#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace postamt::bench {

// The body of a multi-line POP3 response (RFC 1939 section 3): everything up
// to the line holding only ".". Fed in whatever pieces the socket delivers,
// because the terminator may be split across reads at any byte.
class DotTerminatedBody {
 public:
  // Returns how many of `bytes` belong to the body and its terminator; once
  // done(), the rest belongs to the next response.
  std::size_t feed(std::string_view bytes);
  bool done() const { return done_; }
  // Octets as sent (still byte-stuffed), the last line's CRLF included, the "." line not.
  std::uint64_t octets() const { return octets_; }

 private:
  // The last bytes seen, to find a terminator that straddles two reads. It
  // starts as the status line's CRLF, so an empty body is just ".\r\n".
  std::string tail_ = "\r\n";
  std::uint64_t fed_ = 0;
  std::uint64_t octets_ = 0;
  bool done_ = false;
};

}  // namespace postamt::bench
