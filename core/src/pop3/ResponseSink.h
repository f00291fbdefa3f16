#pragma once

#include <string_view>

namespace postamt::pop3 {

// Where a session writes its responses. The network layer buffers and sends;
// unit tests collect the bytes. May throw when the peer is gone.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual void write(std::string_view bytes) = 0;
};

// Runs `write`, which writes to a sink; if anything in it throws (a sink whose
// peer is gone, a failing store), `close` runs first, so a session never stays
// open with a half-written response. Shared by the POP3 and LMTP sessions.
template <typename Close, typename Write>
void closeIfWriteThrows(Close&& close, Write&& write) {
  try {
    write();
  } catch (...) {
    close();
    throw;
  }
}

}  // namespace postamt::pop3
