#include "net/SocketResponseSink.h"

namespace postamt::net {

SocketResponseSink::SocketResponseSink(Poco::Net::StreamSocket& socket) : socket_(socket) { buffer_.reserve(kFlushThreshold); }

void SocketResponseSink::write(std::string_view bytes) {
  buffer_.append(bytes);
  if (buffer_.size() >= kFlushThreshold) flush();
}

void SocketResponseSink::flush() {
  std::size_t sent = 0;
  while (sent < buffer_.size()) {
    // Blocks while the client does not read: the socket's send timeout ends a
    // client that stalls forever.
    const int n = socket_.sendBytes(buffer_.data() + sent, static_cast<int>(buffer_.size() - sent));
    if (n <= 0) throw Poco::Net::NetException("peer stopped accepting data");
    sent += static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

}  // namespace postamt::net
