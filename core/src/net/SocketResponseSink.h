#pragma once

#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>

#include <string>

#include "pop3/ResponseSink.h"

namespace postamt::net {

// Collects a session's responses and sends them in large writes: one send
// per pipelined batch instead of one per line, and bounded memory for a big
// RETR (a write that would take the buffer past kFlushThreshold flushes it
// and is sent as it is).
class SocketResponseSink : public pop3::ResponseSink {
 public:
  explicit SocketResponseSink(Poco::Net::StreamSocket& socket);

  void write(std::string_view bytes) override;
  void flush();
  // Drops what is buffered unsent: the responses a client lost the right to by hanging up during its penalty.
  void discard();

 private:
  void send(std::string_view bytes);

  static constexpr std::size_t kFlushThreshold = 64 * 1024;
  Poco::Net::StreamSocket& socket_;
  std::string buffer_;
};

}  // namespace postamt::net
