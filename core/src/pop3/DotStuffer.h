#pragma once

#include <string_view>

#include "pop3/ResponseSink.h"

namespace postamt::pop3 {

// Writes the body of a multi-line response (RFC 1939 section 3): every line that begins with "." gets one more "."
// in front, and ".\r\n" ends the response. The body may come in chunks split anywhere: whether the next octet starts
// a line is remembered from one chunk to the next.
class DotStuffer {
 public:
  explicit DotStuffer(ResponseSink& sink);

  void write(std::string_view bytes);
  // Ends a last line left without its CRLF, then writes the terminating ".\r\n".
  void finish();

 private:
  ResponseSink& sink_;
  bool atLineStart_ = true;
};

}  // namespace postamt::pop3
